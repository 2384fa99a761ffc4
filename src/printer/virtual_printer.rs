//! A printer that writes files: the exact bytes a real printer would get, and a PNG of what
//! it would print. Used by the demo and by tests, and for support ("send me the .bin").

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::decode::{decode_with_options, DecodeOptions};
use super::profile::TextMode;
use super::render::render_png;

/// Distinguishes temporary files of concurrent prints within this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Saves each job as `<dir>/<stem>.bin` plus a `<dir>/<stem>.png` preview.
#[derive(Debug, Clone)]
pub struct VirtualPrinter {
    dir: PathBuf,
    dots: u16,
    pages: DecodeOptions,
}

impl VirtualPrinter {
    /// A printer with paper `dots` wide that saves into `dir` (created on first print).
    pub fn new(dir: PathBuf, dots: u16) -> VirtualPrinter {
        VirtualPrinter {
            dir,
            dots,
            pages: DecodeOptions::default(),
        }
    }

    /// The same printer reading `ESC t` numbers as these modes do (e.g. `&profile.modes`);
    /// without this, Epson's numbering applies (30/31 TCVN-3, 52 CP1258).
    pub fn with_modes(mut self, modes: &[TextMode]) -> VirtualPrinter {
        self.pages = DecodeOptions::for_modes(modes);
        self
    }

    /// The directory jobs are saved in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves `bytes` and their rendering; returns the path of the `.bin` file.
    ///
    /// Both files appear whole or not at all (temp file, fsync, rename), so a reader never
    /// sees half a receipt.
    pub fn print(&self, stem: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        if stem.is_empty() || stem.starts_with('.') || stem.contains(['/', '\\', '\0']) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad receipt name {stem:?}"),
            ));
        }
        fs::create_dir_all(&self.dir)?;
        let decoded = decode_with_options(bytes, &self.pages);
        for w in &decoded.warnings {
            log::warn!("receipt {stem}: {w}");
        }
        let png = render_png(
            &decoded,
            self.dots,
            crate::assets::FONT_REGULAR,
            crate::assets::FONT_BOLD,
        );
        let bin_path = self.dir.join(format!("{stem}.bin"));
        write_atomically(&bin_path, bytes)?;
        write_atomically(&self.dir.join(format!("{stem}.png")), &png)?;
        sync_dir(&self.dir);
        Ok(bin_path)
    }
}

fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("receipt");
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes the renames durable; not every platform can open a directory, hence best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_bin_and_png_into_a_new_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("receipts/today");
        let printer = VirtualPrinter::new(dir.clone(), 384);
        let bytes = b"\x1b@Xin chao\n\x1dV\x42\x00";
        let bin = printer.print("A012", bytes).unwrap();
        assert_eq!(bin, dir.join("A012.bin"));
        assert_eq!(fs::read(&bin).unwrap(), bytes);
        let png = fs::read(dir.join("A012.png")).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "leftover temp files: {names:?}");
    }

    #[test]
    fn rejects_paths_as_names() {
        let tmp = tempfile::tempdir().unwrap();
        let printer = VirtualPrinter::new(tmp.path().to_path_buf(), 576);
        for stem in ["", "../x", "a/b", ".hidden"] {
            assert!(printer.print(stem, b"x\n").is_err(), "{stem:?}");
        }
    }
}
