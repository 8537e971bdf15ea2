//! `cargo run --release --example stat_floor -- DIR`: lists every file under DIR and looks at
//! its metadata once (what telling a changed file from an unchanged one takes), and prints the
//! count: the floor of a build that reads nothing, measured on the same machine and page cache
//! as the build (see bench/build.sh).

use std::path::Path;

fn stat_all(dir: &Path, files: &mut u64) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = std::fs::metadata(entry.path())?;
        if meta.is_dir() {
            stat_all(&entry.path(), files)?;
        } else {
            *files += 1;
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: stat_floor DIR");
        return std::process::ExitCode::from(2);
    };
    let mut files = 0;
    match stat_all(Path::new(&dir), &mut files) {
        Ok(()) => {
            println!("{files} files");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("stat_floor: {dir}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
