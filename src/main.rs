//! The `motcua` command line: one binary, several roles.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use motcua::config::Config;
use motcua::kiosk::{self, headless, Kiosk};
use motcua::printer;

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Queue-ticket kiosk for a Vietnamese commune's one-stop shop (bộ phận một cửa)",
    long_about = "Queue-ticket kiosk for a Vietnamese commune's one-stop shop (bộ phận một cửa).\n\nWithout a subcommand it runs the demo: the kiosk in a window with a virtual printer, \
                  everything kept under --data-dir."
)]
struct Cli {
    /// Directory for everything the kiosk keeps: database, receipts, demo config.
    #[arg(long, global = true, default_value = "motcua-data")]
    data_dir: PathBuf,
    /// Configuration file (TOML). Default: <data-dir>/motcua.toml.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Window size in pixels, WIDTHxHEIGHT (overrides the config), e.g. 1920x1080.
    #[arg(long, global = true, value_parser = parse_size)]
    size: Option<(u32, u32)>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk in a window with a virtual printer that saves each receipt as its exact
    /// ESC/POS bytes and a PNG preview under <data-dir>/receipts. Writes a commented default
    /// config into the data directory on first start. This is what runs with no subcommand.
    Demo(RunArgs),
    /// Run the kiosk as installed on the board: the config must exist (see deploy/), the
    /// printer is the one it names.
    Kiosk(RunArgs),
    /// Tools for the thermal printer.
    Printer {
        #[command(subcommand)]
        command: PrinterCommand,
    },
    /// The office server: `motcua office --db office.sqlite3 --listen 0.0.0.0:8080` serves
    /// the HTTP API (docs/api.md); `--db postgres://USER@HOST/DATABASE` keeps the data on
    /// PostgreSQL instead. The subcommands enrol and revoke kiosks and load data.
    Office(OfficeArgs),
    /// Load data into the kiosk's store (until the office sync brings it).
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Turn an admin PIN (4 to 8 digits, read from stdin) into the `pin_hash` line for the
    /// [admin] section of the config; the PIN itself is stored nowhere.
    AdminPin,
    /// Check the kiosk as installed: the config, the database, the storage left, the
    /// printer, the display, the clock and the office; says what to fix for each problem
    /// and exits non-zero if anything fails. Changes nothing.
    Doctor,
    /// Print the commented default configuration to stdout.
    DefaultConfig {
        /// The demo's variant (issues tickets at any hour).
        #[arg(long)]
        demo: bool,
    },
}

#[derive(Args, Default)]
struct RunArgs {
    /// Render the first screen to this PNG file without opening a window, then exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Render the first frame off-screen, print the time since start and the resident memory,
    /// then exit (used by `cargo bench --bench startup`).
    #[arg(long, hide = true)]
    first_frame_benchmark: bool,
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct OfficeArgs {
    #[command(subcommand)]
    command: Option<OfficeCommand>,
    /// The office database: a SQLite file (created if missing) or a postgres:// URL.
    #[arg(long, value_name = "FILE|URL")]
    db: Option<PathBuf>,
    /// Address and port to serve the API on.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: String,
}

#[derive(Subcommand)]
enum OfficeCommand {
    /// Enrol a kiosk (or, with --integration, a system that sends dossiers): prints its
    /// token once (the database keeps only a hash of it).
    EnrollDevice {
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
        /// A name staff recognise, e.g. "Kiosk sảnh".
        #[arg(long)]
        name: String,
        /// The token may only write dossiers (PUT/POST /api/v1/dossiers), not act as a kiosk.
        #[arg(long)]
        integration: bool,
    },
    /// Revoke a kiosk's token (by the name or id it was enrolled with).
    RevokeDevice {
        /// The office database: a SQLite file or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
        /// The device's name or id.
        #[arg(long)]
        name: String,
    },
    /// Load data into the office database; kiosks pull it at their next poll.
    Import {
        #[command(subcommand)]
        what: OfficeImportCommand,
    },
    /// Set the notice every kiosk shows on its home screen (an empty text clears it).
    SetNotice {
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
        /// The notice in Vietnamese.
        #[arg(long)]
        vi: String,
        /// The notice in English (empty: kiosks show the Vietnamese one).
        #[arg(long, default_value = "")]
        en: String,
    },
    /// Create a clerk account for the counter console (the password is read from stdin,
    /// typed twice at a terminal); --replace gives an existing one a new password.
    AddClerk {
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
        /// Login name: a-z, 0-9, '.', '_', '-'.
        #[arg(long)]
        username: String,
        /// Full name, shown on the console and in the reports.
        #[arg(long)]
        name: String,
        /// May see the reports.
        #[arg(long)]
        lead: bool,
        /// Replace the account if it exists (new password, name and role).
        #[arg(long)]
        replace: bool,
    },
    /// Set the queues clerks pick from: the [[queues]] of a kiosk config (kiosk.toml).
    SetQueues {
        /// The kiosk's config file.
        file: PathBuf,
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
    },
    /// Set the calling order: how many priority tickets may go in a row while ordinary ones
    /// wait, and the wait after which an ordinary ticket goes next.
    SetCalling {
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
        /// Priority calls in a row while ordinary tickets wait (0: priority never jumps).
        #[arg(long, default_value_t = 3)]
        max_priority_in_row: u32,
        /// Minutes an ordinary ticket may wait before it goes next.
        #[arg(long, default_value_t = 45, value_parser = clap::value_parser!(u32).range(1..=600))]
        max_wait_minutes: u32,
    },
    /// Send kiosks a catalogue of fields and procedures (the assets/catalogue.json format);
    /// a file a kiosk could not load is refused.
    SetCatalogue {
        /// The .json file.
        file: PathBuf,
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum OfficeImportCommand {
    /// Dossiers from CSV or JSON, the format of `motcua import dossiers`. Bad rows are
    /// reported with their line and skipped; importing the same file again changes nothing.
    Dossiers {
        /// The .csv or .json file.
        file: PathBuf,
        /// The office database: a SQLite file (created if missing) or a postgres:// URL.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Dossiers from CSV (UTF-8, header row) or JSON (an array of objects) with the columns
    /// code,status,procedure_code,applicant_name,received_at,due_at,finished_at,note,
    /// pickup_place,secret,phone_last4. Bad rows are reported with their line and skipped;
    /// importing the same file again changes nothing.
    Dossiers {
        /// The .csv or .json file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum PrinterCommand {
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

fn parse_size(s: &str) -> Result<(u32, u32), String> {
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

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    motcua::logging::init();
    let cli = Cli::parse();
    match run(cli, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, started: std::time::Instant) -> anyhow::Result<()> {
    let config_path = cli
        .config
        .clone()
        .unwrap_or_else(|| cli.data_dir.join("motcua.toml"));
    match cli.command {
        None => run_kiosk(
            &cli.data_dir,
            &config_path,
            cli.size,
            true,
            RunArgs::default(),
            started,
        ),
        Some(Command::Demo(args)) => {
            run_kiosk(&cli.data_dir, &config_path, cli.size, true, args, started)
        }
        Some(Command::Kiosk(args)) => {
            run_kiosk(&cli.data_dir, &config_path, cli.size, false, args, started)
        }
        Some(Command::Printer {
            command:
                PrinterCommand::Status {
                    port,
                    tcp,
                    baud,
                    flow,
                },
        }) => {
            let flow = match flow.as_str() {
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
        Some(Command::Printer {
            command:
                PrinterCommand::Decode {
                    file,
                    png,
                    dots,
                    profile,
                },
        }) => {
            let profile = printer::Profile::by_name(&profile)
                .ok_or_else(|| anyhow::anyhow!("unknown profile {profile:?}"))?;
            let dots = dots.unwrap_or(profile.dots);
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
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
            std::fs::write(&png, picture)
                .with_context(|| format!("cannot write {}", png.display()))?;
            Ok(())
        }
        Some(Command::Printer {
            command:
                PrinterCommand::Test {
                    profile,
                    port,
                    tcp,
                    baud,
                    out,
                },
        }) => {
            let profile = printer::Profile::by_name(&profile).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown profile {profile:?}: use one of {}",
                    printer::Profile::NAMES.join(", ")
                )
            })?;
            let bytes = printer::calibration_bytes(&profile);
            let printer_and_name = match (port, tcp) {
                (_, Some(address)) => {
                    Some((printer::serial::SerialPrinter::tcp(&address), address))
                }
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
                    anyhow::bail!(
                        "say where the page goes: --port PATH, --tcp HOST:PORT or --out FILE"
                    )
                }
            }
            Ok(())
        }
        Some(Command::Printer {
            command:
                PrinterCommand::Simulate {
                    tcp,
                    link,
                    baud,
                    out,
                },
        }) => simulate(tcp, link, baud, out),
        Some(Command::Office(OfficeArgs {
            command: None,
            db,
            listen,
        })) => {
            let db = db.context(
                "say which database: motcua office --db office.sqlite3 (or --db postgres://…)",
            )?;
            let addr = motcua::office::api::spawn(&db, &listen)?;
            log::info!(event = "office_started", address:% = addr; "office API listening on {addr}");
            println!(
                "office API on http://{addr} (endpoints under /api/v1/, database {})",
                motcua::office::DbTarget::parse(&db)
            );
            loop {
                // The API runs on its own threads; this one only keeps the process alive.
                std::thread::park();
            }
        }
        Some(Command::Office(OfficeArgs {
            command:
                Some(OfficeCommand::EnrollDevice {
                    db,
                    name,
                    integration,
                }),
            ..
        })) => {
            use motcua::office::Role;
            let role = if integration {
                Role::Integration
            } else {
                Role::Kiosk
            };
            let mut store = motcua::office::OfficeStore::open(&db)?;
            let (device, token) = store.enroll_device(&name, role, chrono::Utc::now())?;
            println!("device {} ({})", device.name, device.id);
            println!("role {}", role.code());
            println!("token {token}");
            eprintln!(
                "Keep the token: it is shown only now. Put it in the {}.",
                match role {
                    Role::Kiosk => "kiosk's config",
                    Role::Integration => "integration's settings",
                }
            );
            Ok(())
        }
        Some(Command::Office(OfficeArgs {
            command: Some(OfficeCommand::RevokeDevice { db, name }),
            ..
        })) => {
            let mut store = motcua::office::OfficeStore::open(&db)?;
            match store.revoke_device(&name, chrono::Utc::now())? {
                0 => anyhow::bail!(
                    "no active device named {name:?} in {}",
                    motcua::office::DbTarget::parse(&db)
                ),
                n => println!("revoked {n} device(s) named {name:?}"),
            }
            Ok(())
        }
        Some(Command::Office(OfficeArgs {
            command:
                Some(OfficeCommand::Import {
                    what: OfficeImportCommand::Dossiers { file, db },
                }),
            ..
        })) => import_dossier_file(&file, |records| {
            motcua::office::OfficeStore::open(&db)?.upsert_dossiers(records, chrono::Utc::now())
        }),
        Some(Command::Office(OfficeArgs {
            command: Some(OfficeCommand::SetNotice { db, vi, en }),
            ..
        })) => {
            let mut store = motcua::office::OfficeStore::open(&db)?;
            let settings = motcua::protocol::Settings {
                notice_vi: vi,
                notice_en: en,
            };
            if !store.set_settings(&settings)? {
                println!("notice unchanged");
            } else if store.settings()?.notice_vi.is_empty() {
                println!("notice cleared; kiosks drop it at their next poll");
            } else {
                println!("notice set; kiosks show it from their next poll");
            }
            Ok(())
        }
        Some(Command::Office(OfficeArgs {
            command:
                Some(OfficeCommand::AddClerk {
                    db,
                    username,
                    name,
                    lead,
                    replace,
                }),
            ..
        })) => {
            let password = read_password()?;
            let mut store = motcua::office::OfficeStore::open(&db)?;
            let clerk = store.add_clerk(
                &username,
                &name,
                &password,
                lead,
                replace,
                chrono::Utc::now(),
            )?;
            println!(
                "clerk {} ({}){}: log in at /counter on the office server",
                clerk.username,
                clerk.name,
                if clerk.lead {
                    ", lead: sees /reports"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Some(Command::Office(OfficeArgs {
            command: Some(OfficeCommand::SetQueues { file, db }),
            ..
        })) => {
            let config = Config::load(&file)?;
            let queues = office_queues(&config);
            motcua::office::OfficeStore::open(&db)?.set_queues(&queues)?;
            let list: Vec<&str> = queues.iter().map(|q| q.prefix.as_str()).collect();
            println!(
                "queues {} set; clerks pick from them at login",
                list.join(", ")
            );
            Ok(())
        }
        Some(Command::Office(OfficeArgs {
            command:
                Some(OfficeCommand::SetCalling {
                    db,
                    max_priority_in_row,
                    max_wait_minutes,
                }),
            ..
        })) => {
            motcua::office::OfficeStore::open(&db)?.set_call_policy(
                motcua::domain::calling::CallPolicy {
                    max_priority_in_row,
                    max_wait: chrono::TimeDelta::minutes(max_wait_minutes.into()),
                },
            )?;
            println!(
                "calling: at most {max_priority_in_row} priority tickets in a row while others wait; an ordinary ticket waiting {max_wait_minutes} min goes next"
            );
            Ok(())
        }
        Some(Command::Office(OfficeArgs {
            command: Some(OfficeCommand::SetCatalogue { file, db }),
            ..
        })) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {} (UTF-8 JSON expected)", file.display()))?;
            let catalogue = motcua::catalogue::Catalogue::from_json(&text).with_context(|| {
                format!(
                    "{} refused (the office keeps its current catalogue)",
                    file.display()
                )
            })?;
            let mut store = motcua::office::OfficeStore::open(&db)?;
            let changed = store.set_catalogue(&text)?;
            println!(
                "{}: {} fields, {} procedures; {}",
                file.display(),
                catalogue.fields.len(),
                catalogue.procedures.len(),
                if changed {
                    "kiosks take it at their next poll"
                } else {
                    "unchanged"
                }
            );
            Ok(())
        }
        Some(Command::Import {
            what: ImportCommand::Dossiers { file },
        }) => import_dossier_file(&file, |records| {
            motcua::kiosk::open_store(&cli.data_dir)?.import_dossiers(records, chrono::Utc::now())
        }),
        Some(Command::AdminPin) => {
            let mut pin = String::new();
            std::io::stdin()
                .read_line(&mut pin)
                .context("cannot read the PIN from stdin")?;
            let hash = motcua::auth::hash_pin(pin.trim())?;
            println!("pin_hash = \"{hash}\"");
            Ok(())
        }
        Some(Command::Doctor) => {
            let checks = motcua::kiosk::doctor::run(&config_path, &cli.data_dir);
            print!("{}", motcua::kiosk::doctor::render(&checks));
            if motcua::kiosk::doctor::failed(&checks) {
                anyhow::bail!("some checks failed: see the lines marked FAIL");
            }
            Ok(())
        }
        Some(Command::DefaultConfig { demo }) => {
            print!("{}", Config::default_toml(demo));
            Ok(())
        }
    }
}

/// The demo's first start puts sample dossiers in the store and says how to look them up.
/// The demo's office, in this process on 127.0.0.1: its database and a kiosk token live in
/// the data directory, the sample dossiers are loaded into it on first start (the kiosk gets
/// them by syncing), and the config is pointed at it unless it names an office already.
fn start_demo_office(
    data_dir: &Path,
    config: &mut motcua::config::Config,
) -> anyhow::Result<motcua::office::OfficeHandle> {
    use motcua::office::{OfficeStore, Role};
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let db = data_dir.join("office.sqlite3");
    let token_file = data_dir.join("demo-kiosk.token");
    let mut office = OfficeStore::open(&db)?;
    let token = match std::fs::read_to_string(&token_file) {
        Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            let (_, token) = office.enroll_device("Kiosk demo", Role::Kiosk, chrono::Utc::now())?;
            std::fs::write(&token_file, &token)
                .with_context(|| format!("cannot write {}", token_file.display()))?;
            token
        }
    };
    if office.dossier_count()? == 0 {
        let samples = kiosk::demo::sample_dossiers(chrono::Utc::now());
        office.upsert_dossiers(&samples, chrono::Utc::now())?;
        println!("Demo dossiers for Tra cứu hồ sơ (code, then lookup code or phone's last 4):");
        for d in &samples {
            println!(
                "  {}  {:<22} {} / {}",
                d.code,
                d.status.label_vi(),
                d.secret,
                d.phone_last4
            );
        }
    }
    office.set_queues(&office_queues(config))?;
    if office.clerk_credentials("demo")?.is_none() {
        office.add_clerk(
            "demo",
            "Cán bộ demo",
            "demo1234",
            true,
            false,
            chrono::Utc::now(),
        )?;
    }
    drop(office);
    let handle = motcua::office::api::spawn_with_shutdown(&db, "127.0.0.1:0", config.tz())?;
    if config.sync.office().is_none() {
        config.sync.office_url = Some(handle.url());
        config.sync.token = Some(token);
    }
    println!(
        "Demo office server on {} (database {}); the kiosk syncs with {}",
        handle.url(),
        db.display(),
        config.sync.office_url.as_deref().unwrap_or("-")
    );
    println!(
        "  counter console {0}/counter (user demo, password demo1234), display board {0}/board, rating tablet {0}/rate/1, reports {0}/reports",
        handle.url()
    );
    Ok(handle)
}

/// A kiosk config's queues as the office keeps them.
fn office_queues(config: &Config) -> Vec<motcua::office::counters::QueueDef> {
    config
        .queues
        .iter()
        .map(|q| motcua::office::counters::QueueDef {
            prefix: q.prefix.clone(),
            fields: q.fields.clone(),
        })
        .collect()
}

/// A new password from stdin; at a terminal it is asked twice and must match.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    let mut ask = |prompt: &str| -> anyhow::Result<String> {
        if terminal {
            eprint!("{prompt}");
        }
        let line = lines
            .next()
            .context("no password on stdin")?
            .context("cannot read the password from stdin")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    };
    let password = ask("Password (shown as you type): ")?;
    if terminal && ask("Again: ")? != password {
        anyhow::bail!("the two passwords differ; nothing changed");
    }
    Ok(password)
}

/// `import dossiers` and `office import dossiers`: good rows go to `store` (called only for
/// a usable file, so a refused file creates no database), bad rows are listed as
/// `FILE:LINE: what`.
fn import_dossier_file(
    file: &Path,
    store: impl FnOnce(
        &[motcua::dossier_import::DossierRecord],
    ) -> anyhow::Result<motcua::kiosk::store::ImportCounts>,
) -> anyhow::Result<()> {
    use motcua::dossier_import::{parse, Format};
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 (byte {}); save the file as UTF-8 (in a spreadsheet: CSV UTF-8)",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parsed = parse(&text, Format::detect(name, &text))
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    // A row with several problems has one error each, all on its line.
    let refused = parsed
        .errors
        .iter()
        .map(|e| e.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    for e in &parsed.errors {
        eprintln!("{}:{}: {}", file.display(), e.line, e.message);
    }
    let records: Vec<_> = parsed.records.into_iter().map(|(_, r)| r).collect();
    let counts = store(&records)?;
    println!(
        "{}: {} new, {} updated, {} unchanged; {} rows refused",
        file.display(),
        counts.inserted,
        counts.updated,
        counts.unchanged,
        refused
    );
    if refused > 0 {
        // The good rows are in; a non-zero status tells a script that some were not.
        anyhow::bail!("{refused} rows refused (listed above)");
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

fn run_kiosk(
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
        Some(start_demo_office(data_dir, &mut config)?)
    } else {
        None
    };
    let kiosk = Kiosk::new(config, data_dir, kiosk::system_clock())
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
