//! `motcua demo` and `motcua kiosk`: load the config, start the kiosk (in a window, or
//! off-screen for a screenshot or the start-up benchmark) and restart it when asked.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use motcua::config::Config;
use motcua::kiosk::{self, headless, KioskApp};

/// What `demo` and `kiosk` take besides the global options.
#[derive(Args, Default)]
pub struct RunArgs {
    /// Render the first screen to this PNG file without opening a window, then exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Render the first frame off-screen, print the time since start and the resident memory,
    /// then exit (used by `cargo bench --bench startup`).
    #[arg(long, hide = true)]
    first_frame_benchmark: bool,
}

/// `--size`: WIDTHxHEIGHT in pixels, each 200 to 8000.
pub(super) fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, got {s:?}"))?;
    let w: u32 = w
        .trim()
        .parse()
        .map_err(|_| format!("bad width in {s:?}"))?;
    let h: u32 = h
        .trim()
        .parse()
        .map_err(|_| format!("bad height in {s:?}"))?;
    if !(200..=8000).contains(&w) || !(200..=8000).contains(&h) {
        return Err(format!("size {w}x{h} is out of range (200..8000)"));
    }
    Ok((w, h))
}

fn load_config(path: &Path, demo: bool) -> anyhow::Result<Config> {
    if demo && !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, Config::default_toml(true))
            .with_context(|| format!("cannot write the default config {}", path.display()))?;
        log::info!("wrote a commented default config to {}", path.display());
    }
    if !path.exists() {
        anyhow::bail!(
            "config file {} not found: copy deploy/kiosk.toml there, or print a commented default with `motcua default-config`",
            path.display()
        );
    }
    Ok(Config::load(path)?)
}

/// Runs the kiosk (the demo when `demo`) until its window closes, or renders one frame.
pub(super) fn run(
    data_dir: &Path,
    config_path: &Path,
    size: Option<(u32, u32)>,
    demo: bool,
    args: RunArgs,
    started: std::time::Instant,
) -> anyhow::Result<()> {
    let mut config = load_config(config_path, demo)?;
    if let Some((w, h)) = size {
        config.kiosk.width = w;
        config.kiosk.height = h;
    }
    let set_rotation =
        config.kiosk.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none();
    if set_rotation {
        // The linuxkms backend reads the panel rotation from the environment at start;
        // the desktop backend ignores it. Touch needs a matching libinput calibration (deploy/).
        std::env::set_var("SLINT_KMS_ROTATION", config.kiosk.rotation.to_string());
    }
    let offscreen = args.screenshot.is_some() || args.first_frame_benchmark;
    let window = if offscreen {
        Some(headless::install()?)
    } else {
        None
    };
    // Lives as long as the kiosk: the demo's office serves until the window closes.
    let _office = if demo {
        Some(super::demo_office::start(data_dir, &mut config)?)
    } else {
        None
    };
    let kiosk = KioskApp::new(config, data_dir, kiosk::system_clock())
        .map_err(|e| with_config_line(e, config_path))?;
    let Some(window) = window else {
        let ending = kiosk.run()?;
        drop(_office);
        if ending == kiosk::lifecycle::Ending::Restart && !kiosk::lifecycle::stop_requested() {
            // The restarted kiosk takes the rotation from its config again, which may have
            // changed: that is what a restart is for.
            let unset: &[&str] = if set_rotation {
                &["SLINT_KMS_ROTATION"]
            } else {
                &[]
            };
            return Err(kiosk::lifecycle::exec_self(unset));
        }
        return Ok(());
    };
    let (w, h, rgb) = headless::render(&window);
    if args.first_frame_benchmark {
        let elapsed = started.elapsed();
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("0")
                .to_string()
        };
        println!(
            "first_frame_us={} width={w} height={h} rss_kb={} hwm_kb={}",
            elapsed.as_micros(),
            field("VmRSS:"),
            field("VmHWM:")
        );
    }
    if let Some(path) = args.screenshot {
        headless::write_png(&path, w, h, &rgb)?;
        println!("{}", path.display());
    }
    drop(kiosk);
    Ok(())
}

/// Points an unknown field code at its line in the config file, like every other config error.
fn with_config_line(e: anyhow::Error, config_path: &Path) -> anyhow::Error {
    let Some(unknown) = e.downcast_ref::<kiosk::UnknownField>() else {
        return e;
    };
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let line = text
        .lines()
        .position(|l| l.contains(&format!("\"{}\"", unknown.code)))
        .map_or(0, |i| i + 1);
    anyhow::anyhow!("{}:{line}: {unknown}", config_path.display())
}
