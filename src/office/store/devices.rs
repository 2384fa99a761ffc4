//! Enrolled devices (kiosks, integrations, rating tablets and metrics scrapers), their roles and their hashed tokens.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};

use super::tokens::{new_token, token_hash};
use super::values::ts;
use super::OfficeStore;
use crate::office::db::sql_params;

/// What a device may do with its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// A kiosk: pushes events, takes numbers and blocks, pulls changes.
    #[default]
    Kiosk,
    /// Another system (the provincial dossier system's bridge): writes dossiers only.
    Integration,
    /// A rating tablet beside one counter (store::tablets): rates that counter's service only.
    Tablet,
    /// A monitoring system (Prometheus): reads `/metrics` only.
    Metrics,
}

impl Role {
    /// Stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Kiosk => "kiosk",
            Role::Integration => "integration",
            Role::Tablet => "tablet",
            Role::Metrics => "metrics",
        }
    }

    /// Inverse of [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Role> {
        [Role::Kiosk, Role::Integration, Role::Tablet, Role::Metrics]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// An enrolled kiosk (or integration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Stable id.
    pub id: String,
    /// The name given at enrolment, e.g. "Kiosk sảnh".
    pub name: String,
    /// What its token allows.
    pub role: Role,
}

impl OfficeStore {
    /// Enrols a device; returns it and its token, which is shown once and stored hashed.
    pub fn enroll_device(
        &mut self,
        name: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(Device, String)> {
        let name = crate::domain::text::nfc(name.trim());
        if name.is_empty() {
            bail!("a device needs a name, e.g. \"Kiosk sảnh\"");
        }
        let id = uuid::Uuid::new_v4().to_string();
        let token = new_token();
        let (hash, created) = (token_hash(&token), ts(now));
        self.write(|tx| {
            tx.execute(
                "INSERT INTO device (id, name, token_hash, created_at, role) VALUES (?1, ?2, ?3, ?4, ?5)",
                sql_params![&id, &name, &hash, &created, role.code()],
            )
        })?;
        Ok((Device { id, name, role }, token))
    }

    /// Revokes every device with this name or id; returns how many.
    pub fn revoke_device(&mut self, name_or_id: &str, now: DateTime<Utc>) -> Result<usize> {
        let now = ts(now);
        let n = self.write(|tx| {
            tx.execute(
                "UPDATE device SET revoked_at = ?2
                 WHERE (id = ?1 OR name = ?1) AND revoked_at IS NULL",
                sql_params![name_or_id.trim(), &now],
            )
        })?;
        Ok(n as usize)
    }

    /// The device a token belongs to, unless revoked.
    pub fn device_for_token(&self, token: &str) -> Result<Option<Device>> {
        let hash = token_hash(token);
        let row = self.read(|tx| {
            tx.query_opt(
                "SELECT id, name, role FROM device WHERE token_hash = ?1 AND revoked_at IS NULL",
                sql_params![&hash],
            )
        })?;
        let Some(row) = row else {
            return Ok(None);
        };
        let (id, name, role) = (row.text(0)?, row.text(1)?, row.text(2)?);
        Ok(match Role::from_code(&role) {
            Some(role) => Some(Device { id, name, role }),
            None => {
                // Written by a newer office: grant nothing rather than guess.
                log::warn!("device {name:?} has the unknown role {role:?}; its token is refused");
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use crate::office::test_db::{both_backends, Backend, TestDb};
    use crate::office::{OfficeStore, Role};

    both_backends! {
        tokens_identify_devices_with_their_role_until_revoked_and_survive_a_reopen,
    }

    fn tokens_identify_devices_with_their_role_until_revoked_and_survive_a_reopen(b: Backend) {
        let db = TestDb::new(b);
        let path = db.target();
        let (token, bridge) = {
            let mut s = OfficeStore::open(path).unwrap();
            let (dev, token) = s
                .enroll_device("Kiosk sảnh", Role::Kiosk, Utc::now())
                .unwrap();
            assert_eq!(s.device_for_token(&token).unwrap(), Some(dev));
            assert_eq!(s.device_for_token("wrong").unwrap(), None);
            assert!(s.enroll_device("  ", Role::Kiosk, Utc::now()).is_err());
            let (_, bridge) = s
                .enroll_device("Cổng dịch vụ công", Role::Integration, Utc::now())
                .unwrap();
            (token, bridge)
        };
        let mut s = OfficeStore::open(path).unwrap();
        assert_eq!(
            s.device_for_token(&token).unwrap().unwrap().role,
            Role::Kiosk
        );
        assert_eq!(
            s.device_for_token(&bridge).unwrap().unwrap().role,
            Role::Integration
        );
        assert_eq!(s.revoke_device("Kiosk sảnh", Utc::now()).unwrap(), 1);
        assert_eq!(s.device_for_token(&token).unwrap(), None);
    }
}
