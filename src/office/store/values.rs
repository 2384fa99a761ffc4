//! How the office database writes times, days and counts in its columns: timestamps as
//! RFC 3339 text with nanoseconds (they sort as text), days as `YYYY-MM-DD`.

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// A timestamp as the office database stores it.
pub(in crate::office) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// A timestamp read back from the office database.
pub(in crate::office) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad timestamp {s:?} in the office database"))?
        .with_timezone(&Utc))
}

/// A business day as the office database stores it.
pub(in crate::office) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A count read from the database (never negative there).
pub(in crate::office) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A counter number or a small count read from the database.
pub(in crate::office) fn to_u32(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}
