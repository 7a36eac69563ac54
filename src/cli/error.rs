//! The one error type of the subcommands: `src/main.rs` turns it into messages on
//! stderr and an exit code in one place, so every subcommand fails the same way.

use std::fmt;
use std::io;

/// Why a subcommand did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// Something failed; each message says what, where and what to do, and is printed
    /// as its own `error: …` line. Exit status 1.
    Failed(Vec<String>),
    /// Writing to stdout failed. A closed pipe (`hashiya schema | head -1`) is not a
    /// failure: the reader has what it wanted, so the program ends quietly with status 0
    /// (on Unix the default SIGPIPE action usually ends it before this is seen).
    Output(io::Error),
    /// `hashiya` with no subcommand (or with GUI options) in a build without the `gui`
    /// feature. Exit status 2, like a usage error.
    NoGui,
    /// Ends with this status, its messages already printed (the merge driver: 1 means
    /// "merged with conflicts" to git, 2 "could not merge").
    Status(u8),
}

impl CliError {
    /// A failure with one message.
    pub fn msg(message: impl fmt::Display) -> Self {
        CliError::Failed(vec![message.to_string()])
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            CliError::Failed(_) | CliError::Output(_) => 1,
            CliError::NoGui => 2,
            CliError::Status(code) => *code,
        }
    }
}

/// The lines for stderr, each starting with `error: `; nothing for a closed pipe.
impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Failed(messages) => {
                for m in messages {
                    writeln!(f, "error: {m}")?;
                }
                Ok(())
            }
            CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            CliError::Output(e) => writeln!(f, "error: could not write the output: {e}"),
            CliError::NoGui => writeln!(
                f,
                "error: this build of hashiya has no GUI (it was built without the `gui` feature); \
                 run a subcommand (see `hashiya --help`), or build with default features to open projects in a window"
            ),
            CliError::Status(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_quiet_and_successful() {
        let e = CliError::Output(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(e.exit_code(), 0);
        assert_eq!(e.to_string(), "");
        let e = CliError::Output(io::Error::other("disk full"));
        assert_eq!(e.exit_code(), 1);
        assert!(
            e.to_string()
                .starts_with("error: could not write the output")
        );
        let e = CliError::Failed(vec!["a".into(), "b".into()]);
        assert_eq!(
            (e.exit_code(), e.to_string()),
            (1, "error: a\nerror: b\n".into())
        );
        assert_eq!(CliError::NoGui.exit_code(), 2);
    }
}
