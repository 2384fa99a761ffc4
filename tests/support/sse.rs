//! Reading a live stream (Server-Sent Events) over a raw connection in tests.
#![allow(dead_code)] // each test crate uses its own part of it

use std::io::{BufRead, BufReader};
use std::net::TcpStream;

use serde_json::Value;

/// Reads Server-Sent Events from `reader` until one named `snapshot` arrives; its data as
/// JSON. The body is chunked: chunk-size lines are neither events nor data.
pub fn next_snapshot(reader: &mut BufReader<TcpStream>) -> Value {
    let (mut event, mut data) = (String::new(), String::new());
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the stream ended");
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if event == "snapshot" {
                return serde_json::from_str(&data).unwrap();
            }
            (event, data) = (String::new(), String::new());
        } else if let Some(e) = line.strip_prefix("event:") {
            event = e.trim().to_string();
        } else if let Some(d) = line.strip_prefix("data:") {
            data.push_str(d.strip_prefix(' ').unwrap_or(d));
        }
    }
}
