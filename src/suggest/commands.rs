//! Command builders for suggestions, in the shape of [`crate::model::edit`]: each
//! returns a [`Command`] for the history (one undo step) or an [`EditError`] saying why not.

use crate::model::history::{Command, Op, SetKey};
use crate::model::tag_all::SpanAdditions;
use crate::model::{EditError, Project, Rejected};

use super::Suggestion;

/// Tags the suggestions (all of document `key.document`) in the set `key`, creating
/// the set if needed: one undo step. Each span records where it came from
/// (`origin`) and, when the suggestion names an entity that exists, links it.
/// Suggestions already tagged (same bounds and label) are skipped; a suggestion whose
/// text no longer matches the document, or whose label is not in the schema, refuses
/// the whole command.
pub fn accept_suggestions(
    p: &Project,
    key: &SetKey,
    suggestions: &[Suggestion],
) -> Result<Command, EditError> {
    let mut adding = SpanAdditions::new(p, key)?;
    for s in suggestions {
        if s.document != key.document {
            return Err(EditError::SuggestionElsewhere {
                text: s.text.clone(),
                document: s.document.clone(),
                current: key.document.clone(),
            });
        }
        if p.schema.label(&s.label).is_none() {
            return Err(EditError::NoSuchLabel(s.label.clone()));
        }
        let covered = adding
            .text_of(s.start, s.end)
            .ok_or_else(|| EditError::SuggestionPastEnd(s.text.clone()))?;
        if covered != s.text {
            return Err(EditError::StaleSuggestion {
                text: s.text.clone(),
                found: covered.into(),
            });
        }
        if adding.is_tagged(s.start, s.end, &s.label) {
            continue;
        }
        let mut span = adding.new_span(s.start, s.end, &s.label, covered);
        span.origin = Some(s.source);
        span.entity = s
            .entity
            .as_deref()
            .and_then(|id| p.entity(id))
            .filter(|e| e.label == s.label)
            .map(|e| e.id.clone());
        adding.add(span);
    }
    let added = adding.added();
    if added == 0 {
        return Err(EditError::AllSuggestionsTagged);
    }
    let ops = adding.into_ops();
    let name = match suggestions {
        [one] => format!("Accept suggestion {}", one.label),
        _ => format!(
            "Accept {}",
            crate::model::words::count(added, "suggestion", "suggestions")
        ),
    };
    Ok(Command::new(name, ops))
}

/// Records that `annotator` rejected `s`: it is not offered to them again at that
/// place, and its string scores lower for them elsewhere (see [`crate::suggest`]). The
/// other annotators still get it.
pub fn reject_suggestion(
    p: &Project,
    s: &Suggestion,
    annotator: &str,
) -> Result<Command, EditError> {
    if p.document(&s.document).is_none() {
        return Err(EditError::NoSuchDocument(s.document.clone()));
    }
    let r = Rejected {
        document: s.document.clone(),
        start: s.start,
        end: s.end,
        label: s.label.clone(),
        text: s.text.clone(),
        annotator: Some(annotator.to_string()),
    };
    let same_place = |x: &Rejected| {
        (x.document.as_str(), x.start, x.end, x.label.as_str())
            == (r.document.as_str(), r.start, r.end, r.label.as_str())
    };
    if p.suggestions
        .rejected
        .iter()
        .any(|x| same_place(x) && x.applies_to(annotator))
    {
        return Err(EditError::AlreadyRejected);
    }
    Ok(Command::single(
        format!("Reject suggestion {}", s.label),
        Op::InsertRejected(r),
    ))
}

/// Forgets the rejections of one document, or of every document: one undo step.
pub fn clear_rejections(p: &Project, document: Option<&str>) -> Result<Command, EditError> {
    let ops: Vec<Op> = p
        .suggestions
        .rejected
        .iter()
        .filter(|r| document.is_none_or(|d| r.document == d))
        .cloned()
        .map(Op::RemoveRejected)
        .collect();
    if ops.is_empty() {
        return Err(EditError::NoRejections);
    }
    Ok(Command::new("Forget rejected suggestions", ops))
}

/// Switches suggestions on or off for the whole project (off: annotate blind).
pub fn set_suggestions_enabled(p: &Project, enabled: bool) -> Result<Command, EditError> {
    if p.suggestions.enabled == enabled {
        return Err(EditError::SuggestionsAlready(enabled));
    }
    Ok(Command::single(
        if enabled {
            "Turn suggestions on"
        } else {
            "Turn suggestions off"
        },
        Op::SetSuggestionsEnabled {
            before: p.suggestions.enabled,
            after: enabled,
        },
    ))
}

/// Sets (or clears) the project's gazetteer file, a path relative to the project file.
pub fn set_gazetteer(p: &Project, path: Option<&str>) -> Result<Command, EditError> {
    let after = path
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    if p.suggestions.gazetteer == after {
        return Err(EditError::NothingChanged);
    }
    Ok(Command::single(
        "Set gazetteer",
        Op::SetGazetteer {
            before: p.suggestions.gazetteer.clone(),
            after,
        },
    ))
}
