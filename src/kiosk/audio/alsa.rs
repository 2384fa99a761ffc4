//! The board's speaker: a thread that turns utterances into one WAV and plays it through
//! the configured player (`aplay`), to the headphones while they are plugged in.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::jack::{self, Headphones};
use super::process::{self, Job, Outcome};
use super::resolve::{self, Part};
use super::synth::{Synth, SynthError};
use super::{wav, HeadphonesCallback, Language, Speaker, Utterance};
use crate::config::AudioConfig;

/// What the speaker's thread is asked to do.
enum Command {
    Say(Language, Vec<Utterance>),
    Stop,
}

/// Plays speech through ALSA with subprocesses: the configured player for the sound, the
/// configured synthesiser for text, `amixer` for the headphone jack. Calls return at once;
/// a missing program is logged once and otherwise ignored.
pub struct AlsaSpeaker {
    commands: Option<mpsc::Sender<Command>>,
    headphones: Arc<Headphones>,
    worker: Option<JoinHandle<()>>,
    /// Dropping it stops the jack's polling.
    _jack: Option<mpsc::Sender<()>>,
}

impl AlsaSpeaker {
    /// Starts the speaker for `config`; with `enabled = false` it stays silent.
    pub fn new(config: &AudioConfig) -> AlsaSpeaker {
        AlsaSpeaker::with_mixer(config, "amixer")
    }

    /// As [`AlsaSpeaker::new`], reading the jack with `mixer` in place of `amixer` (tests
    /// give a script that answers as amixer would).
    pub fn with_mixer(config: &AudioConfig, mixer: &str) -> AlsaSpeaker {
        let headphones = Arc::new(Headphones::default());
        if !config.enabled {
            log::info!(event = "audio_off"; "voice guidance is off (audio.enabled = false)");
            return AlsaSpeaker {
                commands: None,
                headphones,
                worker: None,
                _jack: None,
            };
        }
        let jack = match (&config.headphones_jack, &config.headphones_device) {
            (Some(control), Some(_)) => {
                let argv = [
                    mixer,
                    "-c",
                    &config.card,
                    "cget",
                    &format!("name={control}"),
                ]
                .map(str::to_string)
                .to_vec();
                Some(jack::watch(argv, Arc::clone(&headphones), jack::INTERVAL))
            }
            _ => None,
        };
        let (tx, rx) = mpsc::channel();
        let worker = Worker {
            commands: rx,
            pending: None,
            closed: false,
            player: config.player.clone(),
            device: config.device.clone(),
            headphones_device: config.headphones_device.clone(),
            headphones: Arc::clone(&headphones),
            synth: Synth::new(config.synth.clone()),
            player_failing: false,
            synth_failing: false,
        };
        let spawned = std::thread::Builder::new()
            .name("speaker".into())
            .spawn(move || worker.run());
        let (commands, worker) = match spawned {
            Ok(handle) => (Some(tx), Some(handle)),
            Err(e) => {
                log::error!(event = "audio_player_failed"; "cannot start the speaker's thread: {e}");
                (None, None)
            }
        };
        AlsaSpeaker {
            commands,
            headphones,
            worker,
            _jack: jack,
        }
    }

    fn send(&self, command: Command) {
        if let Some(tx) = &self.commands {
            // The thread ends only when this speaker is dropped.
            let _ = tx.send(command);
        }
    }
}

impl Speaker for AlsaSpeaker {
    fn say(&self, lang: Language, utterances: Vec<Utterance>) {
        self.send(Command::Say(lang, utterances));
    }

    fn stop(&self) {
        self.send(Command::Stop);
    }

    fn headphones_plugged(&self) -> bool {
        self.headphones.plugged.load(Ordering::SeqCst)
    }

    fn on_headphones(&self, callback: HeadphonesCallback) {
        self.headphones
            .callbacks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(callback);
    }
}

impl Drop for AlsaSpeaker {
    fn drop(&mut self) {
        // A closed channel makes the thread kill its child and end, at once.
        self.commands = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The speaker's thread and what it keeps between commands.
struct Worker {
    commands: mpsc::Receiver<Command>,
    /// A command that cut off the one in hand, to do next.
    pending: Option<Command>,
    /// The speaker was dropped.
    closed: bool,
    player: Vec<String>,
    device: String,
    headphones_device: Option<String>,
    headphones: Arc<Headphones>,
    synth: Synth,
    /// Set after a logged failure, so a missing program is logged once, not every time.
    player_failing: bool,
    synth_failing: bool,
}

impl Worker {
    fn run(mut self) {
        while let Some(command) = self.next() {
            if let Command::Say(lang, utterances) = command {
                self.say(lang, utterances);
            }
        }
    }

    /// The newest command: older ones would be cut off by it at once.
    fn next(&mut self) -> Option<Command> {
        let mut command = match self.pending.take() {
            Some(c) => c,
            None if self.closed => return None,
            None => self.commands.recv().ok()?,
        };
        loop {
            match self.commands.try_recv() {
                Ok(newer) => command = newer,
                Err(TryRecvError::Empty) => return Some(command),
                // Dropped: nothing more to say.
                Err(TryRecvError::Disconnected) => return None,
            }
        }
    }

    fn say(&mut self, lang: Language, utterances: Vec<Utterance>) {
        let mut pcm = Vec::new();
        for part in resolve::parts(lang, utterances) {
            match part {
                Part::Clip(data) => pcm.extend_from_slice(data),
                Part::Pause(ms) => pcm.extend(wav::silence(ms)),
                Part::Text(text) => {
                    let (commands, pending, closed) =
                        (&self.commands, &mut self.pending, &mut self.closed);
                    let mut wait = |d| interrupted(commands, pending, closed, d);
                    match self.synth.speak(lang, &text, &mut wait) {
                        Ok(speech) => {
                            self.synth_failing = false;
                            pcm.extend_from_slice(&speech);
                        }
                        Err(SynthError::Interrupted) => return,
                        // The rest is still worth hearing: the number, the phrases.
                        Err(SynthError::Failed(why)) => {
                            if !std::mem::replace(&mut self.synth_failing, true) {
                                log::error!(event = "audio_synth_failed";
                                    "cannot synthesise speech, names are left out: {why}");
                            }
                        }
                    }
                }
            }
        }
        if !pcm.is_empty() {
            self.play(pcm);
        }
    }

    /// Plays samples until they end or a command cuts them off.
    fn play(&mut self, pcm: Vec<u8>) {
        let device = match (
            &self.headphones_device,
            self.headphones.plugged.load(Ordering::SeqCst),
        ) {
            (Some(headphones), true) => headphones,
            _ => &self.device,
        };
        let argv: Vec<String> = self
            .player
            .iter()
            .map(|a| a.replace("{device}", device))
            .collect();
        let seconds = (pcm.len() / 2) as u64 / u64::from(wav::SAMPLE_RATE);
        let mut bytes = wav::header(pcm.len());
        bytes.extend(pcm);
        let job = Job {
            argv: &argv,
            input: Some(bytes),
            capture_stdout: false,
            quote_stderr: true,
            // A player stuck on a busy device gives way after the sound's length and more.
            timeout: Duration::from_secs(seconds + 10),
        };
        let (commands, pending, closed) = (&self.commands, &mut self.pending, &mut self.closed);
        match process::run(job, &mut |d| interrupted(commands, pending, closed, d)) {
            Outcome::Done(_) => self.player_failing = false,
            Outcome::Interrupted => {}
            Outcome::Failed(why) => {
                if !std::mem::replace(&mut self.player_failing, true) {
                    log::error!(event = "audio_player_failed"; "cannot play speech: {why}");
                }
            }
        }
    }
}

/// Waits up to `d` for a command; `true` when one came (kept in `pending`) or the speaker
/// was dropped.
fn interrupted(
    commands: &mpsc::Receiver<Command>,
    pending: &mut Option<Command>,
    closed: &mut bool,
    d: Duration,
) -> bool {
    match commands.recv_timeout(d) {
        Ok(command) => {
            *pending = Some(command);
            true
        }
        Err(RecvTimeoutError::Timeout) => false,
        Err(RecvTimeoutError::Disconnected) => {
            *closed = true;
            true
        }
    }
}
