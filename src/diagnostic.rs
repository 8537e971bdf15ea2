//! What bifeed tells the user about an article file: why it was left out, or what was noticed
//! in it while it was still accepted. Every stage that reads a file (decoding, parsing) says
//! it the same way: a line and a reason, shown after the file's path.

/// Something worth telling the user about a file that was still accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// Why a file was left out of the feeds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct Rejection {
    pub line: usize,
    pub reason: String,
}
