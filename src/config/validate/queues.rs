//! `[[queues]]`: prefixes, and each field served by one queue only.

use std::collections::{HashMap, HashSet};

use toml::Spanned;

use super::{Ctx, Res};
use crate::catalogue::Catalogue;
use crate::config::raw::RawQueue;
use crate::config::types::{default_queues, QueueConfig};
use crate::domain::text::nfc;

impl Ctx<'_> {
    /// `[[queues]]`, or the default queues.
    pub(super) fn queues(&self, raw: Option<Spanned<Vec<RawQueue>>>) -> Res<Vec<QueueConfig>> {
        let Some(raw) = raw else {
            return Ok(default_queues(&Catalogue::default_embedded()));
        };
        if raw.get_ref().is_empty() {
            return Err(self.error(raw.span(), "queues: at least one queue is needed"));
        }
        let mut prefixes: HashSet<String> = HashSet::new();
        let mut field_owner: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        for q in raw.into_inner() {
            let prefix = q.prefix.get_ref().clone();
            let ok =
                (1..=2).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase());
            if !ok {
                return Err(self.error(
                    q.prefix.span(),
                    format!("queues.prefix {prefix:?} must be 1 or 2 capital letters A–Z"),
                ));
            }
            if !prefixes.insert(prefix.clone()) {
                return Err(self.error(
                    q.prefix.span(),
                    format!("queues.prefix {prefix:?} is used by another queue"),
                ));
            }
            if q.fields.get_ref().is_empty() {
                return Err(self.error(
                    q.fields.span(),
                    format!(
                        "queues.fields of queue {prefix} is empty: list at least one field code"
                    ),
                ));
            }
            let mut fields = Vec::new();
            for f in q.fields.get_ref() {
                let code = nfc(f.get_ref().trim());
                if code.is_empty() {
                    return Err(self.error(f.span(), "queues.fields: empty field code"));
                }
                if let Some(owner) = field_owner.get(&code) {
                    let msg = if *owner == prefix {
                        format!("queues.fields: field {code:?} is listed twice in queue {prefix}")
                    } else {
                        format!("queues.fields: field {code:?} is already served by queue {owner}")
                    };
                    return Err(self.error(f.span(), msg));
                }
                field_owner.insert(code.clone(), prefix.clone());
                fields.push(code);
            }
            let service_minutes =
                self.at_least(q.service_minutes, 6, 1, "queues.service_minutes")?;
            let counters = self.at_least(q.counters, 1, 1, "queues.counters")?;
            out.push(QueueConfig {
                prefix,
                fields,
                service_minutes,
                counters,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{assert_err, err};
    #[test]
    fn bad_prefix() {
        assert_err(
            "[[queues]]\nprefix = \"a\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
        assert_err(
            "[[queues]]\nprefix = \"ABC\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
        assert_err(
            "[[queues]]\nprefix = \"Đ\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
        assert_err(
            "[[queues]]\nprefix = \"\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
    }

    #[test]
    fn duplicate_prefix() {
        assert_err(
            "[[queues]]\nprefix = \"A\"\nfields = [\"HT\"]\n\n[[queues]]\nprefix = \"A\"\nfields = [\"CT\"]\n",
            6,
            "another queue",
        );
    }

    #[test]
    fn field_in_two_queues() {
        let e = err("[[queues]]\nprefix = \"A\"\nfields = [\"HT\", \"CT\"]\n\n[[queues]]\nprefix = \"B\"\nfields = [\"DD\", \"CT\"]\n");
        assert_eq!((e.line, e.column), (7, 17), "{e}");
        assert!(e.message.contains("queue A"), "{e}");
    }

    #[test]
    fn no_queue() {
        assert_err("[office]\nname = \"x\"\nqueues = []\n", 3, "unknown field");
        assert_err(
            "queues = []\n[office]\nname = \"x\"\n",
            1,
            "at least one queue",
        );
        assert_err("[[queues]]\nprefix = \"A\"\nfields = []\n", 3, "empty");
    }

    #[test]
    fn queue_minimums() {
        assert_err(
            "[[queues]]\nprefix = \"A\"\nfields = [\"HT\"]\ncounters = 0\n",
            4,
            "counters",
        );
        assert_err(
            "[[queues]]\nprefix = \"A\"\nfields = [\"HT\"]\nservice_minutes = 0\n",
            4,
            "service_minutes",
        );
    }
}
