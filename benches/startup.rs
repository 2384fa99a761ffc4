//! Start-up benchmark: process start to the first rendered frame, and resident memory, of the
//! kiosk at 1080×1920 with the software renderer (off-screen, as on the board's linuxkms).
//!
//! `cargo bench --bench startup` prints the figures; it asserts nothing.

use std::process::Command;
use std::time::Instant;

struct Run {
    wall_ms: f64,
    first_frame_ms: f64,
    rss_kb: u64,
    hwm_kb: u64,
}

fn run_once(data_dir: &std::path::Path, size: &str) -> Run {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "demo",
            "--first-frame-benchmark",
            "--size",
            size,
            "--data-dir",
        ])
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run motcua");
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "motcua failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    let get = |key: &str| -> u64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {line:?}"))
    };
    Run {
        wall_ms,
        first_frame_ms: get("first_frame_us=") as f64 / 1000.0,
        rss_kb: get("rss_kb="),
        hwm_kb: get("hwm_kb="),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; nothing else is configurable.
    let dir = std::env::temp_dir().join(format!("motcua-startup-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for size in ["1080x1920", "1920x1080", "800x480"] {
        let first = run_once(&dir, size);
        let runs: Vec<Run> = (0..10).map(|_| run_once(&dir, size)).collect();
        println!(
            "startup {size}: first frame median {:.1} ms (min {:.1}, max {:.1}); process start to exit median {:.1} ms; \
             RSS at first frame median {:.1} MB, peak {:.1} MB; very first start (new database) {:.1} ms",
            median(runs.iter().map(|r| r.first_frame_ms).collect()),
            runs.iter().map(|r| r.first_frame_ms).fold(f64::MAX, f64::min),
            runs.iter().map(|r| r.first_frame_ms).fold(0.0, f64::max),
            median(runs.iter().map(|r| r.wall_ms).collect()),
            median(runs.iter().map(|r| r.rss_kb as f64 / 1024.0).collect()),
            runs.iter().map(|r| r.hwm_kb).max().unwrap() as f64 / 1024.0,
            first.first_frame_ms,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
