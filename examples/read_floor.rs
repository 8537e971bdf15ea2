//! `cargo run --release --example read_floor -- DIR`: reads every file under DIR once and
//! prints the bytes read: the I/O floor a build cannot beat, measured on the same machine and
//! page cache as the build (see bench/build.sh).

use std::path::Path;

fn read_all(dir: &Path, total: &mut u64) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            read_all(&entry.path(), total)?;
        } else {
            *total += std::fs::read(entry.path())?.len() as u64;
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: read_floor DIR");
        return std::process::ExitCode::from(2);
    };
    let mut total = 0;
    match read_all(Path::new(&dir), &mut total) {
        Ok(()) => {
            println!("{total} bytes");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("read_floor: {dir}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
