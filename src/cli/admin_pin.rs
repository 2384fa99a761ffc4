//! `motcua admin-pin`: the config line for a PIN read from stdin.

use anyhow::Context;

/// Prints the `pin_hash` line; the PIN itself is stored nowhere.
pub(super) fn run() -> anyhow::Result<()> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .context("cannot read the PIN from stdin")?;
    let hash = motcua::auth::hash_pin(pin.trim())?;
    println!("pin_hash = \"{hash}\"");
    Ok(())
}
