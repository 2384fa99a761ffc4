//! The `motcua` command line: one binary, several roles. The commands live in `cli/`, one
//! file per command family; this file only parses, starts logging and dispatches.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    motcua::logging::init();
    let cli = cli::parse();
    match cli::run(cli, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}
