//! What can go wrong while importing or exporting, said so that the user can act on it.
//!
//! An import reads every input before it changes anything, and it collects every
//! problem it finds rather than stopping at the first, so one run lists everything to
//! fix. Each [`ImportIssue`] names the file, the line where there is one (JSONL, `.ann`,
//! a `.txt` with a bad byte) and the reason.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use crate::store::StoreError;

/// An import or export failed. Nothing was written.
#[derive(Debug, Error)]
pub enum FormatError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The inputs were read but some of them cannot be imported; the project is unchanged.
    #[error("nothing was imported: {} problem{} to fix first:\n{}", issues.len(), if issues.len() == 1 { "" } else { "s" }, list(issues))]
    Import { issues: Vec<ImportIssue> },
    /// The export cannot be produced as asked (an unknown annotator, a CoNLL export of
    /// several annotators at once…).
    #[error("{0}")]
    Export(String),
    /// The output path is unusable (a file where a folder is needed, or the reverse).
    #[error("{}: {reason}", path.display())]
    Output { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl FormatError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        FormatError::Io {
            path: path.into(),
            source,
        }
    }
}

fn list(issues: &[ImportIssue]) -> String {
    let mut s = String::new();
    for (i, p) in issues.iter().enumerate() {
        if i == 50 {
            s.push_str(&format!("  … and {} more\n", issues.len() - 50));
            break;
        }
        s.push_str(&format!("  - {p}\n"));
    }
    s.pop();
    s
}

/// One thing in the inputs that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportIssue {
    pub file: PathBuf,
    /// 1-based line in `file`, where the format has lines.
    pub line: Option<usize>,
    /// 1-based row of a table (CSV, spreadsheet) as a spreadsheet numbers it: the
    /// header is row 1. (A CSV cell may span several lines, so it is not the line.)
    pub row: Option<usize>,
    /// The table column (its header) the problem is in.
    pub column: Option<String>,
    pub reason: String,
}

impl ImportIssue {
    pub fn new(file: impl Into<PathBuf>, line: Option<usize>, reason: impl Into<String>) -> Self {
        ImportIssue {
            file: file.into(),
            line,
            row: None,
            column: None,
            reason: reason.into(),
        }
    }

    /// The same issue, placed at `row` (and `column`) of a table.
    pub fn at_cell(mut self, row: Option<usize>, column: Option<&str>) -> Self {
        self.row = row;
        self.column = column.map(str::to_string);
        self
    }
}

impl fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: ", self.file.display())?,
            None => write!(f, "{}: ", self.file.display())?,
        }
        match (self.row, &self.column) {
            (Some(row), Some(col)) => write!(f, "row {row}, column \"{col}\": ")?,
            (Some(row), None) => write!(f, "row {row}: ")?,
            (None, Some(col)) => write!(f, "column \"{col}\": ")?,
            (None, None) => {}
        }
        f.write_str(&self.reason)
    }
}
