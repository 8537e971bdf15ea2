//! The one rule for naming: which file names are articles (and which are hidden), and the id
//! a file name gives. (How a path is shown to people is `crate::text::shown`.)

use std::path::Path;

/// Whether a file name is an article: `*.txt`, and not an editor's temporary or hidden file
/// (`.#x.txt`, `x.txt~`, `.x.txt.swp`, vim's `4913`).
pub fn is_article_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".txt") && !is_hidden(name) && !name.starts_with('#') && !name.starts_with('~')
}

/// Whether a file or folder name is hidden (`.git`, `.x.txt.swp`, bifeed's own `.bifeed-*`
/// temporary files and lock): never an article, never a folder of articles, never a page
/// bifeed removes.
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// The id of the article at `rel` (see [`crate::article::article_id`]). A file name that is
/// not UTF-8 (GBK names from a Windows share, say) keeps every byte, the others written
/// `%XX`: two such names never fall into one id, as replacing them with `�` would make them.
pub fn article_id(rel: &Path) -> String {
    let name = rel.file_name().unwrap_or(rel.as_os_str());
    crate::article::article_id(&lossless(name.as_encoded_bytes()))
}

/// UTF-8 as it is; any byte of invalid UTF-8 as `%XX`.
fn lossless(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
