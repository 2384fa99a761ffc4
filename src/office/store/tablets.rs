//! Rating tablets as devices: each belongs to one counter and proves it with a device token
//! it got by redeeming a one-time pairing code staff gave it (`office enroll-device
//! --tablet`, `office pair-tablet`). Codes are short enough to type on a tablet, expire
//! after [`PAIRING_LIFETIME`], and are stored only as hashes, like tokens.

use anyhow::{bail, Result};
use chrono::{DateTime, TimeDelta, Utc};

use super::devices::Role;
use super::short_codes::{new_code, normalize_code};
use super::sites::SiteId;
use super::tokens::{new_token, token_hash};
use super::values::{parse_ts, to_u32, ts};
use super::OfficeStore;
use crate::office::db::{sql_params, Row};

/// How long a pairing code may be redeemed after it was made.
pub const PAIRING_LIFETIME: TimeDelta = TimeDelta::hours(24);

/// An enrolled rating tablet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tablet {
    /// Stable id (the device's).
    pub id: String,
    /// The name given at enrolment, e.g. "Máy tính bảng quầy 2".
    pub name: String,
    /// The counter whose service it rates.
    pub counter: u32,
    /// The site of that counter.
    pub site: SiteId,
}

/// A one-time pairing code as staff read it out, e.g. "7KQ2-M9XD".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingCode {
    /// The code in groups, as printed.
    pub code: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Why a pairing code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingRefused {
    /// No tablet waits for this code (mistyped, already used, or replaced by a newer one).
    BadCode,
    /// The code was right but is past its expiry: staff make a new one.
    Expired,
}

/// What the database keeps of a code: a hash set apart from tokens' by its prefix.
fn code_hash(code: &str) -> String {
    let canonical = normalize_code(code).unwrap_or_default();
    token_hash(&format!("pairing:{canonical}"))
}

fn tablet(row: &Row) -> Result<Tablet> {
    Ok(Tablet {
        id: row.text(0)?,
        name: row.text(1)?,
        counter: to_u32(row.opt_int(2)?.unwrap_or(0)),
        site: SiteId(row.opt_int(3)?.unwrap_or(0)),
    })
}

impl OfficeStore {
    /// Enrols a rating tablet for `counter` of `site` under a name no other active tablet of
    /// the site has; returns it and its first pairing code (shown once, stored hashed).
    pub fn enroll_tablet(
        &mut self,
        site: SiteId,
        name: &str,
        counter: u32,
        now: DateTime<Utc>,
    ) -> Result<(Tablet, PairingCode)> {
        let name = crate::domain::text::nfc(name.trim());
        if name.is_empty() {
            bail!("a tablet needs a name, e.g. \"Máy tính bảng quầy {counter}\"");
        }
        if counter == 0 {
            bail!("counters are numbered from 1");
        }
        let id = uuid::Uuid::new_v4().to_string();
        let code = new_code();
        let expires_at = now + PAIRING_LIFETIME;
        // Until it pairs, the tablet's token is one nobody was ever given.
        let (token, pairing) = (token_hash(&new_token()), code_hash(&code));
        let (created, expires) = (ts(now), ts(expires_at));
        self.write(|tx| {
            let taken = tx.query_opt(
                "SELECT id FROM device WHERE name = ?1 AND role = ?2 AND site_id = ?3 AND revoked_at IS NULL",
                sql_params![&name, Role::Tablet.code(), site.0],
            )?;
            if taken.is_some() {
                bail!("a tablet named {name:?} is already enrolled; give another name, or `motcua office pair-tablet --name` it for a new code");
            }
            tx.execute(
                "INSERT INTO device (id, name, token_hash, created_at, role, counter, pairing_hash, pairing_expires_at, site_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                sql_params![&id, &name, &token, &created, Role::Tablet.code(), i64::from(counter), &pairing, &expires, site.0],
            )
        })?;
        let tablet = Tablet {
            id,
            name,
            counter,
            site,
        };
        Ok((tablet, PairingCode { code, expires_at }))
    }

    /// A new pairing code for the site's active tablet with this name or id; its token
    /// stops working at once, so the browser that held it must pair again.
    pub fn new_pairing_code(
        &mut self,
        site: SiteId,
        name_or_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(Tablet, PairingCode)> {
        let key = crate::domain::text::nfc(name_or_id.trim());
        let code = new_code();
        let expires_at = now + PAIRING_LIFETIME;
        let (token, pairing, expires) =
            (token_hash(&new_token()), code_hash(&code), ts(expires_at));
        let tablet = self.write(|tx| {
            let rows = tx.query(
                "SELECT id, name, counter, site_id FROM device
                 WHERE (id = ?1 OR name = ?1) AND role = ?2 AND site_id = ?3 AND revoked_at IS NULL",
                sql_params![&key, Role::Tablet.code(), site.0],
            )?;
            let [row] = rows.as_slice() else {
                bail!("no single active tablet named {key:?} (enrol one with `motcua office enroll-device --tablet`)");
            };
            let tablet = tablet(row)?;
            tx.execute(
                "UPDATE device SET token_hash = ?2, pairing_hash = ?3, pairing_expires_at = ?4, paired_at = NULL
                 WHERE id = ?1",
                sql_params![&tablet.id, &token, &pairing, &expires],
            )?;
            Ok(tablet)
        })?;
        Ok((tablet, PairingCode { code, expires_at }))
    }

    /// Trades a pairing code for the tablet's device token, once: the code is spent whether
    /// or not the browser keeps the answer.
    pub fn redeem_pairing_code(
        &mut self,
        typed: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<(Tablet, String), PairingRefused>> {
        if normalize_code(typed).is_none() {
            return Ok(Err(PairingRefused::BadCode));
        }
        let hash = code_hash(typed);
        let token = new_token();
        let (token_h, paired) = (token_hash(&token), ts(now));
        self.write(|tx| {
            let row = tx.query_opt(
                "SELECT id, name, counter, site_id, pairing_expires_at FROM device
                 WHERE pairing_hash = ?1 AND role = ?2 AND revoked_at IS NULL",
                sql_params![&hash, Role::Tablet.code()],
            )?;
            let Some(row) = row else {
                return Ok(Err(PairingRefused::BadCode));
            };
            let expires = parse_ts(&row.text(4)?)?;
            if expires <= now {
                return Ok(Err(PairingRefused::Expired));
            }
            let tablet = tablet(&row)?;
            tx.execute(
                "UPDATE device SET token_hash = ?2, pairing_hash = NULL, pairing_expires_at = NULL, paired_at = ?3
                 WHERE id = ?1",
                sql_params![&tablet.id, &token_h, &paired],
            )?;
            Ok(Ok((tablet, token.clone())))
        })
    }

    /// The tablet a token belongs to, unless revoked or paired anew since.
    pub fn tablet_for_token(&self, token: &str) -> Result<Option<Tablet>> {
        let hash = token_hash(token);
        let row = self.read(|tx| {
            tx.query_opt(
                "SELECT id, name, counter, site_id FROM device
                 WHERE token_hash = ?1 AND role = ?2 AND revoked_at IS NULL AND paired_at IS NOT NULL",
                sql_params![&hash, Role::Tablet.code()],
            )
        })?;
        row.as_ref().map(tablet).transpose()
    }

    /// The site's active tablet with this name and whether it has paired since its last code.
    pub fn tablet_named(&self, site: SiteId, name: &str) -> Result<Option<(Tablet, bool)>> {
        let name = crate::domain::text::nfc(name.trim());
        let row = self.read(|tx| {
            tx.query_opt(
                "SELECT id, name, counter, site_id, paired_at FROM device
                 WHERE name = ?1 AND role = ?2 AND site_id = ?3 AND revoked_at IS NULL",
                sql_params![&name, Role::Tablet.code(), site.0],
            )
        })?;
        row.map(|r| Ok((tablet(&r)?, r.opt_text(4)?.is_some())))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use chrono::{TimeDelta, Utc};

    use super::*;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    #[test]
    fn codes_are_two_groups_of_four_from_the_alphabet_and_differ() {
        let a = new_code();
        assert_eq!(a.len(), 9, "{a}");
        assert_eq!(&a[4..5], "-");
        assert!(normalize_code(&a).is_some(), "{a}");
        let many: std::collections::HashSet<String> = (0..200).map(|_| new_code()).collect();
        assert_eq!(many.len(), 200);
    }

    #[test]
    fn typed_codes_forgive_case_spaces_dashes_and_look_alike_letters() {
        assert_eq!(normalize_code("7kq2-m9xd").as_deref(), Some("7KQ2M9XD"));
        assert_eq!(normalize_code(" 7KQ2 M9XD ").as_deref(), Some("7KQ2M9XD"));
        assert_eq!(normalize_code("OIL2-M9XD").as_deref(), Some("0112M9XD"));
        assert_eq!(normalize_code("7KQ2-M9X"), None, "too short");
        assert_eq!(normalize_code("7KQ2-M9XDD"), None, "too long");
        assert_eq!(
            normalize_code("7KQ2-M9XU"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(normalize_code("7KQ2-M9X\0"), None);
        assert_eq!(normalize_code("ạKQ2-M9XD"), None);
        assert_eq!(normalize_code(&"-".repeat(1000)), None);
    }

    both_backends! {
        a_code_pairs_its_tablet_once_and_a_new_code_revokes_the_token,
        an_expired_code_is_refused_and_names_stay_unique,
    }

    fn a_code_pairs_its_tablet_once_and_a_new_code_revokes_the_token(b: Backend) {
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        let now = Utc::now();
        let (tablet, code) = s.enroll_tablet(S1, "Bảng quầy 2", 2, now).unwrap();
        assert_eq!(tablet.counter, 2);
        assert_eq!(
            s.tablet_named(S1, "Bảng quầy 2").unwrap(),
            Some((tablet.clone(), false))
        );
        let typed = code.code.to_lowercase().replace('-', " ");
        let (paired, token) = s.redeem_pairing_code(&typed, now).unwrap().unwrap();
        assert_eq!(paired, tablet);
        assert_eq!(s.tablet_for_token(&token).unwrap(), Some(tablet.clone()));
        assert_eq!(
            s.redeem_pairing_code(&code.code, now).unwrap(),
            Err(PairingRefused::BadCode),
            "a code works once"
        );
        // A tablet's token is no kiosk's.
        let dev = s.device_for_token(&token).unwrap().unwrap();
        assert_eq!(dev.role, Role::Tablet);

        let (again, code2) = s.new_pairing_code(S1, "Bảng quầy 2", now).unwrap();
        assert_eq!(again, tablet);
        assert_eq!(
            s.tablet_for_token(&token).unwrap(),
            None,
            "the old token is revoked"
        );
        let (_, token2) = s.redeem_pairing_code(&code2.code, now).unwrap().unwrap();
        assert_eq!(s.tablet_for_token(&token2).unwrap(), Some(tablet.clone()));
        assert!(s.new_pairing_code(S1, "Bảng quầy 9", now).is_err());

        s.revoke_device("Bảng quầy 2", None, now).unwrap();
        assert_eq!(s.tablet_for_token(&token2).unwrap(), None);
    }

    fn an_expired_code_is_refused_and_names_stay_unique(b: Backend) {
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        let then = Utc::now() - PAIRING_LIFETIME - TimeDelta::seconds(1);
        let (_, code) = s.enroll_tablet(S1, "Bảng quầy 1", 1, then).unwrap();
        assert_eq!(
            s.redeem_pairing_code(&code.code, Utc::now()).unwrap(),
            Err(PairingRefused::Expired)
        );
        assert_eq!(
            s.redeem_pairing_code("not a code", Utc::now()).unwrap(),
            Err(PairingRefused::BadCode)
        );
        let err = s
            .enroll_tablet(S1, "Bảng quầy 1", 3, Utc::now())
            .unwrap_err();
        assert!(err.to_string().contains("already enrolled"), "{err}");
        assert!(s.enroll_tablet(S1, " ", 1, Utc::now()).is_err());
        assert!(s.enroll_tablet(S1, "Bảng quầy 0", 0, Utc::now()).is_err());
        let (_, code) = s.new_pairing_code(S1, "Bảng quầy 1", Utc::now()).unwrap();
        assert!(s
            .redeem_pairing_code(&code.code, Utc::now())
            .unwrap()
            .is_ok());
    }
}
