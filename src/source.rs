//! The articles folder: which files are articles, and their decoded text.

use std::borrow::Cow;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use encoding_rs::{BIG5, Encoding, GB18030, UTF_16LE};

use crate::article::{Rejection, Warning};

/// An article file found in the folder (not yet read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path to open: the articles folder joined with [`SourceFile::rel`].
    pub path: PathBuf,
    /// Path inside the articles folder; files are listed in this order.
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

impl Stamp {
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
    /// Article entries in path order.
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

/// Whether a file name is an article: `*.txt`, and not an editor's temporary or hidden file
/// (`.#x.txt`, `x.txt~`, `.x.txt.swp`, vim's `4913`).
pub fn is_article_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".txt")
        && !name.starts_with('.')
        && !name.starts_with('#')
        && !name.starts_with('~')
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

    /// Lists every article entry under the folder, recursively, in path order. Fails only
    /// when the articles folder itself cannot be read, which never means its articles are
    /// gone.
    ///
    /// The walk itself only reads folder entries (names and types); `stat`, which costs a
    /// system call per file, runs on every core afterwards.
    pub fn list(&self) -> Result<Listing, ListError> {
        use rayon::prelude::*;
        let mut listing = Listing::default();
        let mut candidates = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !e.file_type().is_dir()
                    || (!e.file_name().to_string_lossy().starts_with('.') && !self.is_skipped(e))
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
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
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

/// The id of the article at `rel` (see [`crate::article::article_id`]). A file name that is
/// not UTF-8 (GBK names from a Windows share, say) keeps every byte, the others written
/// `%XX`: two such names never fall into one id, as replacing them with `�` would make them.
pub fn article_id(rel: &Path) -> String {
    let name = rel.file_name().unwrap_or(rel.as_os_str());
    crate::article::article_id(&lossless(name.as_encoded_bytes()))
}

/// UTF-8 as it is; any byte of invalid UTF-8 as `%XX`.
fn lossless(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path as logs and reports show it: one line, readable.
///
/// Control characters are escaped (a newline in a file name would otherwise forge a log
/// line), and a name that is not UTF-8 is read as GB18030, the legacy encoding of Chinese
/// file names, or else has its invalid bytes written `\xXX`.
pub fn shown(path: &Path) -> Shown<'_> {
    Shown(path)
}

pub struct Shown<'a>(&'a Path);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bytes = self.0.as_os_str().as_encoded_bytes();
        let text: Cow<str> = match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(decoded) => decoded,
                None => Cow::Owned(
                    bytes
                        .utf8_chunks()
                        .map(|c| {
                            let bad: String =
                                c.invalid().iter().map(|b| format!("\\x{b:02X}")).collect();
                            format!("{}{bad}", c.valid())
                        })
                        .collect(),
                ),
            },
        };
        for c in text.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
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
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// An I/O error as a short reason ("permission denied"), without the OS error number.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "no such file".into(),
        _ => e.to_string(),
    }
}

/// An article's text and how it was decoded. UTF-8, nearly every file, is borrowed from the
/// bytes read; other encodings are decoded into a new string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    pub text: Cow<'a, str>,
    /// The encoding's name as `check` shows it (`UTF-8`, `GB18030`, ...).
    pub encoding: &'static str,
    pub warnings: Vec<Warning>,
}

/// Why a file could not be read as an article.
#[derive(Debug)]
pub enum ReadError {
    /// The file is no article (too large, not text, not a regular file, outside the folder):
    /// reported and left out until it changes.
    Rejected(Rejection),
    /// The system could not read it just now (out of file descriptors or memory, say): the
    /// file is read again soon, and nothing is concluded about it meanwhile.
    Busy(io::Error),
}

impl From<Rejection> for ReadError {
    fn from(r: Rejection) -> ReadError {
        ReadError::Rejected(r)
    }
}

/// Whether an I/O error says the system is short of something for a while, not that the file
/// is unreadable: a flood of connections can take every file descriptor for a second.
pub fn is_transient(e: &io::Error) -> bool {
    use rustix::io::Errno;
    matches!(
        e.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::OutOfMemory
    ) || matches!(
        Errno::from_io_error(e),
        Some(Errno::MFILE | Errno::NFILE | Errno::NOMEM | Errno::NOBUFS | Errno::AGAIN)
    )
}

fn read_error(e: io::Error) -> ReadError {
    if is_transient(&e) {
        ReadError::Busy(e)
    } else {
        ReadError::Rejected(Rejection {
            line: 1,
            reason: format!("cannot read: {}", io_reason(&e)),
        })
    }
}

/// Opens an article file, checking what was opened rather than what was listed: the entry may
/// have been swapped since (a fifo, a device, a link to `/etc/passwd`).
///
/// The open never blocks (`O_NONBLOCK`: opening a fifo would wait for a writer forever), and
/// what it opened must be a regular file inside `root` (the articles folder, canonical),
/// judged from the open file itself (`/proc/self/fd` on Linux), so no swap between a check
/// and the open can lead elsewhere. The file the listing found inside the folder (`listed`,
/// its device and inode) needs no such check: it is that file still, wherever the path led.
pub fn open_article(
    path: &Path,
    root: &Path,
    listed: Option<(u64, u64)>,
) -> Result<fs::File, ReadError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(
            (rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY).bits() as i32,
        );
    }
    let file = options.open(path).map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    if !meta.is_file() {
        return Err(ReadError::Rejected(Rejection {
            line: 1,
            reason: "not a regular file (a fifo, socket or device)".into(),
        }));
    }
    if listed != file_identity(&meta) && !opened_inside(&file, path, root) {
        return Err(ReadError::Rejected(Rejection {
            line: 1,
            reason: "symbolic link to a file outside the articles folder".into(),
        }));
    }
    Ok(file)
}

/// A file's device and inode, from its metadata.
fn file_identity(meta: &fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Whether the open `file` (opened at `path`) lies inside `root`.
fn opened_inside(file: &fs::File, path: &Path, root: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(target) = fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return target.starts_with(root);
        }
    }
    let _ = file;
    fs::canonicalize(path).is_ok_and(|p| p.starts_with(root))
}

/// Reads one file into `buffer` (reused from file to file, so reading 10,000 files touches
/// no new memory) and decodes it. Files over `max_bytes` are rejected without being read.
/// `root` is the articles folder, canonical: see [`open_article`].
pub fn read<'b>(
    file: &SourceFile,
    root: &Path,
    max_bytes: u64,
    buffer: &'b mut Vec<u8>,
) -> Result<Text<'b>, ReadError> {
    let file = open_article(&file.path, root, file.stamp.identity())?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max_bytes {
        return Err(too_large(len, max_bytes).into());
    }
    buffer.clear();
    buffer.reserve(len as usize);
    // The file may grow while we read it: never take more than the cap.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(buffer)
        .map_err(read_error)?;
    if buffer.len() as u64 > max_bytes {
        return Err(too_large(buffer.len() as u64, max_bytes).into());
    }
    Ok(decode(buffer)?)
}

fn too_large(len: u64, max: u64) -> Rejection {
    Rejection {
        line: 1,
        reason: format!("file is {len} bytes, over the limit of {max} bytes (max_article_bytes)"),
    }
}

/// Decodes an article's bytes: UTF-8 (with or without byte-order mark), UTF-16 with a
/// byte-order mark, or, for bytes that are not UTF-8, the Chinese legacy encoding that
/// chardetng recognises (GB18030/GBK, or Big5).
pub fn decode(bytes: &[u8]) -> Result<Text<'_>, Rejection> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return if encoding == encoding_rs::UTF_8 {
            utf8(body, "UTF-8 (with BOM)")
        } else {
            let name = if encoding == UTF_16LE {
                "UTF-16LE"
            } else {
                "UTF-16BE"
            };
            strict(encoding, body, name)
        };
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(Rejection {
            line: line_at(bytes, at),
            reason: "not a text file: NUL byte".into(),
        });
    }
    utf8(bytes, "UTF-8").or_else(|utf8_error| {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
        let (encoding, name) = if guess == encoding_rs::GBK || guess == GB18030 {
            (GB18030, "GB18030")
        } else if guess == BIG5 {
            (BIG5, "Big5")
        } else {
            return Err(Rejection {
                line: utf8_error.line,
                reason: format!(
                    "not UTF-8, GB18030 or Big5 text ({}; it looks most like {})",
                    utf8_error.reason,
                    guess.name()
                ),
            });
        };
        strict(encoding, bytes, name)
    })
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1
}

/// UTF-8 text, validated with SIMD (Chinese text has no ASCII fast path), or why not.
fn utf8<'a>(bytes: &'a [u8], name: &'static str) -> Result<Text<'a>, Rejection> {
    let cut = match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Text {
                text: Cow::Borrowed(text),
                encoding: name,
                warnings: Vec::new(),
            });
        }
        Err(e) => e,
    };
    let line = line_at(bytes, cut.valid_up_to());
    // Cut inside the last character: a file still being written. Keep what is complete;
    // the next change event will bring the rest.
    if cut.error_len().is_none() {
        let complete = &bytes[..cut.valid_up_to()];
        return Ok(Text {
            text: Cow::Borrowed(simdutf8::basic::from_utf8(complete).unwrap_or_default()),
            encoding: name,
            warnings: vec![Warning {
                line,
                message: "the file ends inside a UTF-8 character (still being written?); \
                          the partial character was dropped"
                    .into(),
            }],
        });
    }
    Err(Rejection {
        line,
        reason: format!("invalid UTF-8 at byte {}", cut.valid_up_to()),
    })
}

fn strict<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    name: &'static str,
) -> Result<Text<'a>, Rejection> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Text {
            text,
            encoding: name,
            warnings: Vec::new(),
        }),
        None => Err(Rejection {
            line: 1,
            reason: format!("bytes that are not valid {name}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
