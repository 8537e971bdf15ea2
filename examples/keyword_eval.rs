//! Keyword evaluation (not a test): how bifeed's extracted Chinese keywords compare with the
//! tags an editor gave the articles of `bench/keywords/` (see its README).
//!
//!     cargo run --release --example keyword_eval [-- --dump] [--editor FILE] [SET_DIR]
//!
//! Prints precision, the share of editor's tags found, and fragments (pieces of a tag rather
//! than the tag), for the tuning half (odd numbers) and the held-out half (even numbers), and
//! the cost: the median time to extract one article's keywords as a build pays it (each
//! article in turn) and repeated on one article, and the time of the very first extraction
//! (dictionary ready).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use bifeed::{Context, extract_keywords, parse};
use chrono::{FixedOffset, TimeZone};

/// An editor's tag: its acceptable forms.
type Tag = Vec<String>;

#[derive(Default, Clone, Copy)]
struct Score {
    keywords: usize,
    correct: usize,
    tags: usize,
    found: usize,
    fragments: usize,
    articles: usize,
}

impl Score {
    fn add(&mut self, keywords: &[String], tags: &[Tag]) {
        self.articles += 1;
        self.keywords += keywords.len();
        self.tags += tags.len();
        let is_form = |k: &str| tags.iter().any(|t| t.iter().any(|f| f == k));
        for k in keywords {
            if is_form(k) {
                self.correct += 1;
            } else if tags.iter().flatten().any(|f| {
                (f.len() > k.len() && f.contains(k.as_str()))
                    || (k.len() > f.len()
                        && k.contains(f.as_str())
                        && k.chars().count() <= f.chars().count() + 2)
            }) {
                self.fragments += 1;
            }
        }
        self.found += tags
            .iter()
            .filter(|t| t.iter().any(|f| keywords.contains(f)))
            .count();
    }

    fn row(&self, name: &str) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "| {name} | {:.1} % | {:.1} % | {} | {:.1} |",
            pct(self.correct, self.keywords),
            pct(self.found, self.tags),
            self.fragments,
            self.keywords as f64 / self.articles.max(1) as f64
        )
    }
}

/// The allocator `bifeed` runs with (see `src/main.rs`), so that the cost printed is what a
/// build pays (under glibc's malloc extraction took 2 % more instructions on the first set).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().any(|a| a == "--dump");
    // Another editor's keywords for the same articles (a file laid out like `tags.tsv`, one
    // keyword a field, most important first), scored as bifeed's are: how far one editor's
    // choice is from another's is how close any extractor can be expected to come.
    let editor_file = args
        .iter()
        .position(|a| a == "--editor")
        .and_then(|at| args.get(at + 1));
    let dir = args
        .iter()
        .enumerate()
        .find(|&(at, a)| {
            !a.starts_with("--") && (at == 0 || args.get(at - 1).is_none_or(|p| p != "--editor"))
        })
        .map_or_else(
            || Path::new("bench/keywords").to_path_buf(),
            |(_, d)| d.into(),
        );
    let tags = read_tags(&dir.join("tags.tsv"));
    let editor: BTreeMap<String, Vec<String>> = editor_file
        .map(|file| {
            read_tags(Path::new(file))
                .into_iter()
                .map(|(name, keywords)| (name, keywords.into_iter().flatten().collect()))
                .collect()
        })
        .unwrap_or_default();
    // The other editor's first four keywords, and all of them (five): by half.
    let mut by_editor = [[Score::default(); 2]; 2];
    let bj = FixedOffset::east_opt(8 * 3600).expect("offset");
    let ctx = |id: &str| Context {
        id: id.to_string(),
        file_time: bj
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("time"),
        now: bj
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("time"),
    };
    let (mut tune, mut held_out) = (Score::default(), Score::default());
    // The same articles with their English keywords not read: articles without a
    // `### Keywords:` line are extracted from the Chinese text alone.
    let (mut tune_alone, mut held_out_alone) = (Score::default(), Score::default());
    let mut first_call = None;
    let mut versions = Vec::new();
    for (name, tags) in &tags {
        let bytes = std::fs::read(dir.join("articles").join(name)).expect("article");
        let text = bifeed::decode(&bytes).expect("decodes");
        let parsed = parse(&text.text, &ctx(name)).expect("parses");
        let Some(zh) = parsed.article.zh else {
            eprintln!("{name}: no Chinese part");
            continue;
        };
        let started = Instant::now();
        let keywords =
            extract_keywords(&zh.title, &zh.paragraphs, &zh.authors, &zh.english_keywords);
        first_call.get_or_insert(started.elapsed());
        let alone = extract_keywords(&zh.title, &zh.paragraphs, &zh.authors, &[]);
        let number: usize = name[..3].parse().unwrap_or(0);
        let (half, half_alone) = if number % 2 == 1 {
            (&mut tune, &mut tune_alone)
        } else {
            (&mut held_out, &mut held_out_alone)
        };
        half.add(&keywords, tags);
        half_alone.add(&alone, tags);
        if let Some(theirs) = editor.get(name) {
            let h = usize::from(number % 2 == 1);
            by_editor[0][h].add(&theirs[..theirs.len().min(4)], tags);
            by_editor[1][h].add(theirs, tags);
        }
        if dump {
            let forms: Vec<String> = tags.iter().map(|t| t.join("|")).collect();
            println!("{name}\t{}\t[{}]", keywords.join(" "), forms.join(" "));
        }
        versions.push(zh);
    }
    let extract = |zh: &bifeed::Version| {
        let started = Instant::now();
        std::hint::black_box(extract_keywords(
            &zh.title,
            &zh.paragraphs,
            &zh.authors,
            &zh.english_keywords,
        ));
        started.elapsed()
    };
    // In turn, as a build extracts them: each article once between all the others, so its
    // words are not in the processor's caches (after a first pass has mapped the
    // dictionary in, which a build of any size pays once).
    for zh in &versions {
        extract(zh);
    }
    let mut in_turn: Vec<Duration> = (0..20).flat_map(|_| versions.iter().map(extract)).collect();
    // The same article again and again: the code's own cost, its data in the caches.
    let mut repeated: Vec<Duration> = versions
        .iter()
        .flat_map(|zh| (0..20).map(move |_| extract(zh)))
        .collect();
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times.get(times.len() / 2).copied().unwrap_or_default()
    };
    let mut all = Score::default();
    for half in [&tune, &held_out] {
        all.keywords += half.keywords;
        all.correct += half.correct;
        all.tags += half.tags;
        all.found += half.found;
        all.fragments += half.fragments;
        all.articles += half.articles;
    }
    println!("| set | precision | editor's tags found | fragments | keywords per article |");
    println!("| --- | --- | --- | --- | --- |");
    println!("{}", held_out.row("held-out half (even)"));
    println!("{}", tune.row("tuning half (odd)"));
    println!("{}", all.row("all"));
    println!(
        "{}",
        held_out_alone.row("held-out half, English keywords not read")
    );
    println!(
        "{}",
        tune_alone.row("tuning half, English keywords not read")
    );
    if !editor.is_empty() {
        for (scores, which) in by_editor.iter().zip(["first four", "all"]) {
            println!(
                "{}",
                scores[0].row(&format!("held-out half, another editor's {which}"))
            );
            println!(
                "{}",
                scores[1].row(&format!("tuning half, another editor's {which}"))
            );
        }
    }
    println!(
        "extraction per article, median: {:.0} µs as a build pays it (each article in turn, {} \
         runs), {:.0} µs repeated on one article ({} runs); first extraction (dictionary ready) \
         {:.1} ms",
        median(&mut in_turn).as_secs_f64() * 1e6,
        in_turn.len(),
        median(&mut repeated).as_secs_f64() * 1e6,
        repeated.len(),
        first_call.unwrap_or_default().as_secs_f64() * 1e3
    );
}

fn read_tags(path: &Path) -> BTreeMap<String, Vec<Tag>> {
    let text = std::fs::read_to_string(path).expect("tags.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut fields = l.split('\t');
            let name = fields.next().unwrap_or_default().trim().to_string();
            let tags = fields
                .filter(|f| !f.trim().is_empty())
                .map(|f| f.split('|').map(|s| s.trim().to_string()).collect())
                .collect();
            (name, tags)
        })
        .collect()
}
