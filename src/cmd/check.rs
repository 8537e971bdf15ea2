//! `bifeed check`: what bifeed understood of every article file, and every problem as
//! `path:line: reason`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::collection::{FileOutcome, clash_message};
use crate::lang::Lang;
use crate::source::shown;

/// Counts for the closing line and the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub warnings: usize,
}

/// Writes the report of `files`, given in the collection's order (so the same file wins an
/// id clash as in the feeds). Rejected files make `check` fail; warnings do not.
pub fn report(
    files: impl IntoIterator<Item = FileOutcome>,
    out: &mut dyn Write,
) -> io::Result<Counts> {
    let mut counts = Counts::default();
    let mut ids: HashMap<String, PathBuf> = HashMap::new();
    let mut clashes = Vec::new();
    for file in files {
        counts.files += 1;
        let path = shown(&file.path);
        let parsed = match &file.result {
            Err(_) => {
                counts.rejected += 1;
                for problem in file.problems() {
                    writeln!(out, "{problem}")?;
                }
                continue;
            }
            Ok(parsed) => parsed,
        };
        counts.accepted += 1;
        let a = &parsed.article;
        writeln!(out, "{path}: ok ({})", file.encoding.unwrap_or("?"))?;
        writeln!(out, "  id:       {}", a.id)?;
        writeln!(
            out,
            "  date:     {}  (from the {})",
            a.date.format("%Y-%m-%d %H:%M:%S %:z"),
            a.date_source
        )?;
        match &a.link {
            Some(link) => writeln!(out, "  link:     {link}")?,
            None => writeln!(
                out,
                "  link:     none (the item links to its page on the site)"
            )?,
        }
        if let Some(views) = a.views {
            writeln!(out, "  views:    {views}")?;
        }
        for lang in Lang::ALL {
            let Some(v) = a.version(lang) else {
                writeln!(out, "  {lang}:       (no {lang} version)")?;
                continue;
            };
            writeln!(out, "  {lang} title: {}", v.title)?;
            if let Some(subheading) = &v.subheading {
                writeln!(out, "  {lang} subheading: {subheading}")?;
            }
            if v.authors.is_empty() {
                writeln!(
                    out,
                    "  {lang} author: none in the byline (the feed's author)"
                )?;
            } else {
                writeln!(
                    out,
                    "  {lang} author: {}",
                    v.authors.join(lang.list_separator())
                )?;
            }
            writeln!(
                out,
                "  {lang} keywords: {} ({})",
                v.feed_keywords().join(", "),
                v.keywords_from
            )?;
            writeln!(out, "  {lang} paragraphs: {}", v.paragraphs.len())?;
        }
        for problem in file.problems() {
            counts.warnings += 1;
            writeln!(out, "{problem}")?;
        }
        if let Some(earlier) = ids.insert(a.id.clone(), file.path.clone()) {
            clashes.push(clash_message(&earlier, &a.id, &file.path));
        }
    }
    for clash in clashes {
        counts.warnings += 1;
        writeln!(out, "{clash}")?;
    }
    writeln!(
        out,
        "{} files: {} accepted, {} rejected, {} warnings",
        counts.files, counts.accepted, counts.rejected, counts.warnings
    )?;
    Ok(counts)
}

/// `bifeed check`: reads every article and reports what it found, without writing anything;
/// fails when a file is rejected.
pub fn run(config: Option<PathBuf>, articles: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let sources = crate::config::Sources {
        file: config,
        articles,
        ..Default::default()
    };
    let config = sources.load()?;
    let files = crate::collection::outcomes(&config)
        .with_context(|| format!("checking {}", config.articles.display()))?;
    let counts = report(files, &mut std::io::stdout().lock())?;
    Ok(if counts.rejected > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
