//! A plain HTTP client for the office's JSON API in tests and benchmarks (`benches/counters.rs`
//! includes this file by path): every status is an answer, never an error.
#![allow(dead_code)] // each test crate uses its own part of it

use std::time::Duration;

use serde_json::Value;

/// An agent that hands back 4xx and 5xx answers instead of failing on them. Each phase
/// after the address lookup has 30 s: with a global or per-call timeout, ureq looks the
/// address up on a new thread for every request, which the latency benchmarks would count
/// as the office's time.
pub fn agent() -> ureq::Agent {
    let limit = Some(Duration::from_secs(30));
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(limit)
        .timeout_send_request(limit)
        .timeout_send_body(limit)
        .timeout_recv_response(limit)
        .timeout_recv_body(limit)
        .build()
        .into()
}

/// Sends `body` as JSON with the session `cookie`: (status, JSON body or Null, Set-Cookie).
pub fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    let request = || {
        let mut req = ureq::http::Request::builder().method(method).uri(url);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.header("content-type", "application/json")
            .body(bytes.clone())
            .unwrap()
    };
    // The office closes a kept-alive connection after refusing a request whose body had
    // not arrived yet (hyper cannot reuse it); the next request on it then finds it closed
    // before any answer. Browsers send such a request again on a new connection; so
    // does this client, once.
    let mut resp = agent
        .run(request())
        .or_else(|e| match e {
            ureq::Error::Io(ref io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                agent.run(request())
            }
            e => Err(e),
        })
        .unwrap_or_else(|e| panic!("{method} {url}: no answer: {e}"));
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (
        resp.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
        cookie,
    )
}
