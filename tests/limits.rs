//! One test per documented limit (README, "Limits"): each is enforced with a message
//! that names the limit and what to do. Large inputs are generated in memory.

use std::path::Path;

use hashiya::model::{AnnotationSet, Document, LabelSchema, Project, Span};
use hashiya::store::{self, ProblemKind, Severity, StoreError, limits};

fn project_with(doc: Document) -> Project {
    let mut p = Project::new("limits", LabelSchema::news_default());
    p.documents.push(doc);
    p
}

fn over_limit(p: &Project) -> Vec<String> {
    store::validate(p)
        .into_iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| {
            assert!(matches!(x.kind, ProblemKind::OverLimit { .. }), "{x}");
            x.to_string()
        })
        .collect()
}

#[test]
fn document_text_longer_than_the_limit_is_refused() {
    let at_limit = "a".repeat(limits::MAX_DOCUMENT_BYTES);
    let ok = project_with(Document::new("big", "t", at_limit));
    assert!(over_limit(&ok).is_empty());

    let mut text = "a".repeat(limits::MAX_DOCUMENT_BYTES - 1);
    text.push('ب'); // two bytes: one over
    let p = project_with(Document::new("big", "t", text));
    let errors = over_limit(&p);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("document \"big\"")
            && errors[0].contains(&format!(
                "above the limit of {}",
                limits::MAX_DOCUMENT_BYTES
            ))
            && errors[0].contains("split the article"),
        "{}",
        errors[0]
    );
    // Through the file parser too.
    let bytes = store::to_bytes(&p).unwrap();
    let err = store::parse(Path::new("big.json"), &bytes).unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }));
    assert!(
        err.to_string()
            .starts_with("big.json: 1 problem refuses this file"),
        "{err}"
    );
}

#[test]
fn more_spans_in_one_set_than_the_limit_is_refused() {
    let mut p = project_with(Document::new("d", "t", "نص"));
    let mut set = AnnotationSet::new("a", "d");
    // Empty strings allocate nothing: a million spans stay cheap to build.
    let span = Span::new(String::new(), 0, 1, String::new(), String::new());
    set.spans = vec![span; limits::MAX_SPANS_PER_SET + 1];
    p.sets.push(set);
    let errors = over_limit(&p);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("set a/d")
            && errors[0].contains(&format!(
                "the number of spans is {}, above the limit of {}",
                limits::MAX_SPANS_PER_SET + 1,
                limits::MAX_SPANS_PER_SET
            ))
            && errors[0].contains("split the document"),
        "{}",
        errors[0]
    );
    // At the limit, the count is not a problem (the duplicate ids are, but not as a limit).
    p.sets[0].spans.pop();
    assert!(
        store::validate(&p)
            .iter()
            .all(|x| !matches!(x.kind, ProblemKind::OverLimit { .. }))
    );
}

#[test]
fn project_file_larger_than_the_limit_is_refused_before_reading() {
    // The same check as for the 300 MB file of tests/bad_inputs.rs, at a small limit.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    std::fs::write(&path, vec![b' '; 1001]).unwrap();
    let err = limits::read_with_limit(&path, 1000).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::TooLarge {
                size: 1001,
                limit: 1000,
                ..
            }
        ),
        "{err}"
    );
    assert!(limits::read_with_limit(&path, 1001).is_ok());
}

#[test]
fn json_nested_deeper_than_the_limit_is_refused_without_stack_overflow() {
    let depth = limits::MAX_JSON_DEPTH;
    // The header's "format" is parsed as a free JSON value: the deepest place.
    let nest = |n: usize| {
        format!(
            "{{\"format\": {}{}, \"version\": 1}}",
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    // Within the limit the nesting is parsed (and refused as not a project).
    let err = store::parse(Path::new("n.json"), nest(depth - 2).as_bytes()).unwrap_err();
    assert!(matches!(err, StoreError::NotAProject { .. }), "{err}");
    // A million levels: a clear error, not a crash.
    let err = store::parse(Path::new("n.json"), nest(1_000_000).as_bytes()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("recursion limit exceeded") && msg.contains("deeper than 128"),
        "{msg}"
    );
}
