//! A refusal: what a page may not do now, with the status and code the page translates.

/// An action a page may not take now: a status and a code the page translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// HTTP status to answer.
    pub status: u16,
    /// Machine code (docs/counters.md).
    pub code: &'static str,
    /// English message for logs and the API.
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// A [`Refused`] as an error.
pub(super) fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refused {
        status,
        code,
        message: message.into(),
    })
}
