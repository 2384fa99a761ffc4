//! The WebDriver harness (`tests/support/browser.rs`) against a one-page server on 127.0.0.1: real
//! headless Chromium clicks, types and takes screenshots, and leaves no process behind.

#[path = "support/browser.rs"]
mod browser;

use browser::{Browser, ENTER};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>Thử trình duyệt</title>
<style>body { margin: 0; background: #fff }</style>
<button id="go" onclick="this.textContent = 'Đã bấm'">Bấm</button>
<p id="key">chưa có phím</p>
<input id="name" placeholder="Họ và tên">
<p id="hidden" hidden>ẩn</p>
<script>
  document.addEventListener('keydown', e => document.getElementById('key').textContent = 'phím ' + e.key);
  console.log('trang sẵn sàng');
</script>"#;

/// Serves [`PAGE`] for any request; returns its address. A thread per connection, since
/// Chromium opens connections it sends nothing on.
fn serve_page() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut buf = [0; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    PAGE.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(PAGE.as_bytes());
            });
        }
    });
    format!("http://{addr}/")
}

/// A PNG's width and height, after checking its signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "{} bytes is no PNG", bytes.len());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Live (not zombie) processes whose command line contains `needle` or whose process group is
/// `pgid`, as command lines.
fn live_processes(needle: &str, pgid: u32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let dir = entry.path();
        let Ok(stat) = std::fs::read_to_string(dir.join("stat")) else {
            continue;
        };
        // After the ")" closing the command name: state, ppid, pgrp, …
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |s| s.1)
            .split_whitespace()
            .collect();
        if fields.len() < 3 || fields[0] == "Z" || fields[0] == "X" {
            continue;
        }
        let cmdline = std::fs::read(dir.join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) || fields[2] == pgid.to_string() {
            found.push(format!("{}: {cmdline}", dir.display()));
        }
    }
    found
}

#[test]
fn clicks_types_runs_scripts_takes_screenshots_and_cleans_up() {
    let url = serve_page();
    let b = Browser::start();
    b.goto(&url);
    assert_eq!(b.url(), url);
    assert_eq!(b.title(), "Thử trình duyệt");

    let go = b.find("#go");
    assert_eq!(go.text(), "Bấm");
    go.click();
    assert_eq!(b.wait_text("#go", "Đã"), "Đã bấm");

    b.press_key("x");
    b.wait_text("#key", "phím x");
    b.press_key(ENTER);
    b.wait_text("#key", "phím Enter");

    let name = b.find("#name");
    assert_eq!(name.attr("placeholder").as_deref(), Some("Họ và tên"));
    assert_eq!(name.attr("title"), None);
    name.send_keys("Nguyễn Văn A");
    assert_eq!(name.prop("value"), json!("Nguyễn Văn A"));
    name.clear();
    assert_eq!(name.prop("value"), json!(""));
    assert!(name.is_displayed());
    assert!(!b.find("#hidden").is_displayed());
    assert!(b.try_find("#missing").is_none());
    assert_eq!(b.find_all("p").len(), 2);

    assert_eq!(b.exec("return 6 * 7", vec![]), json!(42));
    let sum = b.exec(
        "return arguments[0] + arguments[1]",
        vec![json!(2), json!(3)],
    );
    assert_eq!(sum, json!(5));
    let id = b.exec("return arguments[0].id", vec![go.arg()]);
    assert_eq!(id, json!("go"));
    let later = "const done = arguments[0]; setTimeout(() => done(document.title), 50)";
    assert_eq!(b.exec_async(later, vec![]), json!("Thử trình duyệt"));
    assert_eq!(b.exec("return navigator.language", vec![]), json!("vi"));
    b.wait_until("the page to be complete", Duration::from_secs(5), |b| {
        b.exec("return document.readyState", vec![]) == json!("complete")
    });
    let log = b.console_log();
    assert!(log.iter().any(|l| l.contains("trang sẵn sàng")), "{log:?}");

    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shots/page.png");
    b.screenshot_png(&shot);
    let viewport = b.exec("return [innerWidth, innerHeight, devicePixelRatio]", vec![]);
    assert_eq!(viewport, json!([1280, 800, 1]));
    assert_eq!(png_size(&std::fs::read(&shot).unwrap()), (1280, 800));

    b.set_window_size(480, 800);
    b.screenshot_png(&shot);
    assert_eq!(png_size(&std::fs::read(&shot).unwrap()), (480, 800));

    let (port, pid) = (b.driver_port(), b.driver_pid());
    let needle = format!("chromedriver --port={port}");
    assert!(
        !live_processes(&needle, pid).is_empty(),
        "no chromedriver found"
    );
    drop(b);
    // SIGKILLed processes can take a moment to die.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !live_processes(&needle, pid).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left = live_processes(&needle, pid);
    assert!(left.is_empty(), "left running: {left:#?}");
}

#[test]
fn starts_at_a_given_viewport_size() {
    let url = serve_page();
    let b = Browser::start_with_size(1080, 1920);
    b.goto(&url);
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("kiosk.png");
    b.screenshot_png(&shot);
    assert_eq!(png_size(&std::fs::read(&shot).unwrap()), (1080, 1920));
}
