//! Files through the File menu and the in-app path prompt (no file dialog service
//! here): importing text files, exporting with progress, Save As and Open.

use crate::support::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use hashiya::store;

#[test]
fn import_text_files_and_export_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_harness();
    let before = h.state().workspace().project().clone();
    // Invalid UTF-8: a clear error naming the file and byte, and nothing imported.
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"caf\xe9 \xd8\xaf\xd8\xb1\xd9\x86\xd8\xa9\n").unwrap();
    menu(&mut h, &["File", "Import"], "text…");
    assert!(
        shown(&h, "Import (no file dialog available): a file or folder"),
        "the path prompt asks"
    );
    answer_path_prompt(&mut h, &bad);
    let status = h.state().workspace().status().to_string();
    assert!(
        status.starts_with("Nothing imported")
            && status.contains("latin1.txt")
            && status.contains("byte 3"),
        "{status}"
    );
    assert_eq!(*h.state().workspace().project(), before);
    // A CRLF file with a BOM: imported cleaned, as one undo step.
    let good = dir.path().join("sirte.txt");
    std::fs::write(&good, "\u{feff}سرت\r\nمدينة ساحلية\r\n".as_bytes()).unwrap();
    menu(&mut h, &["File", "Import"], "text…");
    answer_path_prompt(&mut h, &good);
    let docs = &h.state().workspace().project().documents;
    assert_eq!(docs.len(), 2, "{}", h.state().workspace().status());
    assert_eq!(docs[1].text, "سرت\nمدينة ساحلية\n");
    assert_eq!(docs[1].title, "سرت");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(*h.state().workspace().project(), before);
    // Export in the background with a progress window, then the file is there.
    let out = dir.path().join("out.jsonl");
    menu(&mut h, &["File", "Export"], "jsonl…");
    answer_path_prompt(&mut h, &out);
    h.state_mut().wait_for_export();
    h.run_steps(2);
    assert!(
        h.state().workspace().status().starts_with("Exported"),
        "{}",
        h.state().workspace().status()
    );
    assert!(!shown(&h, "Exporting"), "the progress window closed");
    let line = std::fs::read_to_string(&out).unwrap();
    assert!(line.contains("\"derna-sirte\""));
}

/// New: Save As through the prompt (pre-filled with the current path) writes the new
/// file and saves there from then on; Open through the prompt loads another project.
#[test]
fn save_as_and_open_through_the_path_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut h) = sample_copy_harness(dir.path());
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(1);
    assert!(h.state().workspace().is_dirty());
    let edited = h.state().workspace().project().clone();
    menu(&mut h, &["File"], "Save As…");
    assert!(shown(&h, "Save project as (no file dialog available)"));
    assert!(
        h.query_all_by_value(&path.display().to_string())
            .next()
            .is_some(),
        "the prompt starts from the current path"
    );
    let copy = dir.path().join("copy.json");
    answer_path_prompt(&mut h, &copy);
    assert!(
        !h.state().workspace().is_dirty(),
        "{}",
        h.state().workspace().status()
    );
    assert_eq!(h.state().workspace().path(), Some(copy.as_path()));
    assert_eq!(store::load(&copy).unwrap().project, edited);
    assert_ne!(
        store::load(&path).unwrap().project,
        edited,
        "the old file is untouched"
    );
    // Open the old file again through File › Open….
    menu(&mut h, &["File"], "Open…");
    assert!(shown(&h, "Open project (no file dialog available)"));
    answer_path_prompt(&mut h, &path);
    assert_eq!(h.state().workspace().path(), Some(path.as_path()));
    assert_eq!(
        *h.state().workspace().project(),
        store::load(&path).unwrap().project
    );
    // Cancel leaves everything as it is.
    menu(&mut h, &["File"], "Open…");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!shown(&h, "Open project (no file dialog available)"));
    assert_eq!(h.state().workspace().path(), Some(path.as_path()));
}

/// Where no file dialog answers, Open shows a browser: places, folders with Arabic
/// names, the project files in them; a click fills the path field (issue #17).
#[test]
fn open_through_the_in_app_file_browser_with_arabic_names() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut h) = sample_copy_harness(dir.path());
    let folder = dir.path().join("مقالات");
    std::fs::create_dir(&folder).unwrap();
    let target = folder.join("درنة.hashiya.json");
    std::fs::copy(sample_path(), &target).unwrap();
    std::fs::write(folder.join("notes.txt"), "not a project").unwrap();

    menu(&mut h, &["File"], "Open…");
    h.get_by_label("Project folder").click();
    h.run_steps(2);
    h.get_by_label("مقالات").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("notes.txt").is_none(),
        "only project files are listed"
    );
    h.get_by_label("درنة.hashiya.json").click();
    h.run_steps(2);
    let input = h.get_by(|n| n.role() == Role::TextInput && n.data().placeholder() == Some(""));
    assert_eq!(
        input.value().as_deref(),
        Some(target.display().to_string().as_str())
    );
    h.get_by_label("OK").click();
    h.run_steps(3);
    assert_eq!(h.state().workspace().path(), Some(target.as_path()));
    // Up goes back to the parent folder.
    menu(&mut h, &["File"], "Open…");
    h.get_by_label("Up (parent folder)").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("مقالات").is_some(),
        "the parent lists the folder"
    );
    h.get_by_label("Cancel").click();
    h.run_steps(2);
}
