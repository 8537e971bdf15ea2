//! The committed `feeds/` are what `bifeed build` makes of the committed `articles/`: a fresh
//! build in another folder, at another time, must give the same bytes.
//!
//! Git keeps no file times, and a file's modification time is part of what bifeed reads (Atom
//! `updated`, and the year of the sample without a source URL), so the samples are given one
//! fixed time first: 2025-12-01T09:30:00+08:00, as if the folder had been copied in one go.
//! `BIFEED_BLESS=1 cargo test --test it committed_feeds` writes that build into `feeds/`.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The time every sample file is given before the build: 2025-12-01T01:30:00Z.
const SAMPLE_FILE_TIME: u64 = 1_764_552_600;

fn files(dir: &Path) -> Vec<String> {
    common::tree(dir).into_keys().collect()
}

#[test]
fn a_fresh_build_of_the_samples_matches_the_committed_feeds() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&repo.join("articles"), &tmp.path().join("articles"));
    for entry in fs::read_dir(tmp.path().join("articles")).unwrap() {
        let file = fs::File::options()
            .write(true)
            .open(entry.unwrap().path())
            .unwrap();
        file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(SAMPLE_FILE_TIME))
            .unwrap();
    }
    fs::copy(repo.join("bifeed.yaml"), tmp.path().join("bifeed.yaml")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bifeed"))
        .arg("build")
        .current_dir(tmp.path())
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));

    let committed = repo.join("feeds");
    let fresh = tmp.path().join("feeds");
    if std::env::var_os("BIFEED_BLESS").is_some() {
        fs::remove_dir_all(&committed).unwrap();
        common::copy_dir(&fresh, &committed);
    }
    assert_eq!(files(&fresh), files(&committed), "the same files");
    for name in files(&committed) {
        let want = fs::read(committed.join(&name)).unwrap();
        let got = fs::read(fresh.join(&name)).unwrap();
        assert!(
            want == got,
            "{name} differs from a fresh build: run `BIFEED_BLESS=1 cargo test --test it \
             committed_feeds` and commit feeds/"
        );
    }
    for name in common::FEEDS {
        let feed = common::Feed::read(&committed.join(name));
        assert!(!feed.parsed.entries.is_empty(), "{name}");
    }
}
