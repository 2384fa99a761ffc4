//! The kiosk's spoken guidance for blind citizens, as pre-recorded clips.
//!
//! [`PHRASES`] lists every fixed phrase with its Vietnamese and English text; each has a
//! recording `assets/voice/guide/vi/<name>.wav` and `assets/voice/guide/en/<name>.wav`, made
//! by `assets/voice/generate-guide.sh`, which reads the lists of this file. Numbers and ticket
//! labels are read from clips too: in Vietnamese with the board's (`domain::speech`), in
//! English with [`EN_NUMBER_CLIPS`] and [`EN_LETTER_CLIPS`] (recorded under `guide/en/`).
//! Names from the catalogue and the configured waiting area cannot be recorded in advance:
//! the kiosk synthesises those at run time (`kiosk::audio`).

/// Every guidance phrase: its clip name, the Vietnamese and the English it says, in NFC.
///
/// Keep one entry per line, written `("name", "vi", "en"),`: the generator script reads them so.
#[rustfmt::skip]
pub const PHRASES: &[(&str, &str, &str)] = &[
    ("g_on", "Đã bật hướng dẫn bằng giọng nói.", "Voice guidance is on."),
    ("g_off", "Đã tắt hướng dẫn bằng giọng nói.", "Voice guidance is off."),
    ("g_keys", "Bấm phím lên hoặc xuống để nghe từng lựa chọn, phím Enter để chọn, phím Escape để quay lại, phím Insert để nghe lại.", "Press up or down to hear each choice, Enter to choose, Escape to go back, and Insert to hear this again."),
    ("g_home", "Trang chính.", "Home."),
    ("g_fields", "Chọn lĩnh vực cần giải quyết.", "Choose the field of your matter."),
    ("g_priority", "Bạn có thuộc nhóm ưu tiên không?", "Do you belong to a priority group?"),
    ("g_priority_only", "Văn phòng cấp số thường theo lịch hẹn. Nếu thuộc nhóm ưu tiên, hãy chọn nhóm của bạn.", "This office gives ordinary numbers by booking. If you belong to a priority group, choose it."),
    ("g_ticket", "Số thứ tự của bạn là", "Your number is"),
    ("g_ahead", "Số người chờ trước bạn:", "People waiting ahead of you:"),
    ("g_wait_at", "Xin mời bạn chờ tại", "Please wait at"),
    ("g_take_ticket", "Xin nhận phiếu ở khe in bên dưới màn hình.", "Take your ticket from the slot below the screen."),
    ("g_print_failed", "Máy in đang gặp sự cố. Xin hãy ghi nhớ số của bạn.", "The printer has a problem. Please remember your number."),
    ("g_closed", "Hiện tại không cấp số thứ tự.", "Numbers are not being issued now."),
    ("g_error", "Đã xảy ra lỗi. Xin vui lòng hỏi cán bộ.", "Something went wrong. Please ask a clerk."),
    ("g_lookup", "Tra cứu hồ sơ. Hãy đưa mã vạch trên giấy biên nhận vào máy quét bên dưới màn hình.", "Dossier lookup. Hold the barcode of your receipt under the scanner below the screen."),
    ("g_dossier", "Hồ sơ của bạn:", "Your dossier:"),
    ("g_catalogue", "Thủ tục hành chính. Chọn lĩnh vực.", "Administrative procedures. Choose a field."),
    ("g_procedures", "Chọn thủ tục.", "Choose a procedure."),
    ("g_of", "trên", "of"),
    ("g_end", "Hết danh sách.", "End of list."),
    ("g_serving", "Đang phục vụ:", "Now serving:"),
    ("g_at_counter", "tại quầy", "at counter"),
    ("g_none_serving", "Chưa có số nào được gọi.", "No number has been called yet."),
    ("g_idle", "Màn hình sẽ trở về trang chính sau", "The screen returns to home in"),
    ("g_seconds", "giây", "seconds"),
    ("g_keep", "Bấm một phím bất kỳ để tiếp tục.", "Press any key to stay."),
    ("g_choices", "lựa chọn.", "choices."),
    ("g_not_found", "Không tìm thấy hồ sơ có mã này.", "No dossier has this code."),
    ("g_bad_code", "Không đọc được mã. Xin thử lại.", "The code could not be read. Please try again."),
    ("g_due", "Hẹn trả kết quả", "Result due on"),
    ("g_day", "ngày", "day"),
    ("g_month", "tháng", "month"),
    ("g_overdue", "Hồ sơ đã quá hạn.", "The dossier is overdue."),
    ("g_due_new", "Cơ quan xin lỗi vì đã trễ hẹn. Hẹn trả mới", "The office apologises for the delay. New return date"),
    ("g_collect_at", "Nhận kết quả tại", "Collect the result at"),
    ("g_duration", "Thời hạn giải quyết:", "Time to resolve:"),
    ("g_fee", "Lệ phí:", "Fee:"),
    ("g_documents", "Giấy tờ cần mang:", "Papers to bring:"),
    ("g_documents_unknown", "Xin hỏi cán bộ ở quầy về giấy tờ cần mang.", "Ask at the counter which papers to bring."),
    ("g_reopen", "Xin mời quay lại lúc", "Please come back at"),
    ("g_no_guide", "Trang này chưa có hướng dẫn bằng giọng nói. Bấm phím Home để về trang chính.", "This page has no voice guidance. Press Home to go to the home page."),
    ("c_take_ticket", "Lấy số thứ tự.", "Take a queue number."),
    ("c_lookup", "Tra cứu hồ sơ.", "Look up a dossier."),
    ("c_catalogue", "Thủ tục hành chính.", "Administrative procedures."),
    ("c_no_priority", "Không ưu tiên, lấy số thường.", "No priority, take an ordinary number."),
    ("c_home", "Về trang chính.", "Go to the home page."),
    ("c_back", "Quay lại.", "Go back."),
    ("c_print_checklist", "In danh mục giấy tờ cần mang.", "Print the list of papers to bring."),
    ("g_online", "Thủ tục này làm được trực tuyến, tại nhà, bằng điện thoại.", "You can do this procedure online, from home, with your phone."),
    ("g_no_paper", "Bộ phận Một cửa không còn nhận hồ sơ giấy cho thủ tục này.", "The desk no longer accepts paper applications for it."),
    ("g_online_steps", "Một: quét mã trên màn hình bằng điện thoại. Hai: đăng nhập VNeID. Ba: điền tờ khai và nộp.", "One: scan the code on the screen with your phone. Two: log in with VNeID. Three: fill in the form and submit it."),
    ("c_print_online", "In hướng dẫn này, có mã để quét.", "Print these steps, with the code to scan."),
    ("c_assisted_ticket", "Lấy số để được hỗ trợ nộp trực tuyến.", "Take a number for help filing online."),
    ("c_details", "Xem chi tiết thủ tục.", "See the procedure's details."),
    ("c_print_status", "In tình trạng hồ sơ.", "Print the dossier's status."),
    ("c_result_ticket", "Lấy số để nhận kết quả.", "Take a number to collect the result."),
    ("c_booking", "Tôi đã đặt lịch.", "I have a booking."),
    ("c_normal_ticket", "Lấy số thường.", "Take a normal ticket."),
    ("g_booking", "Nhận số theo lịch hẹn. Hãy đưa mã QR của lịch hẹn vào máy quét bên dưới màn hình, hoặc gõ mã 8 ký tự trên giấy hẹn rồi bấm Xác nhận.", "Booking check-in. Hold your booking's QR code under the scanner below the screen, or type the code on your booking paper and press Check in."),
    ("g_booking_checking", "Đang kiểm tra lịch hẹn. Xin chờ một chút.", "Checking your booking. Please wait a moment."),
    ("g_booking_bad_code", "Mã lịch hẹn gồm 8 chữ cái và chữ số. Xin thử lại.", "A booking code has 8 letters and digits. Please try again."),
    ("g_booking_unknown", "Không có lịch hẹn nào với mã này. Xin kiểm tra lại mã.", "No booking has this code. Please check the code."),
    ("g_booked_at", "Lịch hẹn lúc", "Your booking is at"),
    ("g_booked_on", "Lịch hẹn của bạn vào", "Your booking is on"),
    ("g_hour", "giờ", "o'clock"),
    ("g_minutes", "phút", "minutes"),
    ("g_early", "Bạn đến sớm", "You are early by"),
    ("g_late", "Giờ hẹn của bạn đã qua", "Your booked time passed by"),
    ("g_booking_cancelled", "Lịch hẹn này đã bị hủy.", "This booking was cancelled."),
    ("g_booking_used", "Lịch hẹn này đã được cấp số rồi.", "A number was already issued for this booking."),
    ("g_other_day", "Lịch hẹn này không phải cho hôm nay.", "This booking is not for today."),
    ("g_booking_offline", "Hiện không kiểm tra được lịch hẹn. Xin hỏi cán bộ nếu cần.", "The booking cannot be checked now. Ask the staff if you need help."),
    ("g_normal_ticket", "Bạn có thể lấy số thường.", "You can take a normal ticket."),
];

/// The English number words: clip name and the word it says.
///
/// Keep one entry per line, written `("name", "word"),`: the generator script reads them so.
pub const EN_NUMBER_CLIPS: &[(&str, &str)] = &[
    ("en_zero", "zero"),
    ("en_one", "one"),
    ("en_two", "two"),
    ("en_three", "three"),
    ("en_four", "four"),
    ("en_five", "five"),
    ("en_six", "six"),
    ("en_seven", "seven"),
    ("en_eight", "eight"),
    ("en_nine", "nine"),
    ("en_ten", "ten"),
    ("en_eleven", "eleven"),
    ("en_twelve", "twelve"),
    ("en_thirteen", "thirteen"),
    ("en_fourteen", "fourteen"),
    ("en_fifteen", "fifteen"),
    ("en_sixteen", "sixteen"),
    ("en_seventeen", "seventeen"),
    ("en_eighteen", "eighteen"),
    ("en_nineteen", "nineteen"),
    ("en_twenty", "twenty"),
    ("en_thirty", "thirty"),
    ("en_forty", "forty"),
    ("en_fifty", "fifty"),
    ("en_sixty", "sixty"),
    ("en_seventy", "seventy"),
    ("en_eighty", "eighty"),
    ("en_ninety", "ninety"),
    ("en_hundred", "hundred"),
    ("en_thousand", "thousand"),
    ("en_million", "million"),
];

/// The English letter names: clip name and the letter it names.
///
/// Keep one entry per line, written `("name", "letter"),`: the generator script reads them so.
pub const EN_LETTER_CLIPS: &[(&str, &str)] = &[
    ("en_letter_a", "A"),
    ("en_letter_b", "B"),
    ("en_letter_c", "C"),
    ("en_letter_d", "D"),
    ("en_letter_e", "E"),
    ("en_letter_f", "F"),
    ("en_letter_g", "G"),
    ("en_letter_h", "H"),
    ("en_letter_i", "I"),
    ("en_letter_j", "J"),
    ("en_letter_k", "K"),
    ("en_letter_l", "L"),
    ("en_letter_m", "M"),
    ("en_letter_n", "N"),
    ("en_letter_o", "O"),
    ("en_letter_p", "P"),
    ("en_letter_q", "Q"),
    ("en_letter_r", "R"),
    ("en_letter_s", "S"),
    ("en_letter_t", "T"),
    ("en_letter_u", "U"),
    ("en_letter_v", "V"),
    ("en_letter_w", "W"),
    ("en_letter_x", "X"),
    ("en_letter_y", "Y"),
    ("en_letter_z", "Z"),
];

/// The words under twenty, indexed by value.
const SMALL: [&str; 20] = [
    "en_zero",
    "en_one",
    "en_two",
    "en_three",
    "en_four",
    "en_five",
    "en_six",
    "en_seven",
    "en_eight",
    "en_nine",
    "en_ten",
    "en_eleven",
    "en_twelve",
    "en_thirteen",
    "en_fourteen",
    "en_fifteen",
    "en_sixteen",
    "en_seventeen",
    "en_eighteen",
    "en_nineteen",
];

/// The tens from twenty, indexed by the tens digit.
const TENS: [&str; 10] = [
    "",
    "",
    "en_twenty",
    "en_thirty",
    "en_forty",
    "en_fifty",
    "en_sixty",
    "en_seventy",
    "en_eighty",
    "en_ninety",
];

/// The clips that read `n` in English, the American way (no "and"):
/// 0 "zero", 21 "twenty one", 105 "one hundred five", 1 012 "one thousand twelve",
/// 2 000 300 "two million three hundred".
///
/// There is no clip for "billion": from 1 000 000 000 the number is read digit by digit,
/// which no count or ticket at a commune office reaches.
pub fn number_words_en(n: u64) -> Vec<&'static str> {
    if n == 0 {
        return vec![SMALL[0]];
    }
    if n >= 1_000_000_000 {
        return n
            .to_string()
            .bytes()
            .map(|b| SMALL[usize::from(b - b'0')])
            .collect();
    }
    let mut words = Vec::new();
    for (scale, word) in [
        (1_000_000, Some("en_million")),
        (1_000, Some("en_thousand")),
        (1, None),
    ] {
        let group = n / scale % 1000;
        if group == 0 {
            continue;
        }
        read_group_en(group, &mut words);
        words.extend(word);
    }
    words
}

/// Reads one group of three digits (1..=999).
fn read_group_en(group: u64, words: &mut Vec<&'static str>) {
    let (hundreds, rest) = ((group / 100) as usize, (group % 100) as usize);
    if hundreds > 0 {
        words.extend([SMALL[hundreds], "en_hundred"]);
    }
    match rest {
        0 => {}
        1..=19 => words.push(SMALL[rest]),
        _ => {
            words.push(TENS[rest / 10]);
            if rest % 10 > 0 {
                words.push(SMALL[rest % 10]);
            }
        }
    }
}

/// The clip that names a letter A–Z the English way, in either case; Đ is named as D.
/// Other characters have none.
pub fn letter_clip_en(c: char) -> Option<&'static str> {
    let c = match c {
        'Đ' | 'đ' => 'D',
        c => c.to_ascii_uppercase(),
    };
    if !c.is_ascii_uppercase() {
        return None;
    }
    Some(EN_LETTER_CLIPS[usize::from(c as u8 - b'A')].0)
}

/// The English clips that read a ticket label such as "A012": each letter by its name, each
/// run of digits as one number with its leading zeros dropped ("A twelve"); a run too long
/// for a `u64` is read digit by digit, and other characters are skipped.
pub fn label_words_en(label: &str) -> Vec<&'static str> {
    let mut words = Vec::new();
    let mut digits = String::new();
    for c in label.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            match digits.parse::<u64>() {
                Ok(n) => words.extend(number_words_en(n)),
                Err(_) => words.extend(digits.bytes().map(|b| SMALL[usize::from(b - b'0')])),
            }
            digits.clear();
        }
        words.extend(letter_clip_en(c));
    }
    words
}

/// The text of a guidance clip in one language: a phrase, an English number word or letter.
/// `english` picks the English text of a phrase.
pub fn clip_text(name: &str, english: bool) -> Option<&'static str> {
    if let Some((_, vi, en)) = PHRASES.iter().find(|(n, _, _)| *n == name) {
        return Some(if english { en } else { vi });
    }
    if !english {
        return None;
    }
    EN_NUMBER_CLIPS
        .iter()
        .chain(EN_LETTER_CLIPS)
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use unicode_normalization::is_nfc;

    fn say(clips: &[&str]) -> String {
        clips
            .iter()
            .map(|c| clip_text(c, true).unwrap_or_else(|| panic!("{c} has no English text")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn read(n: u64) -> String {
        say(&number_words_en(n))
    }

    #[test]
    fn reads_english_numbers() {
        assert_eq!(read(0), "zero");
        assert_eq!(read(7), "seven");
        assert_eq!(read(13), "thirteen");
        assert_eq!(read(19), "nineteen");
        assert_eq!(read(20), "twenty");
        assert_eq!(read(21), "twenty one");
        assert_eq!(read(99), "ninety nine");
        assert_eq!(read(100), "one hundred");
        assert_eq!(read(105), "one hundred five");
        assert_eq!(read(119), "one hundred nineteen");
        assert_eq!(read(340), "three hundred forty");
        assert_eq!(read(1000), "one thousand");
        assert_eq!(read(1012), "one thousand twelve");
        assert_eq!(read(21_500), "twenty one thousand five hundred");
        assert_eq!(read(2_000_300), "two million three hundred");
        assert_eq!(
            read(999_999_999),
            "nine hundred ninety nine million nine hundred ninety nine thousand \
             nine hundred ninety nine"
        );
        assert_eq!(
            read(1_000_000_000),
            "one zero zero zero zero zero zero zero zero zero"
        );
        assert_eq!(number_words_en(u64::MAX).len(), 20);
    }

    #[test]
    fn names_english_letters_and_reads_labels() {
        assert_eq!(letter_clip_en('a'), Some("en_letter_a"));
        assert_eq!(letter_clip_en('Z'), Some("en_letter_z"));
        assert_eq!(letter_clip_en('Đ'), Some("en_letter_d"));
        assert_eq!(letter_clip_en('Ă'), None);
        assert_eq!(letter_clip_en('1'), None);
        let all: String = ('A'..='Z')
            .map(|c| say(&[letter_clip_en(c).unwrap()]))
            .collect();
        assert_eq!(all, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assert_eq!(say(&label_words_en("A012")), "A twelve");
        assert_eq!(say(&label_words_en("BC105")), "B C one hundred five");
        assert_eq!(say(&label_words_en("A000")), "A zero");
        assert_eq!(say(&label_words_en(" a-07 ?")), "A seven");
        assert_eq!(label_words_en(""), Vec::<&str>::new());
        assert_eq!(
            say(&label_words_en("A123456789012345678901")),
            "A one two three four five six seven eight nine zero one two three four five six \
             seven eight nine zero one"
        );
    }

    #[test]
    fn every_english_clip_is_used_and_listed() {
        let listed: HashSet<&str> = EN_NUMBER_CLIPS
            .iter()
            .chain(EN_LETTER_CLIPS)
            .map(|(n, _)| *n)
            .collect();
        let mut used = HashSet::new();
        for n in (0..=2000).chain([1_000_000, 5_000_000_000]) {
            used.extend(number_words_en(n));
        }
        used.extend(label_words_en("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        assert_eq!(used, listed);
    }

    #[test]
    fn names_are_unique_slugs_and_texts_are_nfc() {
        let mut seen = HashSet::new();
        let all = PHRASES
            .iter()
            .flat_map(|(n, vi, en)| [(*n, *vi), (*n, *en)])
            .chain(EN_NUMBER_CLIPS.iter().copied())
            .chain(EN_LETTER_CLIPS.iter().copied());
        for (name, text) in all {
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{name} is not an ASCII slug"
            );
            assert!(
                !text.is_empty() && is_nfc(text),
                "{name}: {text:?} is not NFC"
            );
            assert!(
                !text.contains('"'),
                "{name}: quotes would break the generator"
            );
            seen.insert(name);
        }
        assert_eq!(
            seen.len(),
            PHRASES.len() + EN_NUMBER_CLIPS.len() + EN_LETTER_CLIPS.len(),
            "a name is listed twice"
        );
        // Guide clips live beside the board's Vietnamese ones: no name may mean both.
        for (name, _) in crate::domain::speech::CLIPS {
            assert!(!seen.contains(name), "{name} is also a board clip");
        }
    }

    #[test]
    fn lists_are_in_the_form_the_generator_reads() {
        // assets/voice/generate-guide.sh takes the lines `("name", "vi", "en"),` and
        // `("name", "text"),` of this file.
        let source = include_str!("phrases.rs");
        let lines: Vec<&str> = source.lines().map(str::trim).collect();
        let wanted = PHRASES
            .iter()
            .map(|(n, vi, en)| format!("(\"{n}\", \"{vi}\", \"{en}\"),"))
            .chain(
                EN_NUMBER_CLIPS
                    .iter()
                    .chain(EN_LETTER_CLIPS)
                    .map(|(n, t)| format!("(\"{n}\", \"{t}\"),")),
            );
        for line in wanted {
            assert_eq!(
                lines.iter().filter(|l| **l == line).count(),
                1,
                "must be alone on one line: {line}"
            );
        }
    }
}
