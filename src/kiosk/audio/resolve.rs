//! From utterances to what is played: recorded clips found by name in the language, numbers
//! and labels as clips, and text left for the synthesiser.

use super::{wav, Language, Utterance};
use crate::assets::{GUIDE_EN, GUIDE_VI, VOICE};
use crate::domain::{phrases, speech};

/// A piece of the sound to play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// A recorded clip's samples.
    Clip(&'static [u8]),
    /// Text to synthesise.
    Text(String),
    /// Silence, in milliseconds.
    Pause(u32),
}

/// The embedded WAV of a clip in `lang`: the guidance's own, else the board's (its numbers,
/// letters and chime, which Vietnamese numbers and labels are read with).
pub(super) fn clip_wav(lang: Language, name: &str) -> Option<&'static [u8]> {
    let guide = match lang {
        Language::Vi => GUIDE_VI,
        Language::En => GUIDE_EN,
    };
    guide
        .iter()
        .chain(VOICE)
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// The clip names that read a number in `lang`.
fn number_clips(lang: Language, n: u64) -> Vec<&'static str> {
    match lang {
        Language::Vi => speech::number_words_u64(n),
        Language::En => phrases::number_words_en(n),
    }
}

/// The clip names that read a ticket label in `lang`.
fn label_clips(lang: Language, label: &str) -> Vec<&'static str> {
    match lang {
        Language::Vi => speech::label_words(label),
        Language::En => phrases::label_words_en(label),
    }
}

/// The parts that say `utterances`; a clip with no recording is left out with a warning
/// (a programming mistake the clip tests catch), as is empty text.
pub(super) fn parts(lang: Language, utterances: Vec<Utterance>) -> Vec<Part> {
    let mut out = Vec::new();
    let clip = |name: &str, out: &mut Vec<Part>| match clip_wav(lang, name).map(wav::data_chunk) {
        Some(Ok(data)) => out.push(Part::Clip(data)),
        Some(Err(e)) => log::warn!(event = "audio_clip_bad", clip = name; "clip {name}: {e}"),
        None => log::warn!(event = "audio_clip_missing", clip = name; "no clip {name} in {lang:?}"),
    };
    for u in utterances {
        match u {
            Utterance::Clip(name) => clip(name, &mut out),
            Utterance::Number(n) => {
                for name in number_clips(lang, n) {
                    clip(name, &mut out);
                }
            }
            Utterance::Label(label) => {
                for name in label_clips(lang, &label) {
                    clip(name, &mut out);
                }
            }
            Utterance::Text(text) if text.trim().is_empty() => {}
            Utterance::Text(text) => out.push(Part::Text(text)),
            Utterance::Pause(0) => {}
            Utterance::Pause(ms) => out.push(Part::Pause(ms)),
        }
    }
    out
}

/// An utterance as a readable string, for tests and `RecordingSpeaker`: a clip as the text
/// it says in `lang` ("Trang chính.", or "[name]" when it has none), text as itself, a
/// number as its digits, a label as written; a pause as `None`, so timing is not asserted.
pub fn render(lang: Language, u: &Utterance) -> Option<String> {
    Some(match u {
        Utterance::Clip(name) => {
            clip_text(lang, name).map_or_else(|| format!("[{name}]"), str::to_string)
        }
        Utterance::Text(text) => text.clone(),
        Utterance::Number(n) => n.to_string(),
        Utterance::Label(label) => label.clone(),
        Utterance::Pause(_) => return None,
    })
}

/// The text a clip says in `lang`, when it has a recording there.
fn clip_text(lang: Language, name: &str) -> Option<&'static str> {
    clip_wav(lang, name)?;
    phrases::clip_text(name, lang == Language::En).or_else(|| {
        speech::CLIPS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn names(table: &[(&str, &[u8])]) -> BTreeSet<String> {
        table.iter().map(|(n, _)| n.to_string()).collect()
    }

    #[test]
    fn every_guide_clip_is_recorded_in_its_languages_and_none_is_stray() {
        let listed_vi: BTreeSet<String> = phrases::PHRASES
            .iter()
            .map(|(n, _, _)| n.to_string())
            .collect();
        let mut listed_en = listed_vi.clone();
        listed_en.extend(
            phrases::EN_NUMBER_CLIPS
                .iter()
                .chain(phrases::EN_LETTER_CLIPS)
                .map(|(n, _)| n.to_string()),
        );
        assert_eq!(names(GUIDE_VI), listed_vi, "guide/vi against PHRASES");
        assert_eq!(
            names(GUIDE_EN),
            listed_en,
            "guide/en against PHRASES and the English lists"
        );
        for (name, bytes) in GUIDE_VI.iter().chain(GUIDE_EN) {
            let data = wav::data_chunk(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let seconds = data.len() as f64 / 2.0 / f64::from(wav::SAMPLE_RATE);
            assert!((0.2..=10.0).contains(&seconds), "{name}: {seconds:.2} s");
        }
    }

    #[test]
    fn numbers_and_labels_have_clips_in_both_languages() {
        for lang in [Language::Vi, Language::En] {
            let mut used = BTreeSet::new();
            for n in (0..=1100).chain([1_000_000, 999_999_999, u64::MAX]) {
                used.extend(number_clips(lang, n));
            }
            used.extend(label_clips(lang, "ABCDĐEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
            for name in used {
                let bytes = clip_wav(lang, name).unwrap_or_else(|| panic!("{lang:?}: no {name}"));
                wav::data_chunk(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }

    #[test]
    fn utterances_become_clips_text_and_pauses() {
        let got = parts(
            Language::En,
            vec![
                Utterance::Clip("g_ticket"),
                Utterance::Label("A012".into()),
                Utterance::Pause(200),
                Utterance::Text("Birth registration".into()),
                Utterance::Text("  ".into()),
                Utterance::Clip("no_such_clip"),
                Utterance::Number(3),
            ],
        );
        let clip =
            |name| Part::Clip(wav::data_chunk(clip_wav(Language::En, name).unwrap()).unwrap());
        assert_eq!(
            got,
            [
                clip("g_ticket"),
                clip("en_letter_a"),
                clip("en_twelve"),
                Part::Pause(200),
                Part::Text("Birth registration".into()),
                clip("en_three"),
            ]
        );
        let vi = parts(Language::Vi, vec![Utterance::Label("A012".into())]);
        assert_eq!(vi.len(), 3, "a mười hai");
    }

    #[test]
    fn renders_what_a_citizen_hears() {
        let r = |lang, u: Utterance| render(lang, &u);
        assert_eq!(
            r(Language::Vi, Utterance::Clip("g_home")).as_deref(),
            Some("Trang chính.")
        );
        assert_eq!(
            r(Language::En, Utterance::Clip("g_home")).as_deref(),
            Some("Home.")
        );
        assert_eq!(
            r(Language::En, Utterance::Clip("en_seven")).as_deref(),
            Some("seven")
        );
        assert_eq!(
            r(Language::Vi, Utterance::Clip("muoi")).as_deref(),
            Some("mười")
        );
        assert_eq!(
            r(Language::Vi, Utterance::Clip("en_seven")).as_deref(),
            Some("[en_seven]")
        );
        assert_eq!(
            r(Language::Vi, Utterance::Clip("nope")).as_deref(),
            Some("[nope]")
        );
        assert_eq!(
            r(Language::Vi, Utterance::Number(12)).as_deref(),
            Some("12")
        );
        assert_eq!(
            r(Language::Vi, Utterance::Label("A012".into())).as_deref(),
            Some("A012")
        );
        assert_eq!(
            r(Language::Vi, Utterance::Text("Hộ tịch".into())).as_deref(),
            Some("Hộ tịch")
        );
        assert_eq!(r(Language::Vi, Utterance::Pause(300)), None);
    }
}
