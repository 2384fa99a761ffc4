//! A TCP relay that counts the bytes each way, for the benches that weigh a kiosk's polls
//! (`sync`, `province` include this file by path).
#![allow(dead_code)] // each bench uses its own part of it

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes that crossed a relay, each way.
#[derive(Default)]
pub struct Counted {
    /// Kiosk → office.
    pub up: AtomicU64,
    /// Office → kiosk.
    pub down: AtomicU64,
}

impl Counted {
    /// (up, down) so far.
    pub fn now(&self) -> (u64, u64) {
        (
            self.up.load(Ordering::SeqCst),
            self.down.load(Ordering::SeqCst),
        )
    }
}

/// A TCP relay on 127.0.0.1 in front of `target` that counts the bytes each way.
pub fn relay(target: SocketAddr) -> (SocketAddr, Arc<Counted>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let counted = Arc::new(Counted::default());
    let c = counted.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(client) = conn else { continue };
            let Ok(server) = TcpStream::connect(target) else {
                continue;
            };
            // Forwarded as it comes: Nagle's wait for an ACK would add ~40 ms to a poll
            // whose head and body arrive in two writes, a delay of the relay, not the office.
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let pipe = |mut from: TcpStream, mut to: TcpStream, count: Arc<Counted>, up: bool| {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 65536];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                        let counter = if up { &count.up } else { &count.down };
                        counter.fetch_add(n as u64, Ordering::SeqCst);
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                })
            };
            pipe(
                client.try_clone().unwrap(),
                server.try_clone().unwrap(),
                c.clone(),
                true,
            );
            pipe(server, client, c.clone(), false);
        }
    });
    (addr, counted)
}
