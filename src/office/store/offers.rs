//! Which part of the province's catalogue a site offers. The catalogue is one for the
//! province; a commune may leave out fields or procedures it does not handle, and its kiosks
//! then show only the rest. Stored on the site's row (`site.offer`), applied when a kiosk
//! pulls the catalogue.

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::revs::{bump_rev, write_rev, Rev};
use super::sites::SiteId;
use super::OfficeStore;
use crate::office::db::sql_params;

/// The fields and procedures a site offers, by code; None for either: all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// Field codes (e.g. "HT"); a procedure of a field left out is left out too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeSet<String>>,
    /// Procedure codes (e.g. "1.001193").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedures: Option<BTreeSet<String>>,
}

impl Offer {
    /// Offers everything.
    pub fn is_all(&self) -> bool {
        self.fields.is_none() && self.procedures.is_none()
    }
}

/// The catalogue JSON `body` narrowed to `offer`, every other key kept as it is: fields
/// offered, then procedures offered whose field is kept.
pub fn offered_catalogue(body: &str, offer: &Offer) -> Result<String> {
    let mut catalogue: Value = serde_json::from_str(body).context("the stored catalogue")?;
    let code = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let mut kept_fields = BTreeSet::new();
    if let Some(Value::Array(fields)) = catalogue.get_mut("fields") {
        fields.retain(|f| {
            let keep = match (&offer.fields, code(f, "code")) {
                (Some(only), Some(c)) => only.contains(&c),
                (None, _) => true,
                (Some(_), None) => false,
            };
            if keep {
                kept_fields.extend(code(f, "code"));
            }
            keep
        });
    }
    if let Some(Value::Array(procedures)) = catalogue.get_mut("procedures") {
        procedures.retain(|p| {
            let field_kept = code(p, "field").is_some_and(|f| kept_fields.contains(&f));
            let offered = match (&offer.procedures, code(p, "code")) {
                (Some(only), Some(c)) => only.contains(&c),
                (None, _) => true,
                (Some(_), None) => false,
            };
            field_kept && offered
        });
    }
    Ok(catalogue.to_string())
}

/// Codes of `wanted` the catalogue does not have, in order.
fn unknown_codes(catalogue: &Value, list: &str, wanted: &BTreeSet<String>) -> Vec<String> {
    let known: BTreeSet<&str> = catalogue
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("code").and_then(Value::as_str))
        .collect();
    wanted
        .iter()
        .filter(|c| !known.contains(c.as_str()))
        .cloned()
        .collect()
}

impl OfficeStore {
    /// Sets what `site` offers; its kiosks get the narrowed catalogue at their next sync.
    /// A code the catalogue does not have is refused, naming it.
    pub fn set_offer(&mut self, site: SiteId, offer: &Offer) -> Result<()> {
        let stored = self
            .catalogue()?
            .context("set the catalogue first (motcua office set-catalogue FILE)")?;
        let catalogue: Value = serde_json::from_str(&stored)?;
        for (list, wanted) in [("fields", &offer.fields), ("procedures", &offer.procedures)] {
            let unknown = wanted
                .as_ref()
                .map(|w| unknown_codes(&catalogue, list, w))
                .unwrap_or_default();
            if !unknown.is_empty() {
                bail!("the catalogue has no {list} {}", unknown.join(", "));
            }
        }
        let json = (!offer.is_all())
            .then(|| serde_json::to_string(offer))
            .transpose()?;
        self.write(|tx| {
            tx.execute(
                "UPDATE site SET offer = ?1 WHERE id = ?2",
                sql_params![json.as_deref(), site.0],
            )?;
            let rev = bump_rev(tx, site)?;
            write_rev(tx, site, Rev::Catalogue, rev)
        })
    }

    /// What `site` offers.
    pub fn offer(&self, site: SiteId) -> Result<Offer> {
        self.read(|tx| {
            let json = tx
                .query_one("SELECT offer FROM site WHERE id = ?1", sql_params![site.0])?
                .opt_text(0)?;
            Ok(match json {
                Some(j) => serde_json::from_str(&j).context("a site's stored offer")?,
                None => Offer::default(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    both_backends! {
        a_site_offers_part_of_the_catalogue_and_its_kiosks_get_only_that,
    }

    fn codes(v: &Value, list: &str) -> Vec<String> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn narrowing_keeps_offered_fields_and_their_offered_procedures() {
        let body = r#"{"about":"x","fields":[{"code":"HT","icon":"a"},{"code":"DD"}],
            "procedures":[{"code":"1","field":"HT"},{"code":"2","field":"HT"},{"code":"3","field":"DD"}]}"#;
        let only_ht = Offer {
            fields: Some(["HT".to_string()].into()),
            procedures: None,
        };
        let v: Value = serde_json::from_str(&offered_catalogue(body, &only_ht).unwrap()).unwrap();
        assert_eq!(codes(&v, "fields"), ["HT"]);
        assert_eq!(codes(&v, "procedures"), ["1", "2"]);
        assert_eq!(v["about"], "x");
        assert_eq!(v["fields"][0]["icon"], "a", "other keys kept");
        let two = Offer {
            fields: None,
            procedures: Some(["2".to_string(), "3".to_string()].into()),
        };
        let v: Value = serde_json::from_str(&offered_catalogue(body, &two).unwrap()).unwrap();
        assert_eq!(codes(&v, "fields"), ["HT", "DD"]);
        assert_eq!(codes(&v, "procedures"), ["2", "3"]);
        let all: Value =
            serde_json::from_str(&offered_catalogue(body, &Offer::default()).unwrap()).unwrap();
        assert_eq!(codes(&all, "procedures"), ["1", "2", "3"]);
    }

    fn a_site_offers_part_of_the_catalogue_and_its_kiosks_get_only_that(b: Backend) {
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        let today = Utc::now().date_naive();
        let other = s.add_site("10105", "Tân Tiến", Utc::now()).unwrap().id;
        let offer = Offer {
            fields: Some(["HT".to_string()].into()),
            procedures: None,
        };
        assert!(s.set_offer(S1, &offer).is_err(), "no catalogue yet");
        s.set_catalogue(include_str!("../../../assets/catalogue.json"))
            .unwrap();
        let bad = Offer {
            fields: Some(["HT".to_string(), "XX".to_string()].into()),
            procedures: None,
        };
        let err = s.set_offer(S1, &bad).unwrap_err().to_string();
        assert!(err.contains("fields XX"), "{err}");
        let before = s.rev(S1).unwrap();
        s.set_offer(S1, &offer).unwrap();
        assert_eq!(s.rev(S1).unwrap(), before + 1);
        drop(s);
        let mut s = OfficeStore::open(db.target()).unwrap();
        assert_eq!(s.offer(S1).unwrap(), offer, "kept across a reopen");
        assert!(s.offer(other).unwrap().is_all());
        // A kiosk already up to date gets the narrowed catalogue in its next page.
        let c = s.changes(S1, before, None, today, Utc::now()).unwrap();
        let sent: Value = serde_json::from_str(c.catalogue.unwrap().get()).unwrap();
        assert_eq!(codes(&sent, "fields"), ["HT"]);
        assert!(sent["procedures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["field"] == "HT"));
        crate::catalogue::Catalogue::from_json(&sent.to_string())
            .expect("a kiosk loads the narrowed catalogue");
        // The other site still gets all of it.
        let c = s.changes(other, 0, None, today, Utc::now()).unwrap();
        let sent: Value = serde_json::from_str(c.catalogue.unwrap().get()).unwrap();
        assert!(codes(&sent, "fields").len() > 1);
    }
}
