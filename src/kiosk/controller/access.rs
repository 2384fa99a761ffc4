//! The citizen's own modes: high contrast, large text and spoken guidance, and the idle
//! warning. They belong to one citizen's session: Home keeps them, and the end of the
//! session (`end_session`) turns them all off for the next citizen.

use slint::ComponentHandle;

use super::Controller;
use crate::ui::{AccessAdapter, App};

/// Which modes are on.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct AccessState {
    pub(super) high_contrast: bool,
    pub(super) large_text: bool,
    pub(super) guidance: bool,
}

impl Controller {
    pub(super) fn toggle_high_contrast(&self) {
        let mut s = self.access.get();
        s.high_contrast = !s.high_contrast;
        self.set_access(s);
    }

    pub(super) fn toggle_large_text(&self) {
        let mut s = self.access.get();
        s.large_text = !s.large_text;
        self.set_access(s);
    }

    /// Shows (and, with guidance, says) that the session ends in `seconds`.
    pub(super) fn warn_idle(&self, seconds: u32) {
        if let Some(app) = self.ui() {
            app.global::<AccessAdapter>()
                .set_idle_warning_seconds(i32::try_from(seconds).unwrap_or(i32::MAX));
        }
        self.say_idle_warning(seconds);
    }

    pub(super) fn clear_idle_warning(&self) {
        self.idle_warning.stop();
        if let Some(app) = self.ui() {
            app.global::<AccessAdapter>().set_idle_warning_seconds(0);
        }
    }

    /// Puts the modes in force and on screen.
    pub(super) fn set_access(&self, s: AccessState) {
        self.access.set(s);
        if let Some(app) = self.ui() {
            show(&app, s);
        }
    }
}

fn show(app: &App, s: AccessState) {
    let a = app.global::<AccessAdapter>();
    a.set_high_contrast(s.high_contrast);
    a.set_large_text(s.large_text);
    a.set_guidance(s.guidance);
}
