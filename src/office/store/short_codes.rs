//! Short codes people read and type: 8 characters of Crockford's base32 (40 random bits),
//! shown as two groups of four. Tablets' pairing codes and appointments' booking codes.

pub use crate::domain::booking::normalize_code;
use crate::domain::booking::{CODE_ALPHABET as ALPHABET, CODE_LEN};

/// A fresh code from 40 random bits, grouped for reading ("XXXX-XXXX").
pub(in crate::office) fn new_code() -> String {
    // The first five bytes of a v4 uuid are all random (its version bits come later).
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let bits = bytes[..5]
        .iter()
        .fold(0u64, |acc, b| acc << 8 | u64::from(*b));
    let chars: String = (0..CODE_LEN)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}
