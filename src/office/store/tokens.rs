//! The secrets devices and clerk sessions present: random tokens, stored only as hashes.

use blake2::{Blake2b512, Digest};

/// A fresh token: 256 random bits in hex.
pub(in crate::office) fn new_token() -> String {
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes())
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force.
pub(in crate::office) fn token_hash(token: &str) -> String {
    let digest = Blake2b512::digest(token.as_bytes());
    digest[..32].iter().map(|b| format!("{b:02x}")).collect()
}
