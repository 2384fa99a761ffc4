//! The office run as a process, as an installer starts it: what it prints once it listens.
#![allow(dead_code)] // each test crate uses its own part of it

use std::io::{BufRead, BufReader};
use std::process::Child;

/// The first line the child prints on its (piped) standard output: the office prints its
/// address there once it listens.
pub fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .unwrap();
    line
}

/// The office's base URL (`http://host:port`) in that line.
pub fn address(line: &str) -> String {
    line.split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the address")
        .trim_end_matches('/')
        .to_string()
}
