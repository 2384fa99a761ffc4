//! Each site's own settings for its counters: the queues clerks pick from (named from the
//! catalogue) and the calling policy.

use anyhow::{Context, Result};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::domain::calling::CallPolicy;
use crate::office::db::{sql_params, Tx};
use crate::office::store::{queues_changed, OfficeStore, SiteId};

/// A queue clerks pick from: the kiosk config's `[[queues]]` (prefix and fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueDef {
    /// Ticket prefix, e.g. "A".
    pub prefix: String,
    /// Catalogue field codes it serves.
    pub fields: Vec<String>,
}

impl QueueDef {
    /// A queue with this prefix serving these field codes.
    pub fn new(prefix: &str, fields: &[&str]) -> QueueDef {
        QueueDef {
            prefix: prefix.to_string(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }
    }
}

/// A queue as the login form lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueOption {
    /// Ticket prefix.
    pub prefix: String,
    /// Its fields' Vietnamese names.
    pub name_vi: String,
    /// Its fields' English names.
    pub name_en: String,
}

/// The catalogue built into this build, parsed once per process (parsing costs more than the
/// rest of a console view): what an office nobody gave a catalogue names fields by.
pub(super) fn built_in() -> &'static Catalogue {
    static BUILT_IN: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    BUILT_IN.get_or_init(Catalogue::default_embedded)
}

impl OfficeStore {
    /// Stores the queues the site's clerks pick from (the kiosk config's `[[queues]]`).
    pub fn set_queues(&mut self, site: SiteId, queues: &[QueueDef]) -> Result<()> {
        anyhow::ensure!(!queues.is_empty(), "no queues to set");
        let json = serde_json::to_string(queues)?;
        self.set_config(site, "queues", &json)
    }

    /// Stores the site's calling policy.
    pub fn set_call_policy(&mut self, site: SiteId, policy: CallPolicy) -> Result<()> {
        let json = serde_json::json!({
            "max_priority_in_row": policy.max_priority_in_row,
            "max_wait_minutes": policy.max_wait.num_minutes(),
        });
        self.set_config(site, "calling", &json.to_string())
    }

    /// The site's calling policy ([`CallPolicy::default`] until set).
    pub fn call_policy(&self, site: SiteId) -> Result<CallPolicy> {
        self.read(|tx| call_policy_in(tx, site))
    }

    pub(super) fn set_config(&mut self, site: SiteId, key: &str, value: &str) -> Result<()> {
        self.write(|tx| put_config(tx, site, key, value))
    }

    /// The queues set with [`set_queues`](Self::set_queues); without them, those tickets
    /// were issued in (so an office nobody configured still works).
    pub fn queues(&self, site: SiteId) -> Result<Vec<QueueDef>> {
        self.read(|tx| queues_in(tx, site))
    }

    /// The prefixes of [`queues`](Self::queues).
    pub(super) fn queue_prefixes(&self, site: SiteId) -> Result<Vec<String>> {
        Ok(self.queues(site)?.into_iter().map(|q| q.prefix).collect())
    }

    /// The queues with their fields' names (from the catalogue kiosks get, or the built-in
    /// one), for the login form and the console.
    pub fn queue_options(&self, site: SiteId) -> Result<Vec<QueueOption>> {
        self.read(|tx| self.queue_options_in(tx, site))
    }

    /// A field's names in Vietnamese and English from the catalogue kiosks get (its code
    /// when the catalogue has no such field).
    pub(super) fn field_names_in(&self, tx: &mut Tx, code: &str) -> Result<(String, String)> {
        let stored = self.stored_catalogue(tx)?;
        let catalogue = stored.as_deref().unwrap_or_else(|| built_in());
        Ok(catalogue.field(code).map_or_else(
            || (code.to_string(), code.to_string()),
            |f| (f.name_vi.clone(), f.name_en.clone()),
        ))
    }

    /// [`queue_options`](Self::queue_options) in a transaction already open.
    pub(super) fn queue_options_in(&self, tx: &mut Tx, site: SiteId) -> Result<Vec<QueueOption>> {
        let stored = self.stored_catalogue(tx)?;
        let catalogue = stored.as_deref().unwrap_or_else(|| built_in());
        Ok(queues_in(tx, site)?
            .into_iter()
            .map(|q| {
                let names = |vi: bool| {
                    q.fields
                        .iter()
                        .map(|code| {
                            catalogue.field(code).map_or(code.clone(), |f| {
                                if vi {
                                    f.name_vi.clone()
                                } else {
                                    f.name_en.clone()
                                }
                            })
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                QueueOption {
                    name_vi: names(true),
                    name_en: names(false),
                    prefix: q.prefix,
                }
            })
            .collect())
    }
}

/// The site's calling policy, read in `tx`.
pub(super) fn call_policy_in(tx: &mut Tx, site: SiteId) -> Result<CallPolicy> {
    let Some(json) = config_in(tx, site, "calling")? else {
        return Ok(CallPolicy::default());
    };
    #[derive(Deserialize)]
    struct Stored {
        max_priority_in_row: u32,
        max_wait_minutes: i64,
    }
    let s: Stored = serde_json::from_str(&json).context("bad calling policy stored")?;
    Ok(CallPolicy {
        max_priority_in_row: s.max_priority_in_row,
        max_wait: TimeDelta::minutes(s.max_wait_minutes),
    })
}

pub(super) fn config_in(tx: &mut Tx, site: SiteId, key: &str) -> Result<Option<String>> {
    tx.query_opt(
        "SELECT value FROM office_config WHERE site_id = ?2 AND key = ?1",
        sql_params![key, site.0],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// The site's queues (see [`OfficeStore::queues`]), read in `tx`.
pub(super) fn queues_in(tx: &mut Tx, site: SiteId) -> Result<Vec<QueueDef>> {
    if let Some(json) = config_in(tx, site, "queues")? {
        return serde_json::from_str(&json).context("bad queue list stored");
    }
    let mut prefixes = tx
        .query(
            "SELECT DISTINCT serve_queue FROM ticket WHERE site_id = ?1",
            sql_params![site.0],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>>>()?;
    prefixes.sort();
    Ok(prefixes
        .into_iter()
        .map(|prefix| QueueDef {
            prefix,
            fields: Vec::new(),
        })
        .collect())
}

/// Stores one of the site's settings in `tx`; the site's queues' rev rises, so consoles and
/// kiosks read it again.
pub(super) fn put_config(tx: &mut Tx, site: SiteId, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO office_config (key, value, site_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (site_id, key) DO UPDATE SET value = ?2",
        sql_params![key, value, site.0],
    )?;
    queues_changed(tx, site)
}
