//! Spoken guidance: the kiosk without the screen. Each page says where the citizen is and
//! how many choices there are; the keys of `domain::guide` move over the choices, say
//! each one ("Hộ tịch, 1 of 19"), and choose it; the ticket page reads the number, the
//! people ahead and where to wait; the booking pages say how to give the code and each
//! answer of the office, with times read by number clips (`clock_speech`). The choice in focus is ringed on screen (its focus key),
//! so a helper standing by sees what is said. Sighted use is unchanged while guidance is off.

use slint::{ComponentHandle, Model};

use super::Controller;
use crate::config::Language;
use crate::domain::dossier::DossierStatus;
use crate::domain::guide::{self, GuideKey};
use crate::domain::priority::PriorityGroup;
use crate::kiosk::audio::Utterance::{self, Clip, Label, Number, Pause, Text};
use crate::ui::{
    self, AccessAdapter, BookingAdapter, BookingResult, CatalogueAdapter, LookupAdapter,
    LookupError, NavigationAdapter, OnlineAdapter, Page, PrintState, TicketAdapter,
};

/// Where guidance stands on the current page.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct GuideState {
    /// The choice in focus, by index into the page's choices.
    focus: Option<usize>,
    /// The page whose choices `focus` counts, so a new page starts afresh.
    page: Option<Page>,
}

/// What choosing a choice does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Act {
    TakeTicket,
    Booking,
    NormalTicket,
    Lookup,
    Catalogue,
    Field(String),
    Priority(String),
    CatalogueField(String),
    Procedure(i64),
    PrintChecklist,
    PrintOnline,
    AssistedTicket,
    OnlineDetails,
    PrintStatus,
    ResultTicket,
    Back,
    Home,
}

/// One choice of a page, as guidance says it.
struct Choice {
    /// The focus key of its button on screen ("" when the screen has none).
    key: String,
    speech: Vec<Utterance>,
    act: Act,
}

impl Choice {
    fn new(key: impl Into<String>, speech: Vec<Utterance>, act: Act) -> Choice {
        Choice {
            key: key.into(),
            speech,
            act,
        }
    }
}

impl Controller {
    /// A key the citizen pressed: true when guidance took it (the scanner must not).
    pub(super) fn guide_key(&self, text: &str) -> bool {
        let on = self.access.get().guidance;
        if on {
            // Any key is the citizen still there ("press any key to stay").
            self.restart_idle();
        }
        let Some(key) = guide::key(text) else {
            return false;
        };
        match key {
            GuideKey::Toggle => self.toggle_guidance(),
            _ if !on => return false,
            // Enter ends a scan when the scanner has typed something.
            GuideKey::Select if !self.lookup.borrow().scan.is_empty() => return false,
            GuideKey::Next | GuideKey::Previous => self.move_focus(key),
            GuideKey::Select => self.select(),
            GuideKey::Back => self.guided_act(Act::Back),
            GuideKey::Home => self.guided_act(Act::Home),
            GuideKey::Repeat => self.announce_page(),
            GuideKey::Serving => self.say_serving(),
        }
        true
    }

    /// Turns guidance on (and says how it works and where the citizen is) or off.
    pub(super) fn toggle_guidance(&self) {
        let mut s = self.access.get();
        s.guidance = !s.guidance;
        self.set_access(s);
        *self.guide.borrow_mut() = GuideState::default();
        self.show_focus("");
        if s.guidance {
            let mut speech = vec![Clip("g_on"), Clip("g_keys"), Pause(300)];
            speech.extend(self.page_speech());
            self.say(speech);
        } else {
            self.say(vec![Clip("g_off")]);
        }
        self.restart_idle();
    }

    /// A new page is showing: with guidance on, it is said.
    pub(super) fn page_changed(&self) {
        if !self.access.get().guidance {
            return;
        }
        let page = self.page();
        if self.guide.borrow().page == Some(page) {
            return;
        }
        self.announce_page();
    }

    /// Says the page afresh, with the focus back before its first choice.
    pub(super) fn announce_page(&self) {
        *self.guide.borrow_mut() = GuideState {
            focus: None,
            page: Some(self.page()),
        };
        self.show_focus("");
        self.say(self.page_speech());
    }

    /// Says that the session ends in `seconds` unless the citizen acts.
    pub(super) fn say_idle_warning(&self, seconds: u32) {
        if self.access.get().guidance {
            self.say(vec![
                Clip("g_idle"),
                Number(seconds.into()),
                Clip("g_seconds"),
                Clip("g_keep"),
            ]);
        }
    }

    /// Says how a print the citizen asked for went.
    pub(super) fn say_print_outcome(&self, printed: bool) {
        if self.access.get().guidance {
            self.say(vec![Clip(if printed {
                "g_take_ticket"
            } else {
                "g_print_failed"
            })]);
        }
    }

    /// The booking page's answer changed without the page changing (checking, a code that
    /// is not one, no such booking): with guidance on, it is said.
    pub(super) fn booking_answer_changed(&self) {
        if !self.access.get().guidance {
            return;
        }
        let checking = self.ui().is_some_and(|app| {
            app.global::<BookingAdapter>().get_result() == BookingResult::Checking
        });
        if checking {
            // Short: the answer usually follows within a second and cuts it off.
            self.say(vec![Clip("g_booking_checking")]);
        } else {
            self.announce_page();
        }
    }

    fn say(&self, speech: Vec<Utterance>) {
        self.speaker.say(self.language.get(), speech);
    }

    fn page(&self) -> Page {
        self.ui()
            .map(|app| app.global::<NavigationAdapter>().get_page())
            .unwrap_or(Page::Home)
    }

    fn show_focus(&self, key: &str) {
        if let Some(app) = self.ui() {
            app.global::<AccessAdapter>().set_focus_key(key.into());
        }
    }

    fn move_focus(&self, key: GuideKey) {
        let choices = self.choices();
        let at = self.guide.borrow().focus;
        let (focus, at_end) = guide::step(at, choices.len(), key);
        self.guide.borrow_mut().focus = focus;
        let Some(i) = focus else {
            return self.say(vec![Clip("g_end")]);
        };
        let choice = &choices[i];
        self.show_focus(&choice.key);
        let mut speech = Vec::new();
        if at_end {
            speech.extend([Clip("g_end"), Pause(200)]);
        }
        speech.extend(choice.speech.iter().cloned());
        speech.extend([
            Pause(200),
            Number(i as u64 + 1),
            Clip("g_of"),
            Number(choices.len() as u64),
        ]);
        self.say(speech);
    }

    fn select(&self) {
        let choices = self.choices();
        let focus = self.guide.borrow().focus;
        match focus.and_then(|i| choices.get(i)) {
            Some(choice) => self.guided_act(choice.act.clone()),
            // Nothing chosen yet: say the page again, which says how to choose.
            None => self.announce_page(),
        }
    }

    fn guided_act(&self, act: Act) {
        match act {
            Act::TakeTicket => self.take_ticket(),
            Act::Booking => self.open_booking(),
            Act::NormalTicket => self.take_normal_ticket(),
            Act::Lookup => self.open_lookup(),
            Act::Catalogue => self.open_catalogue(),
            Act::Field(code) => self.choose_field(&code),
            Act::Priority(code) => self.choose_priority(&code),
            Act::CatalogueField(code) => self.open_field(&code),
            Act::Procedure(id) => self.open_procedure(id),
            Act::PrintChecklist => self.print_checklist(),
            Act::PrintOnline => self.print_online_steps(),
            Act::AssistedTicket => self.take_assisted_ticket(),
            Act::OnlineDetails => self.show_online_details(),
            Act::PrintStatus => self.print_status(),
            Act::ResultTicket => self.take_result_ticket(),
            Act::Back => self.go_back(),
            Act::Home => self.go_home(),
        }
    }

    /// The numbers being served, queue by queue.
    fn say_serving(&self) {
        let Some(app) = self.ui() else { return };
        let serving = app.global::<ui::StatusAdapter>().get_serving();
        let mut speech = vec![Clip("g_serving")];
        let mut any = false;
        for item in serving.iter().filter(|i| !i.number.is_empty()) {
            any = true;
            speech.push(Label(item.number.to_string()));
            if let Ok(counter @ 1..) = u64::try_from(item.counter) {
                speech.extend([Clip("g_at_counter"), Number(counter)]);
            }
            speech.extend([Text(item.name.to_string()), Pause(300)]);
        }
        if !any {
            speech = vec![Clip("g_none_serving")];
        }
        self.say(speech);
    }

    /// The page's choices, in screen order.
    fn choices(&self) -> Vec<Choice> {
        let Some(app) = self.ui() else {
            return Vec::new();
        };
        let lang = self.language.get();
        let back = || Choice::new("back", vec![Clip("c_back")], Act::Back);
        let home = || Choice::new("home", vec![Clip("c_home")], Act::Home);
        let mut out = Vec::new();
        match self.page() {
            Page::Home => {
                out.push(Choice::new(
                    "take-ticket",
                    vec![Clip("c_take_ticket")],
                    Act::TakeTicket,
                ));
                // In screen order: home shows it below the ticket, only with an office.
                if app.global::<BookingAdapter>().get_available() {
                    out.push(Choice::new(
                        "booking",
                        vec![Clip("c_booking")],
                        Act::Booking,
                    ));
                }
                out.push(Choice::new("lookup", vec![Clip("c_lookup")], Act::Lookup));
                out.push(Choice::new(
                    "catalogue",
                    vec![Clip("c_catalogue")],
                    Act::Catalogue,
                ));
            }
            Page::Fields => {
                for f in app.global::<TicketAdapter>().get_fields().iter() {
                    out.push(Choice::new(
                        format!("field:{}", f.code),
                        vec![Text(f.name.to_string())],
                        Act::Field(f.code.to_string()),
                    ));
                }
                out.push(home());
            }
            Page::Priority => {
                // An office that books ordinary numbers offers its check-in in their place.
                if !app.global::<TicketAdapter>().get_priority_only() {
                    out.push(Choice::new(
                        "priority:none",
                        vec![Clip("c_no_priority")],
                        Act::Priority("none".into()),
                    ));
                } else if app.global::<BookingAdapter>().get_available() {
                    out.push(Choice::new(
                        "booking",
                        vec![Clip("c_booking")],
                        Act::Booking,
                    ));
                }
                for g in PriorityGroup::ALL.into_iter().filter(|g| g.is_priority()) {
                    let name = match lang {
                        Language::Vi => g.name_vi(),
                        Language::En => g.name_en(),
                    };
                    out.push(Choice::new(
                        format!("priority:{}", g.code()),
                        vec![Text(name.into())],
                        Act::Priority(g.code().into()),
                    ));
                }
                out.extend([back(), home()]);
            }
            Page::Dossier => {
                if app.global::<LookupAdapter>().get_dossier().status == ui::DossierStatus::Ready {
                    out.push(Choice::new(
                        "result-ticket",
                        vec![Clip("c_result_ticket")],
                        Act::ResultTicket,
                    ));
                }
                out.push(Choice::new(
                    "print-status",
                    vec![Clip("c_print_status")],
                    Act::PrintStatus,
                ));
                out.extend([back(), home()]);
            }
            Page::Catalogue => {
                for f in app
                    .global::<CatalogueAdapter>()
                    .get_catalogue_fields()
                    .iter()
                {
                    out.push(Choice::new(
                        format!("field:{}", f.code),
                        vec![Text(f.name.to_string())],
                        Act::CatalogueField(f.code.to_string()),
                    ));
                }
                out.push(home());
            }
            Page::Procedures => {
                for p in app.global::<CatalogueAdapter>().get_procedures().iter() {
                    out.push(Choice::new(
                        format!("procedure:{}", p.id),
                        vec![Text(p.name.to_string())],
                        Act::Procedure(p.id.into()),
                    ));
                }
                out.extend([back(), home()]);
            }
            Page::Procedure => {
                out.push(Choice::new(
                    "print-checklist",
                    vec![Clip("c_print_checklist")],
                    Act::PrintChecklist,
                ));
                out.extend([back(), home()]);
            }
            Page::Online => {
                // In screen order: print, the ticket when a queue helps, the details.
                out.push(Choice::new(
                    "print-steps",
                    vec![Clip("c_print_online")],
                    Act::PrintOnline,
                ));
                if app.global::<OnlineAdapter>().get_assisted() {
                    out.push(Choice::new(
                        "assisted-ticket",
                        vec![Clip("c_assisted_ticket")],
                        Act::AssistedTicket,
                    ));
                }
                out.push(Choice::new(
                    "details",
                    vec![Clip("c_details")],
                    Act::OnlineDetails,
                ));
                out.extend([back(), home()]);
            }
            Page::BookingResult => {
                out.push(Choice::new(
                    "take-ticket",
                    vec![Clip("c_normal_ticket")],
                    Act::NormalTicket,
                ));
                out.push(home());
            }
            Page::Ticket
            | Page::Closed
            | Page::Error
            | Page::Lookup
            | Page::Factor
            | Page::Search
            | Page::Booking => out.push(home()),
            Page::AdminPin | Page::Admin => {}
        }
        out
    }

    /// What the page says when it opens: where the citizen is, what it shows, and how many
    /// choices there are.
    fn page_speech(&self) -> Vec<Utterance> {
        let Some(app) = self.ui() else {
            return Vec::new();
        };
        let mut speech = match self.page() {
            Page::Home => vec![Clip("g_home")],
            Page::Fields => vec![Clip("g_fields")],
            Page::Priority if app.global::<TicketAdapter>().get_priority_only() => {
                vec![Clip("g_priority"), Clip("g_priority_only")]
            }
            Page::Priority => vec![Clip("g_priority")],
            Page::Ticket => self.ticket_speech(),
            Page::Closed => {
                let mut s = vec![Clip("g_closed"), Clip("g_reopen")];
                let reopen = app.global::<NavigationAdapter>().get_reopen().time;
                s.extend(clock_speech(&reopen, self.language.get()));
                s
            }
            Page::Error => vec![Clip("g_error")],
            Page::Lookup => {
                let mut s = match app.global::<LookupAdapter>().get_lookup_error() {
                    LookupError::None => vec![],
                    LookupError::NotFound => vec![Clip("g_not_found")],
                    _ => vec![Clip("g_bad_code")],
                };
                s.push(Clip("g_lookup"));
                s
            }
            Page::Dossier => self.dossier_speech(),
            Page::Catalogue => vec![Clip("g_catalogue")],
            Page::Procedures => vec![
                Text(
                    app.global::<CatalogueAdapter>()
                        .get_procedures_title()
                        .to_string(),
                ),
                Clip("g_procedures"),
            ],
            Page::Procedure => self.procedure_speech(),
            Page::Online => {
                let g = app.global::<OnlineAdapter>();
                let mut s = vec![
                    Text(g.get_procedure_name().to_string()),
                    Pause(300),
                    Clip("g_online"),
                ];
                if g.get_no_paper() {
                    s.push(Clip("g_no_paper"));
                }
                s.push(Clip("g_online_steps"));
                s
            }
            Page::Booking => booking_entry_speech(app.global::<BookingAdapter>().get_result()),
            Page::BookingResult => self.booking_result_speech(),
            // No recorded guidance for these yet: say so, and offer home.
            Page::Factor | Page::Search | Page::AdminPin | Page::Admin => {
                vec![Clip("g_no_guide")]
            }
        };
        let n = self.choices().len();
        if n > 0 {
            speech.extend([Pause(200), Number(n as u64), Clip("g_choices")]);
        }
        speech
    }

    fn ticket_speech(&self) -> Vec<Utterance> {
        let Some(app) = self.ui() else {
            return Vec::new();
        };
        let t = app.global::<TicketAdapter>().get_ticket();
        let mut speech = vec![
            Clip("g_ticket"),
            Label(t.number.to_string()),
            Pause(300),
            Text(t.field.to_string()),
        ];
        // A booked ticket: the time it was booked for, as the screen shows it.
        let booked = app.global::<BookingAdapter>().get_booked_time();
        if !booked.is_empty() {
            speech.push(Clip("g_booked_at"));
            speech.extend(clock_speech(&booked, self.language.get()));
            speech.push(Pause(200));
        }
        speech.extend([
            Clip("g_ahead"),
            Number(u64::try_from(t.ahead).unwrap_or(0)),
            Clip("g_wait_at"),
            Text(self.config.kiosk.wait_area.clone()),
        ]);
        match app.global::<TicketAdapter>().get_print_state() {
            PrintState::Printed => speech.push(Clip("g_take_ticket")),
            PrintState::Failed => speech.push(Clip("g_print_failed")),
            _ => {}
        }
        speech
    }

    fn dossier_speech(&self) -> Vec<Utterance> {
        let Some(app) = self.ui() else {
            return Vec::new();
        };
        let d = app.global::<LookupAdapter>().get_dossier();
        let status = DossierStatus::ALL
            .into_iter()
            .find(|s| super::lookup::dossier_status(*s) == d.status);
        let mut speech = vec![Clip("g_dossier")];
        if let Some(s) = status {
            speech.push(Text(
                match self.language.get() {
                    Language::Vi => s.label_vi(),
                    Language::En => s.label_en(),
                }
                .into(),
            ));
        }
        let due = date_speech(&d.due_date);
        if !due.is_empty() {
            speech.push(Clip("g_due"));
            speech.extend(due);
        }
        if d.overdue {
            speech.push(Clip("g_overdue"));
        }
        let new_due = date_speech(&d.new_due_date);
        if !new_due.is_empty() {
            speech.push(Clip("g_due_new"));
            speech.extend(new_due);
        }
        if !d.pickup.is_empty() {
            speech.extend([Clip("g_collect_at"), Text(d.pickup.to_string())]);
        }
        speech
    }

    fn procedure_speech(&self) -> Vec<Utterance> {
        let Some(app) = self.ui() else {
            return Vec::new();
        };
        let p = app.global::<CatalogueAdapter>().get_procedure();
        let mut speech = vec![Text(p.name.to_string()), Pause(300)];
        if !p.processing.is_empty() {
            speech.extend([Clip("g_duration"), Text(p.processing.to_string())]);
        }
        if !p.fee.is_empty() {
            speech.extend([Clip("g_fee"), Text(p.fee.to_string())]);
        }
        if p.documents.row_count() > 0 {
            speech.push(Clip("g_documents"));
            for d in p.documents.iter() {
                speech.extend([Text(d.to_string()), Pause(200)]);
            }
        } else {
            speech.push(Clip("g_documents_unknown"));
        }
        speech
    }
}

impl Controller {
    /// Why a booking gives no ticket now, as the result page shows it; the usual ticket is
    /// the page's first choice.
    fn booking_result_speech(&self) -> Vec<Utterance> {
        let Some(app) = self.ui() else {
            return Vec::new();
        };
        let lang = self.language.get();
        let b = app.global::<BookingAdapter>();
        let minutes = u64::try_from(b.get_minutes()).unwrap_or(0);
        let booked_at = || {
            let mut s = vec![Clip("g_booked_at")];
            s.extend(clock_speech(&b.get_time(), lang));
            s.push(Pause(200));
            s
        };
        let mut speech = match b.get_result() {
            BookingResult::TooEarly => {
                let mut s = booked_at();
                s.extend([
                    Clip("g_early"),
                    Number(minutes),
                    Clip("g_minutes"),
                    Pause(200),
                ]);
                s.push(Clip("g_reopen"));
                s.extend(clock_speech(&b.get_come_back_at(), lang));
                s
            }
            BookingResult::TooLate => {
                let mut s = booked_at();
                s.extend([Clip("g_late"), Number(minutes), Clip("g_minutes")]);
                s
            }
            BookingResult::Cancelled => vec![Clip("g_booking_cancelled")],
            BookingResult::Used => vec![Clip("g_booking_used")],
            BookingResult::OtherDay => {
                let mut s = vec![Clip("g_other_day"), Clip("g_booked_on")];
                s.extend(date_speech(&b.get_day()));
                s
            }
            BookingResult::Offline => vec![Clip("g_booking_offline")],
            // The code page's answers; never shown here, but said if they were.
            r @ (BookingResult::None
            | BookingResult::Checking
            | BookingResult::BadCode
            | BookingResult::Unknown) => booking_entry_speech(r),
        };
        speech.extend([Pause(200), Clip("g_normal_ticket")]);
        speech
    }
}

/// The code page: its answer so far (checking, not a code, no such booking), then how to
/// give the code. What was typed is not read back, as on the lookup page: a citizen who
/// cannot see the keys holds the booking's QR code under the scanner instead.
fn booking_entry_speech(result: BookingResult) -> Vec<Utterance> {
    let mut speech = match result {
        BookingResult::Checking => vec![Clip("g_booking_checking")],
        BookingResult::BadCode => vec![Clip("g_booking_bad_code")],
        BookingResult::Unknown => vec![Clip("g_booking_unknown")],
        _ => Vec::new(),
    };
    speech.push(Clip("g_booking"));
    speech
}

/// A time of day as the screen shows it ("09:30") read with clips: "chín giờ ba mươi
/// phút", "nine thirty", "nine o'clock", "nine zero five". Text-to-speech would read
/// "09:00" as "chín không không". Anything else is left to the synthesiser.
fn clock_speech(hhmm: &str, lang: Language) -> Vec<Utterance> {
    let parsed = hhmm
        .split_once(':')
        .and_then(|(h, m)| Some((h.trim().parse::<u64>().ok()?, m.trim().parse::<u64>().ok()?)))
        .filter(|(h, m)| *h < 24 && *m < 60);
    let Some((h, m)) = parsed else {
        return vec![Text(hhmm.to_string())];
    };
    match (lang, m) {
        (Language::Vi, 0) => vec![Number(h), Clip("g_hour")],
        (Language::Vi, m) => vec![Number(h), Clip("g_hour"), Number(m), Clip("g_minutes")],
        (Language::En, 0) => vec![Number(h), Clip("g_hour")],
        (Language::En, m @ 1..=9) => vec![Number(h), Number(0), Number(m)],
        (Language::En, m) => vec![Number(h), Number(m)],
    }
}

/// A date as the screen shows it ("24/11/2026"): day and month read as numbers; nothing
/// when it is not one.
fn date_speech(ddmmyyyy: &str) -> Vec<Utterance> {
    let mut parts = ddmmyyyy.split('/').map(|p| p.parse::<u64>().ok());
    match (parts.next(), parts.next()) {
        (Some(Some(day)), Some(Some(month))) => {
            vec![Clip("g_day"), Number(day), Clip("g_month"), Number(month)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_times_and_dates_with_clips() {
        use Language::{En, Vi};
        assert_eq!(clock_speech("09:00", Vi), [Number(9), Clip("g_hour")]);
        assert_eq!(
            clock_speech("14:30", Vi),
            [Number(14), Clip("g_hour"), Number(30), Clip("g_minutes")]
        );
        assert_eq!(clock_speech("09:00", En), [Number(9), Clip("g_hour")]);
        assert_eq!(clock_speech("08:05", En), [Number(8), Number(0), Number(5)]);
        assert_eq!(clock_speech("14:30", En), [Number(14), Number(30)]);
        assert_eq!(clock_speech("25:00", Vi), [Text("25:00".into())]);
        assert_eq!(clock_speech("", En), [Text(String::new())]);
        assert_eq!(
            date_speech("08/12/2026"),
            [Clip("g_day"), Number(8), Clip("g_month"), Number(12)]
        );
        assert!(date_speech("").is_empty());
        // Every clip named here is a recorded phrase.
        for name in ["g_hour", "g_minutes", "g_day", "g_month"] {
            assert!(
                crate::domain::phrases::clip_text(name, false).is_some(),
                "{name}"
            );
        }
    }
}
