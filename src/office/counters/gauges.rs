//! What `/metrics` reads from the database at scrape time, in one short read transaction:
//! each queue's waiting tickets today with the oldest one's issue time, and the enrolled
//! kiosks (the only names the sync-lag gauge may carry). Every label value comes from the
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
    /// The name given at enrolment.
    pub name: String,
}

/// What one scrape reads from the database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gauges {
    /// The configured queues (zero when nobody waits) and any other queue with waiting
    /// tickets today, by prefix.
    pub queues: Vec<QueueGauge>,
    /// The enrolled kiosks.
    pub kiosks: Vec<KioskName>,
}

impl OfficeStore {
    /// The figures `/metrics` shows from the database, for the business day `today`.
    pub fn gauges(&self, today: NaiveDate) -> Result<Gauges> {
        self.read(|tx| {
            let configured: Vec<QueueDef> = match tx.query_opt(
                "SELECT value FROM office_config WHERE key = 'queues'",
                &[],
            )? {
                Some(row) => serde_json::from_str(&row.text(0)?).unwrap_or_default(),
                None => Vec::new(),
            };
            let mut queues: BTreeMap<String, QueueGauge> = configured
                .into_iter()
                .map(|q| {
                    let gauge = QueueGauge {
                        queue: q.prefix.clone(),
                        waiting: 0,
                        oldest_issued_at: None,
                    };
                    (q.prefix, gauge)
                })
                .collect();
            for r in tx.query(
                "SELECT serve_queue, COUNT(*), MIN(issued_at) FROM ticket
                 WHERE business_date = ?1 AND state = 'waiting' GROUP BY serve_queue",
                sql_params![&day(today)],
            )? {
                let queue = r.text(0)?;
                let oldest = r.opt_text(2)?.map(|t| parse_ts(&t)).transpose()?;
                queues.insert(
                    queue.clone(),
                    QueueGauge {
                        queue,
                        waiting: to_u32(r.int(1)?),
                        oldest_issued_at: oldest,
                    },
                );
            }
            let kiosks = tx
                .query(
                    "SELECT id, name FROM device WHERE role = ?1 AND revoked_at IS NULL ORDER BY name, id",
                    sql_params![Role::Kiosk.code()],
                )?
                .iter()
                .map(|r| {
                    Ok(KioskName {
                        id: r.text(0)?,
                        name: r.text(1)?,
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
    use crate::office::test_db::{both_backends, Backend, TestDb};

    both_backends! {
        configured_queues_show_zero_and_revoked_kiosks_leave_the_list,
    }

    fn configured_queues_show_zero_and_revoked_kiosks_leave_the_list(b: Backend) {
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        s.set_queues(&[
            QueueDef {
                prefix: "A".into(),
                fields: vec![],
            },
            QueueDef {
                prefix: "B".into(),
                fields: vec![],
            },
        ])
        .unwrap();
        let (k1, _) = s.enroll_device("Kiosk 1", Role::Kiosk, now).unwrap();
        s.enroll_device("Kiosk 2", Role::Kiosk, now).unwrap();
        s.enroll_device("Cổng", Role::Integration, now).unwrap();
        s.revoke_device("Kiosk 2", now).unwrap();
        let g = s.gauges(now.date_naive()).unwrap();
        let queues: Vec<(&str, u32)> = g
            .queues
            .iter()
            .map(|q| (q.queue.as_str(), q.waiting))
            .collect();
        assert_eq!(queues, [("A", 0), ("B", 0)]);
        assert!(g.queues.iter().all(|q| q.oldest_issued_at.is_none()));
        assert_eq!(
            g.kiosks,
            [KioskName {
                id: k1.id,
                name: "Kiosk 1".into()
            }]
        );
    }
}
