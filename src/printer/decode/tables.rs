//! The code page tables the decoder reads high bytes with, typed out byte by byte.

use super::UNDEFINED;

/// Page 30 "TCVN-3-1" (lowercase), bytes 0x80–0xFF, 16 a row; `_` marks an undefined byte.
#[rustfmt::skip]
pub(super) const TCVN3_LOWER: [&str; 8] = [
    "________________", // 8x
    "________________", // 9x
    "________ăâêôơưđ_", // Ax
    "_____àảãáạ_ằẳẵắ_", // Bx
    "______ặầẩẫấậè_ẻẽ", // Cx
    "éẹềểễếệìỉ___ĩíịò", // Dx
    "_ỏõóọồổỗốộờởỡớợù", // Ex
    "_ủũúụừửữứựỳỷỹýỵ_", // Fx
];

/// Page 31 "TCVN-3-2" (capitals), bytes 0x80–0xFF; A7 is Đ U+0110 (not Ð U+00D0).
#[rustfmt::skip]
pub(super) const TCVN3_UPPER: [&str; 8] = [
    "________________", // 8x
    "________________", // 9x
    "_ĂÂ____Đ__ÊÔƠƯ__", // Ax
    "_____ÀẢÃÁẠ_ẰẲẴẮ_", // Bx
    "______ẶẦẨẪẤẬÈ_ẺẼ", // Cx
    "ÉẸỀỂỄẾỆÌỈ___ĨÍỊÒ", // Dx
    "_ỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙ", // Ex
    "_ỦŨÚỤỪỬỮỨỰỲỶỸÝỴ_", // Fx
];

/// Windows-1258 (CP1258), bytes 0x80–0xFF, typed from the code chart independently of the
/// (byte, code point) list in `cp1258.rs`. `_` is undefined; the tone marks are combining
/// characters (CC grave, D2 hook, DE tilde, EC acute, F2 dot below), so they are escaped.
#[rustfmt::skip]
pub(super) const CP1258: [&str; 8] = [
    "€_‚ƒ„…†‡ˆ‰_‹Œ___", // 8x
    "_‘’“”•–—˜™_›œ__Ÿ", // 9x
    "\u{A0}¡¢£¤¥¦§¨©ª«¬\u{AD}®¯", // Ax
    "°±²³´µ¶·¸¹º»¼½¾¿", // Bx
    "ÀÁÂĂÄÅÆÇÈÉÊË\u{300}ÍÎÏ", // Cx
    "ĐÑ\u{309}ÓÔƠÖ×ØÙÚÛÜƯ\u{303}ß", // Dx
    "àáâăäåæçèéêë\u{301}íîï", // Ex
    "đñ\u{323}óôơö÷øùúûüư₫ÿ", // Fx
];

/// Every character the decoder can produce from a TCVN-3 page: ASCII and the Vietnamese
/// letters (the renderer sizes its glyphs so that all of these fit a cell).
pub(crate) fn tcvn3_repertoire() -> impl Iterator<Item = char> {
    (' '..='~').chain(
        TCVN3_LOWER
            .iter()
            .chain(TCVN3_UPPER.iter())
            .flat_map(|row| row.chars())
            .filter(|&c| c != UNDEFINED),
    )
}
