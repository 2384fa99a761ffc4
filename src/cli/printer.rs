//! `motcua printer …`: the installer's tools for the thermal printer.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;

use motcua::kiosk;
use motcua::printer;

/// `printer`'s subcommands.
#[derive(Subcommand)]
pub(super) enum PrinterCommand {
    /// Ask a serial printer for its real-time status (DLE EOT 1, 2, 4) and say what it means.
    Status {
        /// Serial device, e.g. /dev/ttyUSB0.
        #[arg(long, required_unless_present = "tcp")]
        port: Option<String>,
        /// Network printer, HOST:PORT (usually port 9100).
        #[arg(long, conflicts_with = "port")]
        tcp: Option<String>,
        /// Line speed.
        #[arg(long, default_value_t = 19200)]
        baud: u32,
        /// Flow control: none, xonxoff or rtscts.
        #[arg(long, default_value = "none")]
        flow: String,
    },
    /// Render an ESC/POS byte file the way a printer would, to a PNG.
    Decode {
        /// The .bin file (e.g. one of <data-dir>/receipts/*.bin).
        file: PathBuf,
        /// Where to write the picture.
        #[arg(long)]
        png: PathBuf,
        /// Paper width in dots (576 for 80 mm, 384 for 58 mm); default: the profile's.
        #[arg(long)]
        dots: Option<u16>,
        /// Printer profile whose code-page numbers the bytes use (see assets/printers/).
        #[arg(long, default_value = "epson-tm-t20")]
        profile: String,
    },
    /// Write the calibration page for a profile: the whole Vietnamese alphabet in every
    /// candidate text mode, each labelled, so the installer sees which one prints right.
    /// With --out the bytes go to a file (decode it with `printer decode`); with --port they
    /// go to the serial printer.
    Test {
        /// Printer profile (see assets/printers/).
        #[arg(long, default_value = "generic-80mm")]
        profile: String,
        /// Serial device of the printer.
        #[arg(long, conflicts_with = "out")]
        port: Option<String>,
        /// Network printer, HOST:PORT (usually port 9100).
        #[arg(long, conflicts_with_all = ["out", "port"])]
        tcp: Option<String>,
        /// Line speed.
        #[arg(long, default_value_t = 19200)]
        baud: u32,
        /// Write the bytes to this file instead of a printer.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Pretend to be a thermal printer, for trying the kiosk without one: opens a
    /// pseudo-terminal (or listens on TCP), prints its path, answers status queries and
    /// appends what it receives to --out. Faults are typed on stdin, one per line: `paper
    /// ok|near-end|out`, `paper-out-at BYTES`, `cover open|closed`, `silent on|off`, `garbage
    /// on|off`, `hold on|off`, `hold-at BYTES MS`, `received`, `state`, `unplug` (or `quit`).
    Simulate {
        /// Listen on this TCP address (e.g. 127.0.0.1:9100) instead of a pseudo-terminal.
        #[arg(long)]
        tcp: Option<String>,
        /// Also make this symlink to the pseudo-terminal (e.g. /tmp/motcua-printer).
        #[arg(long, conflicts_with = "tcp")]
        link: Option<PathBuf>,
        /// The speed at which the simulated printer takes bytes.
        #[arg(long, default_value_t = 19200)]
        baud: u32,
        /// Append the received job bytes here (decode them with `printer decode`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs one printer tool.
pub(super) fn run(command: PrinterCommand) -> anyhow::Result<()> {
    match command {
        PrinterCommand::Status {
            port,
            tcp,
            baud,
            flow,
        } => status(port, tcp, baud, &flow),
        PrinterCommand::Decode {
            file,
            png,
            dots,
            profile,
        } => decode(&file, &png, dots, &profile),
        PrinterCommand::Test {
            profile,
            port,
            tcp,
            baud,
            out,
        } => test(&profile, port, tcp, baud, out),
        PrinterCommand::Simulate {
            tcp,
            link,
            baud,
            out,
        } => simulate(tcp, link, baud, out),
    }
}

/// `printer status`: asks the printer and says what its answer means.
fn status(port: Option<String>, tcp: Option<String>, baud: u32, flow: &str) -> anyhow::Result<()> {
    let flow = match flow {
        "none" => motcua::config::FlowControl::None,
        "xonxoff" => motcua::config::FlowControl::Xonxoff,
        "rtscts" => motcua::config::FlowControl::Rtscts,
        other => anyhow::bail!("--flow {other:?}: use none, xonxoff or rtscts"),
    };
    let (mut printer, port) = match (port, tcp) {
        (_, Some(address)) => (printer::serial::SerialPrinter::tcp(&address), address),
        (Some(port), None) => (
            printer::serial::SerialPrinter::new(printer::serial::SerialSettings::new(
                &port,
                baud,
                kiosk::serial_flow(flow),
            )),
            port,
        ),
        (None, None) => {
            anyhow::bail!("say where the printer is: --port PATH or --tcp HOST:PORT")
        }
    };
    let report = printer.report();
    let state = match &report {
        Ok(r) => printer::status::interpret(r),
        Err(_) => printer::status::PrinterState::NotAnswering,
    };
    let hex = |b: Option<u8>| b.map_or("none".to_string(), |b| format!("0x{b:02X}"));
    match report {
        Ok(r) => println!(
            "{port}: {state} ({}); DLE EOT 1 = {}, 2 = {}, 4 = {}",
            state.describe_vi(),
            hex(r.printer),
            hex(r.offline_cause),
            hex(r.paper)
        ),
        Err(e) => println!("{port}: {state} ({}): {e}", state.describe_vi()),
    }
    if state.can_print() {
        Ok(())
    } else {
        anyhow::bail!("the printer cannot print: {state}")
    }
}

/// `printer decode`: the text on stdout, the picture to `png`.
fn decode(file: &Path, png: &Path, dots: Option<u16>, profile: &str) -> anyhow::Result<()> {
    let profile = printer::Profile::by_name(profile)
        .ok_or_else(|| anyhow::anyhow!("unknown profile {profile:?}"))?;
    let dots = dots.unwrap_or(profile.dots);
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let decoded = printer::decode_with_modes(&bytes, &profile.modes);
    for w in &decoded.warnings {
        eprintln!("warning: {w}");
    }
    for line in decoded.text_lines() {
        println!("{line}");
    }
    let picture = printer::render_png(
        &decoded,
        dots,
        motcua::assets::FONT_REGULAR,
        motcua::assets::FONT_BOLD,
    );
    std::fs::write(png, picture).with_context(|| format!("cannot write {}", png.display()))?;
    Ok(())
}

/// `printer test`: the calibration page to a file or a printer.
fn test(
    profile: &str,
    port: Option<String>,
    tcp: Option<String>,
    baud: u32,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let profile = printer::Profile::by_name(profile).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown profile {profile:?}: use one of {}",
            printer::Profile::NAMES.join(", ")
        )
    })?;
    let bytes = printer::calibration_bytes(&profile);
    let printer_and_name = match (port, tcp) {
        (_, Some(address)) => Some((printer::serial::SerialPrinter::tcp(&address), address)),
        (Some(port), None) => Some((
            printer::serial::SerialPrinter::new(printer::serial::SerialSettings::new(
                &port,
                baud,
                serialport::FlowControl::None,
            )),
            port,
        )),
        (None, None) => None,
    };
    match (printer_and_name, out) {
        (_, Some(out)) => {
            std::fs::write(&out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("{}: {} bytes", out.display(), bytes.len());
        }
        (Some((mut p, port)), None) => {
            let state = p
                .print(&bytes)
                .map_err(|e| anyhow::anyhow!("{port}: {e}"))?;
            println!(
                "{port}: calibration page sent ({} bytes), printer {state}",
                bytes.len()
            );
        }
        (None, None) => {
            anyhow::bail!("say where the page goes: --port PATH, --tcp HOST:PORT or --out FILE")
        }
    }
    Ok(())
}

/// `printer simulate`: the first line on stdout says where the printer is.
fn simulate(
    tcp: Option<String>,
    link: Option<PathBuf>,
    baud: u32,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let sink: Box<dyn std::io::Write + Send> = match &out {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?,
        ),
        None => Box::new(std::io::sink()),
    };
    let endpoint = match tcp {
        Some(address) => {
            let listener = std::net::TcpListener::bind(&address)
                .with_context(|| format!("cannot listen on {address}"))?;
            println!("tcp {}", listener.local_addr()?);
            std::io::stdout().flush()?;
            printer::simulator::Endpoint::Tcp(listener)
        }
        None => {
            use serialport::SerialPort;
            let (mut master, slave) =
                serialport::TTYPort::pair().context("cannot open a pseudo-terminal")?;
            let path = slave.name().context("the pseudo-terminal has no name")?;
            // The kiosk opens the slave by its path, as it opens /dev/ttyUSB0.
            drop(slave);
            master.set_timeout(std::time::Duration::from_millis(10))?;
            if let Some(link) = &link {
                let _ = std::fs::remove_file(link);
                std::os::unix::fs::symlink(&path, link)
                    .with_context(|| format!("cannot create the link {}", link.display()))?;
            }
            println!("port {path}");
            std::io::stdout().flush()?;
            printer::simulator::Endpoint::Pty(Box::new(master))
        }
    };
    printer::simulator::run(endpoint, baud, sink);
    Ok(())
}
