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

/// One thing to tell about one file, as every log line and `check` show it:
/// `path:line: rejected: reason` or `path:line: warning: reason` (no line for a folder). One
/// type, so that what `check` prints and what the logs say never drift apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: std::path::PathBuf,
    pub line: Option<usize>,
    pub kind: Kind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The file is left out of the feeds.
    Rejected,
    /// The file is in the feeds, or the feeds stay as they were; something is worth knowing.
    Warning,
}

impl Diagnostic {
    pub fn rejected(path: &std::path::Path, rejection: &Rejection) -> Diagnostic {
        Diagnostic {
            path: path.to_path_buf(),
            line: Some(rejection.line),
            kind: Kind::Rejected,
            reason: rejection.reason.clone(),
        }
    }

    pub fn warning(path: &std::path::Path, line: Option<usize>, reason: String) -> Diagnostic {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            kind: Kind::Warning,
            reason,
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", crate::text::shown(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        let kind = match self.kind {
            Kind::Rejected => "rejected",
            Kind::Warning => "warning",
        };
        write!(f, ": {kind}: {}", self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_names_the_file_the_line_and_the_reason() {
        let rejected = Diagnostic::rejected(
            std::path::Path::new("articles/a\nb.txt"),
            &Rejection {
                line: 3,
                reason: "empty file".into(),
            },
        );
        assert_eq!(
            rejected.to_string(),
            "articles/a\\nb.txt:3: rejected: empty file"
        );
        let folder = Diagnostic::warning(
            std::path::Path::new("articles/x"),
            None,
            "cannot read this folder".into(),
        );
        assert_eq!(
            folder.to_string(),
            "articles/x: warning: cannot read this folder"
        );
    }
}
