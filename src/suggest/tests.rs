use proptest::prelude::*;

use super::matcher::is_word;
use super::*;
use crate::model::{Entity, LabelSchema, Span};

fn entity(id: &str, label: &str, name: &str, aliases: &[&str]) -> Entity {
    Entity {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
    }
}

fn project(text: &str, entities: Vec<Entity>) -> Project {
    let mut p = Project::new("t", LabelSchema::news_default());
    p.documents.push(Document::new("d", "t", text));
    p.entities = entities;
    p
}

/// Name suggestions only: these tests are about names (claims and speakers are
/// `attribution::tests`).
fn names_only() -> SuggestOptions {
    SuggestOptions {
        attribution: false,
        ..SuggestOptions::default()
    }
}

fn slice(text: &str, s: &Suggestion) -> String {
    text.chars().skip(s.start).take(s.end - s.start).collect()
}

/// Suggestions of `names` (all actors) in `text`, checking every offset on the way.
fn run(text: &str, names: &[&str], o: SuggestOptions) -> Vec<Suggestion> {
    let ents = names
        .iter()
        .enumerate()
        .map(|(i, n)| entity(&format!("e{i}"), "actor", n, &[]))
        .collect();
    let p = project(text, ents);
    let out = Suggester::new(&p, "a", o).suggest_all(&p);
    for s in &out {
        assert_eq!(slice(text, s), s.text, "offsets of {s:?}");
    }
    out
}

fn found(text: &str, names: &[&str]) -> Vec<String> {
    run(text, names, names_only())
        .into_iter()
        .map(|s| s.text)
        .collect()
}

#[test]
fn every_proclitic_chain_before_a_name() {
    let text =
        "حفتر وحفتر فحفتر بحفتر لحفتر كحفتر وبحفتر فلحفتر الحفتر والحفتر بالحفتر للحفتر وللحفتر";
    let got = run(text, &["حفتر"], names_only());
    assert_eq!(got.len(), 13, "{got:?}");
    assert!(got.iter().all(|s| s.text == "حفتر"));
    // «بحفتر» gives the name only: its span starts after the ب.
    assert_eq!((got[3].start, got[3].end), (18, 22));
}

#[test]
fn a_name_with_the_article_owns_it() {
    let text = "السراج والسراج بالسراج فبالسراج كالسراج للسراج وللسراج لالسراج الالسراج";
    let got = run(text, &["السراج"], names_only());
    let texts: Vec<&str> = got.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "السراج",
            "السراج",
            "السراج",
            "السراج",
            "السراج",
            "لسراج",
            "لسراج"
        ]
    );
    // «للسراج»: the span starts at the article's lam (the second ل).
    let ll = &got[5];
    assert_eq!(ll.start, 41, "after the ل of «للسراج» at 40");
    assert_eq!(ll.end, 46);
}

#[test]
fn the_article_before_a_name_without_one_is_a_proclitic() {
    assert_eq!(found("الدرنة", &["درنة"]), ["درنة"]);
    assert_eq!(found("للدرنة", &["درنة"]), ["درنة"]);
}

#[test]
fn never_inside_a_longer_word() {
    let none: Vec<String> = Vec::new();
    assert_eq!(found("مدرنة أدرنة درنات الدرنات بمدرنة", &["درنة"]), none);
    assert_eq!(
        found("سرتها وسرتكم", &["سرت"]),
        none,
        "suffixes are not split off"
    );
    assert_eq!(found("ببحفتر ووحفتر والبحفتر", &["حفتر"]), none);
    assert_eq!(found("وفحفتر", &["حفتر"]), none, "one conjunction only");
}

#[test]
fn harakat_and_tatweel_inside_the_word() {
    let text = "قال حَفْتَرُ ثم حفـــتر، ثم بِحَفْتَرَ.";
    let got = run(text, &["حفتر"], names_only());
    let texts: Vec<&str> = got.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        ["حَفْتَرُ", "حفـــتر", "حَفْتَرَ"],
        "trailing harakat belong to the name"
    );
    // And harakat on the proclitic do not hide it.
    assert_eq!(found("وَبِحَفْتَر", &["حفتر"]), ["حَفْتَر"]);
}

#[test]
fn hamza_forms_and_alef_maqsura() {
    let got = found(
        "قال احمد معيتيق وأحمد معيتيق وإحمد معيتيق",
        &["أحمد معيتيق"],
    );
    assert_eq!(got, ["احمد معيتيق", "أحمد معيتيق", "إحمد معيتيق"]);
    assert_eq!(found("في مستشفي درنة", &["مستشفى درنة"]), ["مستشفي درنة"]);
}

#[test]
fn ta_marbuta_is_optional() {
    assert!(found("في درنه", &["درنة"]).is_empty());
    let o = SuggestOptions {
        ta_marbuta_as_ha: true,
        ..names_only()
    };
    let got = run("في درنه", &["درنة"], o);
    assert_eq!(got[0].text, "درنه");
}

#[test]
fn overlapping_names_the_longest_wins() {
    let got = found("قال خليفة حفتر ثم حفتر", &["حفتر", "خليفة حفتر"]);
    assert_eq!(got, ["خليفة حفتر", "حفتر"]);
    // Partly overlapping: the longer one, whichever comes first.
    let got = found(
        "مجلس شورى درنة وضواحيها",
        &["مجلس شورى", "شورى درنة وضواحيها"],
    );
    assert_eq!(got, ["شورى درنة وضواحيها"]);
    // Equal lengths: the earlier.
    let got = found("مجلس شورى درنة", &["مجلس شورى", "شورى درنة"]);
    assert_eq!(got, ["مجلس شورى"]);
}

#[test]
fn latin_names_and_digits() {
    let got = found("قالت bbc و BBCs ثم (BBC) وBBC.", &["BBC"]);
    assert_eq!(got, ["bbc", "BBC", "BBC"], "case folded; not inside BBCs");
    assert_eq!(
        found("ثوار 17 فبراير و217 فبراير", &["17 فبراير"]),
        ["17 فبراير"]
    );
    assert!(found("ثوار ١٧ فبراير", &["17 فبراير"]).is_empty());
    let o = SuggestOptions {
        unify_digits: true,
        ..names_only()
    };
    let got = run("ثوار ١٧ فبراير", &["17 فبراير"], o);
    assert_eq!(got[0].text, "١٧ فبراير");
}

#[test]
fn across_a_line_break_but_not_a_paragraph() {
    let got = found("قال خليفة\nحفتر", &["خليفة حفتر"]);
    assert_eq!(got, ["خليفة\nحفتر"]);
    assert_eq!(found("خليفة  \n حفتر", &["خليفة حفتر"]), ["خليفة  \n حفتر"]);
    assert!(found("خليفة\n\nحفتر", &["خليفة حفتر"]).is_empty());
}

#[test]
fn offsets_are_code_points_after_an_emoji() {
    let text = "😀👍🏽 قال بحفتر في «درنة»";
    let got = run(text, &["حفتر", "درنة"], names_only());
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].start, got[0].end), (9, 13));
    assert_eq!((got[1].start, got[1].end), (18, 22));
}

#[test]
fn aliases_carry_the_entity_and_its_label() {
    let p = project(
        "قال المشير حفتر إن درنة",
        vec![
            entity("e-h", "actor", "خليفة حفتر", &["حفتر", "المشير"]),
            entity("e-d", "location", "درنة", &[]),
        ],
    );
    let got = Suggester::new(&p, "a", names_only()).suggest_all(&p);
    let got: Vec<(&str, &str, Option<&str>)> = got
        .iter()
        .map(|s| (s.text.as_str(), s.label.as_str(), s.entity.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("المشير", "actor", Some("e-h")),
            ("حفتر", "actor", Some("e-h")),
            ("درنة", "location", Some("e-d"))
        ]
    );
}

fn tagged(p: &mut Project, annotator: &str, spans: &[(usize, usize, &str)]) {
    let doc = p.documents[0].clone();
    let mut set = AnnotationSet::new(annotator, &doc.id);
    for (i, (s, e, label)) in spans.iter().enumerate() {
        let text: String = doc.text.chars().skip(*s).take(e - s).collect();
        set.spans
            .push(Span::new(format!("s{i}"), *s, *e, *label, text));
    }
    p.sets.push(set);
}

#[test]
fn learned_scores_are_label_shares() {
    // «حفتر» tagged three times as actor, once as location.
    let text = "حفتر حفتر حفتر حفتر وحفتر";
    let mut p = project(text, vec![]);
    tagged(
        &mut p,
        "a",
        &[
            (0, 4, "actor"),
            (5, 9, "actor"),
            (10, 14, "actor"),
            (15, 19, "location"),
        ],
    );
    let s = Suggester::new(&p, "a", names_only());
    let got = s.suggest_all(&p);
    // Tagged places are not offered again: only «وحفتر» and the fourth (tagged as
    // location, offered as actor).
    let got: Vec<(usize, &str, f64)> = got
        .iter()
        .map(|x| (x.start, x.label.as_str(), x.score))
        .collect();
    assert_eq!(got, [(15, "actor", 0.75), (21, "actor", 0.75)]);
    // Another annotator's sets are used only when asked.
    let b = Suggester::new(&p, "b", names_only());
    assert!(b.suggest_all(&p).is_empty());
    let o = SuggestOptions {
        include_other_sets: true,
        ..names_only()
    };
    assert_eq!(Suggester::new(&p, "b", o).suggest_all(&p).len(), 5);
}

#[test]
fn rejections_silence_a_place_and_lower_a_string() {
    let text = "درنة ثم درنة ثم درنة";
    let mut p = project(text, vec![entity("e", "location", "درنة", &[])]);
    let s = Suggester::new(&p, "a", names_only());
    let all = s.suggest_all(&p);
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|x| x.score == 1.0));
    let cmd = reject_suggestion(&p, &all[1], "a").unwrap();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    let s = Suggester::new(&p, "a", names_only());
    let after = s.suggest_all(&p);
    assert_eq!(after.len(), 2);
    assert_eq!((after[0].start, after[1].start), (0, 16));
    assert!(after.iter().all(|x| x.score == 0.5), "1 / (1 + 1)");
    // suggest_document uses the project's list the same way.
    let one = s.suggest_document(&p.documents[0], None, &p.suggestions.rejected);
    assert_eq!(one, after);
    // Four rejections of the string: below the default minimum (0.25).
    for x in [&all[0], &all[2]] {
        let cmd = reject_suggestion(&p, x, "a").unwrap();
        crate::model::history::apply_command(&mut p, &cmd).unwrap();
    }
    assert!(
        reject_suggestion(&p, &all[0], "a").is_err(),
        "already rejected"
    );
    p.documents.push(Document::new("d2", "t", "في درنة"));
    let s = Suggester::new(&p, "a", names_only());
    assert_eq!(s.suggest_all(&p)[0].score, 0.25);
    p.suggestions.rejected.push(Rejected {
        document: "elsewhere".into(),
        start: 0,
        end: 4,
        label: "location".into(),
        text: "درنة".into(),
        annotator: None,
    });
    let s = Suggester::new(&p, "a", names_only());
    assert!(s.suggest_all(&p).is_empty());
}

/// Issue #25, item 18: a rejection is the rejecting annotator's; the others still get
/// the suggestion. A rejection without an annotator (a file from before version 3)
/// keeps applying to everyone.
#[test]
fn rejections_belong_to_the_annotator_who_made_them() {
    let text = "درنة ثم درنة";
    let mut p = project(text, vec![entity("e", "location", "درنة", &[])]);
    let all = Suggester::new(&p, "a", names_only()).suggest_all(&p);
    assert_eq!(all.len(), 2);
    let cmd = reject_suggestion(&p, &all[0], "a").unwrap();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    assert_eq!(p.suggestions.rejected[0].annotator.as_deref(), Some("a"));
    assert_eq!(p.format_version(), 3, "who rejected is new in version 3");
    let for_a = Suggester::new(&p, "a", names_only());
    let for_b = Suggester::new(&p, "b", names_only());
    assert_eq!(for_a.suggest_all(&p).len(), 1);
    let b_all = for_b.suggest_all(&p);
    assert_eq!(b_all, all, "b's suggestions are untouched by a's rejection");
    let doc = &p.documents[0];
    assert_eq!(
        for_b.suggest_document(doc, None, &p.suggestions.rejected),
        all
    );
    assert_eq!(
        for_a
            .suggest_document(doc, None, &p.suggestions.rejected)
            .len(),
        1
    );
    // b may reject the same place too; a may not twice.
    assert!(reject_suggestion(&p, &all[0], "a").is_err());
    let cmd = reject_suggestion(&p, &all[0], "b").unwrap();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    assert_eq!(p.suggestions.rejected.len(), 2);
    // An old rejection for everyone: nobody gets that place.
    let mut old = project(text, vec![entity("e", "location", "درنة", &[])]);
    old.suggestions.rejected.push(Rejected {
        document: all[1].document.clone(),
        start: all[1].start,
        end: all[1].end,
        label: all[1].label.clone(),
        text: all[1].text.clone(),
        annotator: None,
    });
    assert_eq!(old.format_version(), 2);
    for who in ["a", "b"] {
        let got = Suggester::new(&old, who, names_only()).suggest_all(&old);
        assert_eq!(got.len(), 1, "{who}");
        assert!(reject_suggestion(&old, &all[1], who).is_err(), "{who}");
    }
}

#[test]
fn a_rejected_long_name_lets_the_shorter_one_show() {
    let text = "قال خليفة حفتر";
    let mut p = project(
        text,
        vec![
            entity("a", "actor", "خليفة حفتر", &[]),
            entity("b", "actor", "حفتر", &[]),
        ],
    );
    let s = Suggester::new(&p, "a", names_only());
    let all = s.suggest_all(&p);
    assert_eq!(all.len(), 1);
    let cmd = reject_suggestion(&p, &all[0], "a").unwrap();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    let got = Suggester::new(&p, "a", names_only()).suggest_all(&p);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text, "حفتر");
    // A tagged long name hides the names inside it.
    let mut p = project(
        text,
        vec![
            entity("a", "actor", "خليفة حفتر", &[]),
            entity("b", "actor", "حفتر", &[]),
        ],
    );
    tagged(&mut p, "a", &[(4, 14, "actor")]);
    assert!(
        Suggester::new(&p, "a", names_only())
            .suggest_all(&p)
            .is_empty()
    );
}

#[test]
fn switched_off_means_nothing() {
    let mut p = project("درنة", vec![entity("e", "location", "درنة", &[])]);
    let cmd = set_suggestions_enabled(&p, false).unwrap();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    let s = Suggester::new(&p, "a", names_only());
    assert!(!s.is_enabled());
    assert!(s.suggest_all(&p).is_empty());
    assert!(s.suggest_document(&p.documents[0], None, &[]).is_empty());
    assert!(set_suggestions_enabled(&p, false).is_err());
}

#[test]
fn gazetteer_entries_are_suggested() {
    let p = project("وصل إلى مصراتة", vec![]);
    let o = SuggestOptions {
        gazetteer: parse_gazetteer("مصراتة\tlocation\n", &p.schema).unwrap(),
        ..names_only()
    };
    let got = Suggester::new(&p, "a", o).suggest_all(&p);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].source, SuggestionSource::Gazetteer);
}

#[test]
fn refresh_rebuilds_only_when_names_change() {
    let text = "حفتر ثم درنة";
    let mut p = project(text, vec![entity("e", "location", "درنة", &[])]);
    let mut s = Suggester::new(&p, "a", names_only());
    assert_eq!(s.names(), 1);
    tagged(&mut p, "a", &[(8, 12, "location")]);
    assert!(!s.refresh(&p), "the same name, learned: no new pattern");
    p.sets[0].spans.push(Span::new("s9", 0, 4, "actor", "حفتر"));
    assert!(s.refresh(&p));
    assert_eq!(s.names(), 2);
}

#[test]
fn many_documents_in_order() {
    let mut p = project("درنة", vec![entity("e", "location", "درنة", &[])]);
    for i in 0..50 {
        p.documents
            .push(Document::new(format!("d{i}"), "t", format!("{i} في درنة")));
    }
    let s = Suggester::new(&p, "a", names_only());
    let all = s.suggest_all(&p);
    let one_by_one: Vec<Suggestion> = p
        .documents
        .iter()
        .flat_map(|d| s.suggest_document(d, None, &[]))
        .collect();
    assert_eq!(all, one_by_one);
    assert_eq!(all.len(), 51);
}

#[test]
fn accept_records_origin_and_entity_in_one_step() {
    let text = "قال حفتر في درنة ثم درنة";
    let mut p = project(
        text,
        vec![
            entity("e-h", "actor", "حفتر", &[]),
            entity("e-d", "location", "درنة", &[]),
        ],
    );
    let key = crate::model::history::SetKey::new("a", "d");
    let all = Suggester::new(&p, "a", names_only()).suggest_all(&p);
    let cmd = accept_suggestions(&p, &key, &all).unwrap();
    assert_eq!(cmd.name, "Accept 3 suggestions");
    let before = p.clone();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    let spans = &p.set("a", "d").unwrap().spans;
    assert_eq!(spans.len(), 3);
    assert!(
        spans
            .iter()
            .all(|s| s.origin == Some(SuggestionSource::Entity))
    );
    assert_eq!(spans[0].entity.as_deref(), Some("e-h"));
    assert_eq!(p.format_version(), 2);
    // Accepting again: nothing left to do.
    assert!(accept_suggestions(&p, &key, &all).is_err());
    crate::model::history::apply_command(&mut p, &cmd.inverse()).unwrap();
    assert_eq!(p, before);
    // A stale suggestion is refused.
    let mut stale = all[0].clone();
    stale.start += 1;
    stale.end += 1;
    assert!(accept_suggestions(&p, &key, &[stale]).is_err());
}

/// The names of the property test and what may come before and after them.
const NAMES: [&str; 6] = ["حفتر", "السراج", "درنة", "خليفة حفتر", "سرت", "BBC"];
const PREFIXES: [&str; 12] = ["", "", "و", "ف", "ب", "ل", "ك", "ال", "لل", "وب", "م", "ت"];
const SUFFIXES: [&str; 5] = ["", "", "ها", "ية", "\u{064F}"];
const FILLERS: [&str; 5] = ["قال", "في", "مدينة", "التنظيم", "حفترية"];
const SEPARATORS: [&str; 6] = [" ", "، ", "\n", " «", "» ", "\n\n"];

fn piece() -> impl Strategy<Value = String> {
    (
        0..PREFIXES.len(),
        0..NAMES.len() + FILLERS.len(),
        0..SUFFIXES.len(),
        0..SEPARATORS.len(),
        any::<bool>(),
    )
        .prop_map(|(p, w, s, sep, tatweel)| {
            let word = NAMES.iter().chain(&FILLERS).nth(w).copied().unwrap_or("");
            let mut word = word.to_string();
            if tatweel && word.chars().count() > 3 {
                let at = word.char_indices().nth(2).map_or(0, |(i, _)| i);
                word.insert(at, 'ـ');
            }
            format!("{}{word}{}{}", PREFIXES[p], SUFFIXES[s], SEPARATORS[sep])
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn suggestions_are_names_at_word_starts(pieces in proptest::collection::vec(piece(), 1..12)) {
        let text: String = pieces.concat();
        let got = run(&text, &NAMES, names_only());
        let search = SearchOptions::default();
        let keys: Vec<String> = NAMES.iter().map(|n| fold_key(n, &search)).collect();
        let chars: Vec<char> = text.chars().collect();
        for s in &got {
            let f = fold_key(&s.text, &search);
            // The name itself, or a name with the article contracted after ل.
            let contracted = format!("ا{f}");
            prop_assert!(
                keys.contains(&f) || keys.iter().any(|k| *k == contracted && clitics::has_article(k)),
                "«{}» is no name", s.text
            );
            // What comes before it in its word is a proclitic chain.
            let word_start = chars[..s.start]
                .iter()
                .rposition(|c| !is_word(*c) && !crate::text::normalize::is_arabic_mark(*c) && *c != 'ـ')
                .map_or(0, |i| i + 1);
            let prefix: String = chars[word_start..s.start].iter().collect();
            prop_assert!(
                clitics::is_proclitic_chain(&fold_key(&prefix, &search)),
                "«{}» starts inside a word after «{prefix}»", s.text
            );
            // And it ends at a word end.
            prop_assert!(!chars.get(s.end).is_some_and(|c| is_word(*c)));
        }
    }
}

/// Following edits span by span ([`Suggester::follow`]) gives the suggester that
/// counting every span again gives: the same table after each of a tag (of a new
/// string and of a known one), a relabel, an entity link, a bound move, a delete, a
/// rejection, a new set and the undo of each, on the sample project.
#[test]
fn following_edits_equals_learning_again() {
    use crate::model::edit::{self, SpanEnd, TagOptions};
    use crate::model::history::{self, SetKey};
    let mut p = crate::store::sample::sample().expect("the sample");
    let annotator = "annotator-a";
    let doc = p.documents[0].clone();
    let key = SetKey::new(annotator, &doc.id);
    let mut s = Suggester::new(&p, annotator, SuggestOptions::default());
    let cp = |word: &str| {
        let b = doc.text.find(word).expect("word in the sample");
        let start = doc.text[..b].chars().count();
        start..start + word.chars().count()
    };
    let o = TagOptions::default();
    let first = p.set(annotator, &doc.id).expect("a set").spans[0]
        .id
        .clone();
    let mut done: Vec<history::Command> = Vec::new();
    type Step<'k> = Box<dyn Fn(&Project) -> Result<history::Command, crate::model::EditError> + 'k>;
    let steps: Vec<Step> = vec![
        Box::new(|p| edit::tag(p, &key, cp("الأربعاء"), "actor", o)),
        Box::new(|p| edit::tag(p, &key, cp("درنة"), "location", o)),
        Box::new(|p| edit::relabel(p, &key, &first, "location")),
        Box::new(|p| edit::link_entity(p, &key, &first, Some(&p.entities[0].id.clone()))),
        Box::new(|p| edit::nudge_bounds(p, &key, &first, SpanEnd::End, true)),
        Box::new(|p| edit::delete_span(p, &key, &first)),
        Box::new(|p| {
            let sg = Suggester::new(p, annotator, SuggestOptions::default())
                .suggest_all(p)
                .into_iter()
                .next()
                .expect("a suggestion to reject");
            reject_suggestion(p, &sg, annotator)
        }),
        Box::new(|p| {
            edit::tag(
                p,
                &SetKey::new("someone-else", &doc.id),
                cp("سرت"),
                "actor",
                o,
            )
        }),
    ];
    let check = |s: &Suggester, p: &Project, what: &str| {
        let again = Suggester::new(p, annotator, SuggestOptions::default());
        assert_eq!(s.table, again.table, "after {what}");
        assert_eq!(s.suggest_all(p), again.suggest_all(p), "after {what}");
    };
    for (i, step) in steps.iter().enumerate() {
        let cmd = match step(&p) {
            Ok(c) => c,
            Err(e) => panic!("step {i}: {e}"),
        };
        let change = SpanChange::of(&cmd, false).expect("a span change");
        history::apply_command(&mut p, &cmd).expect("applies");
        s.follow(&p, &[&change]);
        check(&s, &p, &format!("step {i} ({})", cmd.name));
        done.push(cmd);
    }
    while let Some(cmd) = done.pop() {
        let change = SpanChange::of(&cmd, true).expect("a span change");
        history::apply_command(&mut p, &cmd.inverse()).expect("undoes");
        s.follow(&p, &[&change]);
        check(&s, &p, &format!("undo of {}", cmd.name));
    }
}

/// Places found by the automaton before a new name was learned (or one dropped),
/// brought up to date by matching only the added names, equal the places the new
/// automaton finds in the whole text; and so do the suggestions made from them.
#[test]
fn places_brought_up_to_date_equal_places_found_again() {
    use crate::model::edit::{self, TagOptions};
    use crate::model::history::{self, SetKey};
    let mut p = crate::store::sample::sample().expect("the sample");
    let annotator = "annotator-a";
    let doc = p.documents[0].clone();
    let key = SetKey::new(annotator, &doc.id);
    let mut s = Suggester::new(&p, annotator, SuggestOptions::default());
    let folded = s.fold(&doc.text);
    let mut places = s.find_places(&folded);
    let range = |word: &str| {
        let b = doc.text.find(word).expect("word in the sample");
        let start = doc.text[..b].chars().count();
        start..start + word.chars().count()
    };
    // A new name (its other occurrences become suggestions), then its undo.
    let cmd = edit::tag(&p, &key, range("الأربعاء"), "actor", TagOptions::default()).expect("tags");
    let steps = [(cmd.clone(), false), (cmd, true)];
    let before = places.list.len();
    for (cmd, undo) in steps {
        let change = SpanChange::of(&cmd, undo).expect("a span change");
        let c = if undo { cmd.inverse() } else { cmd };
        history::apply_command(&mut p, &c).expect("applies");
        assert!(s.follow(&p, &[&change]), "the names changed");
        let updated = s.update_places(places, &folded);
        let again = s.find_places(&folded);
        assert_eq!(updated.generation, s.generation());
        assert_eq!(updated.list, again.list, "undo: {undo}");
        // The new name's place is found by the small automaton, and gone after undo.
        assert_eq!(updated.list.len() > before, !undo);
        let set = p.set(annotator, &doc.id);
        let rejected = &p.suggestions.rejected;
        assert_eq!(
            s.suggest_at(&doc, &folded, &updated, set, rejected),
            s.suggest_folded(&doc, &folded, set, rejected)
        );
        places = updated;
    }
}
