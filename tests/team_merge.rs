//! The git merge driver end to end: a real git repository, two branches that edit the
//! sample project through the library as the GUI does, and `git merge` calling
//! `hashiya::team::merge` (plus the same three versions merged with `merge_files`
//! directly, git's text fallback, `git_setup`, and a property test of the merge).
//! git runs the real `hashiya merge` (configured with `hashiya git-setup`'s library
//! function pointing at the binary under test).

use crate::common;

use std::path::Path;
use std::process::{Command as Process, Output};

use hashiya::model::edit::{self, TagOptions};
use hashiya::model::history::SetKey;
use hashiya::model::{ConflictKind, Project, Span};
use hashiya::store;
use hashiya::team::merge::{
    self, ATTRIBUTES_LINE, MergeStatus, Resolution, git_setup_with, merge_files, resolve_conflict,
};
use hashiya::workspace::Workspace;

const DOC: &str = "derna-sirte";
const A: &str = "annotator-a";
const FILE: &str = "project.json";

fn git(dir: &Path, args: &[&str]) -> Output {
    Process::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository whose `main` holds the sample project, with a local identity.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_ok(d, &["init", "-q", "-b", "main"]);
    git_ok(d, &["config", "user.name", "Test"]);
    git_ok(d, &["config", "user.email", "test@example.com"]);
    git_ok(d, &["config", "commit.gpgsign", "false"]);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    std::fs::copy(sample, d.join(FILE)).unwrap();
    std::fs::write(d.join(".gitignore"), "*.bak\n").unwrap();
    std::fs::write(d.join("notes.json"), "[\n  1,\n  2,\n  3,\n  4,\n  5\n]\n").unwrap();
    git_ok(d, &["add", "-A"]);
    git_ok(d, &["commit", "-q", "-m", "base"]);
    dir
}

/// The code point range of the `nth` word (letters only, 4+) that no span of
/// annotator-a's set touches.
fn free_word(p: &Project, nth: usize) -> std::ops::Range<usize> {
    let text = &p.document(DOC).unwrap().text;
    let spans = &p.set(A, DOC).unwrap().spans;
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().chain([' ']).enumerate() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 4 && !spans.iter().any(|x| x.start < i && s < x.end) {
                    words.push(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    words.swap_remove(nth)
}

/// An actor of annotator-a that no relation touches (relabelling it is always allowed).
fn lone_actor(p: &Project) -> String {
    let set = p.set(A, DOC).unwrap();
    let related = |id: &str| set.relations.iter().any(|r| r.from == id || r.to == id);
    set.spans
        .iter()
        .find(|s| s.label == "actor" && !related(&s.id))
        .unwrap()
        .id
        .clone()
}

fn tag(ws: &mut Workspace, who: &str, range: std::ops::Range<usize>, label: &str) -> String {
    ws.set_annotator(who);
    let key = ws.set_key().unwrap();
    let cmd = edit::tag(ws.project(), &key, range, label, TagOptions::default());
    assert!(ws.apply(cmd).is_some(), "{}", ws.status());
    let set = ws.project().set(who, DOC).unwrap();
    // The newest span: the fresh id is the only one not in the file's s-numbering.
    set.spans
        .iter()
        .max_by_key(|s| s.id.trim_start_matches('s').parse::<usize>().unwrap_or(0))
        .unwrap()
        .id
        .clone()
}

/// One side's edits, each through the workspace as the GUI makes them:
/// (a) a new span in the side's own annotator's set and (c) a new entity from it (the
/// same word on both sides, so both entities get the same name); (b) a new span in
/// annotator-a's set (the same fresh id on both sides, different words); (d) the lone
/// actor relabelled (`location` on one side, `claim` on the other) when `conflict`.
fn edit_side(dir: &Path, branch: &str, who: &str, nth: usize, relabel: Option<&str>) {
    git_ok(dir, &["checkout", "-q", "main"]);
    git_ok(dir, &["checkout", "-q", "-b", branch]);
    let mut ws = Workspace::open(&dir.join(FILE)).unwrap();
    let shared = free_word(ws.project(), 0);
    let mine = free_word(ws.project(), 1 + nth);
    let actor = lone_actor(ws.project());
    let span = tag(&mut ws, who, shared, "location"); // (a)
    let key = SetKey::new(who, DOC);
    let cmd = edit::create_entity_from_span(ws.project(), &key, &span); // (c)
    assert!(ws.apply(cmd).is_some(), "{}", ws.status());
    tag(&mut ws, A, mine, "claim"); // (b)
    if let Some(label) = relabel {
        let cmd = edit::relabel(ws.project(), &SetKey::new(A, DOC), &actor, label); // (d)
        assert!(ws.apply(cmd).is_some(), "{}", ws.status());
    }
    ws.save().unwrap();
    // And a plain JSON file, not a project: one line each, far apart.
    let notes = std::fs::read_to_string(dir.join("notes.json")).unwrap();
    let notes = if nth == 0 {
        notes.replace("  1,", "  10,")
    } else {
        notes.replace("  5\n", "  50\n")
    };
    std::fs::write(dir.join("notes.json"), notes).unwrap();
    git_ok(dir, &["commit", "-q", "-am", branch]);
}

/// `left` (amal) and `right` (badr) made from main; `left` checked out.
fn branches(dir: &Path, conflict: bool) {
    edit_side(dir, "left", "amal", 0, conflict.then_some("location"));
    edit_side(dir, "right", "badr", 1, conflict.then_some("claim"));
    git_ok(dir, &["checkout", "-q", "left"]);
}

fn show(dir: &Path, rev: &str) -> Project {
    let bytes = git(dir, &["show", &format!("{rev}:{FILE}")]).stdout;
    store::parse(Path::new(rev), &bytes).unwrap().project
}

/// Spans by content (bounds, label, text) of one set.
fn contents(p: &Project, who: &str) -> Vec<(usize, usize, String, String)> {
    let key = |s: &Span| (s.start, s.end, s.label.clone(), s.text.clone());
    p.set(who, DOC)
        .map(|s| s.spans.iter().map(key).collect())
        .unwrap_or_default()
}

/// What every merged file must be: no markers, valid, every span of both sides there
/// (but theirs' side of a conflict, which is recorded), and the conflict (d) when made.
fn check_merged(dir: &Path, file: &Path, conflict: bool) -> Project {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(!text.contains("<<<<<<<"), "conflict markers in the project");
    let merged = store::load(file).expect("the merged project loads").project;
    let (left, right) = (show(dir, "left"), show(dir, "right"));
    let conflicted: Vec<&str> = merged.conflicts.iter().map(|c| c.item.as_str()).collect();
    for (side, p) in [("left", &left), ("right", &right)] {
        for who in [A, "amal", "badr"] {
            let have = contents(&merged, who);
            let set = p.set(who, DOC);
            for s in set.iter().flat_map(|s| &s.spans) {
                if side == "right" && conflicted.contains(&s.id.as_str()) {
                    continue;
                }
                let c = (s.start, s.end, s.label.clone(), s.text.clone());
                assert!(have.contains(&c), "{side}'s span {} of {who} is lost", s.id);
            }
        }
    }
    // Both new entities, both named after the same word, each linked from its span.
    let named: Vec<_> = merged
        .entities
        .iter()
        .filter(|e| e.id.starts_with("e-amal-") || e.id.starts_with("e-badr-"))
        .collect();
    assert_eq!(named.len(), 2);
    assert_eq!(named[0].name, named[1].name);
    // annotator-a's two new spans: the same fresh id on both sides, both kept.
    let a_new = merged.set(A, DOC).unwrap().spans.len()
        - show(dir, "main").set(A, DOC).unwrap().spans.len();
    assert_eq!(a_new, 2);
    if conflict {
        assert_eq!(merged.conflicts.len(), 1, "{:#?}", merged.conflicts);
        let c = &merged.conflicts[0];
        assert_eq!(c.kind, ConflictKind::Span);
        assert_eq!(c.id, format!("span/{A}/{DOC}/{}", c.item));
        assert_eq!(c.ours.as_ref().unwrap()["label"], "location");
        assert_eq!(c.theirs.as_ref().unwrap()["label"], "claim");
        assert_eq!(c.base.as_ref().unwrap()["label"], "actor");
        assert_eq!(
            merged.set(A, DOC).unwrap().span(&c.item).unwrap().label,
            "location"
        );
    } else {
        assert!(merged.conflicts.is_empty(), "{:#?}", merged.conflicts);
    }
    merged
}

/// Resolves the recorded conflict through the workspace: theirs, undo, ours.
fn resolve(file: &Path) {
    let mut ws = Workspace::open(file).unwrap();
    let before = ws.project().clone();
    let c = before.conflicts[0].clone();
    let cmd = resolve_conflict(ws.project(), &c.id, Resolution::Theirs);
    assert!(ws.apply(cmd).is_some(), "{}", ws.status());
    assert_eq!(
        ws.project()
            .set(A, DOC)
            .unwrap()
            .span(&c.item)
            .unwrap()
            .label,
        "claim"
    );
    assert!(ws.project().conflicts.is_empty());
    ws.undo();
    assert_eq!(ws.project(), &before, "undo restores the conflict and ours");
    let cmd = resolve_conflict(ws.project(), &c.id, Resolution::Ours);
    assert!(ws.apply(cmd).is_some(), "{}", ws.status());
    assert_eq!(
        ws.project()
            .set(A, DOC)
            .unwrap()
            .span(&c.item)
            .unwrap()
            .label,
        "location"
    );
    assert!(ws.project().conflicts.is_empty());
    ws.save().unwrap();
    assert!(store::load(file).unwrap().project.conflicts.is_empty());
}

/// Sets the repository up with `git_setup_with`, then points the driver at `driver`.
fn configure(dir: &Path, exe: &Path) {
    let report = git_setup_with(dir, exe).unwrap();
    assert!(report.attributes_added);
    git_ok(dir, &["add", ".gitattributes"]);
    git_ok(dir, &["commit", "-q", "-m", "merge driver"]);
}

fn git_merge(dir: &Path, conflict: bool, sources: &[String; 2]) {
    let out = git(dir, &["merge", "--no-edit", "right"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.success(), !conflict, "git merge: {said}");
    assert!(said.contains("hashiya merge: "), "the driver ran: {said}");
    let notes = std::fs::read_to_string(dir.join("notes.json")).unwrap();
    assert!(notes.contains("10,") && notes.contains("50\n"), "{notes}");
    assert!(!said.contains(".merge_file_"), "{said}");
    let merged = check_merged(dir, &dir.join(FILE), conflict);
    if conflict {
        let c = &merged.conflicts[0].sources;
        assert_eq!([&c["ours"], &c["theirs"]], [&sources[0], &sources[1]]);
        resolve(&dir.join(FILE));
        git_ok(dir, &["add", FILE]);
        git_ok(dir, &["commit", "-q", "--no-edit"]);
    } else {
        assert!(merged.conflicts.is_empty());
    }
    let parents = git_ok(dir, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a merge commit");
}

#[test]
fn git_merge_runs_the_hashiya_binary_clean_and_with_a_conflict() {
    if !common::tools::require_tool("git", "git") {
        return;
    }
    let exe = Path::new(env!("CARGO_BIN_EXE_hashiya"));
    // The driver line git-setup writes, and the old one (`merge %O %A %B`, no names).
    for (conflict, old_line) in [(false, false), (true, false), (true, true)] {
        let dir = repo();
        let d = dir.path();
        configure(d, exe);
        if old_line {
            let line = format!("'{}' merge %O %A %B", exe.display());
            git_ok(d, &["config", "merge.hashiya.driver", &line]);
        }
        branches(d, conflict);
        // Conflicts name the file and the branches, never git's temporary files.
        let sources = if old_line {
            ["ours", "theirs"].map(str::to_string)
        } else {
            [format!("{FILE} on left"), format!("{FILE} on right")]
        };
        git_merge(d, conflict, &sources);
    }
}

/// One side commits a damaged project (cut off, or emptied): `git merge` stops with
/// the path unmerged, the driver names the side, and the file holds both sides between
/// conflict markers (so it cannot be opened, or committed unnoticed, as ours alone).
#[test]
fn git_merge_with_a_truncated_or_empty_side_fails_naming_it() {
    if !common::tools::require_tool("git", "git") {
        return;
    }
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json"),
    )
    .unwrap();
    // Cut at a line end near the middle (a copy that stopped half way).
    let half = sample[..sample.len() / 2].rfind('\n').unwrap() + 1;
    let truncated = &sample[..half];
    let line = truncated.matches('\n').count() + 1;
    for (theirs, problem) in [
        (
            truncated,
            format!("is not a loadable Hashiya project: at {line}:0: EOF while parsing"),
        ),
        ("", "is empty".to_string()),
    ] {
        let dir = repo();
        let d = dir.path();
        configure(d, Path::new(env!("CARGO_BIN_EXE_hashiya")));
        edit_side(d, "left", "amal", 0, None);
        git_ok(d, &["checkout", "-q", "main"]);
        git_ok(d, &["checkout", "-q", "-b", "right"]);
        std::fs::write(d.join(FILE), theirs).unwrap();
        git_ok(d, &["commit", "-q", "-am", "right"]);
        git_ok(d, &["checkout", "-q", "left"]);
        let ours = std::fs::read_to_string(d.join(FILE)).unwrap();
        let out = git(d, &["merge", "--no-edit", "right"]);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{said}");
        let named =
            format!("hashiya merge: {FILE}: could not merge: theirs (right) of {FILE} {problem}");
        assert!(said.contains(&named), "expected «{named}» in: {said}");
        assert!(!said.contains(".merge_file_"), "{said}");
        let status = git_ok(d, &["status", "--porcelain"]);
        assert!(status.contains(&format!("UU {FILE}")), "{status}");
        let left = std::fs::read_to_string(d.join(FILE)).unwrap();
        let newline = if theirs.is_empty() || theirs.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        assert_eq!(
            left,
            format!("<<<<<<< left\n{ours}=======\n{theirs}{newline}>>>>>>> right\n")
        );
        let err = store::load(&d.join(FILE)).unwrap_err().to_string();
        assert!(err.contains("a git merge of it failed"), "{err}");
        // Keeping ours whole is one command away.
        git_ok(d, &["checkout", "--ours", "--", FILE]);
        assert_eq!(std::fs::read_to_string(d.join(FILE)).unwrap(), ours);
    }
}

#[test]
fn merge_files_on_the_three_versions_from_git() {
    if !common::tools::require_tool("git", "git") {
        return;
    }
    let dir = repo();
    let d = dir.path();
    branches(d, true);
    let out = tempfile::tempdir().unwrap();
    let path = |name: &str| out.path().join(name);
    for (rev, name) in [("main", "base"), ("left", "ours"), ("right", "theirs")] {
        std::fs::write(
            path(name),
            git(d, &["show", &format!("{rev}:{FILE}")]).stdout,
        )
        .unwrap();
    }
    let status = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
    assert!(
        matches!(
            status,
            MergeStatus::Project {
                conflicts: 1,
                renamed: 1,
                ..
            }
        ),
        "{status:?}"
    );
    assert_eq!(status.exit_code(), 1);
    assert!(!path("ours.bak").exists(), "no backup beside git's file");
    check_merged(d, &path("ours"), true);
    resolve(&path("ours"));
    // Merging a side with itself, or with the base, changes nothing.
    let left = std::fs::read(path("theirs")).unwrap();
    let status = merge_files(&path("base"), &path("theirs"), &path("theirs")).unwrap();
    assert_eq!(status.exit_code(), 0);
    assert_eq!(std::fs::read(path("theirs")).unwrap(), left);
}

#[test]
fn other_files_get_gits_text_merge() {
    if !common::tools::require_tool("git", "git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("base"), "{\"a\": 1,\n \"b\": 2}\n").unwrap();
    std::fs::write(path("ours"), "{\"a\": 10,\n \"b\": 2}\n").unwrap();
    std::fs::write(path("theirs"), "{\"a\": 11,\n \"b\": 2}\n").unwrap();
    let status = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
    assert_eq!(status, MergeStatus::Text { clean: false });
    assert_eq!(status.exit_code(), 1);
    let text = std::fs::read_to_string(path("ours")).unwrap();
    assert!(
        text.contains("<<<<<<< ours") && text.contains(">>>>>>> theirs"),
        "{text}"
    );
    // Projects over a base that is another file (both sides replaced it) merge by ids,
    // without a base; so do two projects over an empty base (added on both sides).
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    for base in [None, Some("")] {
        if let Some(b) = base {
            std::fs::write(path("base"), b).unwrap();
        }
        std::fs::copy(&sample, path("ours")).unwrap();
        std::fs::copy(&sample, path("theirs")).unwrap();
        let status = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
        assert_eq!(
            status,
            MergeStatus::Project {
                conflicts: 0,
                renamed: 0,
                documents: Vec::new(),
            }
        );
        assert_eq!(
            std::fs::read(path("ours")).unwrap(),
            std::fs::read(&sample).unwrap()
        );
    }
}

/// The file added on both branches (git passes an empty base): a relabel on one side
/// is a conflict, not a second span, and not "merged cleanly".
#[test]
fn an_empty_base_merges_conservatively() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    let mut ws = Workspace::open(&sample).unwrap();
    let actor = lone_actor(ws.project());
    let before = ws.project().set(A, DOC).unwrap().spans.len();
    let cmd = edit::relabel(ws.project(), &SetKey::new(A, DOC), &actor, "location");
    assert!(ws.apply(cmd).is_some(), "{}", ws.status());
    std::fs::write(path("theirs"), store::to_bytes(ws.project()).unwrap()).unwrap();
    std::fs::copy(&sample, path("ours")).unwrap();
    std::fs::write(path("base"), "").unwrap();
    let status = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
    assert_eq!(status.exit_code(), 1, "{status:?}");
    let merged = store::load(&path("ours")).unwrap().project;
    let set = merged.set(A, DOC).unwrap();
    assert_eq!(set.spans.len(), before, "no second span for the relabel");
    assert_eq!(set.span(&actor).unwrap().label, "actor");
    let ids: Vec<&str> = merged.conflicts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [format!("span/{A}/{DOC}/{actor}")]);
}

/// Theirs' document with ours' id but another text is kept beside ours', and the merge
/// says so.
#[test]
fn the_driver_reports_documents_matched_by_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    let ours = store::load(&sample).unwrap().project;
    let mut theirs = Project::new(&ours.name, ours.schema.clone());
    theirs
        .documents
        .push(hashiya::model::Document::new(DOC, "other", "نص آخر تماما."));
    std::fs::copy(&sample, path("ours")).unwrap();
    std::fs::write(path("theirs"), store::to_bytes(&theirs).unwrap()).unwrap();
    std::fs::write(path("base"), "").unwrap();
    let status = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
    let MergeStatus::Project { documents, .. } = &status else {
        panic!("{status:?}")
    };
    assert_eq!(
        documents,
        &[format!(
            "theirs' document «{DOC}» has another text than ours' «{DOC}»: both kept, theirs' as «{DOC}~2» (its sets follow it)"
        )]
    );
    let merged = store::load(&path("ours")).unwrap().project;
    assert_eq!(
        merged.document(&format!("{DOC}~2")).unwrap().text,
        "نص آخر تماما."
    );
}

/// A JSON file over the project size limit that is not a project goes to git's text
/// merge (the limit is for projects only).
#[test]
fn big_json_that_is_not_a_project_gets_gits_merge() {
    if !common::tools::require_tool("git", "git") {
        return;
    }
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("base"), "[\n1,\n2\n]\n").unwrap();
    std::fs::write(path("theirs"), "[\n1,\n2\n]\n").unwrap();
    // Ours: one long string added, just over the limit.
    let mut f = std::io::BufWriter::new(std::fs::File::create(path("ours")).unwrap());
    f.write_all(b"[\n1,\n2,\n\"").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let limit = hashiya::store::limits::MAX_PROJECT_BYTES;
    for _ in 0..=(limit >> 20) {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\"\n]\n").unwrap();
    drop(f);
    let size = std::fs::metadata(path("ours")).unwrap().len();
    assert!(size > limit);
    let status = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
    assert_eq!(status, MergeStatus::Text { clean: true });
    assert_eq!(std::fs::metadata(path("ours")).unwrap().len(), size);
}

#[test]
fn a_damaged_project_is_refused_and_the_driver_leaves_both_sides_in_markers() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    for n in ["base", "ours"] {
        std::fs::copy(&sample, path(n)).unwrap();
    }
    let broken = std::fs::read_to_string(&sample)
        .unwrap()
        .replacen("\"a-s001\"", "\"a-s002\"", 1);
    std::fs::write(path("theirs"), &broken).unwrap();
    let err = merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("theirs ({})", path("theirs").display())),
        "{msg}"
    );
    // The library leaves ours alone…
    assert_eq!(
        std::fs::read(path("ours")).unwrap(),
        std::fs::read(&sample).unwrap()
    );
    // …the driver leaves both sides between conflict markers, which do not load.
    assert_eq!(
        merge::run_driver(&path("base"), &path("ours"), &path("theirs")),
        2
    );
    let left = std::fs::read_to_string(path("ours")).unwrap();
    let ours = std::fs::read_to_string(&sample).unwrap();
    assert_eq!(
        left,
        format!("<<<<<<< ours\n{ours}=======\n{broken}>>>>>>> theirs\n")
    );
    let err = store::load(&path("ours")).unwrap_err().to_string();
    assert!(
        err.contains("conflict markers") && err.contains("git checkout --ours"),
        "{err}"
    );
}

/// `export` and `agree` on a project with unresolved merge conflicts say that they ran
/// on ours' side of them.
#[test]
fn export_and_agree_warn_of_unresolved_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json");
    let mut p = store::load(&sample).unwrap().project;
    let actor = lone_actor(&p);
    let mut q = p.clone();
    for (side, label) in [(&mut p, "location"), (&mut q, "claim")] {
        let cmd = edit::relabel(side, &SetKey::new(A, DOC), &actor, label).unwrap();
        hashiya::model::history::apply_command(side, &cmd).unwrap();
    }
    std::fs::write(path("ours"), store::to_bytes(&p).unwrap()).unwrap();
    std::fs::write(path("theirs"), store::to_bytes(&q).unwrap()).unwrap();
    std::fs::copy(&sample, path("base")).unwrap();
    merge_files(&path("base"), &path("ours"), &path("theirs")).unwrap();
    let file = path("ours");
    let f = file.to_str().unwrap();
    let out = path("out.jsonl");
    for args in [
        vec!["export", "--format", "jsonl", f, out.to_str().unwrap()],
        vec!["agree", f, f],
    ] {
        let run = Process::new(env!("CARGO_BIN_EXE_hashiya"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        let want = format!(
            "warning: {f}: 1 unresolved merge conflict; {} ran on ours' side of it.",
            args[0]
        );
        assert!(err.contains(&want), "{args:?}: {err}");
    }
    // None: nothing said.
    let run = Process::new(env!("CARGO_BIN_EXE_hashiya"))
        .args(["export", "--format", "jsonl"])
        .arg(&sample)
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(!String::from_utf8_lossy(&run.stderr).contains("unresolved"));
}

#[test]
fn git_setup_is_idempotent_and_quotes_the_program() {
    if !common::tools::require_tool("git", "git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_ok(d, &["init", "-q"]);
    std::fs::write(d.join(".gitattributes"), "*.png binary").unwrap();
    let exe = Path::new("/opt/my tools/it's/hashiya");
    let first = git_setup_with(d, exe).unwrap();
    let again = git_setup_with(d, exe).unwrap();
    assert!(first.attributes_added && !again.attributes_added);
    let attrs = std::fs::read_to_string(d.join(".gitattributes")).unwrap();
    assert_eq!(attrs, format!("*.png binary\n{ATTRIBUTES_LINE}\n"));
    let driver = git_ok(d, &["config", "merge.hashiya.driver"]);
    assert_eq!(
        driver.trim(),
        format!(r"'/opt/my tools/it'\''s/hashiya' {}", merge::DRIVER_ARGS)
    );
    assert!(merge::DRIVER_ARGS.starts_with("merge %O %A %B "));
    // The backups and autosaves beside projects are ignored, once.
    assert_eq!(
        std::fs::read_to_string(d.join(".gitignore")).unwrap(),
        "*.bak\n*.recovery\n"
    );
    assert_eq!(first.ignored_added, ["*.bak", "*.recovery"]);
    assert!(again.ignored_added.is_empty());
    // What `hashiya git-setup` prints says what is left to do.
    let said = first.to_string();
    assert!(
        said.contains("commit .gitattributes and .gitignore")
            && said.contains("must run `hashiya git-setup` once in their clone"),
        "{said}"
    );
    assert!(
        !git_ok(d, &["config", "merge.hashiya.name"])
            .trim()
            .is_empty()
    );
    // Not a repository: said so.
    let plain = tempfile::tempdir().unwrap();
    let err = git_setup_with(plain.path(), exe).unwrap_err().to_string();
    assert!(
        err.contains("not inside a git repository") && err.contains("git init"),
        "{err}"
    );
}

mod property {
    use super::*;
    use hashiya::model::history::apply_command;
    use hashiya::model::{Document, LabelSchema};
    use proptest::prelude::*;

    const WORDS: &str = "قال المشير خليفة حفتر إن قواته سيطرت على مدينة درنة بعد معارك مع مجلس شورى مجاهدي درنة وضواحيها بينما أعلنت حكومة الوفاق في طرابلس أن سرت تحررت من تنظيم الدولة";

    #[derive(Debug, Clone)]
    enum Edit {
        Tag {
            b: bool,
            word: usize,
            label: usize,
        },
        Delete {
            b: bool,
            at: usize,
        },
        Relabel {
            b: bool,
            at: usize,
            label: usize,
        },
        Move {
            b: bool,
            at: usize,
            end: bool,
            grow: bool,
        },
        Relate {
            b: bool,
            from: usize,
            to: usize,
        },
        Entity {
            b: bool,
            at: usize,
        },
        Attribute {
            b: bool,
            at: usize,
            value: usize,
        },
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let b = any::<bool>();
        prop_oneof![
            3 => (b, 0..40usize, 0..3usize).prop_map(|(b, word, label)| Edit::Tag { b, word, label }),
            1 => (b, 0..40usize).prop_map(|(b, at)| Edit::Delete { b, at }),
            1 => (b, 0..40usize, 0..3usize).prop_map(|(b, at, label)| Edit::Relabel { b, at, label }),
            1 => (b, 0..40usize, any::<bool>(), any::<bool>())
                .prop_map(|(b, at, end, grow)| Edit::Move { b, at, end, grow }),
            1 => (b, 0..40usize, 0..40usize).prop_map(|(b, from, to)| Edit::Relate { b, from, to }),
            1 => (b, 0..40usize).prop_map(|(b, at)| Edit::Entity { b, at }),
            1 => (b, 0..40usize, 0..6usize).prop_map(|(b, at, value)| Edit::Attribute { b, at, value }),
        ]
    }

    /// WORDS backwards, word by word: another text of the same words.
    fn other_text() -> String {
        WORDS.split(' ').rev().collect::<Vec<_>>().join(" ")
    }

    fn words(text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut at = 0;
        for w in text.split(' ') {
            let n = w.chars().count();
            out.push(at..at + n);
            at += n + 1;
        }
        out
    }

    /// Applies the edits that the builders accept (as the GUI would; refused ones are
    /// skipped).
    fn run(p: &Project, edits: &[Edit]) -> Project {
        let mut p = p.clone();
        let words = words(&p.document("d").unwrap().text);
        let labels = ["claim", "actor", "location"];
        for e in edits {
            let who = |b: &bool| SetKey::new(if *b { "b" } else { "a" }, "d");
            let ids = |k: &SetKey, p: &Project| -> Vec<String> {
                p.set(&k.annotator, "d")
                    .map(|s| s.spans.iter().map(|s| s.id.clone()).collect())
                    .unwrap_or_default()
            };
            let pick = |k: &SetKey, p: &Project, at: usize| {
                let ids = ids(k, p);
                (!ids.is_empty()).then(|| ids[at % ids.len()].clone())
            };
            let cmd = match e {
                Edit::Tag { b, word, label } => edit::tag(
                    &p,
                    &who(b),
                    words[word % words.len()].clone(),
                    labels[*label],
                    TagOptions::default(),
                ),
                Edit::Delete { b, at } => match pick(&who(b), &p, *at) {
                    Some(id) => edit::delete_span(&p, &who(b), &id),
                    None => continue,
                },
                Edit::Relabel { b, at, label } => match pick(&who(b), &p, *at) {
                    Some(id) => edit::relabel(&p, &who(b), &id, labels[*label]),
                    None => continue,
                },
                Edit::Move { b, at, end, grow } => match pick(&who(b), &p, *at) {
                    Some(id) => {
                        let end = if *end {
                            edit::SpanEnd::End
                        } else {
                            edit::SpanEnd::Start
                        };
                        edit::nudge_bounds(&p, &who(b), &id, end, *grow)
                    }
                    None => continue,
                },
                Edit::Relate { b, from, to } => {
                    match (pick(&who(b), &p, *from), pick(&who(b), &p, *to)) {
                        (Some(f), Some(t)) => {
                            let set = p.set(&who(b).annotator, "d").unwrap();
                            let (fl, tl) =
                                (&set.span(&f).unwrap().label, &set.span(&t).unwrap().label);
                            match p.schema.relations_between(fl, tl).next() {
                                Some(rt) => edit::relate(&p, &who(b), &rt.id.clone(), &f, &t),
                                None => continue,
                            }
                        }
                        _ => continue,
                    }
                }
                Edit::Entity { b, at } => match pick(&who(b), &p, *at) {
                    Some(id) => edit::create_entity_from_span(&p, &who(b), &id),
                    None => continue,
                },
                Edit::Attribute { b, at, value } => match pick(&who(b), &p, *at) {
                    Some(id) => {
                        let label = p
                            .set(&who(b).annotator, "d")
                            .unwrap()
                            .span(&id)
                            .unwrap()
                            .label
                            .clone();
                        let values = p.schema.label(&label).unwrap().attributes[0].values.clone();
                        let v = values[value % values.len()].clone();
                        edit::set_attribute(&p, &who(b), &id, "kind", Some(&v))
                    }
                    None => continue,
                },
            };
            if let Ok(cmd) = cmd {
                apply_command(&mut p, &cmd).unwrap();
            }
        }
        p.canonicalize();
        p
    }

    fn valid(p: &Project) -> Result<(), TestCaseError> {
        let errors: Vec<String> = store::validate(p)
            .into_iter()
            .filter(|x| x.severity == store::Severity::Error)
            .map(|x| x.to_string())
            .collect();
        prop_assert!(errors.is_empty(), "{errors:?}");
        Ok(())
    }

    type Content = (usize, usize, String);

    fn content(s: &Span) -> Content {
        (s.start, s.end, s.label.clone())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn merging_random_edits_loses_nothing_and_stays_valid(
            base_edits in proptest::collection::vec(edit(), 0..12),
            ours_edits in proptest::collection::vec(edit(), 0..12),
            theirs_edits in proptest::collection::vec(edit(), 0..12),
        ) {
            let mut start = Project::new("p", LabelSchema::news_default());
            start.documents.push(Document::new("d", "t", WORDS));
            let b = run(&start, &base_edits);
            let o = run(&b, &ours_edits);
            let t = run(&b, &theirs_edits);
            // A side with itself, or with an unchanged base, is that side exactly.
            prop_assert_eq!(&merge::merge(&b, &o, &o, ("o", "o")).project, &o);
            prop_assert_eq!(&merge::merge(&b, &o, &b, ("o", "b")).project, &o);
            prop_assert_eq!(&merge::merge(&b, &b, &t, ("b", "t")).project, &t);
            let out = merge::merge(&b, &o, &t, ("ours", "theirs"));
            let m = &out.project;
            valid(m)?;
            prop_assert_eq!(out.conflicts, m.conflicts.len());
            for who in ["a", "b"] {
                let merged: Vec<Content> = m.set(who, "d").map(|s| s.spans.iter().map(content).collect()).unwrap_or_default();
                let related = |id: &str| m.set(who, "d").is_some_and(|s| s.relations.iter().any(|r| r.from == id || r.to == id));
                let base_set = b.set(who, "d");
                let in_base = |id: &str| base_set.and_then(|s| s.span(id));
                for (x, y) in [(&o, &t), (&t, &o)] {
                    let (xs, ys) = (x.set(who, "d"), y.set(who, "d"));
                    for s in xs.iter().flat_map(|s| &s.spans) {
                        match in_base(&s.id) {
                            // Added by x: present (perhaps under a new id).
                            None => prop_assert!(merged.contains(&content(s)), "added span {} of {who} lost", s.id),
                            // Kept unchanged by x: y's version wins.
                            Some(bs) if bs == s => match ys.and_then(|ys| ys.span(&s.id)) {
                                Some(yv) => prop_assert!(merged.contains(&content(yv)), "span {} of {who} lost", s.id),
                                // Deleted by y, untouched by x: deleted, unless a
                                // kept relation still points at it.
                                None => {
                                    let here = m.set(who, "d").and_then(|ms| ms.span(&s.id));
                                    prop_assert!(here.is_none() || related(&s.id), "span {} deleted by one side survived", s.id);
                                }
                            },
                            // Changed by x: present as x made it, unless y changed it
                            // too (field-wise merge or conflict, ours held).
                            Some(bs) => {
                                let yv = ys.and_then(|ys| ys.span(&s.id));
                                if yv == Some(bs) {
                                    prop_assert!(merged.contains(&content(s)), "changed span {} of {who} lost", s.id);
                                }
                            }
                        }
                    }
                }
            }
            // Every conflict can be resolved as ours, in one undoable step.
            for c in &m.conflicts {
                for choice in [Resolution::Ours, Resolution::Theirs] {
                    let r = resolve_conflict(m, &c.id, choice.clone());
                    if choice == Resolution::Ours || r.is_ok() {
                        let cmd = r.map_err(|e| TestCaseError::fail(e.to_string()))?;
                        let mut q = m.clone();
                        apply_command(&mut q, &cmd).unwrap();
                        valid(&q)?;
                        prop_assert!(q.conflicts.iter().all(|x| x.id != c.id));
                        apply_command(&mut q, &cmd.inverse()).unwrap();
                        prop_assert_eq!(&q, m);
                    }
                }
            }
        }
    }

    /// What a merge without a base must give (see `team::merge`, "Without a base").
    fn check_without_base(
        o: &Project,
        t: &Project,
        out: &merge::MergeOutcome,
    ) -> Result<(), TestCaseError> {
        let m = &out.project;
        valid(m)?;
        prop_assert!(out.renamed.is_empty(), "{:?}", out.renamed);
        for who in ["a", "b"] {
            let spans = |p: &Project| p.set(who, "d").map(|s| s.spans.clone()).unwrap_or_default();
            let (os, ts, ms) = (spans(o), spans(t), spans(m));
            let merged: Vec<Content> = ms.iter().map(content).collect();
            // Every merged span is one side's, under one of their ids, once.
            for s in &ms {
                prop_assert_eq!(ms.iter().filter(|x| x.id == s.id).count(), 1);
                let from_o = os.iter().any(|x| x == s);
                let from_t = ts.iter().any(|x| x == s);
                prop_assert!(from_o || from_t, "span {} of {who} is neither side's", s.id);
            }
            for x in &os {
                prop_assert!(
                    ms.contains(x),
                    "ours' span {} of {who} lost or changed",
                    x.id
                );
            }
            for y in &ts {
                match os.iter().find(|x| x.id == y.id) {
                    // Theirs only: kept (under ours' id when ours has it under another).
                    None => prop_assert!(
                        merged.contains(&content(y)),
                        "theirs' span {} of {who} lost",
                        y.id
                    ),
                    Some(x) if x == y => {}
                    // Both, different: ours held and a conflict recorded, unless ours
                    // has theirs' version under another id.
                    Some(_) => {
                        let id = merge::conflict_id(
                            ConflictKind::Span,
                            Some(&SetKey::new(who, "d")),
                            &y.id,
                        );
                        let recorded = m.conflicts.iter().any(|c| c.id == id && c.base.is_none());
                        prop_assert!(
                            recorded || os.iter().any(|x| content(x) == content(y)),
                            "span {} of {who} differs on the two sides: no conflict",
                            y.id
                        );
                    }
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// The file added on both branches: both sides made from one project neither
        /// side's history has (git's base is empty).
        #[test]
        fn merging_without_a_base_never_doubles_or_loses_a_span(
            start_edits in proptest::collection::vec(edit(), 0..12),
            ours_edits in proptest::collection::vec(edit(), 0..12),
            theirs_edits in proptest::collection::vec(edit(), 0..12),
        ) {
            let mut start = Project::new("p", LabelSchema::news_default());
            start.documents.push(Document::new("d", "t", WORDS));
            let s = run(&start, &start_edits);
            let o = run(&s, &ours_edits);
            let t = run(&s, &theirs_edits);
            let out = merge::merge_without_base(&o, &t, ("ours", "theirs"));
            check_without_base(&o, &t, &out)?;
            prop_assert_eq!(&merge::merge_without_base(&o, &o, ("o", "o")).project, &o);
        }

        /// Two people imported two different articles under one id: both kept, each
        /// side's sets on its own text.
        #[test]
        fn one_document_id_with_two_texts_keeps_both(
            ours_edits in proptest::collection::vec(edit(), 0..12),
            theirs_edits in proptest::collection::vec(edit(), 0..12),
            with_base in any::<bool>(),
        ) {
            let empty = Project::new("p", LabelSchema::news_default());
            let (mut so, mut st) = (empty.clone(), empty.clone());
            so.documents.push(Document::new("d", "t", WORDS));
            st.documents.push(Document::new("d", "t", other_text()));
            let o = run(&so, &ours_edits);
            let t = run(&st, &theirs_edits);
            let out = if with_base {
                merge::merge(&empty, &o, &t, ("ours", "theirs"))
            } else {
                merge::merge_without_base(&o, &t, ("ours", "theirs"))
            };
            let m = &out.project;
            valid(m)?;
            let docs: Vec<(String, String)> = m.documents.iter().map(|d| (d.id.clone(), d.text.clone())).collect();
            prop_assert_eq!(docs, vec![("d".to_string(), WORDS.to_string()), ("d~2".to_string(), other_text())]);
            prop_assert!(out.renamed.iter().any(|r| r.kind == ConflictKind::Document && r.from == "d" && r.to == "d~2"));
            prop_assert!(m.conflicts.iter().all(|c| c.kind != ConflictKind::Document), "{:?}", m.conflicts);
            for who in ["a", "b"] {
                let contents = |p: &Project, doc: &str| -> Vec<(usize, usize, String, String)> {
                    p.set(who, doc).map(|s| s.spans.iter().map(|x| (x.start, x.end, x.label.clone(), x.text.clone())).collect()).unwrap_or_default()
                };
                // Each side's spans, with their texts, on its own document only.
                prop_assert_eq!(contents(m, "d"), contents(&o, "d"));
                prop_assert_eq!(contents(m, "d~2"), contents(&t, "d"));
            }
        }
    }
}
