//! Sites: the communes one office database serves. Everything a commune's kiosks, clerks,
//! boards and reports see belongs to one site; the catalogue is shared (the province's).
//! A database of one commune has one site, and the pages without a site in their address
//! mean that one.

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};

use super::values::ts;
use super::OfficeStore;
use crate::office::db::{sql_params, Row};

/// A site's key in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteId(pub i64);

/// The site a new office database starts with (tests).
#[cfg(test)]
pub(crate) const S1: SiteId = SiteId(1);

/// A commune served by the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Key in the database.
    pub id: SiteId,
    /// The commune's code (e.g. the administrative unit code 10105), in page addresses.
    pub code: String,
    /// What people call it, e.g. "UBND xã Tân Tiến".
    pub name: String,
}

/// The longest site code.
pub const MAX_SITE_CODE: usize = 16;
/// The longest site name.
const MAX_SITE_NAME: usize = 200;

/// Why `code` cannot be a site code, if it cannot: 1 to 16 ASCII letters, digits or
/// dashes, starting with a letter or digit, since it goes into URLs as it is.
pub fn site_code_problem(code: &str) -> Option<String> {
    if code.is_empty() || code.len() > MAX_SITE_CODE {
        return Some(format!(
            "a site code has 1 to {MAX_SITE_CODE} characters, e.g. the commune's code 10105"
        ));
    }
    if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') || code.starts_with('-') {
        return Some(format!(
            "{code:?} is not a site code: use letters, digits and dashes only, e.g. 10105"
        ));
    }
    None
}

fn site_name(name: &str) -> Result<String> {
    let name = crate::domain::text::nfc(name.trim());
    if name.is_empty() {
        bail!("a site needs a name, e.g. \"UBND xã Tân Tiến\"");
    }
    if name.chars().count() > MAX_SITE_NAME || name.chars().any(char::is_control) {
        bail!("a site name has at most {MAX_SITE_NAME} characters and no control characters");
    }
    Ok(name)
}

fn site_code(code: &str) -> Result<String> {
    let code = code.trim();
    if let Some(why) = site_code_problem(code) {
        bail!(why);
    }
    Ok(code.to_string())
}

fn site(row: &Row) -> Result<Site> {
    Ok(Site {
        id: SiteId(row.int(0)?),
        code: row.text(1)?,
        name: row.text(2)?,
    })
}

impl OfficeStore {
    /// Adds a site; its kiosks get the catalogue on their first sync.
    pub fn add_site(&mut self, code: &str, name: &str, now: DateTime<Utc>) -> Result<Site> {
        let (code, name, now) = (site_code(code)?, site_name(name)?, ts(now));
        let id = self.write(|tx| {
            if tx
                .query_opt("SELECT 1 FROM site WHERE code = ?1", sql_params![&code])?
                .is_some()
            {
                bail!("there is already a site with the code {code}");
            }
            let id = tx
                .query_one("SELECT COALESCE(MAX(id), 0) + 1 FROM site", &[])?
                .int(0)?;
            // Rev 1 holds the catalogue (if any), so a kiosk starting from cursor 0 gets it.
            tx.execute(
                "INSERT INTO site (id, code, name, created_at, rev, catalogue_rev)
                 VALUES (?1, ?2, ?3, ?4, 1, 1)",
                sql_params![id, &code, &name, &now],
            )?;
            Ok(id)
        })?;
        Ok(Site {
            id: SiteId(id),
            code,
            name,
        })
    }

    /// Every site, by code.
    pub fn sites(&self) -> Result<Vec<Site>> {
        self.read(|tx| {
            tx.query("SELECT id, code, name FROM site ORDER BY code", &[])?
                .iter()
                .map(site)
                .collect()
        })
    }

    /// The site with this code.
    pub fn site_by_code(&self, code: &str) -> Result<Option<Site>> {
        if site_code_problem(code).is_some() {
            return Ok(None);
        }
        self.read(|tx| {
            tx.query_opt(
                "SELECT id, code, name FROM site WHERE code = ?1",
                sql_params![code],
            )?
            .as_ref()
            .map(site)
            .transpose()
        })
    }

    /// The site with this id.
    pub fn site(&self, id: SiteId) -> Result<Site> {
        self.read(|tx| {
            site(&tx.query_one(
                "SELECT id, code, name FROM site WHERE id = ?1",
                sql_params![id.0],
            )?)
        })
    }

    /// The only site, when the office serves exactly one (the addresses without a site
    /// code mean it); None when it serves several.
    pub fn sole_site(&self) -> Result<Option<Site>> {
        let mut sites = self.read(|tx| {
            tx.query("SELECT id, code, name FROM site ORDER BY id LIMIT 2", &[])?
                .iter()
                .map(site)
                .collect::<Result<Vec<_>>>()
        })?;
        Ok((sites.len() == 1).then(|| sites.remove(0)))
    }

    /// Gives the site `code` a new name and, if asked, a new code (page addresses change
    /// with it: boards must be pointed at the new one).
    pub fn rename_site(
        &mut self,
        code: &str,
        new_name: Option<&str>,
        new_code: Option<&str>,
    ) -> Result<Site> {
        let name = new_name.map(site_name).transpose()?;
        let new_code = new_code.map(site_code).transpose()?;
        let current = self
            .site_by_code(code.trim())?
            .with_context(|| format!("there is no site with the code {}", code.trim()))?;
        let moved = new_code.as_ref().is_some_and(|c| *c != current.code);
        let (name, code) = (
            name.unwrap_or(current.name),
            new_code.unwrap_or(current.code),
        );
        self.write(|tx| {
            if tx
                .query_opt(
                    "SELECT 1 FROM site WHERE code = ?1 AND id <> ?2",
                    sql_params![&code, current.id.0],
                )?
                .is_some()
            {
                bail!("there is already a site with the code {code}");
            }
            tx.execute(
                "UPDATE site SET code = ?2, name = ?3 WHERE id = ?1",
                sql_params![current.id.0, &code, &name],
            )?;
            if moved {
                // The settings carry the site's code (its booking page's address): a new
                // rev sends them, and the new code, to the site's kiosks.
                tx.execute(
                    "UPDATE site SET rev = rev + 1 WHERE id = ?1",
                    sql_params![current.id.0],
                )?;
                tx.execute(
                    "UPDATE settings SET rev = (SELECT rev FROM site WHERE id = ?1) WHERE site_id = ?1",
                    sql_params![current.id.0],
                )?;
            }
            Ok(())
        })?;
        Ok(Site {
            id: current.id,
            code,
            name,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    #[test]
    fn site_codes_are_short_url_safe_words() {
        for ok in ["10105", "main", "xa-tan-tien", "A1"] {
            assert_eq!(site_code_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "-x",
            "a b",
            "a/b",
            "xã",
            "12345678901234567",
            "a?b",
            "../x",
        ] {
            assert!(site_code_problem(bad).is_some(), "{bad:?}");
        }
    }

    both_backends! {
        sites_are_added_listed_renamed_and_kept_apart_by_code,
    }

    fn sites_are_added_listed_renamed_and_kept_apart_by_code(b: Backend) {
        let db = TestDb::new(b);
        {
            let mut s = OfficeStore::open(db.target()).unwrap();
            let first = s.sole_site().unwrap().expect("a new database has one site");
            assert_eq!(first.code, "main");
            let added = s
                .add_site("10105", "  UBND xã Tân Tiến ", Utc::now())
                .unwrap();
            assert_eq!(added.name, "UBND xã Tân Tiến");
            assert_eq!(
                s.sole_site().unwrap(),
                None,
                "two sites: none is the only one"
            );
            let err = s.add_site("10105", "Again", Utc::now()).unwrap_err();
            assert!(err.to_string().contains("already"), "{err}");
            assert!(s.add_site("bad code", "X", Utc::now()).is_err());
            assert!(s.add_site("10107", " ", Utc::now()).is_err());
            let renamed = s
                .rename_site("main", Some("UBND xã Tân Hòa"), Some("10103"))
                .unwrap();
            assert_eq!((renamed.id, renamed.code.as_str()), (first.id, "10103"));
            assert!(s.rename_site("10103", None, Some("10105")).is_err());
            assert!(s.rename_site("nowhere", Some("X"), None).is_err());
        }
        let s = OfficeStore::open(db.target()).unwrap();
        let sites: Vec<(String, String)> = s
            .sites()
            .unwrap()
            .into_iter()
            .map(|x| (x.code, x.name))
            .collect();
        assert_eq!(
            sites,
            [
                ("10103".to_string(), "UBND xã Tân Hòa".to_string()),
                ("10105".to_string(), "UBND xã Tân Tiến".to_string())
            ]
        );
        assert_eq!(s.site_by_code("a/b").unwrap(), None);
    }
}
