//! The monthly scorecard (docs/scorecard.md): the figures motcua can compute toward the
//! national service index (Decision 766/QĐ-TTg), each an estimate with its definition and
//! the index group it feeds. A figure with nothing to measure is `None`, never 0 % or 100 %.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// A calendar month, "2026-11".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month of a day.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Reads "YYYY-MM" (years 2000 to 2999), None for anything else.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((2000..=2999).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a parsed month exists")
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a month has a day before the next")
    }

    /// The month after.
    pub fn next(self) -> Month {
        match self.month {
            12 => Month {
                year: self.year + 1,
                month: 1,
            },
            m => Month {
                year: self.year,
                month: m + 1,
            },
        }
    }

    /// The month before.
    pub fn prev(self) -> Month {
        match self.month {
            1 => Month {
                year: self.year - 1,
                month: 12,
            },
            m => Month {
                year: self.year,
                month: m - 1,
            },
        }
    }

    /// "11/2026", as the charts label a month.
    pub fn short_label(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The five groups of the index and their points out of 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexGroup {
    /// Publicity and transparency (18).
    Publicity,
    /// Progress and results of resolution (20).
    Progress,
    /// Digitisation of dossiers (22).
    Digitisation,
    /// Online service provision (22).
    Online,
    /// Satisfaction (18).
    Satisfaction,
}

impl IndexGroup {
    /// Every group, in the index's order.
    pub const ALL: [IndexGroup; 5] = [
        IndexGroup::Publicity,
        IndexGroup::Progress,
        IndexGroup::Digitisation,
        IndexGroup::Online,
        IndexGroup::Satisfaction,
    ];

    /// Its code, as in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            IndexGroup::Publicity => "publicity",
            IndexGroup::Progress => "progress",
            IndexGroup::Digitisation => "digitisation",
            IndexGroup::Online => "online",
            IndexGroup::Satisfaction => "satisfaction",
        }
    }

    /// Its points out of 100.
    pub fn points(self) -> u32 {
        match self {
            IndexGroup::Publicity | IndexGroup::Satisfaction => 18,
            IndexGroup::Progress => 20,
            IndexGroup::Digitisation | IndexGroup::Online => 22,
        }
    }

    /// Its name in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            IndexGroup::Publicity => "Công khai, minh bạch",
            IndexGroup::Progress => "Tiến độ, kết quả giải quyết",
            IndexGroup::Digitisation => "Số hóa hồ sơ",
            IndexGroup::Online => "Cung cấp dịch vụ trực tuyến",
            IndexGroup::Satisfaction => "Mức độ hài lòng",
        }
    }

    /// Its name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            IndexGroup::Publicity => "Publicity and transparency",
            IndexGroup::Progress => "Progress and results",
            IndexGroup::Digitisation => "Digitisation of dossiers",
            IndexGroup::Online => "Online services",
            IndexGroup::Satisfaction => "Satisfaction",
        }
    }
}

/// What a month's figures are computed from: counts the office reads for one site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthCounts {
    /// Dossiers resolved in the month.
    pub resolved: u32,
    /// Of those, resolved before their due day.
    pub early: u32,
    /// Of those, resolved on their due day.
    pub on_time: u32,
    /// Dossiers in progress at the month's end (or now, for the current month).
    pub in_progress: u32,
    /// Of those, past their due time.
    pub overdue: u32,
    /// Ratings given at the counters for the month's tickets.
    pub ratings: u32,
    /// Of those, "satisfied" or "very satisfied".
    pub satisfied: u32,
    /// Ratings of tickets linked to a dossier code.
    pub linked_ratings: u32,
    /// Of those, "satisfied" or "very satisfied".
    pub linked_satisfied: u32,
    /// Visits: tickets issued, plus kiosk routings online that ended without a ticket.
    pub visits: u32,
    /// Of those, routed online at the kiosk or marked an assisted online filing.
    pub online_visits: u32,
    /// Negative ratings, each of which opens a follow-up.
    pub negative_ratings: u32,
    /// Of those, followed up by their due time.
    pub followed_up_on_time: u32,
}

/// The figures of the scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKey {
    /// Resolved early or on time, over resolved.
    OnTimeShare,
    /// In progress and past due, over in progress.
    OverdueInProgress,
    /// Satisfied counter ratings, over counter ratings.
    CounterSatisfaction,
    /// Satisfied ratings of dossier-linked tickets, over those ratings.
    DossierSatisfaction,
    /// Negative ratings followed up on time, over negative ratings.
    FollowUpOnTime,
    /// Visits routed or assisted online, over visits.
    OnlineShare,
}

impl FigureKey {
    /// Every figure, in the page's order.
    pub const ALL: [FigureKey; 6] = [
        FigureKey::OnTimeShare,
        FigureKey::OverdueInProgress,
        FigureKey::OnlineShare,
        FigureKey::CounterSatisfaction,
        FigureKey::DossierSatisfaction,
        FigureKey::FollowUpOnTime,
    ];

    /// Its code, as in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            FigureKey::OnTimeShare => "on_time_share",
            FigureKey::OverdueInProgress => "overdue_in_progress",
            FigureKey::CounterSatisfaction => "counter_satisfaction",
            FigureKey::DossierSatisfaction => "dossier_satisfaction",
            FigureKey::FollowUpOnTime => "follow_up_on_time",
            FigureKey::OnlineShare => "online_share",
        }
    }

    /// The index group it feeds.
    pub fn group(self) -> IndexGroup {
        match self {
            FigureKey::OnTimeShare | FigureKey::OverdueInProgress => IndexGroup::Progress,
            FigureKey::OnlineShare => IndexGroup::Online,
            FigureKey::CounterSatisfaction
            | FigureKey::DossierSatisfaction
            | FigureKey::FollowUpOnTime => IndexGroup::Satisfaction,
        }
    }

    /// Its name and definition in Vietnamese.
    pub fn text_vi(self) -> (&'static str, &'static str) {
        match self {
            FigureKey::OnTimeShare => (
                "Tỷ lệ giải quyết đúng hạn",
                "Hồ sơ giải quyết trước hạn và đúng hạn trong tháng, chia cho hồ sơ đã giải quyết trong tháng.",
            ),
            FigureKey::OverdueInProgress => (
                "Hồ sơ đang giải quyết quá hạn",
                "Hồ sơ chưa giải quyết xong vào cuối tháng (hoặc lúc này, với tháng hiện tại) mà đã quá hạn, chia cho mọi hồ sơ đang giải quyết lúc đó.",
            ),
            FigureKey::OnlineShare => (
                "Tỷ lệ lượt được hướng dẫn hoặc hỗ trợ nộp trực tuyến",
                "Lượt được kiosk hướng dẫn nộp trực tuyến hoặc được cán bộ hỗ trợ nộp trực tuyến, chia cho mọi lượt (số đã cấp, cộng lượt hướng dẫn trực tuyến không lấy số).",
            ),
            FigureKey::CounterSatisfaction => (
                "Tỷ lệ hài lòng tại quầy",
                "Đánh giá “hài lòng” và “rất hài lòng” cho các số trong tháng, chia cho mọi đánh giá của các số đó.",
            ),
            FigureKey::DossierSatisfaction => (
                "Tỷ lệ hài lòng gắn mã hồ sơ",
                "Như trên, chỉ tính các lượt đã gắn mã hồ sơ: chỉ những đánh giá này được tính vào đánh giá của tỉnh.",
            ),
            FigureKey::FollowUpOnTime => (
                "Tỷ lệ phản hồi đánh giá không hài lòng đúng hạn",
                "Đánh giá không hài lòng trong tháng được xử lý, phản hồi trong 2 ngày làm việc, chia cho mọi đánh giá không hài lòng trong tháng.",
            ),
        }
    }

    /// Its name and definition in English.
    pub fn text_en(self) -> (&'static str, &'static str) {
        match self {
            FigureKey::OnTimeShare => (
                "On-time resolution share",
                "Dossiers resolved early or on time in the month, over dossiers resolved in the month.",
            ),
            FigureKey::OverdueInProgress => (
                "Overdue dossiers in progress",
                "Dossiers unfinished at the month's end (or now, for the current month) and past due, over every dossier in progress then.",
            ),
            FigureKey::OnlineShare => (
                "Visits routed or assisted online",
                "Visits the kiosk routed online or a clerk helped file online, over all visits (tickets issued, plus online routings that took no ticket).",
            ),
            FigureKey::CounterSatisfaction => (
                "Satisfaction at the counters",
                "\"Satisfied\" and \"very satisfied\" ratings of the month's tickets, over every rating of those tickets.",
            ),
            FigureKey::DossierSatisfaction => (
                "Satisfaction, dossier-linked",
                "As above, for tickets linked to a dossier code only: only these count in the province's evaluation.",
            ),
            FigureKey::FollowUpOnTime => (
                "Unsatisfied ratings followed up on time",
                "The month's unsatisfied ratings followed up within 2 working days, over every unsatisfied rating of the month.",
            ),
        }
    }
}

/// One figure of a month: a share of a whole, `None` when the whole is empty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    /// Which figure.
    pub key: FigureKey,
    /// The index group it feeds.
    pub group: IndexGroup,
    /// What was counted.
    pub part: u32,
    /// Out of how many.
    pub whole: u32,
    /// `part / whole`, 0 to 1; None: nothing to measure ("no data").
    pub share: Option<f64>,
}

/// `part / whole`, None when there is no whole; a part above the whole (counts read at
/// different instants) is held at the whole.
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part.min(whole)) / f64::from(whole))
}

/// The month's figures, in [`FigureKey::ALL`]'s order.
pub fn figures(c: &MonthCounts) -> Vec<Figure> {
    FigureKey::ALL
        .iter()
        .map(|&key| {
            let (part, whole) = match key {
                FigureKey::OnTimeShare => (c.early + c.on_time, c.resolved),
                FigureKey::OverdueInProgress => (c.overdue, c.in_progress),
                FigureKey::OnlineShare => (c.online_visits, c.visits),
                FigureKey::CounterSatisfaction => (c.satisfied, c.ratings),
                FigureKey::DossierSatisfaction => (c.linked_satisfied, c.linked_ratings),
                FigureKey::FollowUpOnTime => (c.followed_up_on_time, c.negative_ratings),
            };
            Figure {
                key,
                group: key.group(),
                part: part.min(whole),
                whole,
                share: share(part, whole),
            }
        })
        .collect()
}

/// Why an official score or rank was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficialError {
    /// The score is not a number from 0 to 100 with at most two decimals.
    Score,
    /// The rank is below 1, above the number ranked, or given without it.
    Rank,
}

impl fmt::Display for OfficialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OfficialError::Score => {
                "score must be a number from 0 to 100 with at most two decimals"
            }
            OfficialError::Rank => "rank must be from 1 to rank_of, and rank_of from 1 to 100000",
        })
    }
}

/// The score in hundredths, checked: 0 to 100, at most two decimals.
pub fn score_hundredths(score: f64) -> Result<i64, OfficialError> {
    if !score.is_finite() || !(0.0..=100.0).contains(&score) {
        return Err(OfficialError::Score);
    }
    let x100 = (score * 100.0).round();
    if (score * 100.0 - x100).abs() > 1e-6 {
        return Err(OfficialError::Score);
    }
    Ok(x100 as i64)
}

/// Checks a rank "rank of rank_of": both or neither, 1 ≤ rank ≤ rank_of ≤ 100000.
pub fn check_rank(rank: Option<i64>, rank_of: Option<i64>) -> Result<(), OfficialError> {
    match (rank, rank_of) {
        (None, None) => Ok(()),
        (Some(r), Some(of)) if r >= 1 && r <= of && of <= 100_000 => Ok(()),
        _ => Err(OfficialError::Rank),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(m.next().prev(), m);
        assert_eq!(
            Month::parse("2024-02").unwrap().last_day().to_string(),
            "2024-02-29"
        );
        assert_eq!(m.first_day().to_string(), "2026-12-01");
        assert_eq!(m.short_label(), "12/2026");
        for bad in [
            "2026-13", "2026-00", "26-01", "2026-1", "2026/01", "+026-01", "", "1999-12",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_empty_month_has_no_shares() {
        let f = figures(&MonthCounts::default());
        assert_eq!(f.len(), FigureKey::ALL.len());
        assert!(f.iter().all(|f| f.share.is_none() && f.whole == 0));
    }

    #[test]
    fn shares_are_hand_computed() {
        let c = MonthCounts {
            resolved: 8,
            early: 3,
            on_time: 3,
            in_progress: 5,
            overdue: 2,
            ratings: 4,
            satisfied: 3,
            linked_ratings: 0,
            visits: 20,
            online_visits: 5,
            negative_ratings: 1,
            followed_up_on_time: 1,
            ..MonthCounts::default()
        };
        let f = figures(&c);
        let get = |k| f.iter().find(|f| f.key == k).unwrap();
        assert_eq!(get(FigureKey::OnTimeShare).share, Some(0.75));
        assert_eq!(get(FigureKey::OverdueInProgress).share, Some(0.4));
        assert_eq!(get(FigureKey::OnlineShare).share, Some(0.25));
        assert_eq!(get(FigureKey::CounterSatisfaction).share, Some(0.75));
        assert_eq!(get(FigureKey::DossierSatisfaction).share, None);
        assert_eq!(get(FigureKey::FollowUpOnTime).share, Some(1.0));
        assert_eq!(get(FigureKey::OnlineShare).group, IndexGroup::Online);
    }

    #[test]
    fn a_part_above_its_whole_is_held() {
        assert_eq!(share(5, 4), Some(1.0));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn codes_are_the_json_names() {
        for k in FigureKey::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
        }
        for g in IndexGroup::ALL {
            assert_eq!(serde_json::to_value(g).unwrap(), g.code());
        }
    }

    #[test]
    fn groups_add_up_to_100() {
        assert_eq!(IndexGroup::ALL.iter().map(|g| g.points()).sum::<u32>(), 100);
    }

    #[test]
    fn official_scores_are_checked() {
        assert_eq!(score_hundredths(78.45), Ok(7845));
        assert_eq!(score_hundredths(100.0), Ok(10000));
        assert_eq!(score_hundredths(0.0), Ok(0));
        for bad in [-0.01, 100.01, f64::NAN, f64::INFINITY, 78.456] {
            assert_eq!(score_hundredths(bad), Err(OfficialError::Score), "{bad}");
        }
        assert_eq!(check_rank(None, None), Ok(()));
        assert_eq!(check_rank(Some(3), Some(120)), Ok(()));
        for (r, of) in [
            (Some(0), Some(5)),
            (Some(6), Some(5)),
            (Some(1), None),
            (None, Some(5)),
        ] {
            assert_eq!(check_rank(r, of), Err(OfficialError::Rank));
        }
    }
}
