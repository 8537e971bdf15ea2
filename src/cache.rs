//! The articles cache: what the last run learnt, kept between runs so that `build` reads only
//! the article files that changed and renders only the feeds whose items changed. At 10,000
//! articles with topic feeds that is the difference between seconds and milliseconds.
//!
//! It is a hint, never a source of truth. It is keyed by the program (its version and its
//! executable's size and time, so a rebuilt bifeed never trusts an older one's parse) and by
//! the whole configuration; a cache that is missing, corrupt (a CRC-32 covers it), from
//! another program or configuration, or unreadable is ignored and rebuilt, and one that
//! cannot be written costs the next run time, nothing else. Which files it trusts is the
//! collection's rule (see `collection::Remembered`).
//!
//! It lives in the user's cache folder (`$XDG_CACHE_HOME/bifeed`, or `cache:` in the config),
//! one file per pair of articles and output folders: never among the articles, never in what
//! is served.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::MemoRecords;
use crate::collection::Remembered;
use crate::config::Config;

const MAGIC: &[u8; 8] = b"bifeed\0C";
/// Raised whenever what the cache holds changes meaning.
const FORMAT: u32 = 2;
const HEADER: usize = MAGIC.len() + 8 + 8 + 4;

/// What the cache holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Contents {
    pub articles: Remembered,
    pub feeds: MemoRecords,
}

/// The cache file of one configuration.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    /// The program and the configuration, as one number: a cache of another is ignored.
    key: u64,
    /// The checksum and length of what was read or last written: the same contents are not
    /// written again.
    on_disk: Option<(u32, usize)>,
}

impl Cache {
    /// The cache of `config`, unless it has none (`--no-cache`).
    pub fn of(config: &Config) -> Option<Cache> {
        let folder = config.cache.as_ref()?;
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut name = rustc_hash::FxHasher::default();
        absolute(&config.articles).hash(&mut name);
        absolute(&config.output).hash(&mut name);
        let mut key = rustc_hash::FxHasher::default();
        FORMAT.hash(&mut key);
        env!("CARGO_PKG_VERSION").hash(&mut key);
        program_stamp().hash(&mut key);
        // Where the output is copied to changes nothing read or written here.
        let local = Config {
            publish: None,
            ..config.clone()
        };
        format!("{local:?}").hash(&mut key);
        Some(Cache {
            path: folder.join(format!("{:016x}.cache", name.finish())),
            key: key.finish(),
            on_disk: None,
        })
    }

    /// What the cache holds, when it is there, whole and this program's and configuration's.
    pub fn read(&mut self) -> Option<Contents> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::debug!("no articles cache at {} ({e})", self.path.display());
                return None;
            }
        };
        match self.check(&bytes) {
            Ok(contents) => {
                self.on_disk = Some((crc32fast::hash(&bytes[HEADER..]), bytes.len() - HEADER));
                Some(contents)
            }
            Err(why) => {
                tracing::info!(
                    "articles cache {} ignored ({why}); every article is read",
                    self.path.display()
                );
                None
            }
        }
    }

    fn check(&self, bytes: &[u8]) -> Result<Contents, &'static str> {
        let (header, body) = bytes.split_at_checked(HEADER).ok_or("truncated")?;
        let (magic, rest) = header.split_at(MAGIC.len());
        if magic != MAGIC {
            return Err("not a bifeed cache");
        }
        let number = |at: usize| {
            let mut b = [0; 8];
            b.copy_from_slice(&rest[at..at + 8]);
            u64::from_le_bytes(b)
        };
        if number(0) != self.key {
            return Err("written by another version or configuration");
        }
        if usize::try_from(number(8)).ok() != Some(body.len()) {
            return Err("truncated");
        }
        let mut crc = [0; 4];
        crc.copy_from_slice(&rest[16..20]);
        if u32::from_le_bytes(crc) != crc32fast::hash(body) {
            return Err("corrupt");
        }
        postcard::from_bytes(body).map_err(|_| "corrupt")
    }

    /// Whether [`Cache::read`] found a cache this program and configuration can use.
    pub fn was_read(&self) -> bool {
        self.on_disk.is_some()
    }

    /// Writes `contents` atomically, unless it is what the file already holds. A cache that
    /// cannot be written is logged and left: the next run reads every article.
    pub fn write(&mut self, contents: &Contents) {
        let body = match postcard::to_allocvec(contents) {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!("cannot encode the articles cache: {e}");
                return;
            }
        };
        let crc = crc32fast::hash(&body);
        if self.on_disk == Some((crc, body.len())) {
            return;
        }
        match self.write_file(&body, crc) {
            Ok(()) => self.on_disk = Some((crc, body.len())),
            Err(e) => tracing::warn!(
                "cannot write the articles cache {} ({e}); the next run reads every article",
                self.path.display()
            ),
        }
    }

    fn write_file(&self, body: &[u8], crc: u32) -> std::io::Result<()> {
        let folder = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let mut file = tempfile::Builder::new()
            .prefix(".bifeed-cache-")
            .tempfile_in(folder)?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&self.key.to_le_bytes());
        header.extend_from_slice(&(body.len() as u64).to_le_bytes());
        header.extend_from_slice(&crc.to_le_bytes());
        file.write_all(&header)?;
        file.write_all(body)?;
        file.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The running executable's size and modification time: a rebuilt or upgraded bifeed may
/// read articles differently, so it never trusts another's cache.
fn program_stamp() -> Option<(u64, i128)> {
    let meta = std::env::current_exe().ok()?.metadata().ok()?;
    Some((meta.len(), crate::source::unix_ns(meta.modified().ok()?)))
}

/// The cache folder when the config names none: the user's (`$XDG_CACHE_HOME/bifeed`,
/// `~/.cache/bifeed`), or, under systemd with `CacheDirectory=`, the one it made.
pub fn default_folder() -> Option<PathBuf> {
    if let Some(dirs) = std::env::var_os("CACHE_DIRECTORY")
        && let Some(first) = std::env::split_paths(&dirs).next()
        && !first.as_os_str().is_empty()
    {
        return Some(first);
    }
    dirs::cache_dir().map(|dir| dir.join("bifeed"))
}
