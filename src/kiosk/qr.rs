//! The ticket's QR code: the address it carries, and a picture of it for the screen, for
//! when the paper one is missing.

use qrcode::{Color, EcLevel, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

use crate::config::OfficeConfig;

/// Pixels per module: the UI scales the picture, `pixelated` keeps the edges sharp.
const MODULE_PX: usize = 4;
/// The quiet zone readers need around the code, in modules.
const QUIET: usize = 4;

/// The payload as a black-on-white QR picture (level M, as printed); empty if it cannot be encoded.
pub fn qr_image(payload: &str) -> Image {
    let Ok(code) = QrCode::with_error_correction_level(payload, EcLevel::M) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * MODULE_PX;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let pixels = buffer.make_mut_slice();
    for (i, px) in pixels.iter_mut().enumerate() {
        let (x, y) = (i % side / MODULE_PX, i / side / MODULE_PX);
        let dark = x >= QUIET
            && y >= QUIET
            && x < QUIET + modules
            && y < QUIET + modules
            && colors[(y - QUIET) * modules + (x - QUIET)] == Color::Dark;
        let v = if dark { 0 } else { 255 };
        *px = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

/// The address a ticket's QR code carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAddress {
    /// What the QR code holds.
    pub url: String,
    /// It is the ticket's follow page, so the receipt and the screen say what scanning does.
    pub follow: bool,
}

/// The one place that decides where a ticket's QR code points: its follow page
/// (`{public_url}/t/{token}`) when the office gave its public address and the ticket has a
/// token, else `office.ticket_url` with the ticket's id. The address came over the network,
/// so it is checked again here: one the office would not accept is not printed.
pub fn ticket_address(
    office: &OfficeConfig,
    public_url: &str,
    id: &str,
    follow_token: Option<&str>,
) -> TicketAddress {
    let public_url = crate::follow::public_url(public_url).unwrap_or_default();
    match follow_token {
        Some(token) if !public_url.is_empty() && !token.is_empty() => TicketAddress {
            url: crate::follow::follow_url(&public_url, token),
            follow: true,
        },
        _ => TicketAddress {
            url: office.ticket_url_for(id),
            follow: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "5b2f0c1e-8d7a-4c1b-9f3e-2a6d4e8b1c07";
    const TOKEN: &str = "q3Z0mH7xY1b2Kc9dLf4aQw";

    #[test]
    fn a_ticket_with_a_token_points_at_its_follow_page_once_the_office_has_an_address() {
        let office = OfficeConfig::default();
        let follow = ticket_address(
            &office,
            "https://motcua.xa-tan-tien.gov.vn/",
            ID,
            Some(TOKEN),
        );
        assert_eq!(
            follow,
            TicketAddress {
                url: format!("https://motcua.xa-tan-tien.gov.vn/t/{TOKEN}"),
                follow: true,
            }
        );
        let configured = TicketAddress {
            url: format!("http://motcua.local/ve/{ID}"),
            follow: false,
        };
        // No public address (an office of before follow pages, or none set).
        assert_eq!(ticket_address(&office, "", ID, Some(TOKEN)), configured);
        // A ticket from before follow tokens keeps the configured address.
        assert_eq!(
            ticket_address(&office, "https://motcua.xa-tan-tien.gov.vn", ID, None),
            configured
        );
        // An address the office itself would refuse is not printed.
        for bad in [
            "motcua.xa-tan-tien.gov.vn",
            "javascript:alert(1)",
            "https://a.vn/?x=1",
        ] {
            assert_eq!(
                ticket_address(&office, bad, ID, Some(TOKEN)),
                configured,
                "{bad}"
            );
        }
        let long = format!("https://{}.vn", "a".repeat(100));
        assert_eq!(ticket_address(&office, &long, ID, Some(TOKEN)), configured);
    }

    #[test]
    fn the_picture_reads_back() {
        let payload = "http://motcua.local/ve/5b2f0c1e-8d7a-4c1b-9f3e-2a6d4e8b1c07";
        let image = qr_image(payload);
        let buffer = image.to_rgb8().expect("rgb8");
        let (w, h) = (buffer.width() as usize, buffer.height() as usize);
        let gray: Vec<u8> = buffer.as_slice().iter().map(|p| p.r).collect();
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| gray[y * w + x]);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, payload);
    }
}
