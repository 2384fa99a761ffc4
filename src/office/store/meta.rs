//! The `meta` table: the change counter kiosks page by (`rev`) and the rev of the last
//! change to the queues (`queues_rev`).

use anyhow::Result;

use crate::office::db::{sql_params, Tx};

/// A counter of the `meta` table.
pub(super) fn read_meta(tx: &mut Tx, key: &str) -> Result<i64> {
    tx.query_one("SELECT value FROM meta WHERE key = ?1", sql_params![key])?
        .int(0)
}

/// Sets a counter of the `meta` table.
pub(super) fn write_meta(tx: &mut Tx, key: &str, value: i64) -> Result<()> {
    tx.execute(
        "UPDATE meta SET value = ?2 WHERE key = ?1",
        sql_params![key, value],
    )?;
    Ok(())
}

/// Locks the change counter until the commit and returns it: whoever raises the rev holds
/// it, so revs are handed out in commit order and a kiosk's cursor never skips a change.
pub(in crate::office) fn lock_rev(tx: &mut Tx) -> Result<i64> {
    tx.query_one(
        "UPDATE meta SET value = value WHERE key = 'rev' RETURNING value",
        &[],
    )?
    .int(0)
}

/// Raises the change counter by one and returns the new rev.
pub(super) fn bump_rev(tx: &mut Tx) -> Result<i64> {
    tx.query_one(
        "UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value",
        &[],
    )?
    .int(0)
}

/// Raises the rev as a change kiosks must see in the queues they are sent: their "now
/// serving" and wait estimates come from the queues `changes` sends.
pub(in crate::office) fn queues_changed(tx: &mut Tx) -> Result<()> {
    let rev = bump_rev(tx)?;
    write_meta(tx, "queues_rev", rev)
}
