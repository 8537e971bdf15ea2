//! `bifeed check`: what bifeed understood of every article file, and every problem as
//! `path:line: reason`.

use std::io::{self, Write};

use crate::Lang;
use crate::collection::{Collection, clash_message};

/// Counts for the closing line and the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub warnings: usize,
}

/// Writes the report. Rejected files make `check` fail; warnings do not.
pub fn report(collection: &Collection, out: &mut dyn Write) -> io::Result<Counts> {
    let mut counts = Counts::default();
    for file in collection.files() {
        counts.files += 1;
        let path = file.path.display();
        let parsed = match &file.result {
            Err(rejection) => {
                counts.rejected += 1;
                writeln!(
                    out,
                    "{path}:{}: rejected: {}",
                    rejection.line, rejection.reason
                )?;
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
            None => writeln!(out, "  link:     none")?,
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
            writeln!(
                out,
                "  {lang} keywords: {} ({})",
                v.feed_keywords().join(", "),
                v.keywords_from
            )?;
            writeln!(out, "  {lang} paragraphs: {}", v.paragraphs.len())?;
        }
        for w in &parsed.warnings {
            counts.warnings += 1;
            writeln!(out, "{path}:{}: warning: {}", w.line, w.message)?;
        }
    }
    for (loser, winner) in collection.superseded() {
        counts.warnings += 1;
        let message = clash_message(loser, winner).replacen(": id", ": warning: id", 1);
        writeln!(out, "{message}")?;
    }
    writeln!(
        out,
        "{} files: {} accepted, {} rejected, {} warnings",
        counts.files, counts.accepted, counts.rejected, counts.warnings
    )?;
    Ok(counts)
}
