//! `motcua office add-site | list-sites | rename-site | set-offer`, and the `--site CODE` that other
//! office subcommands take: which commune of a province's office they act on (the office's
//! only site when left out).

use std::path::Path;

use anyhow::Context;
use clap::Args;

use motcua::office::store::{Offer, Site, SiteId};
use motcua::office::OfficeStore;

/// `--site CODE`, declared once for `office` and all its subcommands, like `--db`.
#[derive(Args)]
pub(super) struct SiteArg {
    /// The site (commune) by its code, e.g. 10105; may be left out when the office serves
    /// one site. An integration may be given several (it may write only theirs).
    #[arg(long = "site", global = true, value_name = "CODE")]
    pub(super) sites: Vec<String>,
}

impl SiteArg {
    /// The one site meant: the one named, or the office's only site.
    pub(super) fn one(&self, store: &OfficeStore) -> anyhow::Result<Site> {
        match self.sites.as_slice() {
            [] => store.sole_site()?.context(
                "this office serves several sites: say which with --site CODE (motcua office list-sites)",
            ),
            [code] => named(store, code),
            _ => anyhow::bail!("give one --site here"),
        }
    }

    /// Every site named (none: none).
    pub(super) fn all(&self, store: &OfficeStore) -> anyhow::Result<Vec<SiteId>> {
        self.sites
            .iter()
            .map(|code| Ok(named(store, code)?.id))
            .collect()
    }
}

fn named(store: &OfficeStore, code: &str) -> anyhow::Result<Site> {
    store.site_by_code(code.trim())?.with_context(|| {
        format!("there is no site with the code {code:?} (motcua office list-sites)")
    })
}

/// `office add-site`.
pub(super) fn add_site(db: &Path, code: &str, name: &str) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let site = store.add_site(code, name, chrono::Utc::now())?;
    println!("site {} ({}) added", site.code, site.name);
    println!(
        "its pages: /s/{0}/board, /s/{0}/counter, /s/{0}/rate/N; enrol its kiosks with --site {0}",
        site.code
    );
    Ok(())
}

/// `office list-sites`: one site a line, tab-separated under a header.
pub(super) fn list_sites(db: &Path) -> anyhow::Result<()> {
    let store = OfficeStore::open(db)?;
    println!("code\tname\toffers");
    for s in store.sites()? {
        println!(
            "{}\t{}\t{}",
            s.code,
            s.name,
            offer_text(&store.offer(s.id)?)
        );
    }
    Ok(())
}

/// "all", or the fields and procedures offered.
fn offer_text(offer: &Offer) -> String {
    let list = |what: &str, codes: &Option<std::collections::BTreeSet<String>>| {
        codes.as_ref().map(|c| {
            let codes: Vec<&str> = c.iter().map(String::as_str).collect();
            format!("{what} {}", codes.join(","))
        })
    };
    let parts: Vec<String> = [
        list("fields", &offer.fields),
        list("procedures", &offer.procedures),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "all".into()
    } else {
        parts.join("; ")
    }
}

/// `office set-offer`.
pub(super) fn set_offer(
    db: &Path,
    site: &SiteArg,
    fields: Option<Vec<String>>,
    procedures: Option<Vec<String>>,
    all: bool,
) -> anyhow::Result<()> {
    if !all && fields.is_none() && procedures.is_none() {
        anyhow::bail!(
            "say what the site offers: --fields HT,DD and/or --procedures CODE,…, or --all"
        );
    }
    let clean = |codes: Option<Vec<String>>| {
        codes.map(|c| {
            c.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
    };
    let offer = Offer {
        fields: clean(fields),
        procedures: clean(procedures),
    };
    let mut store = OfficeStore::open(db)?;
    let site = site.one(&store)?;
    store.set_offer(site.id, &offer)?;
    println!(
        "site {} offers {}; its kiosks show it at their next sync",
        site.code,
        offer_text(&offer)
    );
    Ok(())
}

/// `office rename-site`.
pub(super) fn rename_site(
    db: &Path,
    code: &str,
    name: Option<&str>,
    new_code: Option<&str>,
) -> anyhow::Result<()> {
    if name.is_none() && new_code.is_none() {
        anyhow::bail!("say what changes: --name NAME and/or --new-code CODE");
    }
    let site = OfficeStore::open(db)?.rename_site(code, name, new_code)?;
    println!("site {} is now {:?}", site.code, site.name);
    if new_code.is_some() {
        println!(
            "its pages moved to /s/{}/…: point its boards and tablets there",
            site.code
        );
    }
    Ok(())
}
