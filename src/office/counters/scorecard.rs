//! The monthly scorecard at the office (docs/scorecard.md): a site's counts for a month
//! read from its dossiers, tickets and ratings, turned into figures by
//! [`crate::domain::scorecard`]; the official score and rank a lead types in; the months
//! side by side for the chart; the CSV.

use anyhow::Result;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::domain::scorecard::{figures, Figure, Month, MonthCounts};
use crate::office::db::{sql_params, Tx};
use crate::office::reports::{dossier_figures, local_midnight};
use crate::office::store::{day, ts, OfficeStore, SiteId};

/// The most months one history reads.
pub const MAX_HISTORY_MONTHS: u32 = 36;

/// The official result of a month, as the lead typed it from the national portal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Official {
    /// Out of 100.
    pub score: f64,
    /// 1 = best; None when the lead gave no rank.
    pub rank: Option<i64>,
    /// How many were ranked.
    pub rank_of: Option<i64>,
    /// When it was typed, UTC.
    pub entered_at: String,
    /// The lead who typed it.
    pub entered_by: String,
}

/// One month of a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    /// The month.
    pub month: Month,
    /// The instant the in-progress figures describe, office-local: the month's end, or now
    /// while the month runs.
    pub as_of: NaiveDateTime,
    /// False while the month is still running.
    pub complete: bool,
    /// The figures, every one an estimate.
    pub figures: Vec<Figure>,
    /// The official score and rank, once typed.
    pub official: Option<Official>,
}

impl OfficeStore {
    /// The site's scorecard for `month`, judged at `now` in `tz`.
    pub fn scorecard(
        &self,
        site: SiteId,
        month: Month,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Scorecard> {
        self.read(|tx| month_card(tx, site, month, now, tz))
    }

    /// The scorecards of the `count` months ending with `last`, oldest first.
    pub fn scorecard_history(
        &self,
        site: SiteId,
        last: Month,
        count: u32,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Vec<Scorecard>> {
        let mut first = last;
        for _ in 1..count.clamp(1, MAX_HISTORY_MONTHS) {
            first = first.prev();
        }
        self.read(|tx| {
            let mut cards = Vec::new();
            let mut m = first;
            while m <= last {
                cards.push(month_card(tx, site, m, now, tz)?);
                m = m.next();
            }
            Ok(cards)
        })
    }

    /// Records the month's official score (in hundredths, checked by the caller with
    /// [`crate::domain::scorecard::score_hundredths`]) and rank, replacing an earlier entry.
    pub fn set_official_score(
        &mut self,
        site: SiteId,
        month: Month,
        score_x100: i64,
        rank: Option<(i64, i64)>,
        by: &str,
    ) -> Result<()> {
        let (rank, rank_of) = (rank.map(|r| r.0), rank.map(|r| r.1));
        let at = ts(Utc::now());
        self.write(|tx| {
            tx.execute(
                "INSERT INTO official_score (site_id, month, score_x100, rank, rank_of, entered_at, entered_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (site_id, month) DO UPDATE SET score_x100 = ?3, rank = ?4,
                     rank_of = ?5, entered_at = ?6, entered_by = ?7",
                sql_params![site.0, &month.to_string(), score_x100, rank, rank_of, &at, by],
            )?;
            Ok(())
        })
    }
}

/// One month's card, read in the caller's transaction.
fn month_card(
    tx: &mut Tx,
    site: SiteId,
    month: Month,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Scorecard> {
    let start = local_midnight(month.first_day(), tz);
    let end = local_midnight(month.last_day() + TimeDelta::days(1), tz);
    let complete = end <= now;
    let as_of = if complete { end } else { now.max(start) };
    let counts = month_counts(tx, site, month, start, end, as_of, tz)?;
    Ok(Scorecard {
        month,
        as_of: as_of.with_timezone(&tz).naive_local(),
        complete,
        figures: figures(&counts),
        official: official(tx, site, month)?,
    })
}

/// The counts behind a month's figures.
fn month_counts(
    tx: &mut Tx,
    site: SiteId,
    month: Month,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    as_of: DateTime<Utc>,
    tz: Tz,
) -> Result<MonthCounts> {
    let count = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    let d = dossier_figures(tx, site, start, end, tz)?;
    let mut c = MonthCounts {
        resolved: d.resolved,
        early: d.early,
        on_time: d.on_time,
        ..MonthCounts::default()
    };
    let at = ts(as_of);
    let row = tx.query_one(
        // A dossier waiting for the citizen's supplement is paused, not late
        // (`domain::dossier::is_overdue`); its status is known only as it is now.
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at IS NOT NULL AND due_at < ?2
                 AND NOT (finished_at IS NULL AND status = 'supplement_requested') THEN 1 ELSE 0 END), 0)
         FROM dossier
         WHERE site_id = ?1 AND received_at < ?2 AND (finished_at IS NULL OR finished_at >= ?2)",
        sql_params![site.0, &at],
    )?;
    (c.in_progress, c.overdue) = (count(row.int(0)?), count(row.int(1)?));
    let (first, last) = (day(month.first_day()), day(month.last_day()));
    for r in tx.query(
        "SELECT r.score, COUNT(*) FROM rating r JOIN ticket t ON t.id = r.ticket_id
         WHERE t.site_id = ?1 AND t.business_date >= ?2 AND t.business_date <= ?3
         GROUP BY r.score",
        sql_params![site.0, &first, &last],
    )? {
        let n = count(r.int(1)?);
        c.ratings += n;
        if satisfied(&r.text(0)?) {
            c.satisfied += n;
        }
    }
    let follow = super::alerts::followup_figures_in(tx, site, month.first_day(), month.last_day())?;
    c.negative_ratings = count(follow.negative_ratings as i64);
    c.followed_up_on_time = count(follow.followed_up_on_time as i64);
    for r in tx.query(
        "SELECT r.score, COUNT(*) FROM rating r JOIN ticket t ON t.id = r.ticket_id
         JOIN dossier_link l ON l.ticket_id = t.id
         WHERE t.site_id = ?1 AND t.business_date >= ?2 AND t.business_date <= ?3
         GROUP BY r.score",
        sql_params![site.0, &first, &last],
    )? {
        let n = count(r.int(1)?);
        c.linked_ratings += n;
        if satisfied(&r.text(0)?) {
            c.linked_satisfied += n;
        }
    }
    // A visit is a ticket, or a routing online that took none; it went online when the
    // kiosk routed it (with or without a ticket for help) or a clerk marked the filing.
    let row = tx.query_one(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM online_routing o WHERE o.assisted_ticket = t.id)
                    OR EXISTS (SELECT 1 FROM dossier_link l WHERE l.ticket_id = t.id AND l.assisted_online = 1)
                    THEN 1 ELSE 0 END), 0)
         FROM ticket t
         WHERE t.site_id = ?1 AND t.business_date >= ?2 AND t.business_date <= ?3",
        sql_params![site.0, &first, &last],
    )?;
    let (tickets, online_tickets) = (count(row.int(0)?), count(row.int(1)?));
    let routed_alone = count(
        tx.query_one(
            "SELECT COUNT(*) FROM online_routing
             WHERE site_id = ?1 AND business_date >= ?2 AND business_date <= ?3
               AND assisted_ticket IS NULL",
            sql_params![site.0, &first, &last],
        )?
        .int(0)?,
    );
    c.visits = tickets.saturating_add(routed_alone);
    c.online_visits = online_tickets.saturating_add(routed_alone);
    Ok(c)
}

/// Whether a rating's score counts as satisfied.
fn satisfied(score: &str) -> bool {
    matches!(score, "satisfied" | "very_satisfied")
}

/// The month's official entry, if any.
fn official(tx: &mut Tx, site: SiteId, month: Month) -> Result<Option<Official>> {
    let Some(r) = tx.query_opt(
        "SELECT score_x100, rank, rank_of, entered_at, entered_by FROM official_score
         WHERE site_id = ?1 AND month = ?2",
        sql_params![site.0, &month.to_string()],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Official {
        score: r.int(0)? as f64 / 100.0,
        rank: r.opt_int(1)?,
        rank_of: r.opt_int(2)?,
        entered_at: r.text(3)?,
        entered_by: r.text(4)?,
    }))
}

/// The scorecard as CSV (UTF-8 with a BOM, for spreadsheets): a row per figure, then the
/// official score and rank; a figure with nothing to measure says `no_data`.
pub fn scorecard_csv(card: &Scorecard) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "month",
        "figure",
        "index_group",
        "group_points",
        "part",
        "whole",
        "share_percent",
        "status",
        "name_vi",
        "definition_vi",
        "definition_en",
    ])?;
    let month = card.month.to_string();
    for f in &card.figures {
        let (name_vi, def_vi) = f.key.text_vi();
        let (_, def_en) = f.key.text_en();
        let share = f
            .share
            .map(|s| format!("{:.1}", s * 100.0))
            .unwrap_or_default();
        let status = match f.share {
            Some(_) => "estimate",
            None => "no_data",
        };
        w.write_record([
            month.as_str(),
            f.key.code(),
            f.group.code(),
            &f.group.points().to_string(),
            &f.part.to_string(),
            &f.whole.to_string(),
            &share,
            status,
            name_vi,
            def_vi,
            def_en,
        ])?;
    }
    let (score, rank) = match &card.official {
        Some(o) => (
            format!("{:.2}", o.score),
            match (o.rank, o.rank_of) {
                (Some(r), Some(of)) => format!("{r}/{of}"),
                _ => String::new(),
            },
        ),
        None => (String::new(), String::new()),
    };
    let status = if card.official.is_some() {
        "official"
    } else {
        "no_data"
    };
    let def =
        "Điểm Bộ chỉ số phục vụ người dân, doanh nghiệp do lãnh đạo nhập từ Cổng DVC quốc gia";
    w.write_record([
        month.as_str(),
        "official_score",
        "",
        "100",
        "",
        "",
        &score,
        status,
        "Điểm chính thức",
        def,
        "The index score the lead typed in from the national portal",
    ])?;
    w.write_record([
        month.as_str(),
        "official_rank",
        "",
        "",
        "",
        "",
        &rank,
        status,
        "Xếp hạng chính thức",
        "Thứ hạng / số đơn vị được xếp hạng",
        "Rank / number ranked, as typed by the lead",
    ])?;
    Ok(w.into_inner()?)
}
