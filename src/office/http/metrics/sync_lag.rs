//! How long since each enrolled kiosk last synced: the sync routes note the time of every
//! successful push or pull in memory (a restart forgets it; a kiosk polls every few
//! seconds), and a scrape turns it into seconds per kiosk name. Only an authenticated
//! kiosk is noted, and a scrape forgets kiosks no longer enrolled, so the table is bounded
//! by the enrolled kiosks, never by what requests carry.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::office::counters::KioskName;

/// When each kiosk (by device id) last synced successfully.
#[derive(Debug, Default)]
pub(super) struct SyncSeen(Mutex<HashMap<String, DateTime<Utc>>>);

/// The sync lag as a scrape shows it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Lags {
    /// Seconds since the last successful sync, per (site code, kiosk name) (the largest
    /// when two kiosks of a site share a name, so a silent one is not hidden by its twin).
    pub(super) by_name: Vec<((String, String), f64)>,
    /// Enrolled kiosks that have not synced since the office started.
    pub(super) never: usize,
}

impl SyncSeen {
    /// Notes that the kiosk `device_id` pushed or pulled successfully at `at`.
    pub(super) fn saw(&self, device_id: &str, at: DateTime<Utc>) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match seen.get_mut(device_id) {
            Some(t) => *t = (*t).max(at),
            None => {
                seen.insert(device_id.to_string(), at);
            }
        }
    }

    /// The lags of the enrolled `kiosks` at `now`; forgets kiosks no longer enrolled.
    pub(super) fn lags(&self, kiosks: &[KioskName], now: DateTime<Utc>) -> Lags {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|id, _| kiosks.iter().any(|k| k.id == *id));
        lags(kiosks, &seen, now)
    }
}

/// The lag of each enrolled kiosk that has synced, by name, and how many have not.
fn lags(kiosks: &[KioskName], seen: &HashMap<String, DateTime<Utc>>, now: DateTime<Utc>) -> Lags {
    let mut by_name: Vec<((String, String), f64)> = Vec::new();
    let mut never = 0;
    for k in kiosks {
        let Some(at) = seen.get(&k.id) else {
            never += 1;
            continue;
        };
        // A clock stepped back shows 0, not a negative lag.
        let lag = (now - *at).num_milliseconds().max(0) as f64 / 1000.0;
        match by_name
            .iter_mut()
            .find(|((site, name), _)| *site == k.site && *name == k.name)
        {
            Some((_, l)) => *l = l.max(lag),
            None => by_name.push(((k.site.clone(), k.name.clone()), lag)),
        }
    }
    by_name.sort_by(|a, b| a.0.cmp(&b.0));
    Lags { by_name, never }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;

    fn kiosk(id: &str, name: &str) -> KioskName {
        KioskName {
            id: id.into(),
            site: "main".into(),
            name: name.into(),
        }
    }

    #[test]
    fn lag_per_name_takes_the_stalest_twin_and_counts_the_silent() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let seen = SyncSeen::default();
        seen.saw("1", t0);
        seen.saw("2", t0 + TimeDelta::seconds(50));
        seen.saw("3", t0 + TimeDelta::seconds(30));
        // An older answer arriving late does not move the time back.
        seen.saw("3", t0);
        let kiosks = [
            kiosk("1", "Sảnh"),
            kiosk("2", "Sảnh"),
            kiosk("3", "Tầng 2"),
            kiosk("4", "Mới"),
        ];
        let now = t0 + TimeDelta::seconds(60);
        assert_eq!(
            seen.lags(&kiosks, now),
            Lags {
                by_name: vec![
                    (("main".into(), "Sảnh".into()), 60.0),
                    (("main".into(), "Tầng 2".into()), 30.0)
                ],
                never: 1,
            }
        );
        // A clock stepped back: no negative lag.
        assert_eq!(
            seen.lags(&kiosks, t0 - TimeDelta::seconds(5)).by_name[0].1,
            0.0
        );
    }

    #[test]
    fn kiosks_no_longer_enrolled_are_forgotten() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let seen = SyncSeen::default();
        seen.saw("1", t0);
        seen.saw("2", t0);
        let lags = seen.lags(&[kiosk("2", "B")], t0);
        assert_eq!(lags.by_name, [(("main".to_string(), "B".to_string()), 0.0)]);
        assert_eq!(seen.0.lock().unwrap().len(), 1);
    }
}
