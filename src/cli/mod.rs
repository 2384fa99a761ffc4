//! The command line's types and dispatch, one file per command family (as cargo does):
//! `kiosk` (the `demo` and `kiosk` runs), `demo_office`, `office`, `printer`, `import`,
//! `admin_pin`, `doctor` and `default_config`.

mod admin_pin;
mod default_config;
mod demo_office;
mod doctor;
mod import;
mod kiosk;
mod office;
mod office_doctor;
mod office_rules;
mod office_sites;
mod office_tls;
mod printer;

use std::path::PathBuf;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// The whole command line.
#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Queue-ticket kiosk for a Vietnamese commune's one-stop shop (bộ phận một cửa)",
    long_about = "Queue-ticket kiosk for a Vietnamese commune's one-stop shop (bộ phận một cửa).\n\nWithout a subcommand it runs the demo: the kiosk in a window with a virtual printer, \
                  everything kept under --data-dir."
)]
pub struct Cli {
    /// Directory for everything the kiosk keeps: database, receipts, demo config.
    #[arg(long, global = true, default_value = "motcua-data")]
    data_dir: PathBuf,
    /// Configuration file (TOML). Default: <data-dir>/motcua.toml.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Window size in pixels, WIDTHxHEIGHT (overrides the config), e.g. 1920x1080.
    #[arg(long, global = true, value_parser = kiosk::parse_size)]
    size: Option<(u32, u32)>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk in a window with a virtual printer that saves each receipt as its exact
    /// ESC/POS bytes and a PNG preview under <data-dir>/receipts. Writes a commented default
    /// config into the data directory on first start. This is what runs with no subcommand.
    Demo(kiosk::RunArgs),
    /// Run the kiosk as installed on the board: the config must exist (see deploy/), the
    /// printer is the one it names.
    Kiosk(kiosk::RunArgs),
    /// Tools for the thermal printer.
    Printer {
        #[command(subcommand)]
        command: printer::PrinterCommand,
    },
    /// The office server: `motcua office --db office.sqlite3 --listen 0.0.0.0:8080` serves
    /// the HTTP API (docs/api.md); `--db postgres://USER@HOST/DATABASE` keeps the data on
    /// PostgreSQL instead. The subcommands enrol and revoke kiosks and load data.
    Office(office::OfficeArgs),
    /// Load data into the kiosk's store (until the office sync brings it).
    Import {
        #[command(subcommand)]
        what: import::ImportCommand,
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

/// Parses the process's arguments; a usage error ends the process with clap's message and
/// status 2.
pub fn parse() -> Cli {
    let matches = Cli::command().get_matches();
    office::check_usage(&matches)
        .and_then(|()| Cli::from_arg_matches(&matches))
        .unwrap_or_else(|e| e.exit())
}

/// Runs the command; `started` is when the process started, for the start-up benchmark.
pub fn run(cli: Cli, started: Instant) -> anyhow::Result<()> {
    let config_path = cli
        .config
        .clone()
        .unwrap_or_else(|| cli.data_dir.join("motcua.toml"));
    let run_kiosk =
        |args, demo| kiosk::run(&cli.data_dir, &config_path, cli.size, demo, args, started);
    match cli.command {
        None => run_kiosk(kiosk::RunArgs::default(), true),
        Some(Command::Demo(args)) => run_kiosk(args, true),
        Some(Command::Kiosk(args)) => run_kiosk(args, false),
        Some(Command::Printer { command }) => printer::run(command),
        Some(Command::Office(args)) => office::run(args),
        Some(Command::Import { what }) => import::run(what, &cli.data_dir),
        Some(Command::AdminPin) => admin_pin::run(),
        Some(Command::Doctor) => doctor::run(&config_path, &cli.data_dir),
        Some(Command::DefaultConfig { demo }) => default_config::run(demo),
    }
}
