//! The one-shot pipeline: list → read → parse → render → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};

use crate::Lang;
use crate::article::{self, Article, Parsed, Rejection};
use crate::config::Config;
use crate::feed::{self, FeedFile};
use crate::output::{self, Written};
use crate::source::{self, ListError, SourceFile};

/// One file of the articles folder and what became of it.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The path as the user gave it (articles folder + path inside it), for messages.
    pub path: PathBuf,
    /// Path inside the articles folder.
    pub rel: PathBuf,
    /// How the bytes were decoded, when they were.
    pub encoding: Option<&'static str>,
    pub result: Result<Parsed, Rejection>,
}

/// Every article file of a folder, read and parsed, in path order.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    pub files: Vec<FileOutcome>,
    /// Files whose id a later file also uses: `(loser, winner)` indices into `files`.
    pub superseded: Vec<(usize, usize)>,
}

impl Collection {
    /// Builds the collection from outcomes in any order.
    pub fn new(mut files: Vec<FileOutcome>) -> Collection {
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        let superseded = clashes(&files);
        Collection { files, superseded }
    }

    /// The articles that go into the feeds: accepted, and not superseded by a later file
    /// with the same id.
    pub fn articles(&self) -> Vec<&Article> {
        self.files
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.superseded.iter().any(|(loser, _)| loser == i))
            .filter_map(|(_, f)| f.result.as_ref().ok().map(|p| &p.article))
            .collect()
    }

    pub fn rejected(&self) -> usize {
        self.files.iter().filter(|f| f.result.is_err()).count()
    }

    /// Logs every rejection, warning and id clash as `path:line: reason`.
    pub fn log_problems(&self) {
        for file in &self.files {
            match &file.result {
                Err(r) => {
                    tracing::warn!("{}:{}: rejected: {}", file.path.display(), r.line, r.reason)
                }
                Ok(parsed) => {
                    for w in &parsed.warnings {
                        tracing::warn!("{}:{}: {}", file.path.display(), w.line, w.message);
                    }
                }
            }
        }
        for &(loser, winner) in &self.superseded {
            tracing::warn!("{}", clash_message(&self.files[loser], &self.files[winner]));
        }
    }
}

pub fn clash_message(loser: &FileOutcome, winner: &FileOutcome) -> String {
    let id = loser.result.as_ref().map_or("", |p| p.article.id.as_str());
    format!(
        "{}:1: id {id} is also used by {}, which wins; this file is left out",
        loser.path.display(),
        winner.path.display()
    )
}

/// Pairs of accepted files with the same id: the later path wins.
fn clashes(files: &[FileOutcome]) -> Vec<(usize, usize)> {
    let mut by_id: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let Ok(parsed) = &file.result else { continue };
        if let Some(earlier) = by_id.insert(parsed.article.id.as_str(), i) {
            out.push((earlier, i));
        }
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    List(#[from] ListError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--strict: {0} article file(s) rejected; nothing was written")]
    Strict(usize),
}

/// Lists and reads the articles folder.
pub fn load(config: &Config) -> Result<Collection, BuildError> {
    let listing = source::list(&config.articles, std::slice::from_ref(&config.output))?;
    let mut files: Vec<FileOutcome> = listing
        .files
        .iter()
        .map(|file| read_article(file, config))
        .collect();
    files.extend(listing.unusable.into_iter().map(|u| FileOutcome {
        path: u.path,
        rel: u.rel,
        encoding: None,
        result: Err(Rejection {
            line: 1,
            reason: u.reason,
        }),
    }));
    Ok(Collection::new(files))
}

/// Reads, decodes and parses one article file.
pub fn read_article(file: &SourceFile, config: &Config) -> FileOutcome {
    let mut encoding = None;
    let result = source::read(&file.path, config.max_article_bytes).and_then(|text| {
        encoding = Some(text.encoding);
        let name = file
            .rel
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let ctx = article::Context {
            id: article::article_id(&name),
            file_time: file_time(file, config.timezone),
        };
        let mut parsed = article::parse(&text.text, &ctx)?;
        parsed.warnings.splice(0..0, text.warnings);
        Ok(parsed)
    });
    FileOutcome {
        path: file.path.clone(),
        rel: file.rel.clone(),
        encoding,
        result,
    }
}

/// The file's modification time in the articles' zone, to the second (feed dates carry no
/// fractions).
fn file_time(file: &SourceFile, zone: FixedOffset) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from(file.modified)
        .with_timezone(&zone)
        .trunc_subsecs(0)
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub articles: usize,
    pub rejected: usize,
    pub zh_items: usize,
    pub en_items: usize,
    /// Feed files rewritten (paths relative to the output folder).
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} articles (zh {}, en {}), {} rejected; {} feed files written, {} unchanged, in {} ms",
            self.articles,
            self.zh_items,
            self.en_items,
            self.rejected,
            self.written.len(),
            self.unchanged.len(),
            self.elapsed.as_millis()
        )
    }
}

/// `bifeed build`: reads the articles folder and writes the four feeds.
pub fn build(config: &Config, strict: bool) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let collection = load(config)?;
    collection.log_problems();
    let rejected = collection.rejected();
    if strict && rejected > 0 {
        return Err(BuildError::Strict(rejected));
    }
    let mut summary = render_and_publish(config, &collection)?;
    summary.rejected = rejected;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Renders the feeds of `collection` and writes those whose bytes changed.
pub fn render_and_publish(config: &Config, collection: &Collection) -> Result<Summary, BuildError> {
    let articles = collection.articles();
    let files = feed::render(&config.site, &articles, config.limit);
    let mut summary = publish(&config.output, &files)?;
    summary.articles = articles.len();
    let count = |lang| {
        articles
            .iter()
            .filter(|a| a.version(lang).is_some())
            .count()
    };
    summary.zh_items = count(Lang::Zh);
    summary.en_items = count(Lang::En);
    Ok(summary)
}

/// Writes rendered files into the output folder, each atomically and only if changed.
pub fn publish(out: &Path, files: &[FeedFile]) -> Result<Summary, BuildError> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BuildError::Write { path, source }
    };
    for lang in Lang::ALL {
        let dir = out.join(lang.dir());
        output::remove_stale_temp_files(&dir).map_err(write_error(&dir))?;
    }
    let mut summary = Summary::default();
    for file in files {
        let path = out.join(&file.path);
        match output::write_if_changed(&path, &file.bytes).map_err(write_error(&path))? {
            Written::Changed => summary.written.push(file.path.clone()),
            Written::Unchanged => summary.unchanged.push(file.path.clone()),
        }
    }
    Ok(summary)
}
