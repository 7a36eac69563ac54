//! The keymap as the user sees it: the F1 overlay lists every binding of
//! `hashiya::ui::keymap`, and menu items show their shortcut from it.

use crate::support::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use hashiya::ui::action::WindowKind;
use hashiya::ui::keymap::{BINDINGS, GESTURES, KeyCommand, help_rows, shortcut_text};

#[test]
fn f1_overlay_lists_every_binding_of_the_keymap() {
    let mut h = sample_harness();
    assert!(!h.state().is_open(WindowKind::Help));
    h.key_press(Key::F1);
    h.run_steps(3);
    assert!(h.state().is_open(WindowKind::Help));
    assert!(shown(&h, "Keyboard shortcuts"));
    for b in BINDINGS {
        let what = b.command.describe();
        assert!(shown(&h, what), "the overlay lists «{what}»");
    }
    for (keys, what) in GESTURES {
        assert!(shown(&h, keys) && shown(&h, what), "gesture «{keys}»");
    }
    // Every row's keys, as the keymap formats them for this platform.
    for (keys, what) in help_rows(&h.ctx) {
        assert!(shown(&h, &keys), "keys «{keys}» of «{what}»");
    }
    assert!(shown(&h, &shortcut_text(&h.ctx, KeyCommand::Redo)));
    // F1 again closes it; so does Escape.
    h.key_press(Key::F1);
    h.run_steps(2);
    assert!(!h.state().is_open(WindowKind::Help));
    assert!(!shown(&h, "Keyboard shortcuts"));
    h.key_press(Key::F1);
    h.run_steps(2);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(!h.state().is_open(WindowKind::Help));
}

/// A menu item's AccessKit label is its text followed by its shortcut from the keymap.
#[test]
fn menu_items_show_their_shortcut_and_work() {
    let mut h = sample_harness();
    let ctx = h.ctx.clone();
    h.get_by_label("File").click();
    h.run_steps(2);
    for (text, cmd) in [("Open…", KeyCommand::Open), ("Save", KeyCommand::Save)] {
        let label = format!("{text} {}", shortcut_text(&ctx, cmd));
        assert!(
            h.query_by(|n| n.role() == Role::Button && n.label().as_deref() == Some(&label))
                .is_some(),
            "menu item «{label}»"
        );
    }
    assert_eq!(shortcut_text(&ctx, KeyCommand::Save), "Ctrl+S");
    h.get_by_label("File").click(); // closes it (Escape does not: see below)
    h.run_steps(2);
    // View › Zoom in: shows Ctrl+= / Ctrl+Plus, and zooms.
    let size = h.state().view().font_size;
    let zoom = format!("Zoom in {}", shortcut_text(&ctx, KeyCommand::ZoomIn));
    assert!(zoom.contains(" / "), "both zoom keys: {zoom}");
    menu(&mut h, &["View"], "Zoom in");
    assert!(h.state().view().font_size > size);
    // Edit › Undo names the command and its keys once there is something to undo.
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(1);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    let undo = h
        .get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with("Undo ")))
        .accesskit_node()
        .label()
        .unwrap();
    assert!(
        undo.ends_with(&shortcut_text(&ctx, KeyCommand::Undo)),
        "{undo}"
    );
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert!(!h.state().workspace().is_dirty());
}

/// Shortcut texts name keys as they are printed on the keyboard.
#[test]
fn shortcut_texts_use_key_symbols() {
    let h = sample_harness();
    let help = shortcut_text(&h.ctx, KeyCommand::Help);
    assert!(!help.contains("Questionmark"), "{help}");
    assert!(help.contains('?'), "{help}");
}

/// Escape closes an open menu.
#[test]
fn escape_closes_an_open_menu() {
    let mut h = sample_harness();
    h.get_by_label("File").click();
    h.run_steps(2);
    let open = |h: &H| {
        h.query_by(|n| n.label().is_some_and(|l| l.starts_with("Open…")))
            .is_some()
    };
    assert!(open(&h), "the File menu is open");
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(!open(&h), "Escape closed the menu");
}
