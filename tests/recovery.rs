//! Recovery of unsaved work: the panic hook (in a real process that panics), a
//! SIGKILL after an autosave (what survives is the autosave), and the in-process API.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use hashiya::debug::{AUTOSAVED_EDIT_NAME, UNSAVED_EDIT_NAME, sample};
use hashiya::store::{self, recovery};

fn project_file(dir: &Path) -> PathBuf {
    let file = dir.join("p.json");
    store::save(&sample().unwrap(), &file).unwrap();
    file
}

fn hashiya(args: &[&str], file: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hashiya"));
    c.args(args).arg(file);
    c
}

/// The edit both debug commands make besides the rename: a span in set "debug-edit".
fn has_debug_span(p: &hashiya::model::Project) -> bool {
    p.sets
        .iter()
        .any(|s| s.annotator == "debug-edit" && !s.spans.is_empty())
}

#[test]
fn a_panic_writes_the_unsaved_edit_as_a_recovery_file_that_is_offered() {
    let dir = tempfile::tempdir().unwrap();
    let file = project_file(dir.path());
    let before = fs::read(&file).unwrap();

    let out = hashiya(&["debug", "panic-after-edit"], &file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(101),
        "a panic exits with 101: {stderr}"
    );
    assert!(
        stderr.contains("deliberate panic after an edit"),
        "the usual panic message is kept: {stderr}"
    );
    let rec = recovery::recovery_path(&file);
    assert!(
        stderr.contains(&format!(
            "Your unsaved work was written to {}",
            rec.display()
        )),
        "the hook says where the work is: {stderr}"
    );

    // The project itself is untouched; the recovery file holds the edit.
    assert_eq!(fs::read(&file).unwrap(), before);
    let loaded = store::load(&rec).unwrap();
    assert_eq!(loaded.project.name, UNSAVED_EDIT_NAME);
    assert!(has_debug_span(&loaded.project));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // And the next start offers it.
    let offered = recovery::pending_recovery(&file)
        .expect("recovery offered")
        .unwrap();
    assert_eq!(offered.project, loaded.project);
    // No temporary files left by the write inside the hook.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

#[cfg(unix)]
#[test]
fn sigkill_after_an_autosave_loses_only_the_edits_since_the_autosave() {
    let dir = tempfile::tempdir().unwrap();
    let file = project_file(dir.path());
    let before = fs::read(&file).unwrap();

    let mut child = hashiya(&["debug", "autosave-then-hang"], &file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    child.kill().unwrap(); // SIGKILL: no hook can run.
    let status = child.wait().unwrap();
    assert!(!status.success());

    assert_eq!(fs::read(&file).unwrap(), before, "the project is untouched");
    let offered = recovery::pending_recovery(&file)
        .expect("the autosave is offered")
        .unwrap();
    // The autosaved edit survives; the one made after it is the documented loss
    // (at most 30 s of work, the autosave interval).
    assert_eq!(offered.project.name, AUTOSAVED_EDIT_NAME);
    assert!(has_debug_span(&offered.project));
}

#[test]
fn registered_state_is_written_where_the_project_is_or_in_the_temp_folder() {
    // One test for the global registry, so parallel tests do not race on it.
    let dir = tempfile::tempdir().unwrap();
    let file = project_file(dir.path());
    recovery::clear_unsaved();
    assert_eq!(recovery::write_registered().unwrap(), None);

    let mut p = sample().unwrap();
    p.name = "first edit".into();
    recovery::set_unsaved(Some(&file), &p);
    p.name = "second edit".into();
    recovery::set_unsaved(Some(&file), &p);
    let written = recovery::write_registered().unwrap().unwrap();
    assert_eq!(written, recovery::recovery_path(&file));
    assert_eq!(
        store::load(&written).unwrap().project.name,
        "second edit",
        "the latest registered state is written"
    );
    assert!(recovery::pending_recovery(&file).is_some());

    // A project without a file goes to the temporary folder.
    recovery::set_unsaved(None, &p);
    let orphan = recovery::write_registered().unwrap().unwrap();
    assert_eq!(orphan, recovery::orphan_recovery_path());
    assert_eq!(store::load(&orphan).unwrap().project.name, "second edit");
    let _ = fs::remove_file(&orphan);

    // After a save the GUI clears the registry: nothing more is written.
    recovery::clear_unsaved();
    assert_eq!(recovery::write_registered().unwrap(), None);

    // Registering is cheap enough to do after every edit, even for a large project.
    let big = hashiya::debug::save_loop_project(&sample().unwrap(), 1, 20_000);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        recovery::set_unsaved(Some(&file), &big);
    }
    let per_call = t.elapsed() / 10;
    recovery::clear_unsaved();
    eprintln!("set_unsaved with 20,000 spans: {per_call:?} per call (debug build)");
    assert!(per_call < Duration::from_millis(250), "{per_call:?}");
}
