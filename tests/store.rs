//! Loading, validating and saving project files, through the public API.

use std::fs;
use std::path::{Path, PathBuf};

use hashiya::store::{self, ProblemKind, StoreError, atomic};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("projects")
        .join(name)
}

/// Loads an invalid fixture, checks the file is untouched, returns the error text.
fn refused(name: &str) -> (StoreError, String) {
    let path = fixture(&format!("invalid/{name}.json"));
    let before = fs::read(&path).unwrap();
    let err = store::load(&path).expect_err(name);
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "{name}: a failed load changed the file"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("{name}.json")),
        "{name}: message does not name the file: {msg}"
    );
    (err, msg)
}

fn refused_with(name: &str, expect_kind: impl Fn(&ProblemKind) -> bool, expect_text: &str) {
    let (err, msg) = refused(name);
    match &err {
        StoreError::Invalid { problems, .. } => {
            assert_eq!(
                problems.len(),
                1,
                "{name}: exactly one problem expected: {msg}"
            );
            assert!(
                expect_kind(&problems[0].kind),
                "{name}: wrong problem: {msg}"
            );
        }
        other => panic!("{name}: expected a validation error, got {other}"),
    }
    assert!(
        msg.contains(expect_text),
        "{name}: message lacks «{expect_text}»: {msg}"
    );
}

#[test]
fn each_validation_problem_has_its_own_message() {
    use ProblemKind as K;
    refused_with(
        "duplicate-document-id",
        |k| matches!(k, K::DuplicateDocumentId(_)),
        "duplicate document id \"d1\"",
    );
    refused_with(
        "duplicate-entity-id",
        |k| matches!(k, K::DuplicateEntityId(_)),
        "duplicate entity id \"e-haftar\"",
    );
    refused_with(
        "duplicate-label-id",
        |k| matches!(k, K::DuplicateLabelId(_)),
        "duplicate label id \"location\"",
    );
    refused_with(
        "duplicate-span-id",
        |k| matches!(k, K::DuplicateId(_)),
        "set a/d1, span \"s3\": duplicate id \"s3\"",
    );
    refused_with(
        "duplicate-set",
        |k| matches!(k, K::DuplicateSet { .. }),
        "a second set of annotator \"a\"",
    );
    refused_with(
        "start-not-before-end",
        |k| matches!(k, K::EmptyOrInverted { .. }),
        "span \"s3\": start 27 is not before end 27",
    );
    refused_with(
        "offset-past-end",
        |k| matches!(k, K::PastEnd { .. }),
        "past the end of the document (49 code points)",
    );
    refused_with(
        "unknown-document",
        |k| matches!(k, K::UnknownDocument(_)),
        "unknown document \"d9\"",
    );
    refused_with(
        "unknown-label",
        |k| matches!(k, K::UnknownLabel(_)),
        "span \"s3\": unknown label \"place\"",
    );
    refused_with(
        "unknown-relation-type",
        |k| matches!(k, K::UnknownRelationType(_)),
        "relation \"r1\": unknown relation type \"quoted_by\"",
    );
    refused_with(
        "dangling-relation",
        |k| matches!(k, K::DanglingRelation(_)),
        "relation \"r2\": relation endpoint \"s99\" is not a span",
    );
    refused_with(
        "self-relation",
        |k| matches!(k, K::SelfRelation(_)),
        "relation from span \"s2\" to itself",
    );
    refused_with(
        "missing-entity",
        |k| matches!(k, K::MissingEntity(_)),
        "links to entity \"e-nobody\", which does not exist",
    );
    refused_with(
        "bad-color",
        |k| matches!(k, K::BadColor(_)),
        "invalid colour \"orange\"; write it as #RRGGBB",
    );
}

#[test]
fn header_problems_name_versions_and_formats() {
    let (err, msg) = refused("newer-version");
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 7,
                supported: 3,
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.contains("format version 7") && msg.contains("versions up to 3"),
        "{msg}"
    );
    let (err, msg) = refused("unknown-format");
    assert!(matches!(err, StoreError::NotAProject { .. }), "{msg}");
    assert!(msg.contains("\"label-studio\""), "{msg}");
}

fn loads_with(
    name: &str,
    expect_kind: impl Fn(&ProblemKind) -> bool,
    expect_text: &str,
) -> store::Loaded {
    let path = fixture(&format!("invalid/{name}.json"));
    let loaded = store::load(&path).unwrap_or_else(|e| panic!("{name} should load: {e}"));
    assert_eq!(loaded.warnings.len(), 1, "{name}: {:?}", loaded.warnings);
    let w = &loaded.warnings[0];
    assert!(expect_kind(&w.kind), "{name}: wrong warning {w}");
    assert!(
        w.to_string().contains(expect_text),
        "{name}: «{w}» lacks «{expect_text}»"
    );
    loaded
}

#[test]
fn warnings_keep_every_piece_of_data() {
    use ProblemKind as K;
    let l = loads_with(
        "warn-span-text-mismatch",
        |k| matches!(k, K::SpanTextMismatch { .. }),
        "stored text «سرت» differs from the document text «درنة»",
    );
    // Kept and flagged, not dropped or fixed.
    let s3 = l.project.sets[0].span("s3").unwrap();
    assert_eq!(s3.text, "سرت");
    assert_eq!(l.flagged_spans().count(), 1);
    loads_with(
        "warn-hash-mismatch",
        |k| matches!(k, K::HashMismatch { .. }),
        "the text was changed after it was annotated",
    );
    let l = loads_with(
        "warn-unknown-attribute",
        |k| matches!(k, K::UnknownAttribute { .. }),
        "label \"location\" has no attribute \"kind\"",
    );
    assert_eq!(
        l.project.sets[0].span("s3").unwrap().attributes["kind"],
        "city"
    );
    loads_with(
        "warn-attribute-value",
        |k| matches!(k, K::AttributeValueNotAllowed { .. }),
        "value \"tribe\" is not allowed for actor.kind (allowed: person, armed group)",
    );
    loads_with(
        "warn-relation-not-allowed",
        |k| matches!(k, K::RelationNotAllowed { .. }),
        "does not allow \"about\" from a actor to a location",
    );
    loads_with(
        "warn-entity-label",
        |k| matches!(k, K::EntityLabelMismatch { .. }),
        "span labelled \"location\" links to entity \"e-haftar\" labelled \"actor\"",
    );
}

#[test]
fn syntax_errors_give_line_and_column_and_leave_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(sample("derna-sirte.json")).unwrap();
    // Remove the comma after the "version" line: line 3 then starts with `"name"`.
    let broken = good.replacen("\"version\": 1,", "\"version\": 1", 1);
    let path = dir.path().join("broken.json");
    fs::write(&path, &broken).unwrap();
    let err = store::load(&path).unwrap_err();
    let msg = err.to_string();
    match err {
        StoreError::Json { line, column, .. } => assert_eq!((line, column), (4, 3), "{msg}"),
        other => panic!("expected a JSON error, got {other}"),
    }
    assert!(
        msg.contains("broken.json:4:3: invalid project JSON"),
        "{msg}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.json");
    let mut bytes = b"{\n  \"format\": \"hashiya-project\",\n  \"name\": \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\"\n}\n");
    fs::write(&path, &bytes).unwrap();
    let err = store::load(&path).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotUtf8 {
                line: 3,
                column: 15,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn samples_round_trip_byte_identically() {
    for name in ["derna-sirte.json", "derna-sirte.annotator-b.json"] {
        let path = sample(name);
        let original = fs::read(&path).unwrap();
        let loaded = store::load(&path).unwrap();
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        let bytes = store::to_bytes(&loaded.project).unwrap();
        assert!(
            bytes == original,
            "{name}: load → save is not byte-identical"
        );
        // And through a real save.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(name);
        store::save(&loaded.project, &out).unwrap();
        assert_eq!(fs::read(&out).unwrap(), original);
    }
}

#[test]
fn interrupted_save_leaves_old_file_and_backup_is_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let mut project = store::load(&sample("derna-sirte.json")).unwrap().project;
    store::save(&project, &path).unwrap();
    let v1 = fs::read(&path).unwrap();
    project.name = "renamed".into();
    let v2 = store::to_bytes(&project).unwrap();
    atomic::write_atomic_crashing(&path, &v2, atomic::Fault::BeforeRename).unwrap_err();
    assert_eq!(
        fs::read(&path).unwrap(),
        v1,
        "crash before rename must keep the old file"
    );
    atomic::write_atomic_crashing(&path, &v2, atomic::Fault::MidWrite).unwrap_err();
    assert_eq!(fs::read(&path).unwrap(), v1);
    store::save(&project, &path).unwrap();
    assert_eq!(fs::read(&path).unwrap(), v2);
    assert_eq!(fs::read(atomic::backup_path(&path)).unwrap(), v1);
    assert!(store::load(&atomic::backup_path(&path)).is_ok());
}

#[test]
fn committed_json_schema_is_current_and_samples_validate() {
    let committed =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/project.schema.json"))
            .unwrap();
    assert_eq!(
        committed,
        store::json_schema(),
        "docs/project.schema.json is stale: run `cargo run -- schema > docs/project.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for name in ["derna-sirte.json", "derna-sirte.annotator-b.json"] {
        let v: serde_json::Value =
            serde_json::from_slice(&fs::read(sample(name)).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    // The schema does reject things: a span without an end.
    let mut v: serde_json::Value =
        serde_json::from_slice(&fs::read(sample("derna-sirte.json")).unwrap()).unwrap();
    v["sets"][0]["spans"][0]
        .as_object_mut()
        .unwrap()
        .remove("end");
    assert!(!validator.is_valid(&v));
}

#[test]
fn every_character_of_the_sample_article_has_a_glyph() {
    let project = store::load(&sample("derna-sirte.json")).unwrap().project;
    let text = &project.documents[0].text;
    let missing: Vec<char> = text
        .chars()
        .filter(|&c| !hashiya::fonts::covers(c))
        .collect();
    assert!(missing.is_empty(), "no embedded font covers {missing:?}");
}

/// Issue #25, item 19: a message suggests the `.bak` only when there is one.
#[test]
fn messages_suggest_a_backup_only_when_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(sample("derna-sirte.json")).unwrap();
    let cases = [
        ("cut.json", good[..good.len() / 2].to_string()),
        (
            "syntax.json",
            good.replacen("\"version\": 1,", "\"version\": 1", 1),
        ),
        (
            "value.json",
            good.replacen("\"start\": ", "\"start\": \"x\", \"y\": ", 1),
        ),
    ];
    for (name, bytes) in &cases {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        let msg = store::load(&path).unwrap_err().to_string();
        assert!(!msg.contains(".bak"), "no backup exists: {msg}");
        fs::write(atomic::backup_path(&path), &good).unwrap();
        let msg = store::load(&path).unwrap_err().to_string();
        assert!(
            msg.contains(&format!("use {name}.bak, the version before the last save")),
            "{msg}"
        );
    }
}

/// Issue #25, item 18: who rejected a suggestion is new in format version 3; a file
/// whose rejections name nobody (written before) loads and is written back byte for
/// byte as version 2, and a version-3 file round-trips.
#[test]
fn rejections_without_an_annotator_stay_version_2_byte_for_byte() {
    let mut p = store::load(&sample("derna-sirte.json")).unwrap().project;
    let d = p.documents[0].clone();
    let text: String = d.text.chars().take(4).collect();
    p.suggestions.rejected.push(hashiya::model::Rejected {
        document: d.id.clone(),
        start: 0,
        end: 4,
        label: "actor".into(),
        text,
        annotator: None,
    });
    let old = store::to_bytes(&p).unwrap();
    let s = String::from_utf8_lossy(&old).into_owned();
    assert!(s.contains("\"version\": 2,") && !s.contains("\"annotator\": null"));
    let back = store::parse(Path::new("old.json"), &old).unwrap().project;
    assert_eq!(back.suggestions.rejected[0].annotator, None);
    assert_eq!(store::to_bytes(&back).unwrap(), old, "byte-identical");
    let mut mine = p.suggestions.rejected[0].clone();
    mine.annotator = Some("annotator-a".into());
    p.suggestions.rejected.push(mine);
    let v3 = store::to_bytes(&p).unwrap();
    assert!(String::from_utf8_lossy(&v3).contains("\"version\": 3,"));
    let back = store::parse(Path::new("v3.json"), &v3).unwrap().project;
    assert_eq!(back.suggestions.rejected, p.suggestions.rejected);
    assert_eq!(store::to_bytes(&back).unwrap(), v3);
}
