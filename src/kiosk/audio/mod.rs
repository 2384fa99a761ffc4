//! Spoken guidance for blind citizens: what to say ([`Utterance`]), who says it
//! ([`Speaker`]), and the board's speaker ([`AlsaSpeaker`]) that joins the recorded clips
//! (`crate::assets`) and run-time synthesis into one WAV for an `aplay` subprocess.
//!
//! No audio library is linked: cpal and rodio need libasound2-dev to build, and the default
//! build needs only Rust and a C compiler. Everything is 16 kHz mono 16-bit PCM, the clips'
//! format, so joining is copying.

mod alsa;
mod jack;
mod process;
mod recording;
mod resolve;
mod synth;
mod wav;

pub use crate::config::Language;
pub use alsa::AlsaSpeaker;
pub use jack::parse_jack;
pub use recording::RecordingSpeaker;
pub use resolve::render;
pub use wav::{data_chunk, SAMPLE_RATE};

/// One piece of speech, said in the language of the [`Speaker::say`] call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Utterance {
    /// A recorded clip by name: a guidance phrase (`domain::phrases`) or a board clip.
    Clip(&'static str),
    /// Text synthesised at run time: a name from the catalogue, the waiting area.
    Text(String),
    /// A number, read in words.
    Number(u64),
    /// A ticket label such as "A012": each letter by its name, then the number.
    Label(String),
    /// Silence, in milliseconds.
    Pause(u32),
}

/// Called with the new state whenever headphones are plugged in (`true`) or out (`false`),
/// on a background thread (so a UI reacts through `slint::invoke_from_event_loop`); it must
/// not call [`Speaker::on_headphones`] itself.
pub type HeadphonesCallback = Box<dyn Fn(bool) + Send + 'static>;

/// Says utterances; never blocks the caller.
pub trait Speaker {
    /// Says `utterances` in `lang`, cutting off whatever is being said: speech is never
    /// queued behind old speech (an empty list just cuts it off).
    fn say(&self, lang: Language, utterances: Vec<Utterance>);

    /// Stops speaking.
    fn stop(&self);

    /// Whether headphones are plugged in now; `false` when there is no way to know.
    fn headphones_plugged(&self) -> bool {
        false
    }

    /// Adds a callback told of every plug-in and plug-out from now on. Headphones already
    /// in when the speaker starts count as a plug-in at its first reading of the jack; a
    /// callback added later reads [`Speaker::headphones_plugged`] for the state so far.
    fn on_headphones(&self, callback: HeadphonesCallback) {
        drop(callback);
    }
}

/// espeak-ng's voice for a language: northern Vietnamese, or American English.
pub fn voice(lang: Language) -> &'static str {
    match lang {
        Language::Vi => "vi",
        Language::En => "en-us",
    }
}
