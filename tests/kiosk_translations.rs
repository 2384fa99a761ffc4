//! Every user-facing string of the UI has a Vietnamese translation, and the translations are NFC.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

const STRINGS: &str = include_str!("../ui/globals/strings.slint");
const PO: &str = include_str!("../ui/lang/vi/LC_MESSAGES/motcua.po");

/// The first string literal after each `@tr(` in the source.
fn tr_msgids(source: &str) -> Vec<String> {
    source
        .split("@tr(\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("closing quote")].to_string())
        .collect()
}

/// msgid → (msgctxt, msgstr) for single-line entries, which is all this catalogue uses.
fn po_entries(po: &str) -> HashMap<String, (String, String)> {
    let unquote = |l: &str, key: &str| l[key.len()..].trim().trim_matches('"').to_string();
    let mut out = HashMap::new();
    let (mut ctx, mut id) = (String::new(), None);
    for line in po.lines() {
        if line.starts_with("msgctxt ") {
            ctx = unquote(line, "msgctxt ");
        } else if line.starts_with("msgid ") {
            id = Some(unquote(line, "msgid "));
        } else if line.starts_with("msgstr ") {
            if let Some(id) = id.take() {
                out.insert(id, (ctx.clone(), unquote(line, "msgstr ")));
            }
            ctx.clear();
        }
    }
    out
}

#[test]
fn every_ui_string_has_a_vietnamese_translation() {
    let entries = po_entries(PO);
    let ids = tr_msgids(STRINGS);
    assert!(ids.len() > 20, "found only {} @tr strings", ids.len());
    for id in ids {
        let (ctx, vi) = entries
            .get(&id)
            .unwrap_or_else(|| panic!("{id:?} has no entry in motcua.po"));
        assert_eq!(ctx, "Strings", "{id:?} must have msgctxt \"Strings\"");
        assert!(!vi.is_empty(), "{id:?} has an empty translation");
        assert_eq!(
            id.matches("{}").count(),
            vi.matches("{}").count(),
            "{id:?}: placeholders differ in {vi:?}"
        );
    }
}

#[test]
fn translations_are_nfc() {
    let nfc: String = PO.nfc().collect();
    assert_eq!(nfc, PO, "motcua.po must be NFC");
    let nfc: String = STRINGS.nfc().collect();
    assert_eq!(nfc, STRINGS, "strings.slint must be NFC");
}

#[test]
fn no_tr_outside_the_strings_global() {
    // msgctxt is the component's name: keeping every @tr in `Strings` keeps the catalogue simple.
    for entry in walk(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/ui"
    ))) {
        if entry.extension().is_some_and(|e| e == "slint")
            && !entry.ends_with("globals/strings.slint")
        {
            let text = std::fs::read_to_string(&entry).unwrap();
            assert!(
                !text.contains("@tr("),
                "{} uses @tr: move the text to Strings",
                entry.display()
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
