//! Whether headphones are plugged in, from the ALSA jack control, polled off the UI thread:
//! `amixer -c CARD cget name='Headphone Jack'` says `: values=on` while they are.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::process::{self, Job, Outcome};
use super::HeadphonesCallback;

/// How often the jack is read.
pub(super) const INTERVAL: Duration = Duration::from_secs(1);
/// How long one reading may take.
const TIMEOUT: Duration = Duration::from_secs(2);

/// The plug state and who wants to hear of changes, shared with the speaker.
#[derive(Default)]
pub(super) struct Headphones {
    pub(super) plugged: AtomicBool,
    pub(super) callbacks: Mutex<Vec<HeadphonesCallback>>,
}

impl Headphones {
    /// Stores a reading, telling every callback when it is a change.
    pub(super) fn set(&self, plugged: bool) {
        if self.plugged.swap(plugged, Ordering::SeqCst) != plugged {
            log::info!(event = "headphones", plugged; "headphones {}", if plugged { "plugged in" } else { "unplugged" });
            for callback in self
                .callbacks
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
            {
                callback(plugged);
            }
        }
    }
}

/// Whether `amixer cget` output says the jack is on: the value line `: values=on`.
/// `None` when the output has no boolean value line.
pub fn parse_jack(output: &str) -> Option<bool> {
    output.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix(':')?
            .trim()
            .strip_prefix("values=")?;
        match value.split(',').next()?.trim() {
            "on" => Some(true),
            "off" => Some(false),
            _ => None,
        }
    })
}

/// Polls the jack on a thread until the returned sender is dropped.
pub(super) fn watch(
    argv: Vec<String>,
    headphones: Arc<Headphones>,
    interval: Duration,
) -> mpsc::Sender<()> {
    let (stop, stopped) = mpsc::channel::<()>();
    let spawned = std::thread::Builder::new()
        .name("headphone jack".into())
        .spawn(move || {
            let mut warned = false;
            let mut wait = |d: Duration| {
                !matches!(stopped.recv_timeout(d), Err(RecvTimeoutError::Timeout))
            };
            loop {
                let job = Job {
                    argv: &argv,
                    input: None,
                    capture_stdout: true,
                    quote_stderr: true,
                    timeout: TIMEOUT,
                };
                let reading = match process::run(job, &mut wait) {
                    Outcome::Done(out) => parse_jack(&String::from_utf8_lossy(&out))
                        .ok_or_else(|| "no values=on or values=off in its output".to_string()),
                    Outcome::Interrupted => return,
                    Outcome::Failed(why) => Err(why),
                };
                match reading {
                    Ok(plugged) => {
                        warned = false;
                        headphones.set(plugged);
                    }
                    Err(why) => {
                        if !warned {
                            log::warn!(event = "headphone_jack_unreadable";
                                "cannot read the headphone jack ({why}); playing on the loudspeaker");
                            warned = true;
                        }
                        headphones.set(false);
                    }
                }
                if wait(interval) {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        log::error!(event = "headphone_jack_unreadable"; "cannot start the headphone jack thread: {e}");
    }
    stop
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_amixer_cget_output() {
        let on = "numid=18,iface=CARD,name='Headphone Jack'\n  ; type=BOOLEAN,access=r-------,values=1\n  : values=on\n";
        assert_eq!(parse_jack(on), Some(true));
        assert_eq!(parse_jack(&on.replace("=on", "=off")), Some(false));
        assert_eq!(
            parse_jack("amixer: Cannot find the given element from control hw:0\n"),
            None
        );
        assert_eq!(parse_jack("  : values=3\n"), None);
        assert_eq!(parse_jack(""), None);
    }

    #[test]
    fn a_plug_in_is_told_once_and_an_unreadable_jack_is_unplugged() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("jack");
        std::fs::write(&state, "  : values=off\n").unwrap();
        let headphones = Arc::new(Headphones::default());
        let (tx, rx) = mpsc::channel();
        headphones
            .callbacks
            .lock()
            .unwrap()
            .push(Box::new(move |p| tx.send(p).unwrap()));
        let argv = vec!["cat".to_string(), state.display().to_string()];
        let stop = watch(argv, Arc::clone(&headphones), Duration::from_millis(20));
        std::thread::sleep(Duration::from_millis(100));
        assert!(!headphones.plugged.load(Ordering::SeqCst));
        std::fs::write(&state, "  : values=on\n").unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
        std::thread::sleep(Duration::from_millis(100));
        assert!(rx.try_recv().is_err(), "one plug-in, one call");
        assert!(headphones.plugged.load(Ordering::SeqCst));
        std::fs::remove_file(&state).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(false));
        drop(stop);
    }
}
