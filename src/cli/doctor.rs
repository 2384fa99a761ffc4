//! `motcua doctor`: the installed kiosk's checks, printed; fails if any check failed.

use std::path::Path;

/// Runs every check on the config at `config_path` and the data under `data_dir`.
pub(super) fn run(config_path: &Path, data_dir: &Path) -> anyhow::Result<()> {
    let checks = motcua::kiosk::doctor::run(config_path, data_dir);
    print!("{}", motcua::kiosk::doctor::render(&checks));
    if motcua::kiosk::doctor::failed(&checks) {
        anyhow::bail!("some checks failed: see the lines marked FAIL");
    }
    Ok(())
}
