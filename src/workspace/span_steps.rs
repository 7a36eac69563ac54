//! What the last command did to the current set's spans, so that data derived from
//! the spans (the article's span index) can follow it instead of being rebuilt.

use super::Workspace;
use crate::model::SpanDelta;
use crate::model::history::{Command, SetKey};

/// One command's effect on the spans of the set that was current (see
/// [`Workspace::span_delta_since`]).
#[derive(Debug, Clone)]
pub(super) struct SpanStep {
    from: u64,
    to: u64,
    key: SetKey,
    delta: Option<SpanDelta>,
}

impl Workspace {
    /// The step `cmd` (or its inverse, for an undo) is about to make, seen from the
    /// current set: recorded once it is applied, for [`Workspace::span_delta_since`].
    pub(super) fn span_step(&self, cmd: &Command, inverse: bool) -> Option<SpanStep> {
        let key = self.set_key()?;
        let delta = cmd
            .span_delta(&key)
            .map(|d| if inverse { d.inverse() } else { d });
        Some(SpanStep {
            from: self.revision,
            to: self.revision + 1,
            key,
            delta,
        })
    }

    /// What happened to the current set's spans between revision `from` and now, when
    /// that was exactly one command (apply, undo or redo) on the same set: the ranges
    /// removed and added (empty when the command left the set alone). `None` otherwise
    /// (another document or annotator, several steps, or a change a span index cannot
    /// follow span by span): then derived data is rebuilt.
    pub fn span_delta_since(&self, from: u64) -> Option<&SpanDelta> {
        let step = self.last_step.as_ref()?;
        (step.from == from
            && step.to == self.revision
            && Some(&step.key) == self.set_key().as_ref())
        .then_some(step.delta.as_ref())
        .flatten()
    }
}
