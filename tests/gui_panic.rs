//! The GUI's side of crash recovery: the running app registers its unsaved state for the
//! panic hook, so a panic anywhere writes the recovery file, which the next start offers.
//! In a test binary of its own because the registered state is process-wide.
#![cfg(feature = "gui")]

use std::path::Path;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use hashiya::store::recovery;
use hashiya::ui::{HashiyaApp, StartOptions, Workspace};

#[test]
fn a_panic_in_the_gui_writes_the_unsaved_edits_to_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/derna-sirte.json"),
        &path,
    )
    .unwrap();
    let ws = Workspace::open(&path).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| HashiyaApp::new(&cc.egui_ctx, ws, StartOptions::default()));
    h.run_steps(3);
    recovery::install_panic_hook();

    // Nothing unsaved: a panic writes nothing.
    assert!(std::panic::catch_unwind(|| panic!("test panic 1")).is_err());
    assert!(!recovery::recovery_path(&path).exists());

    // An edit, one frame, then a panic (the hook runs on the panicking thread).
    let victim = h.state().workspace().current_set().unwrap().spans[0]
        .id
        .clone();
    // Tab selects the first span, Delete deletes it.
    h.key_press(Key::Tab);
    h.run_steps(1);
    assert_eq!(h.state().workspace().selected_span(), Some(victim.as_str()));
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(h.state().workspace().history().is_dirty());
    assert!(std::panic::catch_unwind(|| panic!("test panic 2")).is_err());
    let rec = recovery::pending_recovery(&path)
        .expect("the hook wrote a recovery file")
        .expect("it loads");
    assert!(
        rec.project.sets.iter().all(|s| s.span(&victim).is_none()),
        "the recovery file has the unsaved delete"
    );

    // After a save nothing is registered any more (and the recovery file is gone).
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(!h.state().workspace().history().is_dirty());
    assert!(!recovery::recovery_path(&path).exists());
    assert_eq!(recovery::write_registered().unwrap(), None);
}
