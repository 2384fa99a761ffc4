//! Timing of the kiosk's search-as-you-type and of the dossier import.
//!
//! Run with `cargo bench -j1 --bench search`. Plain `std::time::Instant` timing, no harness:
//! the questions are "how slow is the worst keystroke" and "how long does an import take",
//! which a mean plus a maximum answers.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use motcua::domain::dossier::DossierStatus;
use motcua::domain::dossier_code::parse_code;
use motcua::domain::search::SearchIndex;
use motcua::dossier_import::{self, DossierRecord, Format};

const PROCEDURES: usize = 2_000;
const ROUNDS: usize = 200;
const LIMIT: usize = 20;
const ROWS: usize = 100_000;

const ACTIONS: [&str; 20] = [
    "Đăng ký",
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Chứng thực",
    "Xác nhận",
    "Thu hồi",
    "Hủy",
    "Thay đổi",
    "Công nhận",
    "Giải quyết",
    "Đăng ký lại",
    "Cấp bản sao",
    "Trích lục",
    "Hòa giải",
    "Hỗ trợ",
    "Thẩm định",
    "Đính chính",
];

const OBJECTS: [&str; 25] = [
    "giấy phép xây dựng",
    "hộ kinh doanh",
    "kết hôn",
    "khai sinh",
    "khai tử",
    "bản sao từ bản chính",
    "chữ ký",
    "thường trú",
    "tạm trú",
    "giấy chứng nhận quyền sử dụng đất",
    "hợp tác xã",
    "nuôi con nuôi",
    "giám hộ",
    "trợ cấp xã hội",
    "tranh chấp đất đai",
    "giấy phép lái xe",
    "tình trạng hôn nhân",
    "chế độ người có công",
    "an toàn thực phẩm",
    "hộ nghèo",
    "thay đổi cải chính hộ tịch",
    "giấy phép kinh doanh karaoke",
    "biển số nhà",
    "chăn nuôi gia súc",
    "mai táng phí",
];

const QUALIFIERS: [&str; 8] = [
    "",
    "có yếu tố nước ngoài",
    "cho người nước ngoài",
    "trong trường hợp bị mất",
    "lưu động",
    "tại Ủy ban nhân dân xã",
    "đối với công trình nhà ở riêng lẻ",
    "theo yêu cầu",
];

const QUERIES: [&str; 8] = [
    "dang ky ket hon",
    "cap giay phep",
    "chung thuc ban sao",
    "xac nhan tinh trang hon nhan",
    "hoa giai tranh chap",
    "đăng ký kết hôn",
    "1.0012",
    "zzz khong co",
];

fn catalogue() -> Vec<(String, String, String)> {
    let total = ACTIONS.len() * OBJECTS.len() * QUALIFIERS.len();
    // A stride coprime with the total spreads the 2,000 picks over every combination.
    let stride = 2_477;
    (0..PROCEDURES)
        .map(|i| {
            let k = (i * stride) % total;
            let action = ACTIONS[k % ACTIONS.len()];
            let object = OBJECTS[(k / ACTIONS.len()) % OBJECTS.len()];
            let qualifier = QUALIFIERS[k / (ACTIONS.len() * OBJECTS.len())];
            let name = format!("{action} {object} {qualifier}").trim().to_string();
            (
                format!("1.{:06}", 1_000 + i),
                name,
                format!("F{:02}", i % 62),
            )
        })
        .collect()
}

fn stats(samples: &mut [Duration]) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let total: Duration = samples.iter().sum();
    let mean = total / samples.len() as u32;
    let p99 = samples[samples.len() * 99 / 100];
    (mean, p99, *samples.last().unwrap())
}

fn bench_search() {
    let items = catalogue();
    let mut builds = Vec::new();
    let mut index = None;
    for _ in 0..10 {
        let started = Instant::now();
        let built = SearchIndex::new(black_box(items.clone()));
        builds.push(started.elapsed());
        index = Some(built);
    }
    let index = index.unwrap();
    let (build_mean, _, build_max) = stats(&mut builds);
    println!(
        "search: {} procedures, index build mean {:.2} ms, max {:.2} ms",
        index.len(),
        ms(build_mean),
        ms(build_max)
    );

    let mut all = Vec::new();
    for query in QUERIES {
        let prefixes: Vec<&str> = query
            .char_indices()
            .map(|(i, c)| &query[..i + c.len_utf8()])
            .collect();
        let mut samples = Vec::with_capacity(prefixes.len() * ROUNDS);
        let mut hits = 0;
        for _ in 0..ROUNDS {
            for prefix in &prefixes {
                let started = Instant::now();
                let found = index.search(black_box(prefix), LIMIT);
                samples.push(started.elapsed());
                hits = found.len();
            }
        }
        let (mean, p99, max) = stats(&mut samples);
        println!(
            "  {:<32} {:>2} keystrokes, last shows {:>2}: mean {:>6.1} µs, p99 {:>6.1} µs, max {:>6.1} µs",
            format!("{query:?}"),
            prefixes.len(),
            hits,
            us(mean),
            us(p99),
            us(max)
        );
        all.extend(samples);
    }
    let (mean, p99, max) = stats(&mut all);
    println!(
        "  all keystrokes ({} timed): mean {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        all.len(),
        us(mean),
        us(p99),
        us(max)
    );
}

fn records(n: usize) -> Vec<DossierRecord> {
    let base: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-01-05T07:30:00+07:00")
        .unwrap()
        .with_timezone(&Utc);
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Hoàng Cường",
        "Phạm Thị Dung",
    ];
    (0..n)
        .map(|i| {
            let received = base + chrono::Duration::minutes(i as i64 * 3);
            let day = 1 + (i / 9_999) % 28;
            DossierRecord {
                code: parse_code(&format!("H15.50.05.13-2610{day:02}-{:04}", i % 9_999)).unwrap(),
                status: DossierStatus::ALL[i % 7],
                procedure_code: format!("1.{:06}", 1_000 + i % 2_000),
                applicant_name: names[i % names.len()].to_string(),
                received_at: received,
                due_at: Some(received + chrono::Duration::days(5)),
                due_at_new: None,
                finished_at: (i % 3 == 0).then(|| received + chrono::Duration::days(4)),
                note: if i % 10 == 0 {
                    "Đã bổ sung, bản sao\ncó chứng thực".to_string()
                } else {
                    String::new()
                },
                pickup_place: "Quầy số 2".to_string(),
                secret: format!("K{:04}", i % 10_000),
                phone_last4: format!("{:04}", i % 10_000),
            }
        })
        .collect()
}

fn to_json(records: &[DossierRecord]) -> String {
    let time = |t: &DateTime<Utc>| t.to_rfc3339();
    let values: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code.as_str(),
                "status": r.status.code(),
                "procedure_code": r.procedure_code,
                "applicant_name": r.applicant_name,
                "received_at": time(&r.received_at),
                "due_at": r.due_at.as_ref().map(time),
                "finished_at": r.finished_at.as_ref().map(time),
                "note": r.note,
                "pickup_place": r.pickup_place,
                "secret": r.secret,
                "phone_last4": r.phone_last4,
            })
        })
        .collect();
    serde_json::to_string_pretty(&values).unwrap()
}

fn bench_import() {
    let records = records(ROWS);
    let started = Instant::now();
    let csv = dossier_import::write_csv(&records);
    let write_time = started.elapsed();
    println!(
        "import: {ROWS} rows, CSV {:.1} MB written in {:.0} ms",
        csv.len() as f64 / 1e6,
        ms(write_time)
    );
    let json = to_json(&records);
    for (label, text, format) in [("CSV", &csv, Format::Csv), ("JSON", &json, Format::Json)] {
        let mut times = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let parsed = dossier_import::parse(black_box(text), format).unwrap();
            times.push(started.elapsed());
            assert_eq!(parsed.records.len(), ROWS, "{:?}", parsed.errors.first());
        }
        let best = *times.iter().min().unwrap();
        println!(
            "  parse {label:<4} ({:>5.1} MB): best of 3 {:>6.0} ms, {:>9.0} records/s",
            text.len() as f64 / 1e6,
            ms(best),
            ROWS as f64 / best.as_secs_f64()
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    bench_search();
    bench_import();
}
