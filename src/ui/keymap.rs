//! Every keyboard shortcut, defined once. The key handler ([`pressed`]), the menus
//! ([`shortcut_text`]) and the F1 overlay ([`help_rows`]) all read [`BINDINGS`], so a
//! shortcut cannot be changed in one place and forgotten in another.
//!
//! Order matters: egui matches a shortcut without Shift also when Shift is held, so a
//! shifted binding comes before the unshifted one on the same key.

use egui::{Key, KeyboardShortcut, Modifiers};

/// What a shortcut asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCommand {
    Undo,
    Redo,
    Save,
    Open,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    NextDocument,
    PreviousDocument,
    Find,
    /// Search every document of the project (the corpus search panel).
    FindInCorpus,
    Help,
    DeleteSpan,
    GrowEnd,
    ShrinkEnd,
    GrowStart,
    ShrinkStart,
    Relate,
    Cancel,
    NextSpan,
    PreviousSpan,
    /// A digit 1–9: the label with that hotkey (or the relation type with that number
    /// while several fit).
    Digit(u8),
    AcceptA,
    AcceptB,
    AcceptBoth,
    Reject,
    EditDecision,
    NextDisagreement,
    PreviousDisagreement,
    NextSuggestion,
    PreviousSuggestion,
    AcceptSuggestion,
    /// Accept every suggestion of the current one's string in this document.
    AcceptSuggestionEverywhere,
    RejectSuggestion,
}

/// When a binding is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Always, also while typing in a field (the binding has a modifier).
    Global,
    /// When no text field has the keyboard.
    Article,
    /// In the Review tab, when no text field has the keyboard (before [`Scope::Article`]).
    Review,
}

/// One key (with modifiers) bound to a command.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub shortcut: KeyboardShortcut,
    pub command: KeyCommand,
    pub scope: Scope,
}

const NONE: Modifiers = Modifiers::NONE;
const CMD: Modifiers = Modifiers::COMMAND;
const SHIFT: Modifiers = Modifiers::SHIFT;
const CMD_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);

const fn bind(mods: Modifiers, key: Key, command: KeyCommand, scope: Scope) -> Binding {
    Binding {
        shortcut: KeyboardShortcut::new(mods, key),
        command,
        scope,
    }
}

use KeyCommand as C;
use Scope::{Article, Global, Review};

/// The keymap.
pub static BINDINGS: &[Binding] = &[
    bind(CMD_SHIFT, Key::Z, C::Redo, Global),
    bind(CMD, Key::Y, C::Redo, Global),
    bind(CMD, Key::Z, C::Undo, Global),
    bind(CMD, Key::S, C::Save, Global),
    bind(CMD, Key::O, C::Open, Global),
    bind(CMD, Key::Equals, C::ZoomIn, Global),
    bind(CMD, Key::Plus, C::ZoomIn, Global),
    bind(CMD, Key::Minus, C::ZoomOut, Global),
    bind(CMD, Key::Num0, C::ZoomReset, Global),
    bind(CMD, Key::PageDown, C::NextDocument, Global),
    bind(CMD, Key::PageUp, C::PreviousDocument, Global),
    bind(CMD_SHIFT, Key::F, C::FindInCorpus, Global),
    bind(CMD, Key::F, C::Find, Global),
    bind(NONE, Key::F1, C::Help, Global),
    bind(NONE, Key::Questionmark, C::Help, Article),
    bind(NONE, Key::Num1, C::AcceptA, Review),
    bind(NONE, Key::Num2, C::AcceptB, Review),
    bind(NONE, Key::Num3, C::AcceptBoth, Review),
    bind(NONE, Key::Num4, C::Reject, Review),
    bind(NONE, Key::Num5, C::EditDecision, Review),
    bind(NONE, Key::J, C::NextDisagreement, Review),
    bind(NONE, Key::K, C::PreviousDisagreement, Review),
    bind(NONE, Key::Delete, C::DeleteSpan, Article),
    bind(NONE, Key::Backspace, C::DeleteSpan, Article),
    bind(SHIFT, Key::E, C::ShrinkEnd, Article),
    bind(NONE, Key::E, C::GrowEnd, Article),
    bind(SHIFT, Key::B, C::ShrinkStart, Article),
    bind(NONE, Key::B, C::GrowStart, Article),
    bind(NONE, Key::R, C::Relate, Article),
    bind(NONE, Key::Escape, C::Cancel, Article),
    bind(SHIFT, Key::Tab, C::PreviousSpan, Article),
    bind(NONE, Key::Tab, C::NextSpan, Article),
    bind(NONE, Key::N, C::NextSuggestion, Article),
    bind(NONE, Key::P, C::PreviousSuggestion, Article),
    bind(SHIFT, Key::A, C::AcceptSuggestionEverywhere, Article),
    bind(NONE, Key::A, C::AcceptSuggestion, Article),
    bind(NONE, Key::X, C::RejectSuggestion, Article),
    bind(NONE, Key::Num1, C::Digit(1), Article),
    bind(NONE, Key::Num2, C::Digit(2), Article),
    bind(NONE, Key::Num3, C::Digit(3), Article),
    bind(NONE, Key::Num4, C::Digit(4), Article),
    bind(NONE, Key::Num5, C::Digit(5), Article),
    bind(NONE, Key::Num6, C::Digit(6), Article),
    bind(NONE, Key::Num7, C::Digit(7), Article),
    bind(NONE, Key::Num8, C::Digit(8), Article),
    bind(NONE, Key::Num9, C::Digit(9), Article),
];

impl KeyCommand {
    /// What the F1 overlay says the command does.
    pub fn describe(self) -> &'static str {
        match self {
            C::Undo => "Undo",
            C::Redo => "Redo",
            C::Save => "Save",
            C::Open => "Open a project",
            C::ZoomIn => "Zoom in",
            C::ZoomOut => "Zoom out",
            C::ZoomReset => "Actual size",
            C::NextDocument => "Next document",
            C::PreviousDocument => "Previous document",
            C::Find => "Search (Enter / Shift+Enter: next / previous match, Escape: close)",
            C::FindInCorpus => {
                "Search every document (Enter / Shift+Enter: next / previous result)"
            }
            C::Help => "This overlay",
            C::DeleteSpan => "Delete the selected span",
            C::GrowEnd => "Grow the selected span's end by one word",
            C::ShrinkEnd => "Shrink the selected span's end by one word",
            C::GrowStart => "Grow the selected span's beginning by one word",
            C::ShrinkStart => "Shrink the selected span's beginning by one word",
            C::Relate => "Add a relation from the selected span: then click the target",
            C::Cancel => "Clear the selection, cancel a relation",
            C::NextSpan => "Next span",
            C::PreviousSpan => "Previous span",
            C::Digit(_) => {
                "Tag the selection with the label of that key (relabel the selected span); choose a relation type"
            }
            C::AcceptA => "Review: accept A",
            C::AcceptB => "Review: accept B",
            C::AcceptBoth => "Review: accept both",
            C::Reject => "Review: reject",
            C::EditDecision => "Review: edit the span, then use it",
            C::NextDisagreement => "Review: next disagreement",
            C::PreviousDisagreement => "Review: previous disagreement",
            C::NextSuggestion => "Next suggestion (dotted outline)",
            C::PreviousSuggestion => "Previous suggestion",
            C::AcceptSuggestion => "Accept the current suggestion",
            C::AcceptSuggestionEverywhere => {
                "Accept every suggestion of the current one's text in this document"
            }
            C::RejectSuggestion => "Reject the current suggestion (not offered there again)",
        }
    }
}

/// Mouse gestures, listed in the F1 overlay after the digit keys.
pub const GESTURES: &[(&str, &str)] = &[
    (
        "Drag / Shift+click",
        "Select text; double-click a word, triple-click a paragraph",
    ),
    (
        "Shift+Left / Shift+Right",
        "Extend the selection in the visual direction",
    ),
    ("Ctrl+C", "Copy the selected text (logical order)"),
    (
        "Click a span",
        "Select it; click again to cycle through overlapping spans",
    ),
    (
        "Drag a selected span's end",
        "Move that end (snaps to words; hold Alt for characters)",
    ),
    (
        "Ctrl+drag from a span to another",
        "Add a relation between them",
    ),
    ("Right-click a selection", "Tag it with a label"),
];

/// What the live bindings depend on.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyState {
    /// A text field has the keyboard: only [`Scope::Global`] bindings fire.
    pub typing: bool,
    /// The Review tab is showing: [`Scope::Review`] bindings fire before the others.
    pub review: bool,
    /// A menu, combo box or context menu is open: Escape is left to close it.
    pub popup: bool,
}

/// The commands whose keys were pressed this frame (their key events are consumed).
pub fn pressed(ctx: &egui::Context, state: KeyState) -> Vec<KeyCommand> {
    let scopes: &[Scope] = match (state.typing, state.review) {
        (true, _) => &[Global],
        (false, true) => &[Global, Review, Article],
        (false, false) => &[Global, Article],
    };
    let mut out = Vec::new();
    ctx.input_mut(|i| {
        for scope in scopes {
            let live = BINDINGS
                .iter()
                .filter(|b| b.scope == *scope)
                .filter(|b| !(state.popup && b.shortcut.logical_key == Key::Escape));
            for b in live {
                if i.consume_shortcut(&b.shortcut) {
                    out.push(b.command);
                }
            }
        }
    });
    out
}

/// The shortcut(s) of a command as the platform writes them (for menus), e.g.
/// "Ctrl+Shift+Z / Ctrl+Y".
pub fn shortcut_text(ctx: &egui::Context, command: KeyCommand) -> String {
    BINDINGS
        .iter()
        .filter(|b| b.command == command)
        .map(|b| format_shortcut(ctx, &b.shortcut))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A shortcut as the platform writes it, with the key's symbol where it has one
/// (`?`, not `Questionmark`).
fn format_shortcut(ctx: &egui::Context, s: &KeyboardShortcut) -> String {
    let text = ctx.format_shortcut(s);
    match s.logical_key {
        Key::Questionmark => text.replace("Questionmark", "?"),
        _ => text,
    }
}

/// The rows of the F1 overlay: (keys, what they do). What a newcomer needs first
/// comes first: the digit keys that tag (one row for the nine), then the mouse
/// gestures, then every other command once, in keymap order.
pub fn help_rows(ctx: &egui::Context) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> =
        vec![("1 – 9".to_string(), C::Digit(0).describe().to_string())];
    rows.extend(GESTURES.iter().map(|(k, d)| (k.to_string(), d.to_string())));
    let mut seen: Vec<KeyCommand> = Vec::new();
    for b in BINDINGS {
        let command = b.command;
        if matches!(command, C::Digit(_)) || seen.contains(&command) {
            continue;
        }
        seen.push(command);
        rows.push((shortcut_text(ctx, command), command.describe().to_string()));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                assert!(
                    !(a.scope == b.scope && a.shortcut == b.shortcut),
                    "{:?} and {:?} share {:?}",
                    a.command,
                    b.command,
                    a.shortcut
                );
            }
        }
    }

    #[test]
    fn shifted_bindings_come_before_unshifted_ones_on_the_same_key() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[..i] {
                let same_key = a.shortcut.logical_key == b.shortcut.logical_key
                    && a.scope == b.scope
                    && a.shortcut.modifiers.command == b.shortcut.modifiers.command;
                assert!(
                    !(same_key && a.shortcut.modifiers.shift && !b.shortcut.modifiers.shift),
                    "{:?} would be shadowed by {:?}",
                    a.command,
                    b.command
                );
            }
        }
    }

    #[test]
    fn help_lists_every_command_once() {
        let ctx = egui::Context::default();
        let rows = help_rows(&ctx);
        assert_eq!(rows[0].0, "1 – 9", "tagging comes first");
        assert_eq!(rows[1].0, GESTURES[0].0, "then the mouse");
        let redo = rows.iter().filter(|(_, d)| d == "Redo").count();
        assert_eq!(redo, 1);
        let redo_keys = &rows.iter().find(|(_, d)| d == "Redo").unwrap().0;
        assert!(
            redo_keys.contains('/'),
            "both redo keys listed: {redo_keys}"
        );
        assert_eq!(rows.len(), {
            let mut c: Vec<_> = BINDINGS
                .iter()
                .map(|b| match b.command {
                    C::Digit(_) => C::Digit(0),
                    c => c,
                })
                .collect();
            c.dedup();
            let mut uniq = Vec::new();
            for x in c {
                if !uniq.contains(&x) {
                    uniq.push(x);
                }
            }
            uniq.len() + GESTURES.len()
        });
    }
}
