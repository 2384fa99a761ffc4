//! A clerk's login, checked cheapest first so refusing costs the office little: the
//! body's size and the fields' lengths and characters, then the failed-login throttle
//! (`throttle`), and only then Argon2 in one of the few slots (`password_checks`). Each
//! failure is logged with the account tried and the source address.

use std::net::IpAddr;
use std::time::Instant;

use axum::http::StatusCode;
use serde::Deserialize;

use super::error::HttpError;
use super::metrics::LoginRefusal;
use super::shed::{shed, Shed};
use super::state::App;
use crate::office::counters::{Clerk, ClerkLogin, ClerkRole, ClerkSession};

/// A login body's size at most, in bytes.
pub(super) const MAX_LOGIN_BODY: usize = 4 * 1024;
/// A username's length at most, in characters.
pub(super) const MAX_USERNAME: usize = 64;
/// A password's length at most, in characters.
pub(super) const MAX_PASSWORD: usize = 256;

/// What the login form sends.
#[derive(Deserialize)]
pub(super) struct LoginRequest {
    /// As typed; compared trimmed and lower-cased.
    pub username: String,
    /// As typed.
    pub password: String,
    /// The counter to open.
    pub counter: u32,
    /// The queues it serves.
    pub queues: Vec<String>,
}

/// What the reports' login form sends: no counter, no queues.
#[derive(Deserialize)]
pub(super) struct ReadingLogin {
    /// As typed; compared trimmed and lower-cased.
    pub username: String,
    /// As typed.
    pub password: String,
}

/// The reports' login in `body`, checked as [`parse`] checks a counter's.
pub(super) fn parse_reading(body: &[u8]) -> Result<ReadingLogin, HttpError> {
    if body.len() > MAX_LOGIN_BODY {
        return Err(HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a login is at most {MAX_LOGIN_BODY} bytes"),
        ));
    }
    let req: ReadingLogin = serde_json::from_slice(body).map_err(|e| {
        HttpError::bad_request(format!("a reports login is {{username, password}}: {e}"))
    })?;
    check_fields(&req.username, &req.password)?;
    Ok(req)
}

/// The login in `body`, refused before any expensive work when it is too large, malformed,
/// too long or holds a NUL.
pub(super) fn parse(body: &[u8]) -> Result<LoginRequest, HttpError> {
    if body.len() > MAX_LOGIN_BODY {
        return Err(HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a login is at most {MAX_LOGIN_BODY} bytes"),
        ));
    }
    let req: LoginRequest = serde_json::from_slice(body).map_err(|e| {
        HttpError::bad_request(format!(
            "a login is {{username, password, counter, queues}}: {e}"
        ))
    })?;
    check_fields(&req.username, &req.password)?;
    Ok(req)
}

/// The username's and password's lengths, and no NUL in either.
fn check_fields(username: &str, password: &str) -> Result<(), HttpError> {
    if username.contains('\0') || password.contains('\0') {
        return Err(HttpError::new(
            StatusCode::BAD_REQUEST,
            "nul_character",
            "a username or password may not contain a NUL character",
        ));
    }
    let too_long = |what: &str, max: usize| {
        HttpError::new(
            StatusCode::BAD_REQUEST,
            "too_long",
            format!("a {what} is at most {max} characters"),
        )
    };
    if username.chars().count() > MAX_USERNAME {
        return Err(too_long("username", MAX_USERNAME));
    }
    if password.chars().count() > MAX_PASSWORD {
        return Err(too_long("password", MAX_PASSWORD));
    }
    Ok(())
}

/// The account name as the log shows it: escaped, so a name cannot forge log lines.
fn for_log(username: &str) -> String {
    let short: String = username.chars().take(MAX_USERNAME).collect();
    format!("{short:?}")
}

/// The session clerk `username` (trimmed and lower-cased) may open at `counter` if
/// `password` is theirs (see [`check_credentials`]); a province lead opens no counter
/// (403 `no_counter_role`).
pub(super) async fn check_password(
    app: &App,
    username: &str,
    source: IpAddr,
    password: String,
    counter: u32,
) -> Result<ClerkSession, HttpError> {
    let clerk = check_credentials(app, username, source, password).await?;
    // Only a site's accounts open counters; a province lead's account reads reports.
    let Some(site) = clerk.site.filter(|_| clerk.role != ClerkRole::ProvinceLead) else {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "no_counter_role",
            "a province account sees reports and calls no one: sign in on the reports page",
        ));
    };
    Ok(ClerkSession {
        clerk,
        counter,
        site,
    })
}

/// The clerk `username` (trimmed and lower-cased) is, if `password` is theirs. Throttled
/// attempts never reach Argon2; a disabled account is refused (403 `disabled`) even with
/// the right password.
pub(super) async fn check_credentials(
    app: &App,
    username: &str,
    source: IpAddr,
    password: String,
) -> Result<Clerk, HttpError> {
    let begun = app
        .throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .begin(username, source, Instant::now());
    if let Err(t) = begun {
        shed(
            Shed::LoginThrottle,
            &format!(
                "last: {} from {source}{}",
                for_log(username),
                if t.whole_source {
                    ", too many failures from that address"
                } else {
                    ""
                }
            ),
        );
        app.metrics.login_refused(LoginRefusal::Throttled);
        return Err(HttpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!(
                "too many failed logins from this machine{}; try again in {} s",
                if t.whole_source {
                    ""
                } else {
                    " for this username"
                },
                t.retry_after.as_secs().max(1)
            ),
        )
        .retry_after(t.retry_after));
    }
    let name = username.to_string();
    let account = app.with_store(move |s| s.clerk_login(&name)).await;
    let account = match account {
        Ok(a) => a,
        Err(e) => {
            undo(app, username, source);
            return Err(e);
        }
    };
    // An unknown name is checked against a decoy (`None`), taking as long as a wrong
    // password: names do not leak.
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let matches = match app.password_checks.verify(hash, password).await {
        Ok(m) => m,
        Err(e) => {
            // Not checked, so not a failure.
            undo(app, username, source);
            return Err(e);
        }
    };
    let Some(ClerkLogin {
        clerk, disabled, ..
    }) = account.filter(|_| matches)
    else {
        app.metrics.login_refused(LoginRefusal::BadLogin);
        log::warn!(
            event = "login_failed", account = for_log(username), source = source.to_string();
            "failed clerk login for {} from {source}", for_log(username)
        );
        return Err(HttpError::new(
            StatusCode::UNAUTHORIZED,
            "bad_login",
            "wrong username or password",
        ));
    };
    app.throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .succeeded(username, source);
    if disabled {
        app.metrics.login_refused(LoginRefusal::Disabled);
        log::warn!(
            event = "login_disabled", account = for_log(username), source = source.to_string();
            "disabled clerk {} tried to log in from {source}", for_log(username)
        );
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "disabled",
            "this clerk account is disabled; ask whoever runs the office server (motcua office enable-clerk)",
        ));
    }
    Ok(clerk)
}

/// Gives back the failure counted for an attempt that was never checked.
fn undo(app: &App, username: &str, source: IpAddr) {
    app.throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .not_checked(username, source);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<LoginRequest, HttpError>) -> String {
        let response = axum::response::IntoResponse::into_response(r.err().unwrap());
        format!("{}", response.status().as_u16())
    }

    #[test]
    fn bad_input_is_refused_before_any_work() {
        let body = |u: &str, p: &str| {
            serde_json::json!({"username": u, "password": p, "counter": 1, "queues": ["A"]})
                .to_string()
        };
        assert!(parse(body("lan", "mat-khau-8").as_bytes()).is_ok());
        assert_eq!(code(parse(body("l\0an", "x").as_bytes())), "400");
        assert_eq!(code(parse(body("lan", "x\0").as_bytes())), "400");
        let long = "a".repeat(MAX_USERNAME + 1);
        assert_eq!(code(parse(body(&long, "x").as_bytes())), "400");
        // Characters are counted, not bytes.
        assert!(parse(body("lan", &"ệ".repeat(MAX_PASSWORD)).as_bytes()).is_ok());
        let long = "p".repeat(MAX_PASSWORD + 1);
        assert_eq!(code(parse(body("lan", &long).as_bytes())), "400");
        let huge = "p".repeat(MAX_LOGIN_BODY);
        assert_eq!(code(parse(body("lan", &huge).as_bytes())), "413");
        assert_eq!(code(parse(b"username=lan")), "400");
        let e = check_fields("lan", &"x".repeat(MAX_PASSWORD + 1)).unwrap_err();
        assert!(format!("{e:?}").contains("too_long"));
        let e = check_fields("\0", "x").unwrap_err();
        assert!(format!("{e:?}").contains("nul_character"));
    }

    #[test]
    fn the_log_shows_names_escaped() {
        assert_eq!(for_log("lan"), "\"lan\"");
        assert_eq!(for_log("a\nFAKE LINE"), "\"a\\nFAKE LINE\"");
        assert_eq!(for_log(&"x".repeat(500)).len(), MAX_USERNAME + 2);
    }
}
