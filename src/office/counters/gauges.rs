//! What `/metrics` reads from the database at scrape time, in one short read transaction:
//! each site's queues' waiting tickets today with the oldest one's issue time, and the
//! enrolled kiosks (the only names the sync-lag gauge may carry). Every label value comes from the
//! office's own configuration or enrolment, never from a request, so the series stay few.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

use super::office_config::QueueDef;
use crate::office::db::sql_params;
use crate::office::store::{day, parse_ts, to_u32, OfficeStore, Role};

/// One queue's waiting tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueGauge {
    /// The site's code.
    pub site: String,
    /// Queue prefix.
    pub queue: String,
    /// Tickets waiting in it today (where they wait now: a transferred ticket counts in
    /// the queue it was sent to).
    pub waiting: u32,
    /// When the longest-waiting of them was issued; None when nobody waits.
    pub oldest_issued_at: Option<DateTime<Utc>>,
}

/// An enrolled, unrevoked kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskName {
    /// Its id (the sync routes know a kiosk by it).
    pub id: String,
    /// Its site's code.
    pub site: String,
    /// The name given at enrolment.
    pub name: String,
}

/// What one scrape reads from the database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gauges {
    /// Every site's configured queues (zero when nobody waits) and any other queue with
    /// waiting tickets today, by site and prefix.
    pub queues: Vec<QueueGauge>,
    /// The enrolled kiosks.
    pub kiosks: Vec<KioskName>,
}

impl OfficeStore {
    /// The figures `/metrics` shows from the database, for the business day `today`.
    pub fn gauges(&self, today: NaiveDate) -> Result<Gauges> {
        self.read(|tx| {
            let mut queues: BTreeMap<(String, String), QueueGauge> = BTreeMap::new();
            for row in tx.query(
                "SELECT s.code, c.value FROM office_config c JOIN site s ON s.id = c.site_id
                 WHERE c.key = 'queues'",
                &[],
            )? {
                let site = row.text(0)?;
                let configured: Vec<QueueDef> =
                    serde_json::from_str(&row.text(1)?).unwrap_or_default();
                for q in configured {
                    let gauge = QueueGauge {
                        site: site.clone(),
                        queue: q.prefix.clone(),
                        waiting: 0,
                        oldest_issued_at: None,
                    };
                    queues.insert((site.clone(), q.prefix), gauge);
                }
            }
            for r in tx.query(
                "SELECT s.code, t.serve_queue, COUNT(*), MIN(t.issued_at)
                 FROM ticket t JOIN site s ON s.id = t.site_id
                 WHERE t.business_date = ?1 AND t.state = 'waiting'
                 GROUP BY s.code, t.serve_queue",
                sql_params![&day(today)],
            )? {
                let (site, queue) = (r.text(0)?, r.text(1)?);
                let oldest = r.opt_text(3)?.map(|t| parse_ts(&t)).transpose()?;
                queues.insert(
                    (site.clone(), queue.clone()),
                    QueueGauge {
                        site,
                        queue,
                        waiting: to_u32(r.int(2)?),
                        oldest_issued_at: oldest,
                    },
                );
            }
            let kiosks = tx
                .query(
                    "SELECT d.id, s.code, d.name FROM device d JOIN site s ON s.id = d.site_id
                     WHERE d.role = ?1 AND d.revoked_at IS NULL ORDER BY s.code, d.name, d.id",
                    sql_params![Role::Kiosk.code()],
                )?
                .iter()
                .map(|r| {
                    Ok(KioskName {
                        id: r.text(0)?,
                        site: r.text(1)?,
                        name: r.text(2)?,
                    })
                })
                .collect::<Result<_>>()?;
            Ok(Gauges {
                queues: queues.into_values().collect(),
                kiosks,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    both_backends! {
        configured_queues_show_zero_and_revoked_kiosks_leave_the_list,
    }

    fn configured_queues_show_zero_and_revoked_kiosks_leave_the_list(b: Backend) {
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let queues = [QueueDef::new("A", &[]), QueueDef::new("B", &[])];
        s.set_queues(S1, &queues).unwrap();
        let other = s.add_site("10105", "Tân Tiến", now).unwrap();
        s.set_queues(other.id, &queues[..1]).unwrap();
        let (k1, _) = s.enroll_device("Kiosk 1", Role::Kiosk, &[S1], now).unwrap();
        s.enroll_device("Kiosk 2", Role::Kiosk, &[S1], now).unwrap();
        let (k3, _) = s
            .enroll_device("Kiosk 1", Role::Kiosk, &[other.id], now)
            .unwrap();
        s.enroll_device("Cổng", Role::Integration, &[], now)
            .unwrap();
        s.revoke_device("Kiosk 2", None, now).unwrap();
        let g = s.gauges(now.date_naive()).unwrap();
        let queues: Vec<(&str, &str, u32)> = g
            .queues
            .iter()
            .map(|q| (q.site.as_str(), q.queue.as_str(), q.waiting))
            .collect();
        assert_eq!(
            queues,
            [("10105", "A", 0), ("main", "A", 0), ("main", "B", 0)]
        );
        assert!(g.queues.iter().all(|q| q.oldest_issued_at.is_none()));
        assert_eq!(
            g.kiosks,
            [
                KioskName {
                    id: k3.id,
                    site: "10105".into(),
                    name: "Kiosk 1".into()
                },
                KioskName {
                    id: k1.id,
                    site: "main".into(),
                    name: "Kiosk 1".into()
                }
            ]
        );
    }
}
