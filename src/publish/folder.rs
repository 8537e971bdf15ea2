//! Writing files into the output folder: atomically, and only what changed.
//!
//! A feed reader may fetch a feed at any moment, and bifeed may be killed at any moment, so a
//! file is never written in place: the new bytes go to a temporary file in the same folder,
//! which is then renamed over the old one (an atomic replace on POSIX file systems). A file
//! whose bytes are unchanged is left alone, so its mtime, and every HTTP validator derived from
//! it, stays put.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Prefix and suffix of bifeed's temporary files, so stale ones can be recognised.
const TEMP_PREFIX: &str = ".bifeed-";
const TEMP_SUFFIX: &str = ".tmp";

/// New bytes for a file, written and synced to a temporary file beside it, not yet in place.
/// Dropping it deletes the temporary file and leaves the old file as it was.
#[derive(Debug)]
pub struct Staged {
    /// Closed once written: a build that stages a thousand pages holds no thousand files open.
    temp: tempfile::TempPath,
    target: std::path::PathBuf,
}

impl Staged {
    /// Puts the new bytes in place: one rename, atomic on POSIX file systems.
    pub fn commit(self) -> io::Result<()> {
        self.temp.persist(&self.target).map_err(|e| e.error)
    }
}

/// Gives the new version of a file a modification time at least a whole second after the old
/// one's.
///
/// HTTP's `Last-Modified` counts whole seconds, and two versions written within one second
/// would share it, so a client asking `If-Modified-Since` would be told the newer one is not
/// modified. Set on the temporary file, before the rename: set after it, a reader fetching in
/// between would get the new bytes under the old date.
fn later_than(file: &fs::File, old: std::time::SystemTime) -> io::Result<()> {
    let whole_second = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    let new = file.metadata()?.modified()?;
    if whole_second(new) <= whole_second(old) {
        file.set_modified(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(whole_second(old) + 1),
        )?;
    }
    Ok(())
}

/// Stages `bytes` for `path`; `None` when the file already holds exactly those bytes.
///
/// Staging every file of a build before committing any lets a build that fails halfway (a
/// full disk, say) leave all the old files in place, not a mix of old and new.
pub fn stage(path: &Path, bytes: &[u8]) -> io::Result<Option<Staged>> {
    let old = fs::metadata(path).ok();
    if let Some(meta) = &old
        && meta.len() == bytes.len() as u64
        && fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(None);
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // Feeds are published files: readable by the web server, whoever it runs as.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(dir)?;
    // Through the plain file: its errors say what went wrong without the temporary's name.
    temp.as_file_mut().write_all(bytes)?;
    // Without the sync, a power cut after the rename could leave an empty file behind it.
    // (The data and its size; the times and permissions need no sync for that.)
    temp.as_file().sync_data()?;
    if let Some(replaced) = old.and_then(|m| m.modified().ok()) {
        later_than(temp.as_file(), replaced)?;
    }
    Ok(Some(Staged {
        temp: temp.into_temp_path(),
        target: path.to_path_buf(),
    }))
}

/// The lock file in the output folder: only one bifeed writes a folder at a time.
const LOCK_FILE: &str = ".bifeed.lock";

/// The output folder, held: another bifeed that tries to write it is refused, naming this
/// process. Released when dropped, or when the process dies however it dies.
#[derive(Debug)]
pub struct Lock {
    _file: fs::File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another bifeed ({holder}) is writing {}; stop it first, or give this one another \
         output folder",
        crate::source::shown(folder)
    )]
    Held {
        folder: std::path::PathBuf,
        holder: String,
    },
    #[error(
        "cannot lock the output folder {}: {error}",
        crate::source::shown(folder)
    )]
    Io {
        folder: std::path::PathBuf,
        error: io::Error,
    },
}

impl Lock {
    /// Takes the output folder `folder` (created if missing), or says who holds it.
    pub fn take(folder: &Path) -> Result<Lock, LockError> {
        let io = |error| LockError::Io {
            folder: folder.to_path_buf(),
            error,
        };
        fs::create_dir_all(folder).map_err(io)?;
        let path = folder.join(LOCK_FILE);
        let mut file = fs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path)
                    .ok()
                    .map(|text| text.trim().to_string())
                    .filter(|text| !text.is_empty())
                    .unwrap_or_else(|| "a process that did not say its pid".into());
                return Err(LockError::Held {
                    folder: folder.to_path_buf(),
                    holder,
                });
            }
            Err(fs::TryLockError::Error(error)) => return Err(io(error)),
        }
        file.set_len(0).map_err(io)?;
        writeln!(file, "pid {}", std::process::id()).map_err(io)?;
        Ok(Lock { _file: file })
    }
}

/// Deletes temporary files left in `dir` by a bifeed process that was killed mid-write.
/// Returns how many were removed.
pub fn remove_stale_temp_files(dir: &Path) -> io::Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && entry.file_type()?.is_file()
        {
            match fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Written {
        Changed,
        Unchanged,
    }

    /// One file published on its own, as `build::publish` does for each.
    fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<Written> {
        match stage(path, bytes)? {
            Some(staged) => staged.commit().map(|()| Written::Changed),
            None => Ok(Written::Unchanged),
        }
    }

    #[test]
    fn writes_then_leaves_identical_bytes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zh/rss.xml");
        assert_eq!(write_if_changed(&path, b"one").unwrap(), Written::Changed);
        let first_mtime = fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(write_if_changed(&path, b"one").unwrap(), Written::Unchanged);
        assert_eq!(
            fs::metadata(&path).unwrap().modified().unwrap(),
            first_mtime
        );
        assert_eq!(write_if_changed(&path, b"two").unwrap(), Written::Changed);
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("zh")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rss.xml");
        write_if_changed(&path, b"x").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }

    #[test]
    fn staged_files_change_nothing_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rss.xml");
        fs::write(&path, "old").unwrap();
        assert!(
            stage(&path, b"old").unwrap().is_none(),
            "same bytes: nothing to stage"
        );
        let staged = stage(&path, b"new").unwrap().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"old");
        drop(staged);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the temporary file is gone"
        );
        stage(&path, b"new").unwrap().unwrap().commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }

    /// A reader may fetch the file the moment it is renamed in: it must already carry the later
    /// date then, or it is served its new bytes under the old `Last-Modified`.
    #[test]
    fn a_new_version_is_dated_a_second_later_from_the_moment_it_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rss.xml");
        fs::write(&path, "old").unwrap();
        let old = fs::metadata(&path).unwrap().modified().unwrap();
        let old_second = old.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let staged = stage(&path, b"new").unwrap().unwrap();
        let waiting = fs::metadata(&*staged.temp).unwrap().modified().unwrap();
        let waiting_second = waiting
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(waiting_second > old_second, "dated before the rename");
        staged.commit().unwrap();
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), waiting);
    }

    #[test]
    fn stale_temp_files_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".bifeed-abc123.tmp"), "partial").unwrap();
        fs::write(dir.path().join("rss.xml"), "feed").unwrap();
        fs::write(dir.path().join("notes.tmp"), "mine").unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 1);
        assert!(dir.path().join("rss.xml").exists());
        assert!(dir.path().join("notes.tmp").exists());
        assert_eq!(
            remove_stale_temp_files(&dir.path().join("missing")).unwrap(),
            0
        );
    }
}
