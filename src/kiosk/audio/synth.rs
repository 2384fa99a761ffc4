//! Run-time speech for what cannot be recorded in advance (names from the synced catalogue,
//! the configured waiting area): the configured synthesiser, its WAV made like the clips,
//! kept in a bounded cache since the same names come back all day.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::process::{self, Job, Outcome};
use super::{voice, wav, Language};

/// Entries the cache keeps at most.
const MAX_ENTRIES: usize = 200;
/// Bytes of samples the cache keeps at most (about 4 minutes of speech).
const MAX_BYTES: usize = 8 << 20;
/// Characters synthesised at most: a procedure's name, not a page.
const MAX_CHARS: usize = 400;
/// How long the synthesiser may take for one text.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why there is no speech for a text.
#[derive(Debug)]
pub(super) enum SynthError {
    /// A newer command came: stop working on this one.
    Interrupted,
    /// The synthesiser is missing, failed, or wrote no WAV.
    Failed(String),
}

/// The synthesiser and its cache.
pub(super) struct Synth {
    argv: Vec<String>,
    cache: Cache,
}

impl Synth {
    /// A synthesiser run as `argv` (`{voice}` and `{text}` replaced; without `{text}` the
    /// text goes on stdin).
    pub(super) fn new(argv: Vec<String>) -> Synth {
        Synth {
            argv,
            cache: Cache::default(),
        }
    }

    /// The samples (16 kHz mono 16-bit) that say `text` in `lang`. `wait` is called while
    /// the synthesiser runs and cuts it off by returning `true`.
    pub(super) fn speak(
        &mut self,
        lang: Language,
        text: &str,
        wait: &mut dyn FnMut(Duration) -> bool,
    ) -> Result<Arc<Vec<u8>>, SynthError> {
        let text = clean(text);
        let key = (lang, text);
        if let Some(pcm) = self.cache.get(&key) {
            return Ok(pcm);
        }
        let (argv, input) = self.command(lang, &key.1);
        let job = Job {
            argv: &argv,
            input,
            capture_stdout: true,
            quote_stderr: false,
            timeout: TIMEOUT,
        };
        let out = match process::run(job, wait) {
            Outcome::Done(out) => out,
            Outcome::Interrupted => return Err(SynthError::Interrupted),
            Outcome::Failed(why) => return Err(SynthError::Failed(why)),
        };
        let parsed = wav::parse(&out).map_err(|e| {
            SynthError::Failed(format!("{:?} wrote no usable WAV: {e}", self.argv[0]))
        })?;
        let pcm = Arc::new(wav::speech_like_clips(&parsed));
        self.cache.put(key, Arc::clone(&pcm));
        Ok(pcm)
    }

    /// The argument vector for one text, and what goes on stdin.
    fn command(&self, lang: Language, text: &str) -> (Vec<String>, Option<Vec<u8>>) {
        let mut on_stdin = true;
        let argv = self
            .argv
            .iter()
            .map(|a| {
                if a.contains("{text}") {
                    on_stdin = false;
                }
                // A leading space keeps a text that starts with '-' from being read as an
                // option; synthesisers skip it.
                let text = if text.starts_with('-') {
                    format!(" {text}")
                } else {
                    text.to_string()
                };
                a.replace("{voice}", voice(lang)).replace("{text}", &text)
            })
            .collect();
        (argv, on_stdin.then(|| text.as_bytes().to_vec()))
    }

    /// Entries in the cache, for tests.
    #[cfg(test)]
    fn cached(&self) -> usize {
        self.cache.map.len()
    }
}

/// One line of plain text: control characters (a newline would end espeak-ng's input
/// early, an escape could mean markup) become spaces, and the length is bounded.
fn clean(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CHARS)
        .collect();
    crate::domain::text::nfc(line.trim())
}

/// What a text was said in, and the text.
type Key = (Language, String);

/// Least-recently-used synthesised speech, bounded in entries and bytes: each entry's
/// samples and when it was last used.
#[derive(Default)]
struct Cache {
    map: HashMap<Key, (Arc<Vec<u8>>, u64)>,
    bytes: usize,
    clock: u64,
}

impl Cache {
    fn get(&mut self, key: &Key) -> Option<Arc<Vec<u8>>> {
        self.clock += 1;
        let (pcm, used) = self.map.get_mut(key)?;
        *used = self.clock;
        Some(Arc::clone(pcm))
    }

    fn put(&mut self, key: Key, pcm: Arc<Vec<u8>>) {
        if pcm.len() > MAX_BYTES {
            return;
        }
        self.clock += 1;
        self.bytes += pcm.len();
        if let Some((old, _)) = self.map.insert(key, (pcm, self.clock)) {
            self.bytes -= old.len();
        }
        while self.map.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            // A linear scan: 200 entries, once per new text.
            let Some(oldest) = self
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((old, _)) = self.map.remove(&oldest) {
                self.bytes -= old.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(d: Duration) -> bool {
        std::thread::sleep(d);
        false
    }

    /// A fake synthesiser: writes a 22.05 kHz WAV with one loud sample per byte of its stdin,
    /// and logs each run's arguments to `log`.
    fn fake(dir: &std::path::Path) -> Vec<String> {
        let script = dir.join("synth.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/runs\"\n\
             n=$(wc -c | tr -d ' ')\n\
             printf 'RIFF\\377\\377\\377\\177WAVEfmt \\020\\000\\000\\000\\001\\000\\001\\000\\042\\126\\000\\000\\104\\254\\000\\000\\002\\000\\020\\000data\\377\\377\\377\\177'\n\
             i=0; while [ $i -lt $n ]; do printf '\\020\\047'; i=$((i+1)); done\n",
        )
        .unwrap();
        vec![
            "sh".into(),
            script.display().to_string(),
            "-v".into(),
            "{voice}".into(),
        ]
    }

    #[test]
    fn synthesises_through_stdin_and_caches() {
        let dir = tempfile::tempdir().unwrap();
        let mut synth = Synth::new(fake(dir.path()));
        let a = synth.speak(Language::Vi, "Hộ tịch", &mut never).unwrap();
        // "Hộ tịch" is 11 bytes: 11 samples at 22050 Hz → 7 at 16 kHz, plus 50 ms of padding.
        assert_eq!(a.len(), 2 * (7 + 800));
        let again = synth.speak(Language::Vi, " Hộ tịch\n", &mut never).unwrap();
        assert!(Arc::ptr_eq(&a, &again), "cached, whatever the spacing");
        synth.speak(Language::En, "Hộ tịch", &mut never).unwrap();
        let runs = std::fs::read_to_string(dir.path().join("runs")).unwrap();
        assert_eq!(runs, "-v vi\n-v en-us\n");
        assert_eq!(synth.cached(), 2);
    }

    #[test]
    fn text_as_an_argument_cannot_pass_for_an_option() {
        let synth = Synth::new(vec![
            "espeak-ng".into(),
            "-v".into(),
            "{voice}".into(),
            "{text}".into(),
        ]);
        let (argv, input) = synth.command(Language::En, "-w /etc/x");
        assert_eq!(argv, ["espeak-ng", "-v", "en-us", " -w /etc/x"]);
        assert_eq!(input, None);
        assert_eq!(clean("a\nb\u{1b}[0m"), "a b [0m");
        assert_eq!(clean(&"x".repeat(1000)).len(), MAX_CHARS);
    }

    #[test]
    fn a_missing_or_broken_synthesiser_is_an_error() {
        let mut synth = Synth::new(vec!["/nonexistent/espeak-ng".into()]);
        let e = synth.speak(Language::Vi, "x", &mut never).unwrap_err();
        assert!(
            matches!(e, SynthError::Failed(ref w) if w.contains("cannot start")),
            "{e:?}"
        );
        let mut synth = Synth::new(vec!["echo".into(), "not a wav".into()]);
        let e = synth.speak(Language::Vi, "x", &mut never).unwrap_err();
        assert!(
            matches!(e, SynthError::Failed(ref w) if w.contains("no usable WAV")),
            "{e:?}"
        );
    }

    #[test]
    fn the_cache_forgets_the_least_recently_used() {
        let mut cache = Cache::default();
        let key = |i: usize| (Language::Vi, i.to_string());
        for i in 0..MAX_ENTRIES {
            cache.put(key(i), Arc::new(vec![0; 10]));
        }
        assert!(cache.get(&key(0)).is_some());
        cache.put(key(MAX_ENTRIES), Arc::new(vec![0; 10]));
        assert_eq!(cache.map.len(), MAX_ENTRIES);
        assert!(cache.get(&key(0)).is_some(), "used recently");
        assert!(cache.get(&key(1)).is_none(), "the oldest went");
        cache.put(key(9999), Arc::new(vec![0; MAX_BYTES - 100]));
        assert!(cache.bytes <= MAX_BYTES);
        assert!(cache.get(&key(9999)).is_some());
        cache.put(key(10_000), Arc::new(vec![0; MAX_BYTES + 1]));
        assert!(cache.get(&key(10_000)).is_none(), "too big to keep");
    }
}
