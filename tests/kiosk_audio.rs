//! The kiosk's speaker with real subprocesses: players that write what they are given to
//! files, a fake synthesiser and a fake mixer (shell scripts), so the exact sound played,
//! the interruptions and the failures can be checked without a sound card.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use motcua::assets::{GUIDE_EN, GUIDE_VI, VOICE};
use motcua::config::AudioConfig;
use motcua::kiosk::audio::{data_chunk, AlsaSpeaker, Language, Speaker, Utterance, SAMPLE_RATE};

/// Every log record of this test binary.
static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        LOGGED
            .lock()
            .unwrap()
            .push(format!("{} {}", record.level(), record.args()));
    }

    fn flush(&self) {}
}

fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
    });
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| s.to_string()).collect()
}

/// A config whose player copies the WAV it gets to `dir/<device>.wav`.
fn config(dir: &Path) -> AudioConfig {
    AudioConfig {
        player: words(&[
            "sh",
            "-c",
            "exec cat > \"$0/$1.wav\"",
            &dir.display().to_string(),
            "{device}",
        ]),
        synth: words(&["/nonexistent/espeak-ng"]),
        device: "speaker".into(),
        ..AudioConfig::default()
    }
}

/// The samples of an embedded clip.
fn pcm(table: &'static [(&'static str, &'static [u8])], name: &str) -> &'static [u8] {
    let bytes = table.iter().find(|(n, _)| *n == name).unwrap().1;
    data_chunk(bytes).unwrap()
}

/// Waits for `path` to hold `len` bytes.
fn wait_for_file(path: &Path, len: usize) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(bytes) = std::fs::read(path) {
            if bytes.len() >= len {
                return bytes;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} never reached {len} bytes",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The samples of a 16 kHz mono 16-bit WAV, checking its header says so and its sizes match.
fn samples_of(wav: &[u8]) -> &[u8] {
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(
        u32::from_le_bytes(wav[4..8].try_into().unwrap()) as usize,
        wav.len() - 8
    );
    assert_eq!(
        u32::from_le_bytes(wav[40..44].try_into().unwrap()) as usize,
        wav.len() - 44
    );
    data_chunk(wav).unwrap()
}

#[test]
fn the_player_gets_one_wav_of_the_clips_joined() {
    let dir = tempfile::tempdir().unwrap();
    let speaker = AlsaSpeaker::new(&config(dir.path()));
    speaker.say(
        Language::Vi,
        vec![
            Utterance::Clip("g_ticket"),
            Utterance::Label("A012".into()),
            Utterance::Pause(250),
            Utterance::Clip("g_ahead"),
            Utterance::Number(3),
        ],
    );
    let mut want = Vec::new();
    want.extend_from_slice(pcm(GUIDE_VI, "g_ticket"));
    for clip in ["letter_a", "muoi", "hai"] {
        want.extend_from_slice(pcm(VOICE, clip));
    }
    want.extend(vec![0; SAMPLE_RATE as usize / 4 * 2]);
    want.extend_from_slice(pcm(GUIDE_VI, "g_ahead"));
    want.extend_from_slice(pcm(VOICE, "ba"));
    let played = wait_for_file(&dir.path().join("speaker.wav"), 44 + want.len());
    assert_eq!(played.len(), 44 + want.len());
    assert!(samples_of(&played) == want.as_slice(), "the clips in order");

    // English reads the label and the number with the English clips.
    std::fs::remove_file(dir.path().join("speaker.wav")).unwrap();
    speaker.say(
        Language::En,
        vec![Utterance::Clip("g_of"), Utterance::Label("B7".into())],
    );
    let want: Vec<u8> = [
        pcm(GUIDE_EN, "g_of"),
        pcm(GUIDE_EN, "en_letter_b"),
        pcm(GUIDE_EN, "en_seven"),
    ]
    .concat();
    let played = wait_for_file(&dir.path().join("speaker.wav"), 44 + want.len());
    assert!(samples_of(&played) == want.as_slice());
}

#[test]
fn new_speech_cuts_off_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    // A player slow to start: it notes its pid, waits, then keeps what it is given.
    let mut config = config(dir.path());
    config.player = words(&[
        "sh",
        "-c",
        "echo $$ >> \"$0/started\"; sleep 1; exec cat > \"$0/played.$$\"",
        &d,
    ]);
    let speaker = AlsaSpeaker::new(&config);
    let started = dir.path().join("started");
    speaker.say(Language::Vi, vec![Utterance::Clip("g_keys")]);
    let first = wait_for_file(&started, 1);
    speaker.say(Language::Vi, vec![Utterance::Clip("g_home")]);
    let want = pcm(GUIDE_VI, "g_home");
    let deadline = Instant::now() + Duration::from_secs(10);
    let played: PathBuf = loop {
        let found: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("played.")
            })
            .collect();
        if let [one] = found.as_slice() {
            if std::fs::metadata(one).unwrap().len() as usize == 44 + want.len() {
                break one.clone();
            }
        }
        assert!(found.len() <= 1, "both played: {found:?}");
        assert!(Instant::now() < deadline, "nothing played");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        samples_of(&std::fs::read(&played).unwrap()) == want,
        "the second speech"
    );
    let pids = std::fs::read_to_string(&started).unwrap();
    let pids: Vec<&str> = pids.lines().collect();
    assert_eq!(pids.len(), 2, "{pids:?}");
    assert_eq!(String::from_utf8_lossy(&first).trim(), pids[0]);
    assert!(
        played
            .to_string_lossy()
            .ends_with(&format!("played.{}", pids[1])),
        "{played:?} is the second player's"
    );
    assert!(
        !Path::new(&format!("/proc/{}", pids[0])).exists(),
        "the first player was killed and reaped"
    );

    // stop() cuts off too: the slow player is killed before it writes anything.
    std::fs::remove_file(&played).unwrap();
    speaker.say(Language::Vi, vec![Utterance::Clip("g_home")]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::fs::read_to_string(&started).unwrap().lines().count() < 3 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    speaker.stop();
    std::thread::sleep(Duration::from_millis(1500));
    let left = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("played.")
        })
        .count();
    assert_eq!(left, 0, "stopped before playing");
}

#[test]
fn a_missing_player_is_logged_once_and_never_panics() {
    capture_logs();
    let mut config = config(Path::new("/tmp"));
    config.player = words(&["/nonexistent/motcua-test-player", "-D", "{device}"]);
    let speaker = AlsaSpeaker::new(&config);
    let count = || {
        LOGGED
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("/nonexistent/motcua-test-player"))
            .count()
    };
    let started = Instant::now();
    for _ in 0..3 {
        speaker.say(Language::Vi, vec![Utterance::Clip("g_home")]);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "say never blocks"
    );
    assert_eq!(count(), 1, "logged once: {:?}", LOGGED.lock().unwrap());
    assert!(LOGGED
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.starts_with("ERROR cannot play speech")));
    drop(speaker);
}

/// A synthesiser that keeps its stdin and arguments and writes 0.1 s of a loud square wave
/// at 16 kHz as a WAV (header with an unknown length, as espeak-ng writes to a pipe).
fn fake_synth(dir: &Path) -> Vec<String> {
    let script = dir.join("synth.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n\
         here=$(dirname \"$0\")\n\
         echo \"$*\" >> \"$here/synth-args\"\n\
         cat >> \"$here/synth-text\"\n\
         printf 'RIFF\\377\\377\\377\\177WAVEfmt \\020\\000\\000\\000\\001\\000\\001\\000\\200\\076\\000\\000\\000\\175\\000\\000\\002\\000\\020\\000data\\377\\377\\377\\177'\n\
         i=0; while [ $i -lt 800 ]; do printf '\\020\\047\\360\\330'; i=$((i+1)); done\n",
    )
    .unwrap();
    words(&["sh", &script.display().to_string(), "-v", "{voice}"])
}

#[test]
fn text_is_synthesised_once_and_joined_to_the_clips() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    config.synth = fake_synth(dir.path());
    let speaker = AlsaSpeaker::new(&config);
    let place = "hàng ghế chờ tầng 1";
    let say = || {
        speaker.say(
            Language::Vi,
            vec![Utterance::Clip("g_wait_at"), Utterance::Text(place.into())],
        )
    };
    say();
    // 1600 loud samples, 1.5 dB down, with 10 ms before and 40 ms after.
    let synthesised = 2 * (1600 + 800);
    let clip = pcm(GUIDE_VI, "g_wait_at");
    let out = dir.path().join("speaker.wav");
    let played = wait_for_file(&out, 44 + clip.len() + synthesised);
    let samples = samples_of(&played);
    assert_eq!(samples.len(), clip.len() + synthesised);
    assert!(&samples[..clip.len()] == clip);
    let speech = &samples[clip.len()..];
    assert!(speech[..320].iter().all(|&b| b == 0), "10 ms of silence");
    assert_eq!(
        i16::from_le_bytes([speech[320], speech[321]]),
        8414,
        "10000 less 1.5 dB"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("synth-text")).unwrap(),
        place
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("synth-args")).unwrap(),
        "-v vi\n"
    );

    std::fs::remove_file(&out).unwrap();
    say();
    wait_for_file(&out, 44 + clip.len() + synthesised);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("synth-args")).unwrap(),
        "-v vi\n",
        "the second time from the cache"
    );
}

#[test]
fn a_missing_synthesiser_leaves_the_name_out() {
    let dir = tempfile::tempdir().unwrap();
    let speaker = AlsaSpeaker::new(&config(dir.path()));
    speaker.say(
        Language::En,
        vec![
            Utterance::Clip("g_wait_at"),
            Utterance::Text("row 1".into()),
        ],
    );
    let clip = pcm(GUIDE_EN, "g_wait_at");
    let played = wait_for_file(&dir.path().join("speaker.wav"), 44 + clip.len());
    assert!(samples_of(&played) == clip);
}

#[test]
fn headphones_take_the_sound_and_are_told_of() {
    let dir = tempfile::tempdir().unwrap();
    let jack = dir.path().join("jack");
    std::fs::write(&jack, "  : values=off\n").unwrap();
    // A mixer that answers `amixer -c 0 cget name=…` from the file.
    let mixer = dir.path().join("amixer");
    std::fs::write(
        &mixer,
        format!(
            "#!/bin/sh\n[ \"$*\" = \"-c 0 cget name=Headphone Jack\" ] || exit 1\ncat {}\n",
            jack.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&mixer).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&mixer, perms).unwrap();
    let mut config = config(dir.path());
    config.headphones_device = Some("headphones".into());
    config.headphones_jack = Some("Headphone Jack".into());
    let speaker = AlsaSpeaker::with_mixer(&config, &mixer.display().to_string());
    let (tx, rx) = std::sync::mpsc::channel();
    speaker.on_headphones(Box::new(move |plugged| tx.send(plugged).unwrap()));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!speaker.headphones_plugged());

    std::fs::write(&jack, "  : values=on\n").unwrap();
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
    assert!(speaker.headphones_plugged());
    speaker.say(Language::Vi, vec![Utterance::Clip("g_on")]);
    let clip = pcm(GUIDE_VI, "g_on");
    wait_for_file(&dir.path().join("headphones.wav"), 44 + clip.len());
    assert!(!dir.path().join("speaker.wav").exists());

    std::fs::write(&jack, "  : values=off\n").unwrap();
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(false));
    speaker.say(Language::Vi, vec![Utterance::Clip("g_on")]);
    wait_for_file(&dir.path().join("speaker.wav"), 44 + clip.len());
}

#[test]
fn a_disabled_speaker_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    config.enabled = false;
    let speaker = AlsaSpeaker::new(&config);
    speaker.say(Language::Vi, vec![Utterance::Clip("g_home")]);
    speaker.stop();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
