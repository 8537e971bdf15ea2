//! Reading an article file: opened without blocking, checked to be the regular file inside
//! the folder that was listed, bounded in size, then decoded.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use super::SourceFile;
use super::decode::{Text, decode};
use crate::diagnostic::Rejection;

/// An I/O error as a short reason ("permission denied"), without the OS error number.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "no such file".into(),
        _ => e.to_string(),
    }
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
