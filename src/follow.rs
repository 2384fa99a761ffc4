//! Following a ticket from the citizen's phone: the ticket's unguessable token, made on the
//! kiosk (so a ticket issued offline has one too) and sent to the office with the ticket,
//! and the address its QR code carries (`{public_url}/t/{token}`, docs/follow.md).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};

/// Random bytes in a token: 128 bits, never derived from the ticket's number or id.
const TOKEN_BYTES: usize = 16;
/// A token's length in characters (base64url without padding).
pub const TOKEN_LEN: usize = 22;
/// The path before the token in a follow address.
pub const FOLLOW_PATH: &str = "/t/";
/// The longest public address accepted: it is printed and drawn in the ticket's QR code.
pub const MAX_PUBLIC_URL: usize = 80;

/// A new token from the operating system's random source.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| anyhow::anyhow!("the system's random source failed"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `s` has a token's shape: checked before any lookup, so nothing else reaches the
/// database.
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        // The last character carries 4 bits of padding: only 16 values are canonical.
        && URL_SAFE_NO_PAD.decode(s).is_ok_and(|b| b.len() == TOKEN_BYTES)
}

/// The address a ticket's QR code points at.
pub fn follow_url(public_url: &str, token: &str) -> String {
    format!("{}{FOLLOW_PATH}{token}", public_url.trim_end_matches('/'))
}

/// `s` checked as the office's public address: `http://` or `https://`, a host, an optional
/// port and path, nothing else (no query, fragment, user or spaces), at most
/// [`MAX_PUBLIC_URL`] characters; returned without a trailing slash. An empty text is
/// accepted (no public address).
pub fn public_url(s: &str) -> Result<String, String> {
    let s = s.trim().trim_end_matches('/');
    if s.is_empty() {
        return Ok(String::new());
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| format!("{s:?} must start with https:// (or http://)"))?;
    if s.len() > MAX_PUBLIC_URL {
        return Err(format!(
            "{s:?} is longer than {MAX_PUBLIC_URL} characters: it is printed on every ticket"
        ));
    }
    let host = rest.split('/').next().unwrap_or("");
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "-._~/:[]".contains(c);
    if host.is_empty() || !rest.chars().all(ok_char) || rest.contains("//") {
        return Err(format!(
            "{s:?} is not an address: a host name, an optional :port and /path, without ?, # or @"
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_22_characters_of_fresh_randomness() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), TOKEN_LEN);
        assert_ne!(a, b);
        assert!(is_token(&a) && is_token(&b));
        let many: std::collections::HashSet<_> = (0..1000).map(|_| new_token().unwrap()).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn only_canonical_tokens_pass() {
        assert!(is_token("AAAAAAAAAAAAAAAAAAAAAA"));
        assert!(is_token("_-_-_-_-_-_-_-_-_-_-_w"));
        // Wrong length, wrong alphabet, non-canonical last character.
        assert!(!is_token("AAAAAAAAAAAAAAAAAAAAA"));
        assert!(!is_token("AAAAAAAAAAAAAAAAAAAAAAA"));
        assert!(!is_token("AAAAAAAAAAAAAAAAAAAA+/"));
        assert!(!is_token("AAAAAAAAAAAAAAAAAAAA%2"));
        assert!(!is_token("AAAAAAAAAAAAAAAAAAAAAB"));
        assert!(!is_token("ÀAAAAAAAAAAAAAAAAAAAA"));
    }

    #[test]
    fn the_address_joins_without_a_double_slash() {
        assert_eq!(
            follow_url("https://motcua.example.vn/", "abc"),
            "https://motcua.example.vn/t/abc"
        );
        assert_eq!(
            follow_url("http://10.0.0.2:8080", "abc"),
            "http://10.0.0.2:8080/t/abc"
        );
    }

    #[test]
    fn public_addresses_are_checked() {
        assert_eq!(public_url(" https://a.vn/ ").unwrap(), "https://a.vn");
        assert_eq!(public_url("").unwrap(), "");
        assert_eq!(
            public_url("http://10.0.0.2:8080/motcua").unwrap(),
            "http://10.0.0.2:8080/motcua"
        );
        assert!(public_url("a.vn").unwrap_err().contains("https://"));
        assert!(public_url("ftp://a.vn").is_err());
        assert!(public_url("https://").is_err());
        assert!(public_url("https://a.vn/?x=1").is_err());
        assert!(public_url("https://u@a.vn").is_err());
        assert!(public_url("https://a.vn/x y").is_err());
        assert!(public_url("https://a.vn//x").is_err());
        assert!(public_url(&format!("https://{}.vn", "a".repeat(80)))
            .unwrap_err()
            .contains("80"));
    }
}
