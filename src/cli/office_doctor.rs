//! `motcua office doctor`: the office's checks (`motcua::office::doctor`), printed one a
//! line; fails (exit 1) if any check failed.

use std::path::{Path, PathBuf};

use clap::Args;

use motcua::office::doctor;

/// What to check besides the database.
#[derive(Args)]
pub(super) struct DoctorArgs {
    /// The certificate the office serves HTTPS with (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The address the office will listen on: checked to be free.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

/// Runs the checks on the database `db` and what `args` name.
pub(super) fn run(db: &Path, args: DoctorArgs) -> anyhow::Result<()> {
    let options = doctor::Options {
        db: db.as_os_str().to_owned(),
        tls: args.tls_cert.zip(args.tls_key),
        listen: args.listen,
    };
    let checks = doctor::run(&options);
    print!("{}", doctor::render(&checks));
    if doctor::failed(&checks) {
        anyhow::bail!("some checks failed: see the lines marked fail");
    }
    Ok(())
}
