//! `motcua office`: serve the office's HTTP API, or (with a subcommand) enrol and revoke
//! devices and load data into the office database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, Subcommand};

use motcua::config::Config;
use motcua::office::{OfficeStore, Role};

/// The office database, declared once for `office` and all its subcommands: global, so
/// `office --db F add-clerk …` and `office add-clerk --db F …` both work (the docs use
/// both); given twice, the value after the subcommand wins.
#[derive(Args)]
pub(super) struct DbArg {
    /// The office database: a SQLite file (created if missing) or a postgres:// URL.
    #[arg(long, global = true, value_name = "FILE|URL")]
    db: Option<PathBuf>,
}

impl DbArg {
    /// The database given, or what to type instead.
    fn require(self) -> anyhow::Result<PathBuf> {
        self.db
            .context("say which database: motcua office --db office.sqlite3 (or --db postgres://…)")
    }
}

/// `office`: serving without a subcommand, the subcommand otherwise.
#[derive(Args)]
pub(super) struct OfficeArgs {
    #[command(subcommand)]
    command: Option<OfficeCommand>,
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    site: super::office_sites::SiteArg,
    /// Address and port to serve the API on.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: String,
    #[command(flatten)]
    tls: super::office_tls::ServeTls,
}

/// The usage rules clap cannot check once `--db` is global: a subcommand needs `--db`
/// (before or after it), and `--listen` is for serving only. Errors are clap's usage errors
/// (status 2), as when `--db` was required by each subcommand.
pub(super) fn check_usage(matches: &ArgMatches) -> Result<(), clap::Error> {
    let Some(office) = matches.subcommand_matches("office") else {
        return Ok(());
    };
    let Some((name, _)) = office.subcommand() else {
        return Ok(());
    };
    let mut root = super::Cli::command();
    root.build();
    let mut cmd = root
        .find_subcommand("office")
        .expect("the office command")
        .clone();
    for (id, flag) in [
        ("listen", "--listen <LISTEN>"),
        ("tls_cert", "--tls-cert <FILE>"),
        ("tls_key", "--tls-key <FILE>"),
        ("insecure_http", "--insecure-http"),
    ] {
        if office.value_source(id) == Some(ValueSource::CommandLine) {
            return Err(cmd.error(
                ErrorKind::ArgumentConflict,
                format!("the subcommand '{name}' cannot be used with '{flag}'"),
            ));
        }
    }
    let mut leaf = office;
    while let Some((name, sub)) = leaf.subcommand() {
        cmd = cmd
            .find_subcommand(name)
            .expect("a parsed subcommand")
            .clone();
        leaf = sub;
    }
    // make-cert writes files only; every other subcommand works on the database.
    if name != "make-cert" && leaf.get_one::<PathBuf>("db").is_none() {
        return Err(cmd.error(
            ErrorKind::MissingRequiredArgument,
            "the following required arguments were not provided:\n  --db <FILE|URL>",
        ));
    }
    Ok(())
}

#[derive(Subcommand)]
pub(super) enum OfficeCommand {
    /// Enrol a kiosk (or, with --integration, a system that sends dossiers; with --metrics,
    /// a Prometheus server that reads /metrics): prints its token once (the database keeps
    /// only a hash of it). With --tablet --counter N, a rating
    /// tablet for counter N: prints a one-time pairing code to type on the tablet's page.
    EnrollDevice {
        /// A name staff recognise, e.g. "Kiosk sảnh".
        #[arg(long)]
        name: String,
        /// The token may only write dossiers (PUT/POST /api/v1/dossiers), not act as a kiosk.
        #[arg(long, conflicts_with = "tablet")]
        integration: bool,
        /// The token may only read /metrics (for Prometheus), not act as a kiosk.
        #[arg(long, conflicts_with_all = ["tablet", "integration"])]
        metrics: bool,
        /// A rating tablet (the page /rate/N), paired with a code instead of a token.
        #[arg(long, requires = "counter")]
        tablet: bool,
        /// The counter the tablet stands beside (with --tablet).
        #[arg(long, requires = "tablet", value_parser = clap::value_parser!(u32).range(1..=i64::from(motcua::office::counters::MAX_COUNTER)))]
        counter: Option<u32>,
        /// The office's certificate, whose fingerprint the kiosk pins (default:
        /// office-cert.pem beside a SQLite database, when it exists).
        #[arg(long, value_name = "FILE")]
        tls_cert: Option<PathBuf>,
    },
    /// Add a site: a commune this office serves (a province's office serves many); its
    /// kiosks, tablets and clerks are enrolled with --site CODE.
    AddSite {
        /// The commune's code, e.g. 10105 (letters, digits, dashes; in page addresses).
        #[arg(long)]
        code: String,
        /// Its name, e.g. "UBND xã Tân Tiến".
        #[arg(long)]
        name: String,
    },
    /// List the sites: code and name.
    ListSites,
    /// Rename a site, or give it a new code (its pages move to /s/NEW/…).
    RenameSite {
        /// The site's code now.
        #[arg(long)]
        code: String,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        /// The new code.
        #[arg(long)]
        new_code: Option<String>,
    },
    /// Choose which fields and procedures of the catalogue a site offers at its kiosks
    /// (the catalogue is the province's; a commune may leave out what it does not handle).
    SetOffer {
        /// Field codes offered, comma-separated (e.g. HT,DD); left out: every field.
        #[arg(long, value_delimiter = ',')]
        fields: Option<Vec<String>>,
        /// Procedure codes offered, comma-separated; left out: every procedure of the
        /// fields offered.
        #[arg(long, value_delimiter = ',')]
        procedures: Option<Vec<String>>,
        /// Offer the whole catalogue again.
        #[arg(long, conflicts_with_all = ["fields", "procedures"])]
        all: bool,
    },
    /// Make a new pairing code for an enrolled rating tablet (a code expired, or the tablet
    /// was replaced); the browser paired with the old code stops rating at once.
    PairTablet {
        /// The name the tablet was enrolled with.
        #[arg(long)]
        name: String,
    },
    /// Check the office's setup without changing it: database reachable, schema current,
    /// certificate and key, clock, listening address. One line per check; exits 1 if any
    /// failed.
    Doctor(super::office_doctor::DoctorArgs),
    /// Make a self-signed certificate and key for serving HTTPS on a LAN without a CA, and
    /// print its SHA-256 fingerprint (what kiosks pin). Needs no --db.
    MakeCert(super::office_tls::MakeCertArgs),
    /// Revoke a kiosk's token (by the name or id it was enrolled with).
    RevokeDevice {
        /// The device's name or id.
        #[arg(long)]
        name: String,
    },
    /// Load data into the office database; kiosks pull it at their next poll.
    Import {
        #[command(subcommand)]
        what: OfficeImportCommand,
    },
    /// Set the notice every kiosk shows on its home screen (an empty text clears it).
    SetNotice {
        /// The notice in Vietnamese.
        #[arg(long)]
        vi: String,
        /// The notice in English (empty: kiosks show the Vietnamese one).
        #[arg(long, default_value = "")]
        en: String,
    },
    /// Set the office's public address, where citizens follow their tickets from the QR code
    /// (https://HOST[:PORT][/PATH]; the pages are at /t/…): every site's, or those named with
    /// --site. An empty address stops kiosks printing it.
    SetPublicUrl {
        /// The address phones reach the office at, e.g. https://motcua.tantien.gov.vn.
        url: String,
    },
    /// Set the site's booking rules from a JSON file (docs/booking.md): bookable queues with
    /// their days, times and places, how far ahead, the phone limits, the check-in window.
    /// A file with `"queues": []` turns booking off.
    SetBooking {
        /// The rules, e.g. {"queues":[{"queue":"A","days":["mon","tue"],"times":["08:00","08:30"],"per_slot":2}]}.
        file: PathBuf,
    },
    /// Set the site's alert thresholds from a JSON file (docs/alerts.md): its default and
    /// each queue's own (longest wait, tickets waiting, a counter paused or idle, minutes).
    SetAlertRules {
        /// The rules, e.g. {"default":{"wait_minutes":30,"waiting":15},"queues":{"A":{"wait_minutes":20}}}.
        file: PathBuf,
    },
    /// Set the site's holidays and make-up working days from a JSON file (docs/radar.md),
    /// which the deadline radar counts working time by.
    SetDaysOff {
        /// The days, e.g. {"holidays":["2027-02-05","2027-02-08"],"make_up":["2027-02-13"]}.
        file: PathBuf,
    },
    /// Create a clerk account for the counter console (the password is read from stdin,
    /// typed twice at a terminal); --replace gives an existing one a new password.
    AddClerk {
        /// Login name: a-z, 0-9, '.', '_', '-'.
        #[arg(long)]
        username: String,
        /// Full name, shown on the console and in the reports.
        #[arg(long)]
        name: String,
        /// A site lead: calls tickets and sees the site's reports.
        #[arg(long, conflicts_with = "province_lead")]
        lead: bool,
        /// A province lead: sees every site's reports and the roll-up, calls no one, and
        /// belongs to no site.
        #[arg(long)]
        province_lead: bool,
        /// Replace the account if it exists (new password, name and role).
        #[arg(long)]
        replace: bool,
    },
    /// Disable a clerk account: it cannot log in, and its sessions end at once (its counter
    /// closes); its calls and ratings stay in the reports.
    DisableClerk {
        /// The clerk's username.
        username: String,
    },
    /// Let a disabled clerk account log in again.
    EnableClerk {
        /// The clerk's username.
        username: String,
    },
    /// List the clerk accounts: username, role, state, last login, live sessions.
    ListClerks,
    /// Set the queues clerks pick from: the [[queues]] of a kiosk config (kiosk.toml).
    SetQueues {
        /// The kiosk's config file.
        file: PathBuf,
    },
    /// Set the calling order: how many priority tickets may go in a row while ordinary ones
    /// wait, and the wait after which an ordinary ticket goes next.
    SetCalling {
        /// Priority calls in a row while ordinary tickets wait (0: priority never jumps).
        #[arg(long, default_value_t = 3)]
        max_priority_in_row: u32,
        /// Minutes an ordinary ticket may wait before it goes next.
        #[arg(long, default_value_t = 45, value_parser = clap::value_parser!(u32).range(1..=600))]
        max_wait_minutes: u32,
    },
    /// List the kiosk events refused at the door (a ticket naming a queue, field or
    /// priority the office does not know), newest first, with the reason.
    RejectedEvents {
        /// How many to list.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        limit: u32,
    },
    /// Send kiosks a catalogue of fields and procedures (the assets/catalogue.json format);
    /// a file a kiosk could not load is refused.
    SetCatalogue {
        /// The .json file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub(super) enum OfficeImportCommand {
    /// Dossiers from CSV or JSON, the format of `motcua import dossiers`. Bad rows are
    /// reported with their line and skipped; importing the same file again changes nothing.
    Dossiers {
        /// The .csv or .json file.
        file: PathBuf,
    },
}

/// Serves the API, or runs the office subcommand.
pub(super) fn run(args: OfficeArgs) -> anyhow::Result<()> {
    let Some(command) = args.command else {
        return serve(&args.db.require()?, &args.listen, &args.tls);
    };
    if let OfficeCommand::MakeCert(make) = command {
        return super::office_tls::make_cert(make);
    }
    let db = args.db.require()?;
    let site = args.site;
    match command {
        OfficeCommand::MakeCert(_) => unreachable!("handled above"),
        OfficeCommand::EnrollDevice {
            name,
            counter: Some(counter),
            tablet: true,
            ..
        } => enroll_tablet(&db, &site, &name, counter),
        OfficeCommand::EnrollDevice {
            name,
            integration,
            metrics,
            tls_cert,
            ..
        } => {
            let role = match (integration, metrics) {
                (true, _) => Role::Integration,
                (_, true) => Role::Metrics,
                _ => Role::Kiosk,
            };
            enroll_device(&db, &site, &name, role, tls_cert.as_deref())
        }
        OfficeCommand::Doctor(args) => super::office_doctor::run(&db, args),
        OfficeCommand::AddSite { code, name } => super::office_sites::add_site(&db, &code, &name),
        OfficeCommand::ListSites => super::office_sites::list_sites(&db),
        OfficeCommand::RenameSite {
            code,
            name,
            new_code,
        } => super::office_sites::rename_site(&db, &code, name.as_deref(), new_code.as_deref()),
        OfficeCommand::SetOffer {
            fields,
            procedures,
            all,
        } => super::office_sites::set_offer(&db, &site, fields, procedures, all),
        OfficeCommand::PairTablet { name } => pair_tablet(&db, &site, &name),
        OfficeCommand::RevokeDevice { name } => revoke_device(&db, &site, &name),
        OfficeCommand::Import {
            what: OfficeImportCommand::Dossiers { file },
        } => super::import::dossier_file(&file, |records| {
            let mut store = OfficeStore::open(&db)?;
            let site = site.one(&store)?.id;
            let codes: Vec<&str> = records.iter().map(|r| r.code.as_str()).collect();
            let foreign = store.foreign_dossiers(site, &codes)?;
            if let Some(code) = foreign.first() {
                anyhow::bail!(
                    "dossier {code} (and {} more) belongs to another site; nothing was imported",
                    foreign.len() - 1
                );
            }
            store.upsert_dossiers(site, records, chrono::Utc::now())
        }),
        OfficeCommand::SetNotice { vi, en } => set_notice(&db, &site, vi, en),
        OfficeCommand::SetPublicUrl { url } => set_public_url(&db, &site, &url),
        OfficeCommand::SetBooking { file } => super::office_rules::set_booking(&db, &site, &file),
        OfficeCommand::SetDaysOff { file } => super::office_rules::set_days_off(&db, &site, &file),
        OfficeCommand::SetAlertRules { file } => {
            super::office_rules::set_alert_rules(&db, &site, &file)
        }
        OfficeCommand::AddClerk {
            username,
            name,
            lead,
            province_lead,
            replace,
        } => {
            let role = match (lead, province_lead) {
                (_, true) => motcua::office::counters::ClerkRole::ProvinceLead,
                (true, _) => motcua::office::counters::ClerkRole::SiteLead,
                _ => motcua::office::counters::ClerkRole::Clerk,
            };
            add_clerk(&db, &site, &username, &name, role, replace)
        }
        OfficeCommand::DisableClerk { username } => set_clerk_disabled(&db, &username, true),
        OfficeCommand::EnableClerk { username } => set_clerk_disabled(&db, &username, false),
        OfficeCommand::ListClerks => list_clerks(&db),
        OfficeCommand::SetQueues { file } => set_queues(&file, &db, &site),
        OfficeCommand::SetCalling {
            max_priority_in_row,
            max_wait_minutes,
        } => set_calling(&db, &site, max_priority_in_row, max_wait_minutes),
        OfficeCommand::SetCatalogue { file } => set_catalogue(&file, &db),
        OfficeCommand::RejectedEvents { limit } => rejected_events(&db, limit),
    }
}

/// `office` without a subcommand: the HTTP API until the process is stopped.
fn serve(db: &Path, listen: &str, tls: &super::office_tls::ServeTls) -> anyhow::Result<()> {
    let fingerprint = tls.fingerprint()?;
    let handle = motcua::office::http::spawn_with_options(
        db,
        listen,
        motcua::office::http::DEFAULT_TIME_ZONE,
        tls.options(),
    )?;
    let (addr, url) = (handle.addr(), handle.url());
    handle.detach();
    let tls = fingerprint.is_some();
    log::info!(event = "office_started", address:% = addr, tls = tls; "office API listening on {addr}");
    let mut text = format!(
        "office API on {url} (endpoints under /api/v1/, database {})\n",
        motcua::office::DbTarget::parse(db)
    );
    if let Some(fp) = fingerprint {
        text.push_str(&format!("certificate SHA-256 {}\n", fp.grouped()));
    }
    // One write, its failure ignored: whoever started the office may read only the first
    // line and close the pipe, which must not stop the server.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
    loop {
        // The API runs on its own threads; this one only keeps the process alive.
        std::thread::park();
    }
}

/// `office enroll-device`: prints the new device's token once, and the office
/// certificate's fingerprint for the kiosk to pin when the certificate is found.
fn enroll_device(
    db: &Path,
    site: &super::office_sites::SiteArg,
    name: &str,
    role: Role,
    tls_cert: Option<&Path>,
) -> anyhow::Result<()> {
    let fingerprint = super::office_tls::enrolment_fingerprint(db, tls_cert)?;
    let mut store = OfficeStore::open(db)?;
    let sites = match role {
        Role::Integration => site.all(&store)?,
        // Metrics are the whole office's: every site's queues, every kiosk's lag.
        Role::Metrics => Vec::new(),
        _ => vec![site.one(&store)?.id],
    };
    let (device, token) = store.enroll_device(name, role, &sites, chrono::Utc::now())?;
    println!("device {} ({})", device.name, device.id);
    println!("role {}", role.code());
    for id in &device.sites {
        println!("site {}", store.site(*id)?.code);
    }
    println!("token {token}");
    if let Some(fp) = fingerprint {
        println!("office_cert_sha256 = \"{fp}\"");
    }
    eprintln!(
        "Keep the token: it is shown only now. Put it in the {}.",
        match role {
            Role::Kiosk => "kiosk's config",
            Role::Integration => "integration's settings",
            Role::Tablet => "tablet",
            Role::Metrics => "scraper's authorization (docs/operations.md)",
        }
    );
    Ok(())
}

/// `office enroll-device --tablet`: prints the tablet's first pairing code.
fn enroll_tablet(
    db: &Path,
    site: &super::office_sites::SiteArg,
    name: &str,
    counter: u32,
) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let site = site.one(&store)?.id;
    let (tablet, code) = store.enroll_tablet(site, name, counter, chrono::Utc::now())?;
    println!("device {} ({})", tablet.name, tablet.id);
    println!("role {}", Role::Tablet.code());
    print_pairing(&tablet, &code);
    Ok(())
}

/// `office pair-tablet`: a new code; the old pairing ends.
fn pair_tablet(db: &Path, site: &super::office_sites::SiteArg, name: &str) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let site = site.one(&store)?.id;
    let (tablet, code) = store.new_pairing_code(site, name, chrono::Utc::now())?;
    println!("device {} ({})", tablet.name, tablet.id);
    print_pairing(&tablet, &code);
    eprintln!("The browser paired before (if any) no longer rates; pair it with this code.");
    Ok(())
}

/// The code, and where to type it.
pub(super) fn print_pairing(
    tablet: &motcua::office::store::Tablet,
    code: &motcua::office::store::PairingCode,
) {
    let expires = code.expires_at.format("%Y-%m-%d %H:%M UTC");
    println!(
        "pairing code {} (counter {}, until {expires})",
        code.code, tablet.counter
    );
    println!(
        "page /rate/{} on the office, e.g. http://OFFICE:8080/rate/{}",
        tablet.counter, tablet.counter
    );
    eprintln!(
        "Open the page on the tablet and type the code once; it works once, within 24 hours."
    );
}

/// `office revoke-device`: by name or id.
fn revoke_device(db: &Path, site: &super::office_sites::SiteArg, name: &str) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let site = match site.sites.is_empty() {
        true => None,
        false => Some(site.one(&store)?.id),
    };
    match store.revoke_device(name, site, chrono::Utc::now())? {
        0 => anyhow::bail!(
            "no active device named {name:?} in {}",
            motcua::office::DbTarget::parse(db)
        ),
        n => println!("revoked {n} device(s) named {name:?}"),
    }
    Ok(())
}

/// `office set-public-url`: the address on every ticket's QR code.
fn set_public_url(db: &Path, site: &super::office_sites::SiteArg, url: &str) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let mut sites = site.all(&store)?;
    if sites.is_empty() {
        sites = store.sites()?.into_iter().map(|s| s.id).collect();
    }
    let mut changed = 0;
    for id in &sites {
        changed += usize::from(store.set_public_url(*id, url)?);
    }
    let url = motcua::follow::public_url(url).map_err(anyhow::Error::msg)?;
    match (changed, url.is_empty()) {
        (0, _) => println!("public address unchanged"),
        (n, true) => println!("public address cleared at {n} site(s); kiosks stop printing it from their next poll"),
        (n, false) => println!(
            "public address set at {n} site(s); tickets issued from the kiosks' next poll lead to {url}/t/…"
        ),
    }
    Ok(())
}

/// `office set-notice`: the home-screen notice of every kiosk.
fn set_notice(
    db: &Path,
    site: &super::office_sites::SiteArg,
    vi: String,
    en: String,
) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let site = site.one(&store)?.id;
    let settings = motcua::protocol::Settings {
        notice_vi: vi,
        notice_en: en,
        ..Default::default()
    };
    if !store.set_settings(site, &settings)? {
        println!("notice unchanged");
    } else if store.settings(site)?.notice_vi.is_empty() {
        println!("notice cleared; kiosks drop it at their next poll");
    } else {
        println!("notice set; kiosks show it from their next poll");
    }
    Ok(())
}

/// `office add-clerk`: the password comes from stdin.
fn add_clerk(
    db: &Path,
    site: &super::office_sites::SiteArg,
    username: &str,
    name: &str,
    role: motcua::office::counters::ClerkRole,
    replace: bool,
) -> anyhow::Result<()> {
    use motcua::office::counters::ClerkRole;
    let password = read_password()?;
    let mut store = OfficeStore::open(db)?;
    let site = match role {
        ClerkRole::ProvinceLead if site.sites.is_empty() => None,
        ClerkRole::ProvinceLead => {
            anyhow::bail!("a province lead belongs to no site: leave out --site")
        }
        _ => Some(site.one(&store)?.id),
    };
    let clerk = store.add_clerk(
        site,
        username,
        name,
        &password,
        role,
        replace,
        chrono::Utc::now(),
    )?;
    println!(
        "clerk {} ({}){}",
        clerk.username,
        clerk.name,
        match role {
            ClerkRole::Clerk => ": log in at /counter on the office server",
            ClerkRole::SiteLead => ", lead: logs in at /counter, sees /reports",
            ClerkRole::ProvinceLead => ", province lead: sees every site's reports, calls no one",
        }
    );
    Ok(())
}

/// `office disable-clerk` / `enable-clerk`.
fn set_clerk_disabled(db: &Path, username: &str, disabled: bool) -> anyhow::Result<()> {
    let store = OfficeStore::open(db)?;
    let ended = store.set_clerk_disabled(username, disabled, chrono::Utc::now())?;
    if disabled {
        println!("clerk {username} disabled: cannot log in; {ended} session(s) ended");
    } else {
        println!("clerk {username} enabled: may log in again");
    }
    Ok(())
}

/// `office list-clerks`: one account a line, tab-separated under a header.
fn list_clerks(db: &Path) -> anyhow::Result<()> {
    let accounts = OfficeStore::open(db)?.clerk_accounts(chrono::Utc::now())?;
    if accounts.is_empty() {
        println!("no clerk accounts (add one with: motcua office add-clerk)");
        return Ok(());
    }
    println!("username\tname\trole\tstate\tlast login\tsessions");
    for a in accounts {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            a.username,
            a.name,
            match (a.role, a.site.as_deref()) {
                (motcua::office::counters::ClerkRole::ProvinceLead, _) =>
                    "province lead".to_string(),
                (role, site) => format!(
                    "{} of {}",
                    if role == motcua::office::counters::ClerkRole::SiteLead {
                        "lead"
                    } else {
                        "clerk"
                    },
                    site.unwrap_or("-")
                ),
            },
            a.disabled_at
                .map_or("enabled".to_string(), |at| format!("disabled since {at}")),
            a.last_login_at.as_deref().unwrap_or("never"),
            a.sessions
        );
    }
    Ok(())
}

/// `office set-queues`: the [[queues]] of a kiosk config.
fn set_queues(file: &Path, db: &Path, site: &super::office_sites::SiteArg) -> anyhow::Result<()> {
    let config = Config::load(file)?;
    let queues = office_queues(&config);
    let mut store = OfficeStore::open(db)?;
    let site = site.one(&store)?.id;
    store.set_queues(site, &queues)?;
    let list: Vec<&str> = queues.iter().map(|q| q.prefix.as_str()).collect();
    println!(
        "queues {} set; clerks pick from them at login",
        list.join(", ")
    );
    Ok(())
}

/// `office set-calling`: the calling order's two limits.
fn set_calling(
    db: &Path,
    site: &super::office_sites::SiteArg,
    max_priority_in_row: u32,
    max_wait_minutes: u32,
) -> anyhow::Result<()> {
    let mut store = OfficeStore::open(db)?;
    let site = site.one(&store)?.id;
    store.set_call_policy(
        site,
        motcua::domain::calling::CallPolicy {
            max_priority_in_row,
            max_wait: chrono::TimeDelta::minutes(max_wait_minutes.into()),
        },
    )?;
    println!(
        "calling: at most {max_priority_in_row} priority tickets in a row while others wait; an ordinary ticket waiting {max_wait_minutes} min goes next"
    );
    Ok(())
}

/// `office rejected-events`: one line each, newest first; payloads are not printed (they may
/// be long or hostile), the reason says what was wrong.
fn rejected_events(db: &Path, limit: u32) -> anyhow::Result<()> {
    let store = OfficeStore::open(db)?;
    let events = store.rejected_events(limit)?;
    let total = store.rejected_event_count()?;
    for e in &events {
        println!(
            "{}  {}  from {:?}  {}: {}",
            e.received_at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.id.escape_debug(),
            e.device,
            e.kind.escape_debug(),
            e.reason
        );
    }
    println!("{} of {total} rejected event(s) shown", events.len());
    Ok(())
}

/// `office set-catalogue`: refused unless a kiosk could load it.
fn set_catalogue(file: &Path, db: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} (UTF-8 JSON expected)", file.display()))?;
    let catalogue = motcua::catalogue::Catalogue::from_json(&text).with_context(|| {
        format!(
            "{} refused (the office keeps its current catalogue)",
            file.display()
        )
    })?;
    let mut store = OfficeStore::open(db)?;
    let changed = store.set_catalogue(&text)?;
    println!(
        "{}: {} fields, {} procedures; {}",
        file.display(),
        catalogue.fields.len(),
        catalogue.procedures.len(),
        if changed {
            "kiosks take it at their next poll"
        } else {
            "unchanged"
        }
    );
    Ok(())
}

/// A kiosk config's queues as the office keeps them.
pub(super) fn office_queues(config: &Config) -> Vec<motcua::office::counters::QueueDef> {
    config
        .queues
        .iter()
        .map(|q| motcua::office::counters::QueueDef {
            prefix: q.prefix.clone(),
            fields: q.fields.clone(),
        })
        .collect()
}

/// A new password from stdin; at a terminal it is asked twice and must match.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    let mut ask = |prompt: &str| -> anyhow::Result<String> {
        if terminal {
            eprint!("{prompt}");
        }
        let line = lines
            .next()
            .context("no password on stdin")?
            .context("cannot read the password from stdin")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    };
    let password = ask("Password (shown as you type): ")?;
    if terminal && ask("Again: ")? != password {
        anyhow::bail!("the two passwords differ; nothing changed");
    }
    Ok(password)
}
