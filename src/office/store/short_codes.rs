//! Short codes people read and type: 8 characters of Crockford's base32 (40 random bits),
//! shown as two groups of four. Tablets' pairing codes and appointments' booking codes.

/// Crockford's base32: no I, L, O or U, so a code read aloud or off a screen is typed right.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code: 40 random bits, shown as two groups of four.
const CODE_LEN: usize = 8;

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

/// The code as typed, in canonical form: case, spaces and dashes ignored, and the letters
/// Crockford reads as digits (O → 0, I and L → 1) taken as those; None unless it is
/// [`CODE_LEN`] characters of the alphabet.
pub fn normalize_code(typed: &str) -> Option<String> {
    if typed.len() > 64 {
        return None;
    }
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}
