//! Compiles jieba's dictionary (`data/jieba/dict.txt.gz`) into a double-array trie that the
//! binary reads in place, so keyword extraction knows every word's part of speech and
//! frequency without parsing 349,000 lines at every start (jieba itself takes 110 ms).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

/// Parts of speech as keyword extraction groups them; the numbers are shared with
/// `src/article/keywords/lexicon.rs`.
fn class(pos: &str) -> u64 {
    match pos {
        "nr" | "nrt" | "nrfg" => 1,
        "ns" => 2,
        "nt" => 3,
        "nz" => 4,
        "n" | "ng" | "nl" | "j" => 5,
        "vn" | "an" => 6,
        "v" | "vd" | "vg" | "vi" | "vq" => 7,
        "m" | "l" => 8,
        "q" => 9,
        "r" | "rg" | "rr" | "rz" => 10,
        _ => 0,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let source = PathBuf::from("data/jieba/dict.txt.gz");
    println!("cargo::rerun-if-changed={}", source.display());
    println!("cargo::rerun-if-changed=build.rs");
    let reader = BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(&source)?));
    let mut words: Vec<(String, u32)> = Vec::with_capacity(350_000);
    let mut total: u64 = 0;
    for line in reader.lines() {
        let line = line?;
        let mut fields = line.split_whitespace();
        let (Some(word), Some(freq), pos) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let freq: u64 = freq.parse()?;
        total += freq;
        words.push((
            word.to_string(),
            // yada keeps 31 bits per value: jieba's largest frequency (了, 883,634) needs 20.
            (freq.min((1 << 27) - 1) << 4 | class(pos.unwrap_or(""))) as u32,
        ));
    }
    words.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    words.dedup_by(|a, b| a.0 == b.0);
    let keys: Vec<(&[u8], u32)> = words.iter().map(|(w, v)| (w.as_bytes(), *v)).collect();
    let trie = yada::builder::DoubleArrayBuilder::build(&keys).ok_or("the trie did not build")?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("lexicon.da");
    std::fs::write(&out, trie)?;
    // The corpus size, for inverse document frequencies.
    println!("cargo::rustc-env=BIFEED_LEXICON_TOTAL={total}");
    glossary()?;
    commit();
    Ok(())
}

/// Compiles the English–Chinese glossary (`data/ecdict/glossary.tsv.gz`) into a trie of the
/// English words whose values are where each word's translations start in a text of them,
/// one line a word: nothing to parse at start.
fn glossary() -> Result<(), Box<dyn std::error::Error>> {
    let source = PathBuf::from("data/ecdict/glossary.tsv.gz");
    println!("cargo::rerun-if-changed={}", source.display());
    let reader = BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(&source)?));
    let mut entries: Vec<(String, String)> = Vec::with_capacity(60_000);
    for line in reader.lines() {
        let line = line?;
        if let Some((word, translations)) = line.split_once('\t') {
            entries.push((word.to_string(), translations.to_string()));
        }
    }
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut text = String::with_capacity(entries.iter().map(|(_, t)| t.len() + 1).sum());
    let mut keys: Vec<(&[u8], u32)> = Vec::with_capacity(entries.len());
    for (word, translations) in &entries {
        keys.push((word.as_bytes(), u32::try_from(text.len())?));
        text.push_str(translations);
        text.push('\n');
    }
    let trie =
        yada::builder::DoubleArrayBuilder::build(&keys).ok_or("the glossary did not build")?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("glossary.da"), trie)?;
    std::fs::write(out.join("glossary.txt"), text)?;
    Ok(())
}

/// The commit built, for `bifeed --version`: what an operator reports with a bug. Outside a
/// git checkout (a source tarball), "unknown".
fn commit() {
    for watched in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(watched).exists() {
            println!("cargo::rerun-if-changed={watched}");
        }
    }
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo::rustc-env=BIFEED_COMMIT={commit}");
}
