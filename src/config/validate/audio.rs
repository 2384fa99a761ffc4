//! `[audio]`: the spoken guidance's devices, headphone jack and commands, and
//! `kiosk.wait_area`, the place the guidance names.

use toml::Spanned;

use super::{Ctx, Res};
use crate::config::raw::RawAudio;
use crate::config::types::AudioConfig;
use crate::domain::text::nfc;

/// The placeholders each command may hold.
const PLAYER_PLACEHOLDERS: &[&str] = &["{device}"];
const SYNTH_PLACEHOLDERS: &[&str] = &["{voice}", "{text}"];

/// The longest waiting area said aloud: a place, not a paragraph.
const MAX_WAIT_AREA_CHARS: usize = 100;

impl Ctx<'_> {
    /// `[audio]`, or the defaults.
    pub(super) fn audio(&self, raw: Option<RawAudio>) -> Res<AudioConfig> {
        let mut a = AudioConfig::default();
        let Some(raw) = raw else { return Ok(a) };
        if let Some(e) = raw.enabled {
            a.enabled = e;
        }
        if let Some(d) = &raw.device {
            a.device = self.alsa_name(d, "audio.device")?;
        }
        if let Some(d) = &raw.headphones_device {
            a.headphones_device = Some(self.alsa_name(d, "audio.headphones_device")?);
        }
        if let Some(c) = &raw.card {
            a.card = self.alsa_name(c, "audio.card")?;
        }
        if let Some(j) = &raw.headphones_jack {
            let v = j.get_ref().trim();
            if v.is_empty() || v.contains(['\'', '\n', '\0']) {
                return Err(self.error(
                    j.span(),
                    "audio.headphones_jack must name a mixer control, e.g. \"Headphone Jack\" \
                     (see `amixer -c 0 controls`)",
                ));
            }
            a.headphones_jack = Some(v.to_string());
        }
        // One without the other would never send the guidance to the headphones.
        match (&raw.headphones_device, &raw.headphones_jack) {
            (Some(d), None) => {
                return Err(self.error(
                    d.span(),
                    "audio.headphones_device needs audio.headphones_jack, the control that \
                     tells when headphones are plugged in",
                ))
            }
            (None, Some(j)) => {
                return Err(self.error(
                    j.span(),
                    "audio.headphones_jack needs audio.headphones_device, where to play \
                     while headphones are plugged in",
                ))
            }
            _ => {}
        }
        if let Some(p) = raw.player {
            a.player = self.argv(p, "audio.player", PLAYER_PLACEHOLDERS)?;
        }
        if let Some(s) = raw.synth {
            a.synth = self.argv(s, "audio.synth", SYNTH_PLACEHOLDERS)?;
        }
        Ok(a)
    }

    /// An ALSA device or card name: not empty, no spaces (ALSA names have none).
    fn alsa_name(&self, v: &Spanned<String>, key: &str) -> Res<String> {
        let s = v.get_ref().trim();
        if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(self.error(
                v.span(),
                format!(
                    "{key} must be an ALSA name such as \"default\" or \"hw:0,0\", without spaces"
                ),
            ));
        }
        Ok(s.to_string())
    }

    /// A command's argument vector: a program and its arguments, with only known placeholders.
    fn argv(
        &self,
        v: Spanned<Vec<Spanned<String>>>,
        key: &str,
        placeholders: &[&str],
    ) -> Res<Vec<String>> {
        let span = v.span();
        let words = v.into_inner();
        match words.first() {
            None => {
                return Err(self.error(
                    span,
                    format!("{key} must name a program: [\"program\", \"argument\", …]"),
                ))
            }
            Some(p) if p.get_ref().trim().is_empty() => {
                return Err(self.error(p.span(), format!("{key}: the program name is empty")))
            }
            _ => {}
        }
        for w in &words {
            if w.get_ref().contains('\0') {
                return Err(self.error(w.span(), format!("{key}: an argument holds a NUL")));
            }
            let mut rest = w.get_ref().as_str();
            while let Some(open) = rest.find('{') {
                let Some(len) = rest[open..].find('}') else {
                    break;
                };
                let token = &rest[open..open + len + 1];
                if !placeholders.contains(&token) {
                    return Err(self.error(
                        w.span(),
                        format!(
                            "{key}: unknown placeholder {token}; use {}",
                            placeholders.join(" or ")
                        ),
                    ));
                }
                rest = &rest[open + len + 1..];
            }
        }
        Ok(words.into_iter().map(Spanned::into_inner).collect())
    }

    /// `kiosk.wait_area`: one short line of text, said aloud and shown.
    pub(super) fn wait_area(&self, v: Spanned<String>) -> Res<String> {
        let s = nfc(v.get_ref().trim());
        if s.is_empty() || s.chars().any(char::is_control) {
            return Err(self.error(
                v.span(),
                "kiosk.wait_area must be one line naming the place, e.g. \"hàng ghế chờ tầng 1\"",
            ));
        }
        if s.chars().count() > MAX_WAIT_AREA_CHARS {
            return Err(self.error(
                v.span(),
                format!("kiosk.wait_area is longer than {MAX_WAIT_AREA_CHARS} characters"),
            ));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{assert_err, AudioConfig, Config};

    fn parse(text: &str) -> Config {
        Config::parse(text, "k.toml").unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn audio_defaults_to_aplay_and_espeak_on_the_default_device() {
        let a = parse("").audio;
        assert_eq!(a, AudioConfig::default());
        assert!(a.enabled);
        assert_eq!(a.device, "default");
        assert_eq!(a.player[0], "aplay");
        assert_eq!(a.synth[0], "espeak-ng");
        assert_eq!((a.headphones_device, a.headphones_jack), (None, None));
        assert_eq!(parse("[audio]\n").audio, AudioConfig::default());
    }

    #[test]
    fn audio_takes_every_key() {
        let a = parse(
            "[audio]\nenabled = false\ndevice = \"plughw:1,0\"\n\
             headphones_device = \"plughw:0,0\"\nheadphones_jack = \"Headphone Jack\"\n\
             card = \"PCH\"\nplayer = [\"/usr/bin/aplay\", \"-D\", \"{device}\", \"-\"]\n\
             synth = [\"espeak-ng\", \"-v\", \"{voice}\", \"--stdout\", \"{text}\"]\n",
        )
        .audio;
        assert!(!a.enabled);
        assert_eq!(a.device, "plughw:1,0");
        assert_eq!(a.headphones_device.as_deref(), Some("plughw:0,0"));
        assert_eq!(a.headphones_jack.as_deref(), Some("Headphone Jack"));
        assert_eq!(a.card, "PCH");
        assert_eq!(a.player, ["/usr/bin/aplay", "-D", "{device}", "-"]);
        assert_eq!(a.synth[4], "{text}");
    }

    #[test]
    fn broken_audio_values_point_at_the_value() {
        assert_err("[audio]\nvolume = 3\n", 2, "volume");
        assert_err("[audio]\nenabled = \"yes\"\n", 2, "");
        assert_err(
            "[audio]\ndevice = \"\"\n",
            2,
            "audio.device must be an ALSA name",
        );
        assert_err("[audio]\ndevice = \"hw 0\"\n", 2, "without spaces");
        assert_err(
            "[audio]\nplayer = []\n",
            2,
            "audio.player must name a program",
        );
        assert_err(
            "[audio]\nplayer = [\"\", \"-\"]\n",
            2,
            "the program name is empty",
        );
        assert_err("[audio]\nplayer = \"aplay -q\"\n", 2, "");
        assert_err(
            "[audio]\nplayer = [\"aplay\",\n  \"-D\", \"{devcie}\"]\n",
            3,
            "unknown placeholder {devcie}; use {device}",
        );
        assert_err(
            "[audio]\nsynth = [\"espeak-ng\", \"{device}\"]\n",
            2,
            "use {voice} or {text}",
        );
        assert_err(
            "[audio]\nheadphones_device = \"hw:0\"\n",
            2,
            "needs audio.headphones_jack",
        );
        assert_err(
            "[audio]\nheadphones_jack = \"Headphone Jack\"\n",
            2,
            "needs audio.headphones_device",
        );
        assert_err(
            "[audio]\nheadphones_device = \"hw:0\"\nheadphones_jack = \"\"\n",
            3,
            "must name a mixer control",
        );
        assert_err("[audio]\ncard = \"\"\n", 2, "audio.card");
    }

    #[test]
    fn the_screen_size_is_a_plausible_diagonal() {
        assert_eq!(Config::default().kiosk.screen_diagonal_mm, None);
        let c = parse("[kiosk]\nscreen_inches = 7\n");
        assert_eq!(c.kiosk.screen_diagonal_mm, Some(178));
        let c = parse("[kiosk]\nscreen_inches = 21.5\n");
        assert_eq!(c.kiosk.screen_diagonal_mm, Some(546));
        assert_err("[kiosk]\nscreen_inches = 0.5\n", 2, "from 3 to 110");
        assert_err("[kiosk]\nscreen_inches = 500.0\n", 2, "from 3 to 110");
    }

    #[test]
    fn the_wait_area_is_one_short_line() {
        assert_eq!(
            Config::default().kiosk.wait_area,
            "khu vực chờ trước các quầy"
        );
        let c = parse("[kiosk]\nwait_area = \"  hàng ghế chờ tầng 1 \"\n");
        assert_eq!(c.kiosk.wait_area, "hàng ghế chờ tầng 1");
        // Decomposed input is stored composed, as all text is.
        let c = parse("[kiosk]\nwait_area = \"ta\u{0300}ng 2\"\n");
        assert_eq!(c.kiosk.wait_area, "t\u{e0}ng 2");
        assert_err(
            "[kiosk]\nwait_area = \"\"\n",
            2,
            "kiosk.wait_area must be one line",
        );
        assert_err("[kiosk]\nwait_area = \"a\\nb\"\n", 2, "one line");
        let long = "x".repeat(101);
        assert_err(
            &format!("[kiosk]\nwait_area = \"{long}\"\n"),
            2,
            "longer than 100",
        );
    }
}
