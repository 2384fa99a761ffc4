//! A certificate's identity for pinning: the SHA-256 of its DER bytes, as `openssl x509
//! -fingerprint -sha256` and browsers show it.

use std::fmt;
use std::str::FromStr;

/// The SHA-256 of a DER certificate.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

/// Why a text is not a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FingerprintError {
    /// A character other than a hex digit (or a colon between pairs).
    NotHex(char),
    /// Not 64 hex digits.
    Length(usize),
    /// Colons not between every pair of digits.
    Grouping,
}

impl fmt::Display for FingerprintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FingerprintError::NotHex(c) => write!(
                f,
                "{c:?} is not a hex digit: a SHA-256 fingerprint is 64 hex digits, with or without ':' between pairs"
            ),
            FingerprintError::Length(n) => write!(
                f,
                "{n} hex digits: a SHA-256 fingerprint has 64 (as `motcua office make-cert` prints it)"
            ),
            FingerprintError::Grouping => {
                write!(f, "with colons, a fingerprint is pairs of hex digits: AB:CD:…")
            }
        }
    }
}

impl std::error::Error for FingerprintError {}

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of_der(der: &[u8]) -> Fingerprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        Fingerprint(bytes)
    }

    /// The 32 bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Uppercase pairs with colons (`AB:CD:…`), as people compare them on screen.
    pub fn grouped(&self) -> String {
        let pairs: Vec<String> = self.0.iter().map(|b| format!("{b:02X}")).collect();
        pairs.join(":")
    }

    /// The grouped form in four blocks of eight pairs separated by spaces, so a narrow
    /// screen can wrap it between blocks.
    pub fn in_blocks(&self) -> String {
        let blocks: Vec<String> = self
            .0
            .chunks(8)
            .map(|c| {
                let pairs: Vec<String> = c.iter().map(|b| format!("{b:02X}")).collect();
                pairs.join(":")
            })
            .collect();
        blocks.join(" ")
    }
}

impl FromStr for Fingerprint {
    type Err = FingerprintError;

    /// 64 hex digits in any case, either plain or as colon-separated pairs; surrounding
    /// blanks ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(c) = s.chars().find(|c| !c.is_ascii_hexdigit() && *c != ':') {
            return Err(FingerprintError::NotHex(c));
        }
        let digits: Vec<u8> = s.bytes().filter(|b| *b != b':').collect();
        if digits.len() != 64 {
            return Err(FingerprintError::Length(digits.len()));
        }
        if s.contains(':') && s.split(':').any(|pair| pair.len() != 2) {
            return Err(FingerprintError::Grouping);
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in digits.chunks(2).enumerate() {
            let text = std::str::from_utf8(pair).expect("ASCII hex digits");
            bytes[i] = u8::from_str_radix(text, 16).expect("hex digits");
        }
        Ok(Fingerprint(bytes))
    }
}

impl fmt::Display for Fingerprint {
    /// Lowercase hex without separators, the form configs hold.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "00ff10ab9c000000000000000000000000000000000000000000000000000001";

    #[test]
    fn parses_plain_hex_in_any_case_and_prints_lowercase() {
        let lower: Fingerprint = HEX.parse().unwrap();
        let upper: Fingerprint = HEX.to_uppercase().parse().unwrap();
        assert_eq!(lower, upper);
        assert_eq!(upper.to_string(), HEX);
        assert_eq!(lower.bytes()[1], 0xff);
    }

    #[test]
    fn parses_the_grouped_form_it_prints() {
        let f: Fingerprint = HEX.parse().unwrap();
        let grouped = f.grouped();
        assert!(grouped.starts_with("00:FF:10:AB:9C:00"), "{grouped}");
        assert_eq!(grouped.len(), 32 * 3 - 1);
        assert_eq!(grouped.parse::<Fingerprint>().unwrap(), f);
        let blocks = f.in_blocks();
        assert_eq!(blocks.split(' ').count(), 4);
        assert_eq!(blocks.replace(' ', ":"), grouped);
        assert_eq!(
            format!("  {}\n", grouped.to_lowercase())
                .parse::<Fingerprint>()
                .unwrap(),
            f
        );
    }

    #[test]
    fn refuses_wrong_lengths_characters_and_groupings() {
        assert_eq!(
            HEX[..62].parse::<Fingerprint>(),
            Err(FingerprintError::Length(62))
        );
        assert_eq!(
            format!("{HEX}00").parse::<Fingerprint>(),
            Err(FingerprintError::Length(66))
        );
        assert_eq!("".parse::<Fingerprint>(), Err(FingerprintError::Length(0)));
        let bad = format!("{}g", &HEX[..63]);
        assert_eq!(
            bad.parse::<Fingerprint>(),
            Err(FingerprintError::NotHex('g'))
        );
        assert_eq!(
            "sha256:00".parse::<Fingerprint>(),
            Err(FingerprintError::NotHex('s'))
        );
        let odd = format!("0:{}", &HEX[1..]);
        assert_eq!(odd.parse::<Fingerprint>(), Err(FingerprintError::Grouping));
        assert!(FingerprintError::Length(3).to_string().contains("64"));
    }

    #[test]
    fn fingerprint_of_der_is_its_sha256() {
        // SHA-256 of the empty string, a known value.
        assert_eq!(
            Fingerprint::of_der(b"").to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
