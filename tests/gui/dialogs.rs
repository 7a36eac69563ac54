//! The app's windows and modal questions on their own: recovery after a crash, the
//! annotator name prompt, an external change of the project file, pasting a new
//! document, and the quit guard.

use crate::support::*;
use egui::{Event, Key, Modifiers};
use hashiya::store;
use hashiya::ui::action::WindowKind;
use hashiya::ui::{StartOptions, Workspace};

const EXTERNAL: &str = "The project file changed on disk";

#[test]
fn autosave_on_focus_loss_and_recovery_offer_restore_or_discard() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let original = store::load(&sample_path()).unwrap().project;
    store::save(&original, &path).unwrap();
    // Session 1: an edit, then the window loses focus: the recovery file is written.
    let mut h = harness_with(Workspace::open(&path).unwrap());
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(1);
    let edited = h.state().workspace().project().clone();
    assert_ne!(edited, original);
    h.event(Event::WindowFocused(false));
    h.run_steps(1);
    let rec = store::recovery::recovery_path(&path);
    assert!(
        rec.exists(),
        "focus loss with unsaved changes writes the recovery file"
    );
    drop(h); // the "crash": nothing saved
    // Session 2: the newer recovery file is offered; restore it.
    let pending = store::recovery::pending_recovery(&path)
        .expect("offered")
        .unwrap();
    let opts = StartOptions {
        recovery: Some(pending.clone()),
        ..Default::default()
    };
    let mut h = harness_opts(Workspace::open(&path).unwrap(), opts);
    assert!(shown(&h, "Unsaved work found"));
    h.get_by_label("Restore the unsaved work").click();
    h.run_steps(2);
    assert_eq!(*h.state().workspace().project(), edited);
    assert!(!shown(&h, "Unsaved work found"));
    assert!(
        h.state().workspace().history().is_dirty(),
        "restored work is unsaved until saved"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(
        *h.state().workspace().project(),
        original,
        "the restore is one undo step"
    );
    // Session 3: discard it.
    let opts = StartOptions {
        recovery: Some(pending),
        ..Default::default()
    };
    let mut h = harness_opts(Workspace::open(&path).unwrap(), opts);
    h.get_by_label("Discard it").click();
    h.run_steps(2);
    assert!(!rec.exists());
    assert!(!shown(&h, "Unsaved work found"));
    assert_eq!(*h.state().workspace().project(), original);
}

#[test]
fn annotator_name_is_asked_once_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.json");
    let p = sample_without_annotations();
    let opts = StartOptions {
        config_path: Some(cfg.clone()),
        ..Default::default()
    };
    let mut h = harness_opts(Workspace::new(p.clone(), None, vec![]), opts.clone());
    assert!(h.query_by_label("Who is annotating?").is_some());
    h.event(Event::Text("سارة".into()));
    h.run_steps(1);
    // Digits typed into the name field (key and text, as a keyboard sends them) must
    // not reach the keymap: a leaked «2» would try to tag (and, with no text selected,
    // say so in the status bar).
    type_keys(&mut h, "2");
    let status = h.state().workspace().status().to_string();
    assert!(
        !status.contains("Select some text"),
        "«2» reached the keymap: {status}"
    );
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.query_by_label("Who is annotating?").is_none());
    assert_eq!(h.state().workspace().annotator(), "سارة2");
    assert!(
        h.state().workspace().project().sets.is_empty(),
        "nothing tagged"
    );
    let saved = hashiya::workspace::config::Config::load(&cfg);
    assert_eq!(saved.annotator.as_deref(), Some("سارة2"));
    // Next start: not asked again, and the name is used.
    let h = harness_opts(Workspace::new(p, None, vec![]), opts);
    assert!(h.query_by_label("Who is annotating?").is_none());
    assert_eq!(h.state().workspace().annotator(), "سارة2");
}

/// Another program rewrites the project file while it is open with unsaved edits:
/// Ctrl+S writes nothing and asks; "Keep mine" overwrites and keeps theirs as `.bak`;
/// after a second outside change, "Reload theirs" shows their version.
#[test]
fn external_change_is_never_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let mut project = store::load(&sample_path()).unwrap().project;
    project.name = "mine".into();
    store::save(&project, &path).unwrap();
    let mut h = harness_with(Workspace::open(&path).unwrap());

    // An edit of mine: delete the first span of the current set (Tab selects it).
    let first = h.state().workspace().current_set().unwrap().spans[0]
        .id
        .clone();
    h.key_press(Key::Tab);
    h.run_steps(1);
    assert_eq!(h.state().workspace().selected_span(), Some(first.as_str()));
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(h.state().workspace().history().is_dirty());

    // Theirs: a `git pull` renames the project.
    let mut theirs = project.clone();
    theirs.name = "theirs".into();
    std::fs::write(&path, store::to_bytes(&theirs).unwrap()).unwrap();
    let their_bytes = std::fs::read(&path).unwrap();

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        their_bytes,
        "their file untouched"
    );
    assert!(shown(&h, EXTERNAL), "the dialog asks");
    assert!(h.state().workspace().history().is_dirty());
    for b in [
        "Reload theirs",
        "Keep mine",
        "Save mine as…",
        "Decide later",
    ] {
        h.get_by_label(b);
    }

    // Keep mine: my version on disk, theirs in the backup.
    h.get_by_label("Keep mine").click();
    h.run_steps(2);
    assert!(!shown(&h, EXTERNAL));
    assert!(!h.state().workspace().history().is_dirty());
    let on_disk = store::load(&path).unwrap().project;
    assert_eq!(on_disk.name, "mine");
    assert!(on_disk.sets.iter().all(|s| s.span(&first).is_none()));
    let bak = store::atomic::backup_path(&path);
    assert_eq!(store::load(&bak).unwrap().project.name, "theirs");

    // A later save with no outside change goes through without asking.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert!(h.state().workspace().history().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(!shown(&h, EXTERNAL));
    assert!(!h.state().workspace().history().is_dirty());

    // Theirs again, same size as mine (only the content hash can tell): Reload theirs.
    let mine_now = std::fs::read(&path).unwrap();
    let mut theirs = store::load(&path).unwrap().project;
    theirs.name = "MINE".into();
    let their_bytes = store::to_bytes(&theirs).unwrap();
    assert_eq!(their_bytes.len(), mine_now.len());
    std::fs::write(&path, &their_bytes).unwrap();
    h.key_press(Key::Escape);
    h.run_steps(1);
    h.key_press(Key::Tab);
    h.run_steps(1);
    assert_eq!(h.state().workspace().selected_span(), Some(first.as_str()));
    h.key_press(Key::Delete);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        their_bytes,
        "their file untouched"
    );
    h.get_by_label("Reload theirs").click();
    h.run_steps(2);
    assert_eq!(h.state().workspace().project().name, "MINE");
    assert!(!h.state().workspace().history().is_dirty());
    assert!(
        h.state()
            .workspace()
            .current_set()
            .unwrap()
            .span(&first)
            .is_some(),
        "my unsaved delete is gone with the reload"
    );
}

/// The window regaining the focus after another program changed the file asks at once.
#[test]
fn external_change_noticed_on_focus() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut h) = sample_copy_harness(dir.path());
    h.event(Event::WindowFocused(true));
    h.run_steps(2);
    assert!(!shown(&h, EXTERNAL), "nothing changed yet");
    std::fs::remove_file(&path).unwrap();
    h.event(Event::WindowFocused(true));
    h.run_steps(2);
    assert!(shown(&h, EXTERNAL), "noticed");
    assert!(h.query_by_label_contains("was deleted or moved").is_some());
    h.get_by_label("Keep mine"); // a removed file can be written again
    assert!(h.query_by_label("Reload theirs").is_none());
    h.get_by_label("Keep mine").click();
    h.run_steps(2);
    assert!(path.exists());
    assert!(!shown(&h, EXTERNAL));
}

#[test]
fn paste_text_as_a_new_document() {
    let mut h = sample_harness();
    menu(&mut h, &["File"], "Paste text as a new document…");
    assert!(h.state().is_open(WindowKind::Paste));
    h.event(Event::Paste("خبر قصير\r\nعن طرابلس".into()));
    h.run_steps(1);
    h.get_by_label("Add document").click();
    h.run_steps(2);
    assert!(!h.state().is_open(WindowKind::Paste));
    let p = &h.state().workspace().project();
    assert_eq!(p.documents.len(), 2);
    assert_eq!(p.documents[1].text, "خبر قصير\nعن طرابلس");
    assert_eq!(p.documents[1].title, "خبر قصير");
    assert_eq!(
        h.state().workspace().doc_index(),
        1,
        "the new document is shown"
    );
}

/// Asks the window to close, as the window manager's close button does.
fn request_close(h: &mut H) {
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.run_steps(1);
}

fn sent(h: &H, cmd: &egui::ViewportCommand) -> bool {
    h.output().viewport_output[&egui::ViewportId::ROOT]
        .commands
        .contains(cmd)
}

/// New: closing the window with unsaved changes is held back and asks; Cancel keeps
/// the app open; "Quit without saving" closes it; a clean project closes at once.
#[test]
fn quit_guard_asks_before_losing_unsaved_work() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut h) = sample_copy_harness(dir.path());
    let on_disk = std::fs::read(&path).unwrap();
    // Nothing unsaved: the close goes through.
    request_close(&mut h);
    assert!(!sent(&h, &egui::ViewportCommand::CancelClose));
    assert!(!h.state().is_open(WindowKind::QuitConfirm));
    // An edit, then close: held back, asked.
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(1);
    request_close(&mut h);
    assert!(sent(&h, &egui::ViewportCommand::CancelClose));
    assert!(h.state().is_open(WindowKind::QuitConfirm));
    h.run_steps(2);
    assert!(shown(&h, "Unsaved changes"));
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().is_open(WindowKind::QuitConfirm));
    assert!(h.state().workspace().is_dirty());
    // Again, and quit without saving: the window closes, the file is untouched.
    request_close(&mut h);
    h.run_steps(2);
    h.get_by_label("Quit without saving").click();
    h.run_steps(1);
    assert!(
        h.output().viewport_output[&egui::ViewportId::ROOT]
            .commands
            .contains(&egui::ViewportCommand::Close)
            || sent(&h, &egui::ViewportCommand::Close),
        "the app closes its window"
    );
    assert_eq!(std::fs::read(&path).unwrap(), on_disk);
}

/// Unsaved work is offered however the project is opened: here, after a start on the
/// sample (no argument), through File ▸ Open… — and nothing autosaves over the recovery
/// file while the question is open.
#[test]
fn recovery_is_offered_when_the_project_is_opened_through_file_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let original = store::load(&sample_path()).unwrap().project;
    store::save(&original, &path).unwrap();
    // Session 1: an edit, the window loses focus (autosave), then the "crash".
    let mut h = harness_with(Workspace::open(&path).unwrap());
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(1);
    let edited = h.state().workspace().project().clone();
    assert_ne!(edited, original);
    h.event(Event::WindowFocused(false));
    h.run_steps(1);
    drop(h);
    let rec = store::recovery::recovery_path(&path);
    let rec_bytes = std::fs::read(&rec).expect("the recovery file was written");
    // Session 2: started with no argument (the sample, in memory), then File ▸ Open….
    let mut h = sample_harness();
    assert!(!shown(&h, "Unsaved work found"));
    menu(&mut h, &["File"], "Open…");
    answer_path_prompt(&mut h, &path);
    h.run_steps(2);
    assert_eq!(h.state().workspace().path(), Some(path.as_path()));
    assert!(
        shown(&h, "Unsaved work found"),
        "File ▸ Open offers the recovery file"
    );
    // While the question is open, losing the focus writes nothing over it.
    h.event(Event::WindowFocused(false));
    h.run_steps(2);
    assert_eq!(std::fs::read(&rec).unwrap(), rec_bytes);
    h.get_by_label("Restore the unsaved work").click();
    h.run_steps(2);
    assert_eq!(*h.state().workspace().project(), edited);
    assert!(h.state().workspace().history().is_dirty());
}
