//! `cargo run --release --example gen_articles -- N DIR [SEED]`: writes N generated
//! articles (about 10 KB each; about 2.5 KB with `BIFEED_BENCH_SMALL=1`) into DIR, the same
//! ones for the same seed (default 1).

#[path = "common/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: gen_articles N DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    match generate::write_all(seed, n, &PathBuf::from(dir)) {
        Ok(()) => {
            println!("wrote {n} articles to {dir} (seed {seed})");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_articles: {dir}: {e}");
            ExitCode::FAILURE
        }
    }
}
