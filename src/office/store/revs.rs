//! Each site's change counters, kept on its `site` row: `rev`, which kiosks page by, and
//! the revs of the last change to its queues and to its catalogue. Per site, so a counter
//! of one commune never waits on another's.

use anyhow::Result;

use super::sites::SiteId;
use crate::office::db::{sql_params, Tx};

/// Which counter of a site's row.
#[derive(Debug, Clone, Copy)]
pub(super) enum Rev {
    /// Everything the site's kiosks pull.
    All,
    /// The rev of the last change to the queues kiosks are sent.
    Queues,
    /// The rev at which the catalogue (or what the site offers of it) last changed.
    Catalogue,
}

impl Rev {
    fn column(self) -> &'static str {
        match self {
            Rev::All => "rev",
            Rev::Queues => "queues_rev",
            Rev::Catalogue => "catalogue_rev",
        }
    }
}

/// A counter of the site's row.
pub(super) fn read_rev(tx: &mut Tx, site: SiteId, which: Rev) -> Result<i64> {
    tx.query_one(
        &format!("SELECT {} FROM site WHERE id = ?1", which.column()),
        sql_params![site.0],
    )?
    .int(0)
}

/// Sets a counter of the site's row.
pub(super) fn write_rev(tx: &mut Tx, site: SiteId, which: Rev, value: i64) -> Result<()> {
    tx.execute(
        &format!("UPDATE site SET {} = ?2 WHERE id = ?1", which.column()),
        sql_params![site.0, value],
    )?;
    Ok(())
}

/// Locks the site's change counter until the commit and returns it: whoever raises the rev
/// holds it, so revs are handed out in commit order and a kiosk's cursor never skips a
/// change.
pub(in crate::office) fn lock_rev(tx: &mut Tx, site: SiteId) -> Result<i64> {
    tx.query_one(
        "UPDATE site SET rev = rev WHERE id = ?1 RETURNING rev",
        sql_params![site.0],
    )?
    .int(0)
}

/// Raises the site's change counter by one and returns the new rev.
pub(super) fn bump_rev(tx: &mut Tx, site: SiteId) -> Result<i64> {
    tx.query_one(
        "UPDATE site SET rev = rev + 1 WHERE id = ?1 RETURNING rev",
        sql_params![site.0],
    )?
    .int(0)
}

/// Raises the rev as a change the site's kiosks must see in the queues they are sent: their
/// "now serving" and wait estimates come from the queues `changes` sends. Like
/// [`lock_rev`], it locks the site's row until the commit.
pub(in crate::office) fn queues_changed(tx: &mut Tx, site: SiteId) -> Result<()> {
    // Both sides read the row as it was: the queues' rev becomes the new rev.
    tx.execute(
        "UPDATE site SET rev = rev + 1, queues_rev = rev + 1 WHERE id = ?1",
        sql_params![site.0],
    )?;
    Ok(())
}
