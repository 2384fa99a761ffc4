//! A speaker that only writes down what it was asked to say, for tests of the guidance.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{render, HeadphonesCallback, Language, Speaker, Utterance};

/// Records each [`Speaker::say`] as (language, what a citizen would hear, one string per
/// utterance as [`render`] writes it); clones share the record.
#[derive(Clone, Default)]
pub struct RecordingSpeaker {
    inner: Arc<Mutex<Record>>,
}

#[derive(Default)]
struct Record {
    said: Vec<(Language, Vec<String>)>,
    stops: usize,
    plugged: bool,
    callbacks: Vec<HeadphonesCallback>,
}

impl RecordingSpeaker {
    /// A speaker with nothing said and headphones out.
    pub fn new() -> RecordingSpeaker {
        RecordingSpeaker::default()
    }

    fn record(&self) -> MutexGuard<'_, Record> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Everything said so far, oldest first.
    pub fn said(&self) -> Vec<(Language, Vec<String>)> {
        self.record().said.clone()
    }

    /// Everything said so far, forgetting it.
    pub fn take(&self) -> Vec<(Language, Vec<String>)> {
        std::mem::take(&mut self.record().said)
    }

    /// The last thing said, if any.
    pub fn last(&self) -> Option<(Language, Vec<String>)> {
        self.record().said.last().cloned()
    }

    /// How many times [`Speaker::stop`] was called.
    pub fn stops(&self) -> usize {
        self.record().stops
    }

    /// Plugs headphones in or out, telling the callbacks when it is a change.
    pub fn set_headphones(&self, plugged: bool) {
        let mut r = self.record();
        if r.plugged != plugged {
            r.plugged = plugged;
            for callback in &r.callbacks {
                callback(plugged);
            }
        }
    }
}

impl Speaker for RecordingSpeaker {
    fn say(&self, lang: Language, utterances: Vec<Utterance>) {
        let heard = utterances.iter().filter_map(|u| render(lang, u)).collect();
        self.record().said.push((lang, heard));
    }

    fn stop(&self) {
        self.record().stops += 1;
    }

    fn headphones_plugged(&self) -> bool {
        self.record().plugged
    }

    fn on_headphones(&self, callback: HeadphonesCallback) {
        self.record().callbacks.push(callback);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_what_a_citizen_would_hear() {
        let speaker = RecordingSpeaker::new();
        let seen = speaker.clone();
        speaker.say(
            Language::Vi,
            vec![
                Utterance::Clip("g_ticket"),
                Utterance::Label("A012".into()),
                Utterance::Pause(300),
                Utterance::Clip("g_ahead"),
                Utterance::Number(3),
                Utterance::Clip("g_wait_at"),
                Utterance::Text("hàng ghế chờ tầng 1".into()),
            ],
        );
        speaker.say(Language::En, vec![Utterance::Clip("g_home")]);
        speaker.stop();
        assert_eq!(
            seen.said(),
            [
                (
                    Language::Vi,
                    vec![
                        "Số thứ tự của bạn là".to_string(),
                        "A012".into(),
                        "Số người chờ trước bạn:".into(),
                        "3".into(),
                        "Xin mời bạn chờ tại".into(),
                        "hàng ghế chờ tầng 1".into(),
                    ]
                ),
                (Language::En, vec!["Home.".to_string()]),
            ]
        );
        assert_eq!(seen.last().unwrap().1, ["Home."]);
        assert_eq!(seen.stops(), 1);
        assert_eq!(seen.take().len(), 2);
        assert!(seen.said().is_empty());
    }

    #[test]
    fn simulates_headphones() {
        let speaker = RecordingSpeaker::new();
        let (tx, rx) = std::sync::mpsc::channel();
        speaker.on_headphones(Box::new(move |p| tx.send(p).unwrap()));
        assert!(!speaker.headphones_plugged());
        speaker.set_headphones(true);
        speaker.set_headphones(true);
        speaker.set_headphones(false);
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [true, false]);
    }
}
