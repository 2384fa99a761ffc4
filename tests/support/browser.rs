//! Drives a real headless Chromium through chromedriver (W3C WebDriver, plain HTTP on
//! 127.0.0.1), so integration tests can check the pages the office server serves as a browser
//! shows them. Test files include it with `mod browser;`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Every method
//! panics with the WebDriver error on failure: these are test helpers, not a client library.
#![allow(dead_code)] // each test crate uses its own part of it

use serde_json::{json, Value};
use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Special keys for [`Browser::press_key`] and [`Element::send_keys`]: WebDriver sends them as
/// these private-use code points.
pub const ENTER: &str = "\u{E007}";
pub const TAB: &str = "\u{E004}";
pub const BACKSPACE: &str = "\u{E003}";
pub const ESCAPE: &str = "\u{E00C}";
pub const SPACE: &str = "\u{E00D}";
pub const PAGE_UP: &str = "\u{E00E}";
pub const PAGE_DOWN: &str = "\u{E00F}";
pub const END: &str = "\u{E010}";
pub const HOME: &str = "\u{E011}";
pub const ARROW_LEFT: &str = "\u{E012}";
pub const ARROW_UP: &str = "\u{E013}";
pub const ARROW_RIGHT: &str = "\u{E014}";
pub const ARROW_DOWN: &str = "\u{E015}";
pub const DELETE: &str = "\u{E017}";

const INSTALL: &str =
    "install chromium and chromium-driver (apt-get install chromium chromium-driver); .ci/run does it";
/// Debian's launcher script; chromedriver would otherwise look for `google-chrome`.
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const POLL: Duration = Duration::from_millis(50);
/// How long [`Browser::find`] and [`Browser::wait_text`] wait.
pub const WAIT: Duration = Duration::from_secs(5);

/// GETs `url`, or POSTs `body` to it; returns the answer's `value`, or the WebDriver error as
/// "code: message" (e.g. "no such element: …").
fn request(agent: &ureq::Agent, url: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut resp = match body {
        None => agent.get(url).call(),
        Some(body) => agent.post(url).send_json(body),
    }
    .map_err(|e| format!("no answer from chromedriver: {e}"))?;
    let ok = resp.status().is_success();
    let answer: Result<Value, _> = resp.body_mut().read_json();
    let value = answer.map_err(|e| format!("bad answer from chromedriver: {e}"))?["value"].take();
    let text = |key: &str| value[key].as_str().unwrap_or("?").to_string();
    match ok {
        true => Ok(value),
        false => Err(format!("{}: {}", text("error"), text("message"))),
    }
}

/// A headless Chromium with its own chromedriver and throwaway profile; dropping it ends both.
pub struct Browser {
    driver: Child,
    port: u16,
    /// `http://127.0.0.1:<port>/session/<id>`; empty until the session exists.
    session: String,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
}

impl Browser {
    /// A browser with a 1280×800 viewport.
    pub fn start() -> Browser {
        Browser::start_with_size(1280, 800)
    }

    /// A browser whose viewport (what pages lay out in, what screenshots show) is
    /// `width`×`height` CSS pixels, in Vietnamese.
    pub fn start_with_size(width: u32, height: u32) -> Browser {
        Browser::start_with_args(width, height, &[])
    }

    /// As [`start_with_size`](Self::start_with_size), with more Chromium flags (e.g. the
    /// SPKI pin of a self-signed office certificate).
    pub fn start_with_args(width: u32, height: u32, extra: &[String]) -> Browser {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .proxy(None) // only ever 127.0.0.1, whatever HTTP_PROXY says
            .build()
            .into();
        let dir = tempfile::tempdir().expect("a temporary directory for the browser");
        let (driver, port) = spawn_driver(&agent, dir.path());
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(), // Chromium's sandbox refuses to run as root (CI, containers)
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(), // /dev/shm is tiny in containers
            format!("--window-size={width},{height}"),
            "--autoplay-policy=no-user-gesture-required".into(), // the kiosk's voice
            format!("--user-data-dir={}", dir.path().join("profile").display()),
            "--lang=vi".into(),
        ];
        args.extend_from_slice(extra);
        // Headless Chromium ignores --lang for navigator.language; this preference sets it.
        let mut options = json!({"args": args, "prefs": {"intl.accept_languages": "vi"}});
        if Path::new(CHROMIUM).exists() {
            options["binary"] = json!(CHROMIUM);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "goog:chromeOptions": options,
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"pageLoad": 30_000, "script": 30_000},
        }}});
        // Built before the session so that a failure below still ends chromedriver (Drop).
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            agent,
            _dir: dir,
        };
        let base = format!("http://127.0.0.1:{port}/session");
        let value = request(&browser.agent, &base, Some(&caps))
            .unwrap_or_else(|f| panic!("chromedriver could not start Chromium ({INSTALL}): {f}"));
        let id = value["sessionId"].as_str().expect("a session id");
        browser.session = format!("{base}/{id}");
        browser.set_window_size(width, height);
        browser
    }

    /// chromedriver's port and process id (also its process group, which Chromium joins).
    pub fn driver_port(&self) -> u16 {
        self.port
    }
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    fn try_call(&self, path: &str, body: Option<Value>) -> Result<Value, String> {
        request(
            &self.agent,
            &format!("{}{path}", self.session),
            body.as_ref(),
        )
    }

    fn call(&self, path: &str, body: Option<Value>) -> Value {
        self.try_call(path, body)
            .unwrap_or_else(|f| panic!("WebDriver {path}: {f}"))
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.try_call("/url", Some(json!({ "url": url })))
            .unwrap_or_else(|f| panic!("opening {url}: {f}"));
    }

    pub fn url(&self) -> String {
        self.call("/url", None).as_str().unwrap_or_default().into()
    }

    pub fn title(&self) -> String {
        self.call("/title", None)
            .as_str()
            .unwrap_or_default()
            .into()
    }

    /// The first element matching `css`, waiting up to [`WAIT`] for one to appear.
    pub fn find(&self, css: &str) -> Element<'_> {
        let mut found = None;
        self.wait_until(&format!("an element matching `{css}`"), WAIT, |_| {
            found = self.try_find(css);
            found.is_some()
        });
        found.unwrap()
    }

    /// The first element matching `css` now, if any.
    pub fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let by = json!({"using": "css selector", "value": css});
        match self.try_call("/element", Some(by)) {
            Ok(v) => Some(self.element(css, &v)),
            Err(f) if f.starts_with("no such element:") => None,
            Err(f) => panic!("finding `{css}`: {f}"),
        }
    }

    /// Every element matching `css` now, in document order.
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let by = json!({"using": "css selector", "value": css});
        let found = self
            .try_call("/elements", Some(by))
            .unwrap_or_else(|f| panic!("finding `{css}`: {f}"));
        let found = found.as_array().cloned().unwrap_or_default();
        found.iter().map(|v| self.element(css, v)).collect()
    }

    fn element(&self, css: &str, v: &Value) -> Element<'_> {
        let id = v[ELEMENT].as_str().expect("an element reference");
        Element {
            browser: self,
            id: id.into(),
            css: css.into(),
        }
    }

    /// Runs `script` as a function body (`arguments[i]` are `args`; `return` gives the result).
    pub fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        self.script("sync", script, args)
    }

    /// Like [`exec`](Self::exec), but the result is what the script passes to its last argument,
    /// a callback (30 s at most).
    pub fn exec_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.script("async", script, args)
    }

    fn script(&self, how: &str, script: &str, args: Vec<Value>) -> Value {
        let body = json!({"script": script, "args": args});
        self.try_call(&format!("/execute/{how}"), Some(body))
            .unwrap_or_else(|f| panic!("script failed: {f}\n{script}"))
    }

    /// Polls `f` every 50 ms until it holds; panics naming `what` after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, mut f: impl FnMut(&Browser) -> bool) {
        let deadline = Instant::now() + timeout;
        while !f(self) {
            if Instant::now() > deadline {
                panic!("waited {timeout:?} for {what} on {}", self.url());
            }
            sleep(POLL);
        }
    }

    /// Waits up to [`WAIT`] for the first element matching `css` to show text containing
    /// `contains`; returns its text. The page may replace the element meanwhile.
    pub fn wait_text(&self, css: &str, contains: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.try_find(css).and_then(|e| {
                let v = self
                    .try_call(&format!("/element/{}/text", e.id), None)
                    .ok()?;
                v.as_str().map(String::from)
            });
            match text {
                Some(t) if t.contains(contains) => return t,
                _ if Instant::now() > deadline => {
                    panic!("waited {WAIT:?} for `{css}` to contain {contains:?}; it shows {text:?}")
                }
                _ => sleep(POLL),
            }
        }
    }

    /// Writes a PNG of the viewport to `path`, creating its directory.
    pub fn screenshot_png(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let png = base64_decode(self.call("/screenshot", None).as_str().unwrap_or_default());
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        }
        fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Sizes the viewport to `width`×`height` CSS pixels. Headless Chromium keeps a simulated
    /// toolbar inside the window (143 px in Chromium 156), so the window is set, measured and
    /// grown by the difference.
    pub fn set_window_size(&self, width: u32, height: u32) {
        let rect =
            |w: u32, h: u32| self.call("/window/rect", Some(json!({"width": w, "height": h})));
        rect(width, height);
        let inner = self.exec("return [window.innerWidth, window.innerHeight]", vec![]);
        let inner = |i: usize| inner[i].as_u64().unwrap_or(0) as u32;
        if (inner(0), inner(1)) != (width, height) {
            rect(
                2 * width - inner(0).min(width),
                2 * height - inner(1).min(height),
            );
        }
    }

    /// Makes the network slow, as Chromium's DevTools throttling does: `latency_ms` added to
    /// every request, at most `down` and `up` bytes per second.
    pub fn throttle(&self, latency_ms: f64, down: f64, up: f64) {
        let conditions = json!({"network_conditions": {
            "offline": false, "latency": latency_ms,
            "download_throughput": down, "upload_throughput": up,
        }});
        self.call("/chromium/network_conditions", Some(conditions));
    }

    /// Lays the page out for `media` ("print", or "" for the screen again) through
    /// chromedriver's DevTools passthrough, so a test can look at what paper would show;
    /// false when this chromedriver has no passthrough.
    pub fn emulate_media(&self, media: &str) -> bool {
        let command = json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": media}});
        self.try_call("/goog/cdp/execute", Some(command)).is_ok()
    }

    /// Presses and releases each key of `keys` in turn, into whatever has focus (the document
    /// when nothing does): characters, or the constants above such as [`ENTER`].
    pub fn press_key(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| ["keyDown", "keyUp"].map(|t| json!({"type": t, "value": c.to_string()})))
            .collect();
        let keyboard = json!({"type": "key", "id": "keyboard", "actions": actions});
        self.call("/actions", Some(json!({ "actions": [keyboard] })));
    }

    /// The page's console messages since the last call, as "LEVEL message": handy in the
    /// message of a failing assertion.
    pub fn console_log(&self) -> Vec<String> {
        let entries = self.call("/se/log", Some(json!({"type": "browser"})));
        let entries = entries.as_array().cloned().unwrap_or_default();
        let line =
            |e: &Value| format!("{} {}", e["level"].as_str()?, e["message"].as_str()?).into();
        entries.iter().filter_map(line).collect()
    }
}

impl Drop for Browser {
    /// Deleting the session makes chromedriver close Chromium; killing chromedriver's process
    /// group (Chromium's processes are in it) then catches whatever that left, e.g. after a
    /// test panicked mid-command.
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let req = self.agent.delete(&self.session).config();
            let _ = req
                .timeout_global(Some(Duration::from_secs(10)))
                .build()
                .call();
        }
        unsafe { libc::kill(-(self.driver.id() as libc::pid_t), libc::SIGKILL) };
        let _ = self.driver.wait();
    }
}

/// Starts chromedriver on a free port, in its own process group, and waits until it is ready.
/// The port is free when picked but may be taken before chromedriver binds it: then retry.
fn spawn_driver(agent: &ureq::Agent, dir: &Path) -> (Child, u16) {
    let log_path = dir.join("chromedriver.log");
    let log = || fs::read_to_string(&log_path).unwrap_or_default();
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let out = File::create(&log_path).expect("chromedriver's log file");
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            // The office's browsers are in Vietnam: pages that default to "today" must see the
            // office's business date, whatever the zone of the machine running the tests.
            .env("TZ", "Asia/Ho_Chi_Minh")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("the log file"))
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run chromedriver ({e}): {INSTALL}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = format!("http://127.0.0.1:{port}/status");
        while !matches!(child.try_wait(), Ok(Some(_))) {
            if request(agent, &status, None).is_ok_and(|v| v["ready"] == true) {
                return (child, port);
            }
            if Instant::now() > deadline {
                unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
                let _ = child.wait();
                panic!("chromedriver not ready after 20 s; its log:\n{}", log());
            }
            sleep(POLL);
        }
    }
    panic!(
        "chromedriver exited at start three times; its log:\n{}",
        log()
    )
}

/// Standard base64, for screenshots (no crate just for this).
fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue, // padding
        };
        acc = (acc << 6 | v as u32) & 0xFFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// An element of the current page, found by `css` (kept for messages).
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
    css: String,
}

impl Element<'_> {
    fn call(&self, what: &str, body: Option<Value>) -> Value {
        let path = format!("/element/{}/{what}", self.id);
        self.browser
            .try_call(&path, body)
            .unwrap_or_else(|f| panic!("WebDriver {what} on `{}`: {f}", self.css))
    }

    /// Clicks its centre, as a user would (fails if something covers it).
    pub fn click(&self) {
        self.call("click", Some(json!({})));
    }

    /// As [`click`](Self::click), but false (nothing clicked) when the page has replaced
    /// the element meanwhile, as a list redrawn by a live update does.
    pub fn click_unless_stale(&self) -> bool {
        let path = format!("/element/{}/click", self.id);
        match self.browser.try_call(&path, Some(json!({}))) {
            Ok(_) => true,
            Err(f) if f.starts_with("stale element reference") => false,
            Err(f) => panic!("WebDriver click on `{}`: {f}", self.css),
        }
    }

    /// Its rendered text, as the user sees it.
    pub fn text(&self) -> String {
        self.call("text", None).as_str().unwrap_or_default().into()
    }

    /// An HTML attribute as written in the markup.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.call(&format!("attribute/{name}"), None)
            .as_str()
            .map(String::from)
    }

    /// A DOM property, live (e.g. an input's current `value`).
    pub fn prop(&self, name: &str) -> Value {
        self.call(&format!("property/{name}"), None)
    }

    /// Focuses it and types `text` (characters or the key constants above).
    pub fn send_keys(&self, text: &str) {
        self.call("value", Some(json!({ "text": text })));
    }

    pub fn clear(&self) {
        self.call("clear", Some(json!({})));
    }

    pub fn is_displayed(&self) -> bool {
        self.call("displayed", None).as_bool().unwrap_or(false)
    }

    /// The element as an argument for [`Browser::exec`] (arrives as the DOM node).
    pub fn arg(&self) -> Value {
        json!({ ELEMENT: self.id })
    }
}
