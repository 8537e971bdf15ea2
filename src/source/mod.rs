//! The articles folder: which files are articles ([`name`]), listing them (here), reading
//! them safely ([`read`]) and decoding their bytes ([`decode`]).

mod decode;
mod name;
mod read;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use crate::text::shown;
pub use decode::decode;
pub use name::{article_id, is_article_name, is_hidden};
pub use read::{ReadError, io_reason, is_transient, read};

/// An article file found in the folder (not yet read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path to open: the articles folder joined with [`SourceFile::rel`].
    pub path: PathBuf,
    /// Path inside the articles folder.
    pub rel: PathBuf,
    pub stamp: Stamp,
}

/// What tells, without reading a file, that it may have changed since it was last read.
///
/// Size and modification time catch writes; the inode and the change time (which no program
/// can set back) also catch a file replaced by a rename, or by `cp -p` with an old mtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: SystemTime,
    device: u64,
    inode: u64,
    changed_ns: i128,
}

/// A [`Stamp`] as plain numbers, for the articles cache: size, modification and change times
/// in nanoseconds since 1970, device, inode.
pub type StampParts = (u64, i128, i128, u64, u64);

impl Stamp {
    pub fn to_parts(self) -> StampParts {
        (
            self.len,
            unix_ns(self.modified),
            self.changed_ns,
            self.device,
            self.inode,
        )
    }

    pub fn from_parts((len, modified_ns, changed_ns, device, inode): StampParts) -> Stamp {
        let modified = match u64::try_from(modified_ns) {
            Ok(ns) => SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(ns),
            Err(_) => {
                let before = u64::try_from(modified_ns.unsigned_abs()).unwrap_or(u64::MAX);
                SystemTime::UNIX_EPOCH - std::time::Duration::from_nanos(before)
            }
        };
        Stamp {
            len,
            modified,
            device,
            inode,
            changed_ns,
        }
    }

    /// Whether the file was last written or changed (renamed, permissions, times set) before
    /// `ns` (nanoseconds since 1970).
    pub fn settled_before(&self, ns: i128) -> bool {
        unix_ns(self.modified) < ns && self.changed_ns < ns
    }

    /// The listed file's device and inode.
    pub fn identity(&self) -> Option<(u64, u64)> {
        cfg!(unix).then_some((self.device, self.inode))
    }

    fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (device, inode, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.dev(),
                meta.ino(),
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            )
        };
        #[cfg(not(unix))]
        let (device, inode, changed_ns) = (0, 0, 0);
        Stamp {
            len: meta.len(),
            modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            device,
            inode,
            changed_ns,
        }
    }
}

/// A `.txt` entry that cannot be an article (a fifo, a link leaving the folder, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub path: PathBuf,
    pub rel: PathBuf,
    pub reason: String,
}

/// An article entry of the folder: a file to read, the reason it cannot be read, or that the
/// system could not look at it just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    File(SourceFile),
    Unusable(Unusable),
    /// `stat` failed for a passing reason (see [`is_transient`]): whatever was known of the
    /// file stands until it can be looked at again.
    Busy {
        rel: PathBuf,
        reason: String,
    },
}

impl Found {
    pub fn rel(&self) -> &Path {
        match self {
            Found::File(f) => &f.rel,
            Found::Unusable(u) => &u.rel,
            Found::Busy { rel, .. } => rel,
        }
    }
}

#[derive(Debug, Default)]
pub struct Listing {
    /// Article entries, in no particular order.
    pub entries: Vec<Found>,
    /// Every folder walked, the articles folder first (the watcher watches each of them).
    pub dirs: Vec<PathBuf>,
    /// Folders (paths inside the articles folder) that could not be read, and why: what was
    /// known of the files under them stands, since a folder that cannot be read says nothing
    /// about whether its articles are gone.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Listing {
    /// Whether the file at `rel` lies in a folder this listing could not read.
    pub fn missed(&self, rel: &Path) -> bool {
        self.unreadable.iter().any(|(dir, _)| rel.starts_with(dir))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cannot read the articles folder {}: {error}", shown(path))]
    Root { path: PathBuf, error: io::Error },
    #[error("the articles folder {} is not a folder", shown(path))]
    NotAFolder { path: PathBuf },
}

/// The articles folder, opened for listing.
///
/// Hidden folders and the `skip` folders (the output folder, when it lies inside) are left
/// out. Symbolic links are followed only to files inside the folder, so a link can neither
/// leak a file from elsewhere into a feed nor loop.
pub struct Folder {
    root: PathBuf,
    canonical_root: PathBuf,
    skip: Vec<PathBuf>,
    /// The `skip` folders' identities (device, inode): a folder met in the walk is compared
    /// by these, never by resolving its path, which costs a system call per level of depth
    /// and made deep trees cubic.
    skip_ids: Vec<(u64, u64)>,
}

impl Folder {
    /// The articles folder with every link resolved: what an opened article must lie in.
    pub fn canonical_root(&self) -> &Path {
        &self.canonical_root
    }

    pub fn open(root: &Path, skip: &[PathBuf]) -> Result<Folder, ListError> {
        let meta = fs::metadata(root).map_err(|error| ListError::Root {
            path: root.to_path_buf(),
            error,
        })?;
        if !meta.is_dir() {
            return Err(ListError::NotAFolder {
                path: root.to_path_buf(),
            });
        }
        let canonical_root = fs::canonicalize(root).map_err(|error| ListError::Root {
            path: root.to_path_buf(),
            error,
        })?;
        Ok(Folder {
            root: root.to_path_buf(),
            canonical_root,
            skip: skip
                .iter()
                .filter_map(|p| fs::canonicalize(p).ok())
                .collect(),
            skip_ids: skip.iter().filter_map(|p| identity(p)).collect(),
        })
    }

    /// Lists every article entry under the folder, recursively. Fails only
    /// when the articles folder itself cannot be read, which never means its articles are
    /// gone.
    ///
    /// The walk itself only reads folder entries (names and types); `stat`, which costs a
    /// system call per file, runs on every core afterwards.
    pub fn list(&self) -> Result<Listing, ListError> {
        use rayon::prelude::*;
        let mut listing = Listing::default();
        let mut candidates = Vec::new();
        // Unsorted: the collection looks files up by name, and sorts what it reports.
        let walker = walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !e.file_type().is_dir()
                    || (!is_hidden(&e.file_name().to_string_lossy()) && !self.is_skipped(e))
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let depth = e.depth();
                    let path = e.path().map(Path::to_path_buf);
                    let error = io::Error::from(e);
                    if depth == 0 {
                        return Err(ListError::Root {
                            path: self.root.clone(),
                            error,
                        });
                    }
                    // An unreadable subfolder: report it, keep what was known under it.
                    if let Some(path) = path {
                        listing
                            .unreadable
                            .push((relative(&self.root, &path), io_reason(&error)));
                    }
                    continue;
                }
            };
            if entry.file_type().is_dir() {
                listing.dirs.push(entry.path().to_path_buf());
            } else if is_article_name(&entry.file_name().to_string_lossy()) {
                candidates.push(entry.into_path());
            }
        }
        let found: Vec<Found> = candidates
            .into_par_iter()
            .filter_map(|path| {
                let rel = relative(&self.root, &path);
                let meta = fs::symlink_metadata(&path);
                self.classify(path, rel, meta)
            })
            .collect();
        listing.entries.extend(found);
        Ok(listing)
    }

    /// Whether a folder met in the walk is one to leave out. The inode comes with the folder
    /// entry; only a match costs a `stat`, to compare the device too.
    fn is_skipped(&self, entry: &walkdir::DirEntry) -> bool {
        #[cfg(unix)]
        {
            use walkdir::DirEntryExt;
            let ino = entry.ino();
            self.skip_ids.iter().any(|&(_, i)| i == ino)
                && identity(entry.path()).is_some_and(|id| self.skip_ids.contains(&id))
        }
        #[cfg(not(unix))]
        {
            fs::canonicalize(entry.path()).is_ok_and(|p| self.skip.contains(&p))
        }
    }

    /// One path inside the folder, looked at on its own after a file event. `None` when it
    /// is not an article entry, or no longer exists.
    pub fn look(&self, rel: &Path) -> Option<Found> {
        let hidden = rel
            .components()
            .any(|c| is_hidden(&c.as_os_str().to_string_lossy()));
        let name = rel.file_name()?.to_string_lossy();
        if hidden || !is_article_name(&name) {
            return None;
        }
        let path = self.root.join(rel);
        let parent = fs::canonicalize(path.parent()?).ok()?;
        if self.skip.iter().any(|s| parent.starts_with(s)) {
            return None;
        }
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            meta if meta.as_ref().is_ok_and(|m| m.is_dir()) => None,
            meta => self.classify(path, rel.to_path_buf(), meta),
        }
    }

    /// Decides what an article-named entry is, from its own (not followed) metadata.
    fn classify(
        &self,
        path: PathBuf,
        rel: PathBuf,
        meta: io::Result<fs::Metadata>,
    ) -> Option<Found> {
        let unusable = |reason: String| {
            Some(Found::Unusable(Unusable {
                path: path.clone(),
                rel: rel.clone(),
                reason,
            }))
        };
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) if is_transient(&e) => {
                return Some(Found::Busy {
                    rel,
                    reason: io_reason(&e),
                });
            }
            Err(e) => return unusable(format!("cannot read: {}", io_reason(&e))),
        };
        let meta = if meta.file_type().is_symlink() {
            match fs::metadata(&path) {
                Err(e) => {
                    return unusable(format!(
                        "broken or looping symbolic link ({})",
                        io_reason(&e)
                    ));
                }
                Ok(target) if target.is_file() => {
                    let inside =
                        fs::canonicalize(&path).is_ok_and(|t| t.starts_with(&self.canonical_root));
                    if !inside {
                        return unusable(
                            "symbolic link to a file outside the articles folder".into(),
                        );
                    }
                    target
                }
                Ok(_) => return None, // a link to a folder: not followed
            }
        } else {
            meta
        };
        if !meta.is_file() {
            return unusable("not a regular file (a fifo, socket or device)".into());
        }
        Some(Found::File(SourceFile {
            stamp: Stamp::of(&meta),
            path,
            rel,
        }))
    }
}

/// A file's device and inode, following links.
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    // The walk yields `root` joined with the rest: cutting the bytes spares parsing both
    // paths' components, a third of listing 100,000 files.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let rest = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(root.as_os_str().as_bytes())
            .and_then(|rest| rest.strip_prefix(b"/"));
        if let Some(rest) = rest.filter(|r| !r.is_empty() && !r.starts_with(b"/")) {
            return PathBuf::from(std::ffi::OsStr::from_bytes(rest));
        }
    }
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A time as nanoseconds since 1970 (negative before).
pub fn unix_ns(time: SystemTime) -> i128 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, GB18030};

    #[test]
    fn article_names() {
        for name in ["000_dde0ca4d50be1d1c.txt", "news.TXT", "新闻.txt"] {
            assert!(is_article_name(name), "{name}");
        }
        for name in [
            ".000_x.txt.swp",
            "x.txt~",
            ".#x.txt",
            "4913",
            "x.tmp",
            ".hidden.txt",
            "notes.md",
            "x.txt.swp",
            "#x.txt#",
        ] {
            assert!(!is_article_name(name), "{name}");
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("新闻".as_bytes()).unwrap().text, "新闻");
        let t = decode(b"\xef\xbb\xbf\xe6\x96\xb0").unwrap();
        assert_eq!((t.text.as_ref(), t.encoding), ("新", "UTF-8 (with BOM)"));
    }

    #[test]
    fn gb18030_is_detected() {
        let text = "江西宜春推进政协协商融入基层社会治理,群众的事情由群众商量。\n英语如下:\n";
        let (bytes, _, _) = GB18030.encode(text);
        let t = decode(&bytes).unwrap();
        assert_eq!((t.text.as_ref(), t.encoding), (text, "GB18030"));
    }

    #[test]
    fn big5_is_detected() {
        let text = "臺灣新聞報導,市政府今天宣佈新的交通政策,民眾反應熱烈。";
        let (bytes, _, _) = BIG5.encode(text);
        let t = decode(&bytes).unwrap();
        assert_eq!((t.text.as_ref(), t.encoding), (text, "Big5"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "新闻 news".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let t = decode(&bytes).unwrap();
        assert_eq!((t.text.as_ref(), t.encoding), ("新闻 news", "UTF-16LE"));
    }

    #[test]
    fn binary_is_rejected_with_its_line() {
        let r = decode(b"line one\nline two\x00\x01\x02").unwrap_err();
        assert_eq!(
            (r.line, r.reason.as_str()),
            (2, "not a text file: NUL byte")
        );
    }

    #[test]
    fn a_character_cut_at_the_end_is_dropped_with_a_warning() {
        let mut bytes = "新闻\n新".as_bytes().to_vec();
        bytes.pop();
        let t = decode(&bytes).unwrap();
        assert_eq!(t.text, "新闻\n");
        assert_eq!(t.warnings[0].line, 2);
    }

    #[test]
    fn undecodable_bytes_are_rejected() {
        let r =
            decode(b"caf\xe9 \xff\xfe\xfd and more plain ascii text here \x80\x81").unwrap_err();
        assert!(r.reason.starts_with("not UTF-8"), "{}", r.reason);
    }
}
