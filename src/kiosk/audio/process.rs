//! Running the player, the synthesiser and the mixer as subprocesses that can be cut off:
//! an argument vector (never a shell, since text from the catalogue goes in), bytes on
//! stdin from a thread of their own (the player reads them at the speed it plays), the
//! output read to the end, and a kill when interrupted or late.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The most a child's stdout may give: about 8 minutes of speech.
const MAX_OUTPUT: u64 = 16 << 20;
/// How much of a child's stderr goes into a log record.
const MAX_STDERR: u64 = 1024;

/// How a run ended.
#[derive(Debug)]
pub(super) enum Outcome {
    /// It exited with success; its stdout, if asked for.
    Done(Vec<u8>),
    /// `wait` said to stop: the child was killed.
    Interrupted,
    /// It could not start, failed, or took too long: why, for the log.
    Failed(String),
}

/// What to run and how.
pub(super) struct Job<'a> {
    /// The program and its arguments.
    pub(super) argv: &'a [String],
    /// Bytes for its stdin; `None` gives it none.
    pub(super) input: Option<Vec<u8>>,
    /// Whether to keep its stdout.
    pub(super) capture_stdout: bool,
    /// Whether a failure's message may quote its stderr: not the synthesiser's, which
    /// could echo a procedure's name (logs hold no personal data).
    pub(super) quote_stderr: bool,
    /// How long it may run.
    pub(super) timeout: Duration,
}

/// Runs a job until it exits, its timeout passes, or `wait` (called with how long it may
/// block, again and again) returns `true`.
pub(super) fn run(job: Job<'_>, wait: &mut dyn FnMut(Duration) -> bool) -> Outcome {
    let Job {
        argv,
        input,
        capture_stdout,
        quote_stderr,
        timeout,
    } = job;
    let Some((program, args)) = argv.split_first() else {
        return Outcome::Failed("no program".into());
    };
    let mut child = match Command::new(program)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(if capture_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return Outcome::Failed(format!("cannot start {program:?}: {e}")),
    };
    let writer = child.stdin.take().zip(input).map(|(mut stdin, bytes)| {
        // A killed or finished child makes this fail with a broken pipe: nothing to do.
        std::thread::spawn(move || drop(stdin.write_all(&bytes)))
    });
    let stdout = child.stdout.take().map(|out| reader(out, MAX_OUTPUT));
    let stderr = child.stderr.take().map(|err| reader(err, MAX_STDERR));
    let deadline = Instant::now() + timeout;
    let ended = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(format!("cannot wait for {program:?}: {e}")),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            kill(&mut child);
            break Err(format!(
                "{program:?} took more than {} s",
                timeout.as_secs()
            ));
        }
        if wait(left.min(Duration::from_millis(20))) {
            // The pipe threads are left to end by themselves: a grandchild (a player's
            // shell running `sleep`) may hold the pipes open after the kill.
            kill(&mut child);
            return Outcome::Interrupted;
        }
    };
    // The writer ends by itself once the child is gone and is never waited for.
    drop(writer);
    let out = join(stdout).unwrap_or_default();
    let err = join(stderr).unwrap_or_default();
    match ended {
        Ok(status) if status.success() => Outcome::Done(out),
        Ok(status) => Outcome::Failed(failure(
            program,
            status,
            if quote_stderr { &err } else { &[] },
        )),
        Err(e) => Outcome::Failed(e),
    }
}

/// Reads a pipe to its end on a thread, keeping at most `limit` bytes and draining the rest
/// so the child never blocks on a full pipe.
fn reader(mut pipe: impl Read + Send + 'static, limit: u64) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = (&mut pipe).take(limit).read_to_end(&mut kept);
        let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        kept
    })
}

fn join<T>(handle: Option<JoinHandle<T>>) -> Option<T> {
    handle.and_then(|h| h.join().ok())
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// "aplay exited with 1: aplay: main:831: audio open error: No such file or directory".
fn failure(program: &str, status: ExitStatus, stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let code = status
        .code()
        .map_or_else(|| format!("{status}"), |c| format!("exited with {c}"));
    if first.is_empty() {
        format!("{program:?} {code}")
    } else {
        format!("{program:?} {code}: {}", first.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn job<'a>(argv: &'a [String], input: Option<Vec<u8>>, timeout: Duration) -> Job<'a> {
        Job {
            argv,
            input,
            capture_stdout: true,
            quote_stderr: true,
            timeout,
        }
    }

    fn never(d: Duration) -> bool {
        std::thread::sleep(d);
        false
    }

    #[test]
    fn passes_stdin_and_captures_stdout() {
        let cat = argv(&["cat"]);
        let out = run(
            job(&cat, Some(b"xin chao".to_vec()), Duration::from_secs(5)),
            &mut never,
        );
        assert!(
            matches!(out, Outcome::Done(ref b) if b == b"xin chao"),
            "{out:?}"
        );
    }

    #[test]
    fn reports_failures_with_the_first_line_of_stderr() {
        let sh = argv(&["sh", "-c", "echo 'no device' >&2; exit 3"]);
        let out = run(job(&sh, None, Duration::from_secs(5)), &mut never);
        let Outcome::Failed(why) = out else {
            panic!("{out:?}")
        };
        assert_eq!(why, "\"sh\" exited with 3: no device");
        let quiet = Job {
            quote_stderr: false,
            ..job(&sh, None, Duration::from_secs(5))
        };
        let Outcome::Failed(why) = run(quiet, &mut never) else {
            panic!()
        };
        assert_eq!(why, "\"sh\" exited with 3");
        let missing = argv(&["/nonexistent/aplay"]);
        let out = run(job(&missing, None, Duration::from_secs(5)), &mut never);
        assert!(
            matches!(out, Outcome::Failed(ref w) if w.contains("cannot start")),
            "{out:?}"
        );
    }

    #[test]
    fn a_late_or_interrupted_child_is_killed() {
        let started = Instant::now();
        let sleep = argv(&["sleep", "5"]);
        let out = run(job(&sleep, None, Duration::from_millis(200)), &mut never);
        assert!(
            matches!(out, Outcome::Failed(ref w) if w.contains("took more than")),
            "{out:?}"
        );
        let mut calls = 0;
        let out = run(
            job(&sleep, Some(vec![0; 1 << 20]), Duration::from_secs(10)),
            &mut |_| {
                calls += 1;
                calls > 3
            },
        );
        assert!(matches!(out, Outcome::Interrupted), "{out:?}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
