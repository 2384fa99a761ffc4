//! `motcua default-config`: the commented template on stdout.

use motcua::config::Config;

/// Prints the template (`demo`: the demo's variant).
pub(super) fn run(demo: bool) -> anyhow::Result<()> {
    print!("{}", Config::default_toml(demo));
    Ok(())
}
