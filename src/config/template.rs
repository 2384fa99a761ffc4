//! The commented template `motcua default-config` prints and the demo writes on its first
//! start: every key with its default and what it means.

use crate::catalogue::Catalogue;

use super::{Config, DEMO_PIN_HASH};

impl Config {
    /// A commented template that parses back to [`Config::default`]; `demo` turns on `always_open`.
    pub fn default_toml(demo: bool) -> String {
        let def = Config::default();
        let cat = Catalogue::default_embedded();
        let mut s = String::new();
        s.push_str(
            "# motcua configuration.\n\
             # Every key is optional: a key left out takes the value shown here.\n\
             # A mistake is reported with this file's name, the line and the column.\n\
             \n\
             [office]\n\
             # Name printed on each ticket and shown on the kiosk.\n",
        );
        s.push_str(&format!("name = {}\n", toml_str(&def.office.name)));
        s.push_str(
            "# IANA time zone of the office: the business date (numbering restarts each day)\n\
             # changes at local midnight, and opening hours are local.\n",
        );
        s.push_str(&format!(
            "time_zone = {}\n",
            toml_str(def.office.time_zone.name())
        ));
        s.push_str(
            "# Address in the ticket's QR code while the office has given no address for its\n\
             # follow pages; {id} is replaced by the ticket id.\n",
        );
        s.push_str(&format!(
            "ticket_url = {}\n",
            toml_str(&def.office.ticket_url)
        ));
        s.push_str(
            "\n[hours]\n\
             # Service days: \"mon\" \"tue\" \"wed\" \"thu\" \"fri\" \"sat\" \"sun\".\n\
             days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n\
             # Reception sessions of each service day, local time \"HH:MM\", not overlapping.\n\
             sessions = [\n",
        );
        for sess in &def.hours.sessions {
            s.push_str(&format!(
                "    {{ start = \"{}\", end = \"{}\" }},\n",
                sess.start.format("%H:%M"),
                sess.end.format("%H:%M")
            ));
        }
        s.push_str("]\n");
        s.push_str(
            "# No ticket is issued in the last N minutes of a session: a citizen arriving\n\
             # then could not be served before the counters close.\n",
        );
        s.push_str(&format!("cutoff_minutes = {}\n", def.hours.cutoff_minutes));
        if demo {
            s.push_str(
                "# DEMO ONLY: ignore days and sessions so a ticket can be taken at any hour.\n\
                 # Set to false (or remove) in a real office.\n\
                 always_open = true\n",
            );
        } else {
            s.push_str(
                "# true ignores days and sessions so a ticket can be taken at any hour (demos only).\n\
                 always_open = false\n",
            );
        }
        s.push_str(
            "\n# One [[queues]] block per queue; numbers restart at 1 every business day.\n\
             # prefix          1-2 capital letters printed before the number (A012), unique.\n\
             # fields          catalogue field codes served by this queue; a field in one queue only.\n\
             # service_minutes average minutes a citizen takes, for the wait estimate.\n\
             # counters        counters serving this queue.\n",
        );
        for q in &def.queues {
            s.push_str("\n[[queues]]\n");
            s.push_str(&format!("prefix = {}\n", toml_str(&q.prefix)));
            if q.fields.len() <= 1 {
                let f = &q.fields[0];
                s.push_str(&format!("fields = [{}]", toml_str(f)));
                if let Some(field) = cat.field(f) {
                    s.push_str(&format!("  # {}", field.name_vi));
                }
                s.push('\n');
            } else {
                s.push_str("fields = [\n");
                for f in &q.fields {
                    s.push_str(&format!("    {},", toml_str(f)));
                    if let Some(field) = cat.field(f) {
                        s.push_str(&format!("  # {}", field.name_vi));
                    }
                    s.push('\n');
                }
                s.push_str("]\n");
            }
            s.push_str(&format!("service_minutes = {}\n", q.service_minutes));
            s.push_str(&format!("counters = {}\n", q.counters));
        }
        s.push_str(
            "\n[printer]\n\
             # \"virtual\" saves each receipt as ESC/POS bytes and a PNG preview,\n\
             # \"serial\" prints on a thermal printer, \"tcp\" on a network one (port 9100),\n\
             # \"none\" shows the ticket on screen only.\n\
             kind = \"virtual\"\n\
             # Serial device of the printer (kind = \"serial\"), or \"host:9100\" (kind = \"tcp\").\n",
        );
        s.push_str(&format!("port = {}\n", toml_str(&def.printer.port)));
        s.push_str(
            "# Baud rate, 1200 to 115200; must match the printer's own setting.\n\
             # The serial link is the bottleneck: at 9600 a text ticket takes 0.5 s, a raster one ~8 s.\n",
        );
        s.push_str(&format!("baud = {}\n", def.printer.baud));
        s.push_str("# \"none\", \"xonxoff\" or \"rtscts\".\nflow_control = \"none\"\n");
        s.push_str("# Printer profile (code page for Vietnamese, paper width).\n");
        s.push_str(&format!("profile = {}\n", toml_str(&def.printer.profile)));
        s.push_str(
            "\n[kiosk]\n\
             # Language shown at start and after an idle reset: \"vi\" or \"en\".\n\
             language = \"vi\"\n\
             # Screen size in pixels and rotation in degrees (0, 90, 180 or 270).\n",
        );
        s.push_str(&format!(
            "width = {}\nheight = {}\nrotation = {}\n",
            def.kiosk.width, def.kiosk.height, def.kiosk.rotation
        ));
        s.push_str(
            "# Seconds without a touch before the screen returns to the start, so the next\n\
             # citizen does not see the previous one's screen (at least 5).\n",
        );
        s.push_str(&format!(
            "idle_timeout_seconds = {}\n",
            def.kiosk.idle_timeout_seconds
        ));
        s.push_str("# Seconds the \"here is your ticket\" screen stays.\n");
        s.push_str(&format!(
            "confirmation_seconds = {}\n",
            def.kiosk.confirmation_seconds
        ));
        s.push_str(
            "# Days tickets and lookup logs are kept, so the board's storage never fills\n\
             # (at least 7; a ticket the office has not yet received is kept until it has).\n",
        );
        s.push_str(&format!("retention_days = {}\n", def.kiosk.retention_days));
        s.push_str(
            "# Megabytes the database may use (at least 16). Above it, tickets and logs are kept\n\
             # for less time (down to a week), then the dossiers that ended longest ago go.\n",
        );
        s.push_str(&format!("max_store_mb = {}\n", def.kiosk.max_store_mb));
        s.push_str(
            "# Where citizens wait for their number: shown with the ticket, and said after\n\
             # \"Xin mời bạn chờ tại\" by the voice guidance (one line, at most 100 characters).\n",
        );
        s.push_str(&format!("wait_area = {}\n", toml_str(&def.kiosk.wait_area)));
        s.push_str(
            "# The panel's diagonal in inches (e.g. 21.5): buttons are then kept at least 15 mm\n\
             # wide and tall on it, whatever its resolution. Unset, they follow the resolution.\n\
             # screen_inches = 21.5\n",
        );
        s.push_str(
            "\n[admin]\n\
             # Staff open the admin view (printer state, reprints) by holding the office name\n\
             # for 3 seconds and typing the PIN. Make the hash with `motcua admin-pin`;\n\
             # without one the admin view stays shut.\n",
        );
        if demo {
            s.push_str("# DEMO ONLY: the PIN is 1234.\n");
            s.push_str(&format!("pin_hash = {}\n", toml_str(DEMO_PIN_HASH)));
        } else {
            s.push_str("# pin_hash = \"$argon2id$...\"\n");
        }
        s.push_str("# Wrong PINs before the keypad locks, and for how many minutes.\n");
        s.push_str(&format!(
            "max_attempts = {}\nlockout_minutes = {}\n",
            def.admin.max_attempts, def.admin.lockout_minutes
        ));
        s.push_str(
            "\n[lookup]\n\
             # A dossier's details need its lookup secret or the phone's last 4 digits; wrong\n\
             # answers are limited per dossier code within a window of minutes.\n",
        );
        s.push_str(&format!(
            "max_attempts = {}\nattempt_window_minutes = {}\n",
            def.lookup.max_attempts, def.lookup.attempt_window_minutes
        ));
        s.push_str(
            "# Prefix of the queue whose counter hands out results (a dossier that is ready\n\
             # offers a ticket for it); left out: the first queue.\n\
             # result_queue = \"A\"\n",
        );
        s.push_str(
            "\n[online]\n\
             # Prefix of the queue whose counter helps citizens file online (VNeID, the national\n\
             # portal). A procedure the portal does wholly online, or that the desk takes no\n\
             # paper for, opens a page that sends the citizen online first; with this set, that\n\
             # page also offers a ticket for this queue. Left out: no ticket is offered there.\n",
        );
        if demo {
            s.push_str("assisted_queue = \"D\"\n");
        } else {
            s.push_str("# assisted_queue = \"D\"\n");
        }
        s.push_str(
            "\n[sync]\n\
             # The office server this kiosk syncs with (tickets, dossiers, catalogue, clock).\n\
             # Make the token at the office: motcua office enroll-device --db office.sqlite3 --name \"Kiosk sảnh\"\n\
             # Left out: the kiosk works alone and numbers its own tickets.\n\
             # office_url = \"https://192.168.1.10:8080\"\n\
             # token = \"…\"\n\
             # The SHA-256 of the office's certificate, as make-cert and enroll-device print it:\n\
             # the kiosk then talks only to that certificate. Left out, an https:// office needs\n\
             # a certificate from a public authority.\n\
             # office_cert_sha256 = \"…\"\n",
        );
        s.push_str("# Seconds between polls while all is well.\n");
        s.push_str(&format!(
            "interval_seconds = {}\n",
            def.sync.interval_seconds
        ));
        s.push_str(
            "# Numbers per queue and day reserved at the office for issuing while it cannot be\n\
             # reached (offline numbers start at 501, so staff can tell them apart).\n",
        );
        s.push_str(&format!("block_size = {}\n", def.sync.block_size));
        s.push_str(
            "# Milliseconds a ticket waits for the office's number before using the block.\n",
        );
        s.push_str(&format!(
            "number_timeout_ms = {}\n",
            def.sync.number_timeout_ms
        ));
        s.push_str(&audio_section(&def.audio));
        s
    }
}

/// `[audio]`: the voice guidance for blind citizens.
fn audio_section(a: &super::AudioConfig) -> String {
    let mut s = String::from(
        "\n[audio]\n\
         # Spoken guidance for blind citizens (headphones or the loudspeaker), through ALSA.\n\
         # false keeps the kiosk silent.\n",
    );
    s.push_str(&format!("enabled = {}\n", a.enabled));
    s.push_str("# The loudspeaker's ALSA device (`aplay -L` lists them).\n");
    s.push_str(&format!("device = {}\n", toml_str(&a.device)));
    s.push_str(
        "# With headphones plugged in, the guidance goes to their device instead, for privacy,\n\
         # and plugging them in starts it. Both keys or neither; the jack is a mixer control\n\
         # of the card below (`amixer -c 0 controls | grep -i jack`).\n\
         # headphones_device = \"plughw:0,0\"\n\
         # headphones_jack = \"Headphone Jack\"\n",
    );
    s.push_str(&format!("card = {}\n", toml_str(&a.card)));
    s.push_str("# The player: the WAV comes on its stdin, {device} is the device in use.\n");
    s.push_str(&format!("player = {}\n", toml_array(&a.player)));
    s.push_str(
        "# The synthesiser for names from the catalogue and the waiting area; it writes a WAV\n\
         # to stdout. {voice} is \"vi\" or \"en-us\"; {text}, if present, is the text,\n\
         # otherwise the text goes to its stdin.\n",
    );
    s.push_str(&format!("synth = {}\n", toml_array(&a.synth)));
    s
}

/// A TOML array of basic strings.
fn toml_array(words: &[String]) -> String {
    let words: Vec<String> = words.iter().map(|w| toml_str(w)).collect();
    format!("[{}]", words.join(", "))
}

/// A TOML basic string; our defaults contain no control characters.
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::super::{Config, PrinterKind, DEMO_PIN_HASH};
    #[test]
    fn default_toml_round_trips() {
        let text = Config::default_toml(false);
        assert_eq!(Config::parse(&text, "t.toml").unwrap(), Config::default());
    }

    #[test]
    fn demo_toml_is_always_open() {
        let text = Config::default_toml(true);
        assert!(text.contains("always_open = true"));
        let c = Config::parse(&text, "t.toml").unwrap();
        let mut expected = Config::default();
        expected.hours.always_open = true;
        expected.admin.pin_hash = Some(DEMO_PIN_HASH.to_string());
        expected.online.assisted_queue = Some("D".to_string());
        assert_eq!(c, expected);
        assert!(crate::auth::verify_pin(DEMO_PIN_HASH, "1234"));
    }

    #[test]
    fn the_boards_example_config_parses() {
        let text = include_str!("../../deploy/kiosk.toml");
        let c = Config::parse(text, "deploy/kiosk.toml").unwrap();
        assert_eq!(c.printer.kind, PrinterKind::Serial);
        assert_eq!(
            c.printer.port, "/dev/motcua-printer",
            "the udev rule's name"
        );
        assert_eq!(c.admin.pin_hash, None, "each office sets its own PIN");
    }
}
