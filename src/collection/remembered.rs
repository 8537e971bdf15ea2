//! What the collection remembers between runs, for the articles cache (`crate::cache`): per
//! article file its stamp and what reading it yielded, so that the next run reads only the
//! files that changed.
//!
//! A record is trusted only when its file had settled well before the listing that took its
//! stamp began: git's "racily clean" rule. A file written again in the same tick of the
//! file system's clock as the write the stamp saw could keep size and times; such a file is
//! read again rather than trusted.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Accepted, Collection, Entry};
use crate::diagnostic::{Diagnostic, Rejection, Warning};
use crate::source::{Stamp, StampParts};

/// How long before a listing began a file must have been last written (and changed) for its
/// record to be trusted: coarser than the coarsest file system clock (FAT's 2 s) and than the
/// clock difference with a file server. `BIFEED_CACHE_SETTLED_MS` sets another, for tests
/// whose files were all written a moment before the build.
const SETTLED: Duration = Duration::from_secs(3);

pub(super) fn settled() -> Duration {
    static SET: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *SET.get_or_init(|| {
        std::env::var("BIFEED_CACHE_SETTLED_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(SETTLED, Duration::from_millis)
    })
}

/// The collection as the articles cache keeps it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Remembered {
    /// When the first listing of the files began (nanoseconds since 1970).
    listed_at: i128,
    /// The keywords the records point into.
    words: Vec<String>,
    records: Vec<Record>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// The path inside the articles folder; only names in UTF-8 are remembered.
    key: String,
    stamp: StampParts,
    state: Result<Kept, (usize, String)>,
    warnings: Vec<(usize, String)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Kept {
    id: String,
    /// The date as seconds and nanoseconds since 1970 and its zone's offset in seconds.
    date: (i64, u32, i32),
    zh: bool,
    en: bool,
    /// Places in [`Remembered::words`].
    keywords: [Vec<u32>; 2],
}

impl Collection {
    /// What the next run may take from this one. Articles without a source link are left
    /// out: their text is kept for their pages, so they are read anyway.
    pub fn remembered(&self) -> Remembered {
        let mut records: Vec<Record> = self
            .files
            .iter()
            .filter_map(|(key, entry)| {
                let key = key.to_str()?.to_owned();
                let stamp = entry.stamp?.to_parts();
                let state = match &entry.state {
                    Ok(a) if a.linkless => return None,
                    Ok(a) => Ok(Kept {
                        id: a.id.clone(),
                        date: (
                            a.date.timestamp(),
                            a.date.timestamp_subsec_nanos(),
                            a.date.offset().local_minus_utc(),
                        ),
                        zh: a.zh,
                        en: a.en,
                        keywords: a.keywords.clone().map(Vec::from),
                    }),
                    Err(r) => Err((r.line, r.reason.clone())),
                };
                let warnings = entry
                    .warnings
                    .iter()
                    .map(|w| (w.line, w.message.clone()))
                    .collect();
                Some(Record {
                    key,
                    stamp,
                    state,
                    warnings,
                })
            })
            .collect();
        // Same collection, same bytes.
        records.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        // Only the words some article still carries, numbered in the records' order: the
        // vocabulary also holds every word of every version of a file the watcher saw.
        let mut place: Vec<u32> = vec![u32::MAX; self.vocabulary.words.len()];
        let mut words: Vec<String> = Vec::new();
        for record in &mut records {
            let Ok(kept) = &mut record.state else {
                continue;
            };
            for ids in &mut kept.keywords {
                for id in ids.iter_mut() {
                    let Some(slot) = place.get_mut(*id as usize) else {
                        continue;
                    };
                    if *slot == u32::MAX {
                        *slot = words.len() as u32;
                        words.push(self.vocabulary.words[*id as usize].to_string());
                    }
                    *id = *slot;
                }
            }
        }
        Remembered {
            listed_at: self.listed_at.unwrap_or(0),
            words,
            records,
        }
    }

    /// Takes in the trustworthy records of `remembered`, before the first listing: a file
    /// whose stamp is still the remembered one is then not read again. The cache is keyed by
    /// the config and the program, so what reading a file yields is what it yielded then.
    pub(super) fn take_in(&mut self, remembered: Remembered, config: &crate::config::Config) {
        let trusted_before = remembered.listed_at - settled().as_nanos() as i128;
        // Before 1990 a file's time is implausible and its article dated by the clock.
        let plausible_from = NaiveDate::from_ymd_opt(1990, 1, 2)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |t| i128::from(t.and_utc().timestamp()) * 1_000_000_000);
        // The cache's places of words, as places in this collection's vocabulary.
        let places: Vec<u32> = remembered
            .words
            .iter()
            .map(|w| self.vocabulary.intern(w))
            .collect();
        self.files.reserve(remembered.records.len());
        for record in remembered.records {
            let stamp = Stamp::from_parts(record.stamp);
            if !stamp.settled_before(trusted_before) || record.stamp.1 < plausible_from {
                continue;
            }
            let path = config.articles.join(&record.key);
            let state = match record.state {
                Err((line, reason)) => Err(Rejection { line, reason }),
                Ok(kept) => {
                    let Some(date) = date_of(kept.date) else {
                        continue;
                    };
                    Ok(Accepted {
                        id: kept.id,
                        date,
                        zh: kept.zh,
                        en: kept.en,
                        linkless: false,
                        keywords: kept.keywords.map(|words| {
                            words
                                .iter()
                                .filter_map(|&w| places.get(w as usize).copied())
                                .collect()
                        }),
                        full: None,
                    })
                }
            };
            let entry = Entry {
                stamp: Some(stamp),
                path,
                state,
                warnings: record
                    .warnings
                    .into_iter()
                    .map(|(line, message)| Warning { line, message })
                    .collect(),
            };
            self.files.insert(OsString::from(record.key), entry);
        }
    }

    /// The problems of the files taken from the cache and not read again (`read`: the paths
    /// read), as the run that read them reported them.
    pub(super) fn remembered_problems(&self, read: &[PathBuf]) -> Vec<Diagnostic> {
        let read: rustc_hash::FxHashSet<&std::ffi::OsStr> =
            read.iter().map(|p| p.as_os_str()).collect();
        let mut problems = Vec::new();
        for (key, entry) in &self.files {
            if read.contains(key.as_os_str()) || entry.stamp.is_none() {
                continue;
            }
            if let Err(r) = &entry.state {
                problems.push(Diagnostic::rejected(&entry.path, r));
            }
            problems.extend(
                entry
                    .warnings
                    .iter()
                    .map(|w| Diagnostic::warning(&entry.path, Some(w.line), w.message.clone())),
            );
        }
        problems
    }
}

fn date_of((secs, nanos, offset): (i64, u32, i32)) -> Option<DateTime<FixedOffset>> {
    let zone = FixedOffset::east_opt(offset)?;
    Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&zone))
}
