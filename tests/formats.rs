//! Whole flows of `formats`: export → import round trips for every format that has an
//! importer, on the sample projects and on a fixture whose offsets differ in every unit
//! (emoji outside the BMP, harakat); hostile document ids; import errors that must name
//! file, line and reason and leave everything unwritten.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use hashiya::formats::{
    self, ExportFormat, ExportOptions, FormatError, ImportFormat, ImportOptions,
};
use hashiya::model::{AnnotationSet, Document, LabelSchema, OffsetMap, Project, Relation, Span};
use hashiya::store;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Project {
    store::load(&root().join(rel)).unwrap().project
}

fn fixture() -> Project {
    load("tests/fixtures/formats/emoji-harakat.json")
}

fn samples() -> Vec<Project> {
    vec![
        load("projects/derna-sirte.json"),
        load("projects/derna-sirte.annotator-b.json"),
    ]
}

fn empty() -> Project {
    Project::new("empty", LabelSchema::news_default())
}

fn export(
    p: &Project,
    f: ExportFormat,
    out: &Path,
    annotator: Option<&str>,
) -> formats::ExportReport {
    let opts = ExportOptions {
        annotator: annotator.map(str::to_string),
        ..Default::default()
    };
    formats::export(p, f, out, &opts, &mut |_, _| {}).unwrap()
}

fn import(
    f: ImportFormat,
    inputs: &[PathBuf],
    annotator: Option<&str>,
) -> Result<formats::Imported, FormatError> {
    let opts = ImportOptions {
        annotator: annotator.map(str::to_string),
        ..Default::default()
    };
    formats::import(&empty(), f, inputs, &opts, &mut |_, _| {})
}

/// Everything a round trip must keep about a span (not its id: brat renumbers).
type SpanKey = (
    usize,
    usize,
    String,
    String,
    BTreeMap<String, String>,
    Option<(String, String)>,
    Option<String>,
);

/// Per (document text, annotator): sorted span keys and relations as (kind, from key, to key).
type Content = BTreeMap<(String, String), (Vec<SpanKey>, Vec<(String, SpanKey, SpanKey)>)>;

fn content(p: &Project) -> Content {
    let mut out = Content::new();
    for set in &p.sets {
        let doc = p.document(&set.document).unwrap();
        let key_of = |s: &Span| -> SpanKey {
            (
                s.start,
                s.end,
                s.label.clone(),
                s.text.clone(),
                s.attributes.clone().into(),
                s.entity
                    .as_ref()
                    .map(|e| (e.clone(), p.entity(e).unwrap().name.clone())),
                s.note.clone(),
            )
        };
        let by_id: BTreeMap<&str, SpanKey> = set
            .spans
            .iter()
            .map(|s| (s.id.as_str(), key_of(s)))
            .collect();
        let mut spans: Vec<SpanKey> = by_id.values().cloned().collect();
        spans.sort();
        let mut rels: Vec<_> = set
            .relations
            .iter()
            .map(|r| {
                (
                    r.kind.clone(),
                    by_id[r.from.as_str()].clone(),
                    by_id[r.to.as_str()].clone(),
                )
            })
            .collect();
        rels.sort();
        out.insert((doc.text.clone(), set.annotator.clone()), (spans, rels));
    }
    out
}

fn only(c: &Content, annotator: &str) -> Content {
    c.iter()
        .filter(|((_, a), _)| a == annotator)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn assert_same(a: &Content, b: &Content, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: number of sets");
    for (k, v) in a {
        let w = b
            .get(k)
            .unwrap_or_else(|| panic!("{what}: set of {} missing", k.1));
        assert_eq!(v.0, w.0, "{what}: spans of {}", k.1);
        assert_eq!(v.1, w.1, "{what}: relations of {}", k.1);
    }
}

/// Exports every annotator's sets (one by one) and all at once, imports them back,
/// and compares.
fn round_trip(p: &Project, f: ExportFormat, imp: ImportFormat) {
    let dir = tempfile::tempdir().unwrap();
    let orig = content(p);
    let name = |s: &str| format!("{s}.{}", f.extension().unwrap_or("d"));
    for annotator in p.annotators() {
        let out = dir.path().join(name(annotator));
        export(p, f, &out, Some(annotator));
        let back = import(imp, &[out], Some(annotator)).unwrap();
        assert_same(
            &only(&orig, annotator),
            &content(&back.project),
            &format!("{} {annotator}", f.name()),
        );
        // Texts come back byte for byte.
        for d in &p.documents {
            assert!(
                back.project.documents.iter().any(|b| b.text == d.text),
                "text of {}",
                d.id
            );
        }
    }
    if f != ExportFormat::Conll {
        let out = dir.path().join(name("all"));
        export(p, f, &out, None);
        let back = import(imp, &[out], None).unwrap();
        assert_same(
            &orig,
            &content(&back.project),
            &format!("{} all sets", f.name()),
        );
        if f != ExportFormat::Brat {
            // Formats with a place for them keep ids, titles and sources too.
            for d in &p.documents {
                let b = back.project.document(&d.id).unwrap();
                assert_eq!((&b.title, &b.source), (&d.title, &d.source));
            }
            for s in &p.sets {
                let b = back.project.set(&s.annotator, &s.document).unwrap();
                let ids =
                    |x: &AnnotationSet| x.spans.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
                assert_eq!(ids(s), ids(b));
            }
        }
    }
}

#[test]
fn round_trip_jsonl() {
    for p in samples().iter().chain([&fixture()]) {
        round_trip(p, ExportFormat::Jsonl, ImportFormat::Jsonl);
    }
}

#[test]
fn round_trip_doccano() {
    for p in samples().iter().chain([&fixture()]) {
        round_trip(p, ExportFormat::Doccano, ImportFormat::Doccano);
    }
}

#[test]
fn round_trip_brat() {
    for p in samples().iter().chain([&fixture()]) {
        round_trip(p, ExportFormat::Brat, ImportFormat::Brat);
    }
}

#[test]
fn round_trip_labelstudio() {
    for p in samples().iter().chain([&fixture()]) {
        round_trip(p, ExportFormat::LabelStudio, ImportFormat::LabelStudio);
    }
}

#[test]
fn fixture_offsets_differ_in_every_unit() {
    // Guards the fixture itself: if its texts lost their emoji, the round trips above
    // would no longer prove the UTF-16 conversion.
    let p = fixture();
    let mut differ = 0;
    for set in &p.sets {
        let d = p.document(&set.document).unwrap();
        let m = OffsetMap::new(&d.text);
        for s in &set.spans {
            if m.cp_to_utf16(s.start) != Some(s.start) {
                differ += 1;
            }
        }
    }
    assert!(
        differ >= 5,
        "only {differ} spans have UTF-16 offsets that differ"
    );
    assert!(
        p.sets
            .iter()
            .flat_map(|s| &s.spans)
            .any(|s| s.text.contains('\n'))
    );
}

#[test]
fn doccano_and_labelstudio_count_utf16_units() {
    let p = fixture();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d.jsonl");
    export(&p, ExportFormat::Doccano, &d, Some("annotator-a"));
    let first: serde_json::Value =
        serde_json::from_str(fs::read_to_string(&d).unwrap().lines().next().unwrap()).unwrap();
    let text = first["text"].as_str().unwrap();
    let units: Vec<u16> = text.encode_utf16().collect();
    let set = p.set("annotator-a", "emoji-1").unwrap();
    for e in first["entities"].as_array().unwrap() {
        let (s, t) = (
            e["start_offset"].as_u64().unwrap() as usize,
            e["end_offset"].as_u64().unwrap() as usize,
        );
        let sid = first["hashiya"]["spans"][e["id"].to_string()]["span_id"]
            .as_str()
            .unwrap();
        let span = set.span(sid).unwrap();
        assert_eq!(
            String::from_utf16(&units[s..t]).unwrap(),
            span.text,
            "{sid}"
        );
    }
    // "👍🏽" is code points 73..75 but UTF-16 units 76..80.
    let thumbs = set.span("s7").unwrap();
    assert_eq!(thumbs.end - thumbs.start, 2);

    let l = dir.path().join("l.json");
    export(&p, ExportFormat::LabelStudio, &l, None);
    let tasks: serde_json::Value = serde_json::from_str(&fs::read_to_string(&l).unwrap()).unwrap();
    let mut checked = 0;
    for task in tasks.as_array().unwrap() {
        let units: Vec<u16> = task["data"]["text"]
            .as_str()
            .unwrap()
            .encode_utf16()
            .collect();
        for ann in task["annotations"].as_array().unwrap() {
            for r in ann["result"].as_array().unwrap() {
                if r["type"] == "labels" {
                    let v = &r["value"];
                    let (s, t) = (
                        v["start"].as_u64().unwrap() as usize,
                        v["end"].as_u64().unwrap() as usize,
                    );
                    assert_eq!(
                        String::from_utf16(&units[s..t]).unwrap(),
                        v["text"].as_str().unwrap()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, p.sets.iter().map(|s| s.spans.len()).sum::<usize>());
}

#[test]
fn utf16_offset_inside_a_surrogate_pair_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.jsonl");
    // "😀 سرت": the emoji is units 0..2; offset 1 is inside it.
    fs::write(&f, r#"{"id": 1, "text": "😀 سرت", "entities": [{"id": 1, "label": "location", "start_offset": 1, "end_offset": 6}]}"#).unwrap();
    let e = import(ImportFormat::Doccano, &[f], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.jsonl:1:"), "{e}");
    assert!(e.contains("offset 1 falls inside a surrogate pair"), "{e}");
}

#[test]
fn hostile_document_ids_stay_inside_the_output_folder() {
    let ids = [
        "../evil",
        "../../etc/passwd",
        "/abs/path",
        "a/b",
        "a\\b",
        "A_B",
        "..",
        ".",
        "",
        "CON",
        "con.txt",
        "nul\0byte",
        "C:\\Windows\\x",
        "evil\u{202E}txt.ann",
    ];
    let long = "د".repeat(400);
    let mut p = Project::new("hostile", LabelSchema::news_default());
    let all: Vec<String> = ids
        .iter()
        .map(|s| s.to_string())
        .chain([long.clone(), format!("{long}x")])
        .collect();
    for (i, id) in all.iter().enumerate() {
        // Distinct texts, so an overwrite would show.
        let text = format!("نص رقم {i} عن درنة");
        p.documents
            .push(Document::new(id.clone(), format!("t{i}"), text));
        for annotator in ["../x", "y"] {
            let mut set = AnnotationSet::new(annotator, id.clone());
            set.spans.push(Span::new("s1", 0, 2, "actor", "نص"));
            p.sets.push(set);
        }
    }
    assert!(
        store::validate(&p)
            .iter()
            .all(|x| x.severity != store::Severity::Error)
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = export(&p, ExportFormat::Brat, &out, None);
    // Nothing beside `out` in the temporary folder, and every file inside it.
    let top: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(top, ["out"]);
    let mut txts = Vec::new();
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            assert!(path.starts_with(&out));
            assert!(
                !fs::symlink_metadata(&path)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "txt") {
                txts.push(fs::read_to_string(&path).unwrap());
            }
        }
    }
    for f in &report.files {
        assert!(f.starts_with(&out), "{}", f.display());
        assert!(f.file_name().unwrap().len() <= 110, "{}", f.display());
    }
    // Two annotator folders × every document, no overwrite: each text exactly twice.
    assert_eq!(txts.len(), 2 * all.len());
    for d in &p.documents {
        assert_eq!(
            txts.iter().filter(|t| **t == d.text).count(),
            2,
            "{:?}",
            d.id
        );
    }
    // And the export imports back with every text.
    let back = import(ImportFormat::Brat, &[out], None).unwrap();
    assert_eq!(back.project.documents.len(), all.len());
    assert_eq!(back.project.sets.len(), 2 * all.len());
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Runs a failing CLI-level import into a new and into an existing project and checks
/// that nothing was written; returns the error message.
fn failing_import(dir: &Path, f: ImportFormat, inputs: &[PathBuf]) -> String {
    let new = dir.join("new.json");
    let before = snapshot(dir);
    let err = formats::import_into_file(&new, f, inputs, &ImportOptions::default(), &mut |_, _| {})
        .unwrap_err()
        .to_string();
    assert_eq!(snapshot(dir), before, "a failed import wrote something");
    let existing = dir.join("existing.json");
    store::save(&load("projects/derna-sirte.json"), &existing).unwrap();
    let before = snapshot(dir);
    let err2 = formats::import_into_file(
        &existing,
        f,
        inputs,
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert_eq!(snapshot(dir), before, "a failed import changed the project");
    assert_eq!(err, err2);
    fs::remove_file(&existing).unwrap();
    err
}

#[test]
fn invalid_utf8_names_file_and_byte_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let texts = dir.path().join("texts");
    fs::create_dir(&texts).unwrap();
    fs::write(texts.join("good.txt"), "عنوان\nنص سليم").unwrap();
    let mut bad = "عنوان\nنص ".as_bytes().to_vec();
    let at = bad.len();
    bad.extend_from_slice(b"\xFF\xFE tail");
    fs::write(texts.join("bad.txt"), &bad).unwrap();
    let err = failing_import(dir.path(), ImportFormat::Text, std::slice::from_ref(&texts));
    assert!(err.starts_with("nothing was imported: 1 problem"), "{err}");
    assert!(err.contains("bad.txt:2: not valid UTF-8 at byte"), "{err}");
    assert!(err.contains(&format!("byte {at} ")), "{err}");
    assert!(!err.contains("good.txt"), "{err}");
}

#[test]
fn broken_ann_line_names_file_and_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let brat = dir.path().join("brat");
    fs::create_dir(&brat).unwrap();
    fs::write(brat.join("d1.txt"), "قال خليفة حفتر إن قواته في درنة").unwrap();
    fs::write(
        brat.join("d1.ann"),
        "T1\tactor 4 14\tخليفة حفتر\nT2\tlocation 27 31\tدرنة\nT3\tlocation 27\n",
    )
    .unwrap();
    let err = failing_import(dir.path(), ImportFormat::Brat, std::slice::from_ref(&brat));
    assert!(
        err.contains("d1.ann:3: T3: a T line needs three tab-separated fields"),
        "{err}"
    );

    // A text that does not match its offsets (e.g. offsets counted in UTF-16) is refused too.
    fs::write(
        brat.join("d1.ann"),
        "T1\tactor 4 14\tخليفة حفتر\nT2\tlocation 26 30\tدرنة\n",
    )
    .unwrap();
    let err = failing_import(dir.path(), ImportFormat::Brat, &[brat]);
    assert!(
        err.contains("d1.ann:2: T2: its text «درنة» is not the text of"),
        "{err}"
    );
}

#[test]
fn jsonl_line_that_is_not_an_object_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("docs.jsonl");
    fs::write(
        &f,
        "{\"id\": \"d1\", \"text\": \"نص\"}\n[1, 2]\n\n{\"id\": \"d3\", \"text\": \"نص\", \"spans\": [{\"start\": 0, \"end\": 9, \"label\": \"actor\"}]}\n{oops\n",
    )
    .unwrap();
    let err = failing_import(dir.path(), ImportFormat::Jsonl, &[f]);
    assert!(err.starts_with("nothing was imported: 3 problems"), "{err}");
    assert!(
        err.contains("docs.jsonl:2: the line is an array, not a JSON object"),
        "{err}"
    );
    assert!(
        err.contains("docs.jsonl:4: span \"s1\": 0..9 is past the end of the text (2 code points)"),
        "{err}"
    );
    assert!(
        err.contains("docs.jsonl:5: invalid JSON at column 2"),
        "{err}"
    );
}

#[test]
fn text_import_cleans_and_titles() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("2017-derna.txt");
    fs::write(&f, "\u{FEFF}\r\n  عنوان المقال  \r\nسطر ثانٍ\rسطر ثالث\r\n").unwrap();
    let into = dir.path().join("p.json");
    let r = formats::import_into_file(
        &into,
        ImportFormat::Text,
        &[f],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!((r.documents_added, r.sets_added), (1, 0));
    let p = store::load(&into).unwrap().project;
    let d = &p.documents[0];
    assert_eq!(d.id, "2017-derna");
    assert_eq!(d.title, "عنوان المقال");
    assert_eq!(d.text, "\n  عنوان المقال  \nسطر ثانٍ\nسطر ثالث\n");
    // The same file again adds nothing: same id and same text is the same document.
    let again = formats::import(
        &p,
        ImportFormat::Text,
        &[dir.path().join("2017-derna.txt")],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(again.report.documents_added, 0);
    assert_eq!(again.project.documents.len(), 1);
}

#[test]
fn crlf_sources_keep_their_offsets() {
    // A brat document written on Windows: offsets count the CRs.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("w.txt"), "أ\r\nقال حفتر\r\n").unwrap();
    fs::write(dir.path().join("w.ann"), "T1\tactor 7 11\tحفتر\n").unwrap();
    let p = import(ImportFormat::Brat, &[dir.path().to_path_buf()], Some("x"))
        .unwrap()
        .project;
    let s = &p.sets[0].spans[0];
    assert_eq!(p.documents[0].text, "أ\nقال حفتر\n");
    assert_eq!((s.start, s.end, s.text.as_str()), (6, 10, "حفتر"));
}

#[test]
fn import_adds_a_colleagues_set_to_the_same_document() {
    let a = load("projects/derna-sirte.json");
    let b = load("projects/derna-sirte.annotator-b.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.jsonl");
    export(&b, ExportFormat::Jsonl, &out, None);
    let both = formats::import(
        &a,
        ImportFormat::Jsonl,
        std::slice::from_ref(&out),
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(both.report.documents_added, 0);
    assert_eq!(both.report.documents_reused, 1);
    assert_eq!(both.report.sets_added, 1);
    assert_eq!(both.project.annotators(), ["annotator-a", "annotator-b"]);
    assert_eq!(content(&both.project), {
        let mut c = content(&a);
        c.extend(content(&b));
        c
    });
    // Importing the same set again is refused, naming the annotator.
    let e = formats::import(
        &both.project,
        ImportFormat::Jsonl,
        &[out],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("already has a set of annotator \"annotator-b\""),
        "{e}"
    );
}

#[test]
fn unknown_labels_and_relation_types_join_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.jsonl");
    fs::write(&f, r#"{"id": 7, "text": "وزير الصحة في طرابلس", "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 10}, {"id": 2, "label": "LOC", "start_offset": 14, "end_offset": 20}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "based_in"}]}"#).unwrap();
    let r = import(ImportFormat::Doccano, &[f], Some("ali")).unwrap();
    assert_eq!(r.report.labels_added, ["PER", "LOC"]);
    assert_eq!(r.report.relation_types_added, ["based_in"]);
    let t = r.project.schema.relation_type("based_in").unwrap();
    assert_eq!(
        (t.from.as_slice(), t.to.as_slice()),
        (&["PER".to_string()][..], &["LOC".to_string()][..])
    );
    let set = r.project.set("ali", "doccano-7").unwrap();
    assert_eq!(set.spans[1].text, "طرابلس");
    assert_eq!(
        set.relations[0],
        Relation {
            id: "r1".into(),
            kind: "based_in".into(),
            from: "s1".into(),
            to: "s2".into()
        }
    );
}

#[test]
fn labelstudio_region_with_two_labels_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ls.json");
    fs::write(&f, r#"[{"id": 3, "data": {"text": "درنة"}, "annotations": [{"completed_by": 1, "result": [
        {"id": "x", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 0, "end": 4, "text": "درنة", "labels": ["location", "actor"]}}]}]}]"#).unwrap();
    let e = import(ImportFormat::LabelStudio, &[f], None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "ls.json: task 1: annotation 1: result 1: region \"x\" has 2 labels (location, actor)"
        ),
        "{e}"
    );
}

#[test]
fn csv_has_bom_arabic_attributes_and_speakers() {
    let p = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spans.csv");
    export(&p, ExportFormat::Csv, &out, None);
    let bytes = fs::read(&out).unwrap();
    // The fixed columns, then the documents' metadata (issue #15: this fixture's
    // documents have an outlet and a date).
    assert!(bytes.starts_with("\u{FEFF}document,annotator,span_id,label,start,end,text,kind,entity_id,entity_name,said_by,note,outlet,date\r\n".as_bytes()));
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        p.sets.iter().map(|s| s.spans.len()).sum::<usize>()
    );
    let s2 = rows
        .iter()
        .find(|r| &r[0] == "emoji-1" && &r[1] == "annotator-a" && &r[2] == "s2")
        .unwrap();
    assert_eq!(&s2[6], "قواته في دَرْنَةَ 🇱🇾 ستتقدم نحو سِرْت");
    assert_eq!(&s2[7], "promise");
    assert_eq!(&s2[10], "خليفة حفتر");
    let s9 = rows
        .iter()
        .find(|r| &r[1] == "annotator-a" && &r[2] == "s9")
        .unwrap();
    assert_eq!((&s9[7], &s9[9]), ("armed group", "محمد | المتحدث"));
    let multi = rows
        .iter()
        .find(|r| &r[1] == "annotator-a" && &r[2] == "s5")
        .unwrap();
    assert_eq!(&multi[6], "سِرْت.\nوأضاف");

    let opts = ExportOptions {
        bom: false,
        ..Default::default()
    };
    formats::export(&p, ExportFormat::Csv, &out, &opts, &mut |_, _| {}).unwrap();
    assert!(fs::read(&out).unwrap().starts_with(b"document,"));
}

#[test]
fn conll_is_iob2_with_one_annotator() {
    let p = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.conll");
    // Two annotators and no --set: refused, and nothing written.
    let e = formats::export(
        &p,
        ExportFormat::Conll,
        &out,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("--set"), "{e}");
    assert!(!out.exists());

    let r = export(&p, ExportFormat::Conll, &out, Some("annotator-a"));
    assert!(
        r.notes.iter().any(|n| n.contains("outermost span wins")),
        "{:?}",
        r.notes
    );
    let text = fs::read_to_string(&out).unwrap();
    assert_eq!(text.matches("-DOCSTART-\tO\n\n").count(), 2);
    let mut prev = "O".to_string();
    let mut tokens = 0;
    for line in text.lines() {
        if line.is_empty() {
            prev = "O".into();
            continue;
        }
        let (tok, tag) = line.split_once('\t').unwrap();
        assert!(!tok.is_empty() && !tok.contains(char::is_whitespace));
        if let Some(l) = tag.strip_prefix("I-") {
            assert!(
                prev == format!("B-{l}") || prev == format!("I-{l}"),
                "{line} after {prev}"
            );
        } else {
            assert!(tag == "O" || tag.starts_with("B-"), "{tag}");
        }
        prev = tag.to_string();
        tokens += 1;
    }
    assert!(tokens > 30);
    // The claim across the paragraph break stays one entity.
    assert!(
        text.contains("قريبًا\tB-claim\n؟\tI-claim\nمُحَمَّدٌ\tI-claim\n"),
        "{text}"
    );
}

#[test]
fn progress_reaches_the_total() {
    let p = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut calls = Vec::new();
    formats::export(
        &p,
        ExportFormat::Brat,
        &dir.path().join("b"),
        &ExportOptions::default(),
        &mut |d, t| calls.push((d, t)),
    )
    .unwrap();
    // Three units: two annotators' sets on the first document, one on the second.
    assert_eq!(calls.last(), Some(&(3, 3)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    let mut calls = Vec::new();
    formats::import(
        &empty(),
        ImportFormat::Brat,
        &[dir.path().join("b")],
        &ImportOptions::default(),
        &mut |d, t| calls.push((d, t)),
    )
    .unwrap();
    assert_eq!(calls.last(), Some(&(3, 3)));
}

#[test]
fn export_refuses_a_folder_for_a_file_and_the_reverse() {
    let p = fixture();
    let dir = tempfile::tempdir().unwrap();
    let e = formats::export(
        &p,
        ExportFormat::Jsonl,
        dir.path(),
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("give a file name (e.g. export.jsonl)"),
        "{e}"
    );
    let file = dir.path().join("f");
    fs::write(&file, "x").unwrap();
    let e = formats::export(
        &p,
        ExportFormat::Brat,
        &file,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("choose a folder"), "{e}");
    let e = formats::export(
        &p,
        ExportFormat::Jsonl,
        &dir.path().join("o.jsonl"),
        &ExportOptions {
            annotator: Some("nobody".into()),
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("no annotator \"nobody\""), "{e}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn brat_config_is_rtl_and_lists_the_schema() {
    let p = fixture();
    let dir = tempfile::tempdir().unwrap();
    export(&p, ExportFormat::Brat, dir.path(), Some("annotator-a"));
    let visual = fs::read_to_string(dir.path().join("visual.conf")).unwrap();
    assert!(
        visual.contains("[options]\nText direction:rtl\n"),
        "{visual}"
    );
    assert!(visual.contains("claim\tbgColor:#E8A33D"));
    let conf = fs::read_to_string(dir.path().join("annotation.conf")).unwrap();
    assert!(conf.contains("said_by\tArg1:claim, Arg2:actor\n"), "{conf}");
    assert!(
        conf.contains("about\tArg1:claim, Arg2:actor|location\n"),
        "{conf}"
    );
    assert!(conf.contains("Value:statement|assessment|promise|accusation|denial|other|person|organization|armed%20group|"), "{conf}");
    let ann = fs::read_to_string(dir.path().join("emoji-1.ann")).unwrap();
    // s5 crosses a line break: two fragments, texts joined by a space.
    assert!(ann.contains("\tclaim 52 58;59 64\tسِرْت. وأضاف\n"), "{ann}");
    assert!(
        ann.contains("\tReference T9 Hashiya:e-mohamed\tمحمد | المتحدث\n"),
        "{ann}"
    );
    assert!(
        ann.contains("\tAnnotatorNotes T4\tحركات: سِرْت\\nسطر ثانٍ\\tبعد جدولة\n"),
        "{ann}"
    );
    assert!(ann.contains(" armed%20group\n"), "{ann}");
}

#[test]
fn annotator_option_renames_the_imported_sets() {
    let a = load("projects/derna-sirte.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.jsonl");
    export(&a, ExportFormat::Jsonl, &out, None);
    // The same annotator again is refused, with the way out in the message…
    let e = formats::import(
        &a,
        ImportFormat::Jsonl,
        std::slice::from_ref(&out),
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("import it under another name with --annotator NAME"),
        "{e}"
    );
    // …which works.
    let opts = ImportOptions {
        annotator: Some("second-pass".into()),
        ..Default::default()
    };
    let r = formats::import(&a, ImportFormat::Jsonl, &[out], &opts, &mut |_, _| {}).unwrap();
    assert_eq!(r.project.annotators(), ["annotator-a", "second-pass"]);
    assert_eq!(
        content(&r.project)
            .into_iter()
            .filter(|((_, n), _)| n == "second-pass")
            .map(|(_, v)| v)
            .collect::<Vec<_>>(),
        content(&a).into_values().collect::<Vec<_>>()
    );
}

#[test]
fn command_line_export_and_import() {
    let bin = env!("CARGO_BIN_EXE_hashiya");
    let dir = tempfile::tempdir().unwrap();
    let run =
        |args: &[&std::ffi::OsStr]| std::process::Command::new(bin).args(args).output().unwrap();
    let os = |s: &str| std::ffi::OsString::from(s);
    let fixture = root().join("tests/fixtures/formats/emoji-harakat.json");
    let brat = dir.path().join("brat");
    let out = run(&[
        &os("export"),
        &os("--format"),
        &os("brat"),
        fixture.as_os_str(),
        brat.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        // 2 × (.txt + .ann) per set folder, the two .conf files, metadata.csv (#15).
        stdout.contains("wrote 9 files (brat): 2 documents, 3 sets, 17 spans, 7 relations"),
        "{stdout}"
    );

    let into = dir.path().join("p.json");
    let out = run(&[
        &os("import"),
        &os("--format"),
        &os("brat"),
        brat.as_os_str(),
        &os("--into"),
        into.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created — read 3 files; added 2 documents"),
        "{stdout}"
    );
    assert_eq!(
        store::load(&into).unwrap().project.annotators(),
        ["annotator-a", "annotator-b"]
    );

    // CoNLL of two annotators without --set: a clear error, exit 1, nothing written.
    let conll = dir.path().join("x.conll");
    let out = run(&[
        &os("export"),
        &os("--format"),
        &os("conll"),
        fixture.as_os_str(),
        conll.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("export one at a time with --set NAME"));
    assert!(!conll.exists());
    let out = run(&[
        &os("export"),
        &os("--format"),
        &os("xml"),
        fixture.as_os_str(),
        conll.as_os_str(),
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("use one of: jsonl, doccano, brat, conll, csv, labelstudio")
    );
}

#[test]
fn conll_of_some_labels_keeps_what_claims_hide() {
    let p = load("projects/derna-sirte.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ner.conll");
    let opts = ExportOptions {
        labels: Some(vec!["actor".into(), "location".into()]),
        ..Default::default()
    };
    let r = formats::export(&p, ExportFormat::Conll, &out, &opts, &mut |_, _| {}).unwrap();
    let text = fs::read_to_string(&out).unwrap();
    assert!(!text.contains("-claim"));
    let entities = text.lines().filter(|l| l.contains("\tB-")).count();
    let spans = p.sets[0]
        .spans
        .iter()
        .filter(|s| s.label != "claim")
        .count();
    let lost: usize = r
        .notes
        .iter()
        .filter_map(|n| {
            n.strip_prefix("CoNLL: ")?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(entities + lost, spans, "{:?}", r.notes);
    assert!(entities > 50, "{entities}");
    let e = formats::export(
        &p,
        ExportFormat::Conll,
        &out,
        &ExportOptions {
            labels: Some(vec!["person".into()]),
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("no label \"person\""), "{e}");
}

#[test]
fn files_from_the_tools_themselves_import() {
    let dir = tempfile::tempdir().unwrap();
    // Label Studio's own export: random region ids, a user id, per-region choices.
    let ls = dir.path().join("project-1.json");
    fs::write(
        &ls,
        r#"[{"id": 41, "data": {"text": "😀 قال حفتر إن درنة آمنة"}, "annotations": [
          {"id": 9, "completed_by": 3, "was_cancelled": false, "result": [
            {"id": "wJ8xG3kT1a", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 7, "end": 11, "text": "حفتر", "labels": ["actor"]}},
            {"id": "Qe4r0LpZ2b", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 15, "end": 24, "text": "درنة آمنة", "labels": ["claim"]}},
            {"id": "wJ8xG3kT1a", "from_name": "kind", "to_name": "text", "type": "choices",
             "value": {"start": 7, "end": 11, "choices": ["person"]}},
            {"from_id": "Qe4r0LpZ2b", "to_id": "wJ8xG3kT1a", "type": "relation", "direction": "right", "labels": ["said_by"]}]},
          {"id": 10, "completed_by": 4, "was_cancelled": true, "result": []}],
         "predictions": [{"result": [{"type": "labels"}]}]}]"#,
    )
    .unwrap();
    let p = import(ImportFormat::LabelStudio, &[ls], None)
        .unwrap()
        .project;
    let set = p.set("labelstudio-user-3", "labelstudio-41").unwrap();
    assert_eq!(p.sets.len(), 1, "the cancelled annotation is skipped");
    let actor = set.span("wJ8xG3kT1a").unwrap();
    assert_eq!(
        (actor.start, actor.end, actor.text.as_str()),
        (6, 10, "حفتر")
    );
    assert_eq!(actor.attributes["kind"], "person");
    assert_eq!(set.relations[0].from, "Qe4r0LpZ2b");
    assert_eq!(p.documents[0].title, "😀 قال حفتر إن درنة آمنة");

    // doccano's sequence-labelling export without relations.
    let dc = dir.path().join("admin.jsonl");
    fs::write(
        &dc,
        "{\"id\": 5, \"text\": \"👍🏽 سرت\", \"label\": [[5, 8, \"location\"]], \"Comments\": []}\n",
    )
    .unwrap();
    let p = import(ImportFormat::Doccano, &[dc], None).unwrap().project;
    let s = &p.set("doccano", "doccano-5").unwrap().spans[0];
    assert_eq!((s.start, s.end, s.text.as_str()), (3, 6, "سرت"));

    // brat as annotators write it: binary attribute, another database, a note.
    let brat = dir.path().join("brat");
    fs::create_dir(&brat).unwrap();
    fs::write(brat.join("n1.txt"), "وصل حفتر إلى سرت\nأمس").unwrap();
    fs::write(
        brat.join("n1.ann"),
        "T1\tActor 4 8\tحفتر\nT2\tLocation 13 16\tسرت\nA1\tNegated T1\nN1\tReference T2 Wikidata:Q207088\tSirte\n#1\tAnnotatorNotes T2\tcity\nR1\tlocated_in Arg1:T1 Arg2:T2\n",
    )
    .unwrap();
    let r = import(
        ImportFormat::Brat,
        std::slice::from_ref(&brat),
        Some("sara"),
    )
    .unwrap();
    assert_eq!(r.report.labels_added, ["Actor", "Location"]);
    let set = r.project.set("sara", "n1").unwrap();
    assert_eq!(set.span("T1").unwrap().attributes["Negated"], "true");
    let t2 = set.span("T2").unwrap();
    assert_eq!(
        (t2.entity.as_deref(), t2.note.as_deref()),
        (Some("Wikidata:Q207088"), Some("city"))
    );
    assert_eq!(r.project.entity("Wikidata:Q207088").unwrap().name, "Sirte");

    // A discontinuous span with words between its fragments cannot be a Hashiya span.
    fs::write(brat.join("n1.ann"), "T1\tActor 0 3;9 12\tوصل إلى\n").unwrap();
    let e = import(ImportFormat::Brat, &[brat], None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("n1.ann:1: T1: fragments 0 3 and 9 12 have text between them"),
        "{e}"
    );
}
