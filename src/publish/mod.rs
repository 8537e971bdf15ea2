//! Publishing: putting rendered documents where readers fetch them: the output folder (see
//! [`folder`] for how a file is replaced atomically), then, with `publish:` in the config,
//! object storage ([`store`]), which copies the folder as it stands after each build rather
//! than rendering again, so that what the bucket holds is always what the folder held.

pub mod folder;
pub mod store;
pub mod websub;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rustc_hash::FxHashSet;

use crate::lang::Lang;
use crate::render::FeedFile;
use crate::selection;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot write {}: {error}", crate::source::shown(path))]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// `Cache-Control` of the archive documents that no longer take new articles.
pub const ARCHIVE_CACHE_CONTROL: &str = "public, max-age=86400";

/// Whether `rel` is (or is the gzip copy of) an archive document (RFC 5005) older than its
/// language's newest, among the published `files`. Those change only when an article of
/// their month is edited, so clients and caches may keep them a day; the newest takes every
/// article that leaves the feed, so it is kept no longer than the feed.
pub fn is_settled_archive(rel: &str, files: &BTreeSet<String>) -> bool {
    let mut parts = rel.splitn(3, '/');
    let (Some(lang), Some(selection::ARCHIVE_DIR), Some(rest)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let prefix = format!("{lang}/{}/", selection::ARCHIVE_DIR);
    let newest = files
        .range(prefix.clone()..)
        .take_while(|f| f.starts_with(&prefix))
        .last()
        .and_then(|f| f[prefix.len()..].split('/').next());
    let month = rest.split('/').next();
    newest.is_some() && newest != month
}

/// What one round of publishing changed, as paths relative to the output folder.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
}

/// What the output folder publishes: the folder (canonical), and the files bifeed wrote
/// there (relative to it). `serve` serves these and nothing else, from wherever the config
/// last put them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    pub folder: PathBuf,
    pub files: BTreeSet<String>,
    /// What the feeds advertise, sent with them as HTTP `Link`s: their WebSub hubs...
    pub hubs: Vec<url::Url>,
    /// ...and the base of their self links.
    pub base_url: url::Url,
}

impl Outputs {
    pub fn new(folder: &Path, files: BTreeSet<String>, site: &crate::site::Site) -> Outputs {
        Outputs {
            folder: std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf()),
            files,
            hubs: site.hubs.clone(),
            base_url: site.base_url.clone(),
        }
    }

    /// The `Link` header a feed at `rel` is sent with (WebSub, section 4): its hubs and its
    /// own URL, as its `atom:link`s name them; `None` when it names no hub.
    pub fn feed_links(&self, rel: &str) -> Option<String> {
        if self.hubs.is_empty() {
            return None;
        }
        let own = self.base_url.join(rel).ok()?;
        let links: Vec<String> = self
            .hubs
            .iter()
            .map(|hub| format!("<{hub}>; rel=\"hub\""))
            .chain([format!("<{own}>; rel=\"self\"")])
            .collect();
        Some(links.join(", "))
    }

    /// Before the first build of this run: the files every build writes.
    pub fn expected(folder: &Path, site: &crate::site::Site) -> Outputs {
        let feeds = Lang::ALL.into_iter().flat_map(|lang| {
            let files: Vec<String> = selection::Feed::language(lang).files().collect();
            files
                .into_iter()
                .flat_map(|path| [format!("{path}.gz"), path])
        });
        let files = feeds
            .chain([
                selection::INDEX_PAGE.to_string(),
                format!("{}.gz", selection::INDEX_PAGE),
                selection::OPML_FILE.to_string(),
                selection::TOPICS_OPML_FILE.to_string(),
            ])
            .collect();
        Outputs::new(folder, files, site)
    }
}

/// Writes rendered files into the output folder, and next to every feed a gzip copy
/// (`zh/rss.xml.gz`) that `serve` sends to clients that accept gzip.
///
/// Only files whose bytes changed are written, and all of them are first written to
/// temporary files: if any of those writes fails (a full disk, say), nothing is replaced and
/// every previous file stays as it was. Then each is renamed over the old one.
pub fn publish(out: &Path, files: &[FeedFile]) -> Result<Written, PublishError> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| PublishError::Write { path, error }
    };
    // Every folder a file is written to: a crash there may have left a temporary file.
    let mut dirs: BTreeSet<PathBuf> = std::iter::once(out.to_path_buf())
        .chain(Lang::ALL.iter().flat_map(|l| {
            [
                out.join(l.dir()),
                out.join(l.dir()).join(selection::PAGES_DIR),
            ]
        }))
        .collect();
    dirs.extend(
        files
            .iter()
            .filter_map(|f| Path::new(&f.path).parent().map(|p| out.join(p))),
    );
    for dir in dirs {
        folder::remove_stale_temp_files(&dir).map_err(write_error(&dir))?;
    }
    // Files (and the gzip copy of each feed) are staged on `STAGING_THREADS` threads. Most
    // of a stage is waiting for the disk to confirm a sync; threads let those waits overlap,
    // which a pool sized to the cores would not. The bound keeps a build with a thousand new
    // article pages from taking a thousand file descriptors at once (and threads). Each
    // thread takes the next file as soon as it is done with one: groups of files started
    // together waited for their slowest (a large feed's gzip copy) with the disk idle, and
    // writing a day's import took 11 % longer.
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = STAGING_THREADS.min(files.len());
    let mut staged: Vec<(usize, Result<StagedFile, PublishError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        let result = stage_file(out, file);
                        if result.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        done.push((i, result));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    // In the files' order, so that the first error reported is the first file's.
    staged.sort_unstable_by_key(|(i, _)| *i);
    let staged_files = staged
        .into_iter()
        .map(|(_, result)| result)
        .collect::<Result<Vec<_>, _>>()?;
    let mut summary = Written::default();
    let mut commits = Vec::with_capacity(files.len() * 2);
    for (file, staged) in files.iter().zip(staged_files) {
        match staged.file {
            Some(s) => {
                commits.push((out.join(&file.path), s));
                summary.written.push(file.path.clone());
            }
            None => summary.unchanged.push(file.path.clone()),
        }
        if let Some(gz) = staged.gz {
            commits.push((out.join(format!("{}.gz", file.path)), gz));
        }
    }
    for (path, s) in commits {
        s.commit()
            .map_err(|error| PublishError::Write { path, error })?;
    }
    Ok(summary)
}

/// Removes the article pages that `pages` (paths relative to `out`) no longer holds: their
/// article was removed, lost a language, or gained a source link. Only `.html` files in the
/// pages folders are bifeed's to remove.
pub fn remove_stale_pages(
    out: &Path,
    pages: &FxHashSet<String>,
) -> Result<Vec<String>, PublishError> {
    let mut removed = Vec::new();
    for lang in Lang::ALL {
        let rel_dir = format!("{}/{}", lang.dir(), selection::PAGES_DIR);
        let dir = out.join(&rel_dir);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(PublishError::Write { path: dir, error }),
        };
        for entry in entries {
            let entry = entry.map_err(|error| PublishError::Write {
                path: dir.clone(),
                error,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{rel_dir}/{name}");
            if !name.ends_with(".html") || crate::source::is_hidden(&name) || pages.contains(&rel) {
                continue;
            }
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed.push(rel),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => {
                    return Err(PublishError::Write {
                        path: entry.path(),
                        error,
                    });
                }
            }
        }
    }
    removed.sort();
    Ok(removed)
}

/// The topic feeds a language has published: the folders of its topics folder named as a
/// topic is (see [`selection::topic_slug`]). A topic that falls below the threshold keeps its
/// feed while it has an article, so its subscribers are not left with a 404.
pub fn published_topics(out: &Path, lang: Lang) -> FxHashSet<String> {
    let dir = out.join(lang.dir()).join(selection::TOPICS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return FxHashSet::default();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let is_dir = entry.file_type().ok()?.is_dir();
            (is_dir && selection::topic_slug(&name).as_deref() == Some(name.as_str()))
                .then_some(name)
        })
        .collect()
}

/// The archive documents a language has published: the months of the folders of its
/// archive folder named as a month is (`2024-05`).
fn published_archives(out: &Path, lang: Lang) -> Vec<selection::Month> {
    let dir = out.join(lang.dir()).join(selection::ARCHIVE_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let (year, month) = name.split_once('-')?;
            let month = selection::Month {
                year: year.parse().ok()?,
                month: month.parse().ok()?,
            };
            (entry.file_type().ok()?.is_dir() && month.slug() == name).then_some(month)
        })
        .collect()
}

/// Removes the topic feeds and archive documents whose folder (`zh/topics/<topic>`,
/// `zh/archive/<month>`, relative to `out`) `keep` does not hold: their topic has no article
/// left (or topic feeds were turned off), their month's articles are all in the feed now (or
/// gone). Only the files bifeed writes there are removed, then the folder if that left it
/// empty.
pub fn remove_stale_feeds(
    out: &Path,
    keep: &FxHashSet<String>,
) -> Result<Vec<String>, PublishError> {
    let mut removed = Vec::new();
    for lang in Lang::ALL {
        let topics = published_topics(out, lang).into_iter().map(|slug| {
            let name = slug.clone();
            selection::Feed::topic(lang, selection::TopicName { slug, name })
        });
        let archives = published_archives(out, lang)
            .into_iter()
            .map(|month| selection::Feed::archive(lang, month));
        for feed in topics.chain(archives) {
            let folder = feed.folder();
            if keep.contains(&folder) {
                continue;
            }
            for rel in feed.files() {
                for rel in [format!("{rel}.gz"), rel] {
                    let path = out.join(&rel);
                    match std::fs::remove_file(&path) {
                        Ok(()) if !rel.ends_with(".gz") => removed.push(rel),
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(error) => return Err(PublishError::Write { path, error }),
                    }
                }
            }
            let dir = out.join(&folder);
            folder::remove_stale_temp_files(&dir).map_err(|error| PublishError::Write {
                path: dir.clone(),
                error,
            })?;
            // Left in place when it holds anything else.
            let _ = std::fs::remove_dir(&dir);
        }
    }
    removed.sort();
    Ok(removed)
}

/// Files staged at once: each holds a temporary file (two for a feed) until all are
/// committed, so this bounds the file descriptors a build takes beyond what it reads.
const STAGING_THREADS: usize = 16;

/// A file staged for publishing, and its gzip copy if it is a feed that needs a new one.
struct StagedFile {
    file: Option<folder::Staged>,
    gz: Option<folder::Staged>,
}

fn stage_file(out: &Path, file: &FeedFile) -> Result<StagedFile, PublishError> {
    let path = out.join(&file.path);
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| PublishError::Write { path, error }
    };
    let staged = folder::stage(&path, &file.bytes).map_err(error(&path))?;
    let gz_path = out.join(format!("{}.gz", file.path));
    let gz = if selection::has_gzip_copy(&file.path)
        && (staged.is_some() || !holds(&gz_path, &file.bytes))
    {
        let compressed = gzip(&file.bytes).map_err(error(&gz_path))?;
        folder::stage(&gz_path, &compressed).map_err(error(&gz_path))?
    } else {
        None
    };
    Ok(StagedFile { file: staged, gz })
}

/// Whether the gzip file at `path` holds `bytes`, from its trailer alone: the CRC-32 and
/// length of what it decompresses to.
///
/// A feed and its gzip copy are two renames; a process killed between them leaves a new feed
/// beside the old copy, and the next build, finding the feed unchanged, must still see that
/// the copy is not.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut trailer = [0u8; 8];
    let read = std::fs::File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::End(-8))?;
        f.read_exact(&mut trailer)
    });
    // ISIZE is the length modulo 2^32, as the gzip format stores it.
    read.is_ok()
        && trailer[..4] == crc32fast::hash(bytes).to_le_bytes()
        && trailer[4..] == (bytes.len() as u32).to_le_bytes()
}

/// Deterministic gzip: no file name or time in the header.
fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    // Level 4, not the default 6: on real feeds 0.8 % more bytes for about a third less
    // time, and compressing is most of what writing a topic feed costs (at 100,000 articles
    // a day's import rewrites 150 of them). Feeds of every article run to tens of megabytes,
    // where even that costs a second per feed; those get the fast level. The level depends
    // on the size alone, so the output stays deterministic.
    let level = if bytes.len() > 4 << 20 {
        flate2::Compression::fast()
    } else {
        flate2::Compression::new(4)
    };
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::with_capacity(bytes.len() / 4), level);
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir`, relative path → bytes.
    fn contents(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    fn feeds(count: usize, text: &str) -> Vec<FeedFile> {
        (0..count)
            .map(|i| FeedFile {
                path: format!("zh/topics/t{i:03}/rss.xml"),
                bytes: format!("<rss>{text} {i}</rss>").into_bytes(),
            })
            .collect()
    }

    #[test]
    #[cfg(unix)]
    fn many_files_are_all_written_or_none_replaced() {
        let out = tempfile::tempdir().unwrap();
        // More files than are staged at once, so that threads take several each.
        let count = STAGING_THREADS * 3 + 5;
        let first = feeds(count, "first");
        let written = publish(out.path(), &first).unwrap();
        assert_eq!(written.written.len(), count);
        let before = contents(out.path());
        // Each feed and its gzip copy, the copy decompressing to the feed.
        assert_eq!(before.len(), 2 * count);
        for file in &first {
            let gz = &before[&format!("{}.gz", file.path)];
            let mut plain = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain)
                .unwrap();
            assert_eq!(plain, file.bytes, "{}", file.path);
        }

        // One file in the middle cannot be staged (its folder is a link to nowhere): the
        // build fails naming it, and not one of the others is replaced, nor a temporary file
        // left.
        let mut second = feeds(count, "second");
        let bad = count / 2;
        std::os::unix::fs::symlink("/nonexistent/bifeed", out.path().join("zh/topics/gone"))
            .unwrap();
        second[bad].path = "zh/topics/gone/rss.xml".to_string();
        let error = publish(out.path(), &second).unwrap_err().to_string();
        assert!(error.contains("zh/topics/gone/rss.xml"), "{error}");
        assert_eq!(contents(out.path()), before);
    }
}
