//! The Entities tab on its own: merging by right-click, jumping to mentions by click.

use crate::support::*;
use egui::{Key, Modifiers};

fn open_tab(h: &mut H) {
    h.get_by_label("Entities").click();
    h.run_steps(2);
    let n = h.state().workspace().project().entities.len();
    assert!(
        shown(h, &format!("{n} entities in the project")),
        "the Entities tab shows"
    );
    assert_eq!(
        h.get_by_label("Entities").accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True)
    );
}

/// The entity list row whose header starts with `prefix` ("label · id · ").
fn entity_row<'t>(h: &'t H, prefix: &'t str) -> egui_kittest::Node<'t> {
    h.query_all_by(move |n| {
        n.label()
            .or_else(|| n.value())
            .unwrap_or_default()
            .starts_with(prefix)
    })
    .last()
    .unwrap_or_else(|| panic!("no entity row starting with «{prefix}»"))
}

#[test]
fn entity_merge_from_the_entities_panel() {
    let mut h = sample_harness();
    open_tab(&mut h);
    let p = h.state().workspace().project().clone();
    // Pick two actor entities and merge the second into the first.
    let actors: Vec<_> = p
        .entities
        .iter()
        .filter(|e| e.label == "actor")
        .cloned()
        .collect();
    let (keep, gone) = (actors[0].clone(), actors[1].clone());
    let counts = hashiya::model::edit::entity_mentions(&p);
    let prefix = format!("actor · {} · ", gone.id);
    entity_row(&h, &prefix).click_secondary();
    h.run_steps(2);
    h.get_by_label("Merge into:");
    h.get_by_label(&format!("{} ({})", keep.id, keep.name))
        .click();
    h.run_steps(2);
    let q = h.state().workspace().project().clone();
    assert!(q.entity(&gone.id).is_none());
    let merged = q.entity(&keep.id).unwrap();
    assert!(merged.aliases.contains(&gone.name));
    let after = hashiya::model::edit::entity_mentions(&q);
    assert_eq!(after[&keep.id], counts[&keep.id] + counts[&gone.id]);
    assert!(
        hashiya::store::validate(&q)
            .iter()
            .all(|p| p.severity != hashiya::store::Severity::Error)
    );
    assert!(
        h.query_all_by_label_contains(&format!(" · {} · ", gone.id))
            .next()
            .is_none(),
        "the merged entity left the list"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert_eq!(*h.state().workspace().project(), p);
}

/// New: a click on an entity selects its first mention; clicking again walks on to
/// the next one (in document order).
#[test]
fn clicking_an_entity_jumps_to_its_mentions() {
    let mut h = sample_harness();
    open_tab(&mut h);
    let p = h.state().workspace().project().clone();
    let counts = hashiya::model::edit::entity_mentions(&p);
    let set = h.state().workspace().current_set().unwrap().clone();
    let e = p
        .entities
        .iter()
        .find(|e| counts.get(&e.id).copied().unwrap_or(0) >= 2)
        .expect("an entity with two mentions")
        .clone();
    let mut mentions: Vec<_> = set
        .spans
        .iter()
        .filter(|s| s.entity.as_deref() == Some(e.id.as_str()))
        .collect();
    mentions.sort_by_key(|s| (s.start, s.end));
    let prefix = format!("{} · {} · ", e.label, e.id);
    entity_row(&h, &prefix).click();
    h.run_steps(2);
    assert_eq!(
        h.state().workspace().selected_span(),
        Some(mentions[0].id.as_str()),
        "{}",
        h.state().workspace().status()
    );
    entity_row(&h, &prefix).click();
    h.run_steps(2);
    assert_eq!(
        h.state().workspace().selected_span(),
        Some(mentions[1].id.as_str())
    );
    assert_eq!(
        *h.state().workspace().project(),
        p,
        "jumping changes nothing"
    );
}
