//! Ticket numbers as the citizen sees them.

/// Formats a ticket number as prefix plus at least three digits ("A012"); past 999 it just grows ("A1000").
pub fn format_ticket_number(prefix: &str, n: u32) -> String {
    format!("{prefix}{n:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_to_three_digits() {
        assert_eq!(format_ticket_number("A", 1), "A001");
        assert_eq!(format_ticket_number("A", 12), "A012");
        assert_eq!(format_ticket_number("BC", 999), "BC999");
    }

    #[test]
    fn grows_past_999_instead_of_wrapping() {
        assert_eq!(format_ticket_number("A", 1000), "A1000");
        assert_eq!(format_ticket_number("D", 12345), "D12345");
    }
}
