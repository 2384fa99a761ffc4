//! `motcua import dossiers` into a kiosk's own store, and the file reading it shares with
//! `motcua office import dossiers`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;

/// `import`'s subcommands.
#[derive(Subcommand)]
pub(super) enum ImportCommand {
    /// Dossiers from CSV (UTF-8, header row) or JSON (an array of objects) with the columns
    /// code,status,procedure_code,applicant_name,received_at,due_at,finished_at,note,
    /// pickup_place,secret,phone_last4. Bad rows are reported with their line and skipped;
    /// importing the same file again changes nothing.
    Dossiers {
        /// The .csv or .json file.
        file: PathBuf,
    },
}

/// Loads the file into the kiosk's store under `data_dir`.
pub(super) fn run(what: ImportCommand, data_dir: &Path) -> anyhow::Result<()> {
    let ImportCommand::Dossiers { file } = what;
    dossier_file(&file, |records| {
        motcua::kiosk::open_store(data_dir)?.import_dossiers(records, chrono::Utc::now())
    })
}

/// `import dossiers` and `office import dossiers`: good rows go to `store` (called only for
/// a usable file, so a refused file creates no database), bad rows are listed as
/// `FILE:LINE: what`.
pub(super) fn dossier_file(
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
    // A file goes into one store (the kiosk's, or the site `--site` names): a row naming
    // a site is refused rather than put where it did not ask to go.
    let named: std::collections::BTreeSet<usize> = parsed.sites.iter().map(|(i, _)| *i).collect();
    for (i, site) in &parsed.sites {
        eprintln!(
            "{}:{}: site: this row names site {site:?}; a file is imported into one site (--site CODE), or send rows of many sites through the integration API",
            file.display(),
            parsed.records[*i].0
        );
    }
    let refused = refused + named.len();
    let records: Vec<_> = parsed
        .records
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !named.contains(i))
        .map(|(_, (_, r))| r)
        .collect();
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
