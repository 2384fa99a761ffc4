//! Enrolled devices (kiosks, integrations, rating tablets and metrics scrapers), their roles and their hashed tokens.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};

use super::sites::SiteId;
use super::tokens::{new_token, token_hash};
use super::values::ts;
use super::OfficeStore;
use crate::office::db::{sql_params, Tx};

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
    /// The sites it may act for: a kiosk's or tablet's one site; the sites an integration is
    /// limited to (none: every site).
    pub sites: Vec<SiteId>,
}

impl Device {
    /// The one site of a kiosk or tablet (an integration has none of its own).
    pub fn site(&self) -> Option<SiteId> {
        match (self.role, self.sites.as_slice()) {
            (Role::Kiosk | Role::Tablet, [site]) => Some(*site),
            _ => None,
        }
    }

    /// Whether it may act for `site`.
    pub fn serves(&self, site: SiteId) -> bool {
        match self.role {
            Role::Integration => self.sites.is_empty() || self.sites.contains(&site),
            _ => self.site() == Some(site),
        }
    }
}

/// The sites a device may act for, as [`Device::sites`] holds them.
pub(super) fn device_sites(tx: &mut Tx, id: &str, own: Option<i64>) -> Result<Vec<SiteId>> {
    if let Some(site) = own {
        return Ok(vec![SiteId(site)]);
    }
    tx.query(
        "SELECT site_id FROM device_site WHERE device_id = ?1 ORDER BY site_id",
        sql_params![id],
    )?
    .iter()
    .map(|r| Ok(SiteId(r.int(0)?)))
    .collect()
}

impl OfficeStore {
    /// Enrols a device for `sites` (a kiosk: exactly one; an integration: those it is
    /// limited to, none for every site; metrics: none, it sees the whole office); returns it and its token, which is shown once and
    /// stored hashed.
    pub fn enroll_device(
        &mut self,
        name: &str,
        role: Role,
        sites: &[SiteId],
        now: DateTime<Utc>,
    ) -> Result<(Device, String)> {
        let name = crate::domain::text::nfc(name.trim());
        if name.is_empty() {
            bail!("a device needs a name, e.g. \"Kiosk sảnh\"");
        }
        let mut sites = sites.to_vec();
        sites.sort_unstable();
        sites.dedup();
        let own = match role {
            Role::Integration => None,
            Role::Metrics if sites.is_empty() => None,
            Role::Metrics => bail!("a metrics token reads the whole office: give it no site"),
            _ if sites.len() == 1 => Some(sites[0].0),
            _ => bail!("a kiosk or a tablet belongs to exactly one site"),
        };
        let id = uuid::Uuid::new_v4().to_string();
        let token = new_token();
        let (hash, created) = (token_hash(&token), ts(now));
        self.write(|tx| {
            tx.execute(
                "INSERT INTO device (id, name, token_hash, created_at, role, site_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                sql_params![&id, &name, &hash, &created, role.code(), own],
            )?;
            if role == Role::Integration {
                for site in &sites {
                    tx.execute(
                        "INSERT INTO device_site (device_id, site_id) VALUES (?1, ?2)",
                        sql_params![&id, site.0],
                    )?;
                }
            }
            Ok(())
        })?;
        Ok((
            Device {
                id,
                name,
                role,
                sites,
            },
            token,
        ))
    }

    /// Revokes every device with this name or id, of `site` (and devices of no site, such
    /// as integrations) when given; returns how many. Without a site, a name that devices of
    /// several sites share is refused: two communes may both have a "Kiosk sảnh".
    pub fn revoke_device(
        &mut self,
        name_or_id: &str,
        site: Option<SiteId>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let (now, name) = (ts(now), name_or_id.trim());
        let n = self.write(|tx| {
            if let Some(site) = site {
                return tx.execute(
                    "UPDATE device SET revoked_at = ?2
                     WHERE (id = ?1 OR name = ?1) AND revoked_at IS NULL
                       AND (site_id = ?3 OR site_id IS NULL)",
                    sql_params![name, &now, site.0],
                );
            }
            let sites: Vec<String> = tx
                .query(
                    "SELECT DISTINCT s.code FROM device d JOIN site s ON s.id = d.site_id
                     WHERE (d.id = ?1 OR d.name = ?1) AND d.revoked_at IS NULL ORDER BY s.code",
                    sql_params![name],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            if sites.len() > 1 {
                bail!(
                    "devices of the sites {} are named {name:?}: say which with --site CODE",
                    sites.join(", ")
                );
            }
            tx.execute(
                "UPDATE device SET revoked_at = ?2
                 WHERE (id = ?1 OR name = ?1) AND revoked_at IS NULL",
                sql_params![name, &now],
            )
        })?;
        Ok(n as usize)
    }

    /// The device a token belongs to, unless revoked.
    pub fn device_for_token(&self, token: &str) -> Result<Option<Device>> {
        let hash = token_hash(token);
        let found = self.read(|tx| {
            let Some(row) = tx.query_opt(
                "SELECT id, name, role, site_id FROM device WHERE token_hash = ?1 AND revoked_at IS NULL",
                sql_params![&hash],
            )?
            else {
                return Ok(None);
            };
            let (id, name, role) = (row.text(0)?, row.text(1)?, row.text(2)?);
            let sites = device_sites(tx, &id, row.opt_int(3)?)?;
            Ok(Some((id, name, role, sites)))
        })?;
        let Some((id, name, role, sites)) = found else {
            return Ok(None);
        };
        Ok(match Role::from_code(&role) {
            Some(role) => Some(Device {
                id,
                name,
                role,
                sites,
            }),
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
    #[allow(unused_imports)]
    use crate::office::store::S1;
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
            let site = s.sole_site().unwrap().unwrap().id;
            let (dev, token) = s
                .enroll_device("Kiosk sảnh", Role::Kiosk, &[site], Utc::now())
                .unwrap();
            assert_eq!(dev.site(), Some(site));
            assert_eq!(s.device_for_token(&token).unwrap(), Some(dev));
            assert_eq!(s.device_for_token("wrong").unwrap(), None);
            assert!(s
                .enroll_device("  ", Role::Kiosk, &[site], Utc::now())
                .is_err());
            assert!(
                s.enroll_device("Kiosk", Role::Kiosk, &[], Utc::now())
                    .is_err(),
                "a kiosk needs its site"
            );
            let other = s.add_site("10105", "Tân Tiến", Utc::now()).unwrap().id;
            let (limited, _) = s
                .enroll_device("Cầu nối", Role::Integration, &[other], Utc::now())
                .unwrap();
            assert!(limited.serves(other) && !limited.serves(site));
            let (_, bridge) = s
                .enroll_device("Cổng dịch vụ công", Role::Integration, &[], Utc::now())
                .unwrap();
            (token, bridge)
        };
        let mut s = OfficeStore::open(path).unwrap();
        assert_eq!(
            s.device_for_token(&token).unwrap().unwrap().role,
            Role::Kiosk
        );
        let bridge = s.device_for_token(&bridge).unwrap().unwrap();
        assert_eq!(bridge.role, Role::Integration);
        assert!(bridge.serves(crate::office::store::SiteId(1)) && bridge.sites.is_empty());
        // Another commune's kiosk of the same name: the name alone is not enough.
        let other = s.site_by_code("10105").unwrap().unwrap().id;
        let (_, twin) = s
            .enroll_device("Kiosk sảnh", Role::Kiosk, &[other], Utc::now())
            .unwrap();
        let err = s.revoke_device("Kiosk sảnh", None, Utc::now()).unwrap_err();
        assert!(err.to_string().contains("10105, main"), "{err}");
        assert!(
            s.device_for_token(&token).unwrap().is_some(),
            "nothing revoked"
        );
        let main = s.site_by_code("main").unwrap().unwrap().id;
        assert_eq!(
            s.revoke_device("Kiosk sảnh", Some(main), Utc::now())
                .unwrap(),
            1
        );
        assert_eq!(s.device_for_token(&token).unwrap(), None);
        assert!(
            s.device_for_token(&twin).unwrap().is_some(),
            "the other commune's kiosk works on"
        );
    }
}
