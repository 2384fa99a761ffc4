//! The rules of the source tree's layout (ARCHITECTURE.md), checked on the files themselves
//! so a change that breaks one fails here rather than in a newcomer's head: the kiosk and the
//! office never import each other, no file imports a file that imports it back (through any
//! chain), and no Rust file grows past the size a reader can hold.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest Rust file allowed under `src/` (tables of data are listed in [`DATA_TABLES`]).
const MAX_LINES: usize = 800;

/// Files that are mostly tables of data, allowed past [`MAX_LINES`].
const DATA_TABLES: &[&str] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as paths relative to it (`kiosk/store/mod.rs`).
fn rust_files() -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&src_dir(), &src_dir(), &mut out);
    out.sort();
    out
}

/// The module path of a file: `kiosk/store/mod.rs` → `["kiosk", "store"]`; `main.rs` and
/// `lib.rs` are the crate root.
fn module_of(file: &str) -> Vec<String> {
    let stem = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments, string literals and `#[cfg(test)]` modules:
/// tests may reach anywhere, and a path in a comment or a string is no import.
fn code_of(source: &str) -> String {
    let source = match source.find("#[cfg(test)]\nmod ") {
        Some(i) => &source[..i],
        None => source,
    };
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// The module paths a file's code names: `crate::a::b…`, `super::…` and `self::…` paths,
/// each resolved to an absolute path (`use` groups `{…}` included). Lines that only declare
/// or re-export a child module (`mod x;`, `pub use x::…`) are the parent's table of contents,
/// not a dependency, and are left out.
fn named_paths(file: &str, code: &str) -> Vec<Vec<String>> {
    let here = module_of(file);
    // `super` is the parent module whichever file holds the module; `self` is the module.
    let parent = here[..here.len().saturating_sub(1)].to_vec();
    let mut out = Vec::new();
    for statement in code.split(';') {
        let trimmed = statement.trim_start();
        // A re-export of another room's item (`pub use crate::…`) is still a dependency.
        if trimmed.starts_with("pub use ") && !trimmed.contains("crate::") {
            continue;
        }
        let bytes = statement.as_bytes();
        let mut i = 0;
        while i < statement.len() {
            let rest = &statement[i..];
            let starts = ["crate::", "super::", "self::"];
            let at_word = i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':');
            let Some(prefix) = starts
                .iter()
                .find(|p| rest.starts_with(**p))
                .filter(|_| at_word)
            else {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            };
            let mut base: Vec<String> = match *prefix {
                "crate::" => Vec::new(),
                "self::" => here.clone(),
                _ => parent.clone(),
            };
            let mut j = i + prefix.len();
            // Further `super::` steps.
            while statement[j..].starts_with("super::") {
                base.pop();
                j += "super::".len();
            }
            let tail: String = statement[j..]
                .chars()
                .take_while(|c| {
                    c.is_alphanumeric()
                        || *c == '_'
                        || *c == ':'
                        || *c == '{'
                        || *c == '}'
                        || *c == ','
                        || c.is_whitespace()
                        || *c == '*'
                })
                .collect();
            for path in expand(&tail) {
                let mut full = base.clone();
                full.extend(path);
                out.push(full);
            }
            i = j + tail.len().max(1);
        }
    }
    out
}

/// `a::{b, c::{d, e}}` → `[a, b]`, `[a, c, d]`, `[a, c, e]`.
fn expand(tail: &str) -> Vec<Vec<String>> {
    let tail = tail.trim();
    let Some(open) = tail.find('{') else {
        let segs: Vec<String> = tail
            .split("::")
            .map(|s| s.trim().to_string())
            .take_while(|s| {
                !s.is_empty() && s != "*" && s.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
            .collect();
        return vec![segs];
    };
    let head: Vec<String> = tail[..open]
        .split("::")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    // The group's body up to its matching brace, split at top-level commas.
    let mut depth = 0;
    let mut end = tail.len();
    for (k, c) in tail[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = open + k;
                    break;
                }
            }
            _ => {}
        }
    }
    let body = &tail[open + 1..end.max(open + 1)];
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (k, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    let mut out = Vec::new();
    for part in parts.into_iter().filter(|p| !p.trim().is_empty()) {
        for sub in expand(part) {
            let mut full = head.clone();
            if sub.first().map(String::as_str) != Some("self") {
                full.extend(sub);
            }
            out.push(full);
        }
    }
    if out.is_empty() {
        out.push(head);
    }
    out
}

/// The file that defines the longest prefix of `path` that is a module with a file.
fn file_of(path: &[String], modules: &BTreeMap<Vec<String>, String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]).cloned())
}

/// Which files each file depends on (other than itself).
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files();
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter(|f| f.as_str() != "main.rs" && !f.starts_with("bin/"))
        .map(|f| (module_of(f), f.clone()))
        .collect();
    let mut deps = BTreeMap::new();
    for file in &files {
        let source = std::fs::read_to_string(src_dir().join(file)).unwrap();
        let code = code_of(&source);
        let mut to = BTreeSet::new();
        for path in named_paths(file, &code) {
            if let Some(target) = file_of(&path, &modules) {
                // Every other file counts; the cycle check leaves out a folder's `mod.rs`
                // and its own parts (see `parent_and_child`).
                if target != *file {
                    to.insert(target);
                }
            }
        }
        deps.insert(file.clone(), to);
    }
    deps
}

/// Whether `a` is `b`'s folder file (`x/mod.rs` for `x/y.rs` or `x/y/mod.rs`), or the reverse.
fn parent_and_child(a: &str, b: &str) -> bool {
    let (ma, mb) = (module_of(a), module_of(b));
    let is_mod = |f: &str| f.ends_with("mod.rs") || f == "lib.rs";
    (is_mod(a) && mb.starts_with(&ma) && mb.len() == ma.len() + 1)
        || (is_mod(b) && ma.starts_with(&mb) && ma.len() == mb.len() + 1)
}

#[test]
fn the_kiosk_and_the_office_never_import_each_other() {
    let deps = dependencies();
    let mut crossing = Vec::new();
    for (from, to) in &deps {
        for target in to {
            let (a, b) = (from.split('/').next(), target.split('/').next());
            if matches!(
                (a, b),
                (Some("kiosk"), Some("office")) | (Some("office"), Some("kiosk"))
            ) {
                crossing.push(format!("{from} → {target}"));
            }
        }
    }
    assert!(
        crossing.is_empty(),
        "kiosk and office import each other: {crossing:#?}"
    );
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let deps = dependencies();
    // Edges between a folder's mod.rs and its own children are the module's inside (the
    // parent declares and wires its parts, the parts share the parent's types); every other
    // edge takes part in the search.
    let edges: BTreeMap<&String, Vec<&String>> = deps
        .iter()
        .map(|(from, to)| {
            (
                from,
                to.iter().filter(|t| !parent_and_child(from, t)).collect(),
            )
        })
        .collect();
    // Tarjan's strongly connected components: any with more than one file is a cycle.
    struct Search<'a> {
        edges: &'a BTreeMap<&'a String, Vec<&'a String>>,
        index: BTreeMap<&'a String, usize>,
        low: BTreeMap<&'a String, usize>,
        stack: Vec<&'a String>,
        on_stack: BTreeSet<&'a String>,
        cycles: Vec<Vec<&'a String>>,
    }
    impl<'a> Search<'a> {
        fn visit(&mut self, v: &'a String) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.cycles.push(component);
                }
            }
        }
    }
    let mut search = Search {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        cycles: Vec::new(),
    };
    for v in edges.keys() {
        if !search.index.contains_key(v) {
            search.visit(v);
        }
    }
    assert!(
        search.cycles.is_empty(),
        "files that import each other: {:#?}",
        search.cycles
    );
}

#[test]
fn no_rust_file_is_longer_than_a_reader_can_hold() {
    let long: Vec<String> = rust_files()
        .into_iter()
        .filter(|f| !DATA_TABLES.contains(&f.as_str()))
        .filter_map(|f| {
            let lines = std::fs::read_to_string(src_dir().join(&f))
                .unwrap()
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{f}: {lines} lines"))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:#?}");
}

fn paths(file: &str, code: &str) -> Vec<String> {
    named_paths(file, code)
        .iter()
        .map(|p| p.join("::"))
        .collect()
}

#[test]
fn paths_are_resolved_like_the_compiler_does() {
    assert_eq!(
        paths(
            "kiosk/controller/ticket.rs",
            "use super::Ctx; use crate::domain::{clock::{a, b}, text};"
        ),
        [
            "kiosk::controller::Ctx",
            "domain::clock::a",
            "domain::clock::b",
            "domain::text"
        ]
    );
    assert_eq!(
        paths(
            "office/store/mod.rs",
            "use super::db::Row; let x = crate::protocol::MAX;"
        ),
        ["office::db::Row", "protocol::MAX"]
    );
    assert!(paths("office/http/mod.rs", "pub use board::routes;").is_empty());
    assert_eq!(
        code_of("let a = \"crate::x\"; // crate::y\nb"),
        "let a = \"\"; \nb"
    );
}
