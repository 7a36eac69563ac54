use super::lexicon::{self, CueClass, Lexicon};
use super::*;
use crate::model::schema::LabelSchema;
use crate::model::{Relation, Span};
use crate::suggest::Suggester;

const ME: &str = "me";

/// Code points of the first occurrence of `needle` in `text`.
fn find(text: &str, needle: &str) -> (usize, usize) {
    let b = text
        .find(needle)
        .unwrap_or_else(|| panic!("«{needle}» not in «{text}»"));
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn span(text: &str, id: &str, label: &str, needle: &str) -> Span {
    let (s, e) = find(text, needle);
    Span::new(id, s, e, label, needle)
}

/// A project of documents, each with the annotator's actors (by text).
fn project(docs: &[(&str, &[&str])]) -> Project {
    let mut p = Project::new("t", LabelSchema::news_default());
    for (i, (text, actors)) in docs.iter().enumerate() {
        let id = format!("d{i}");
        p.documents.push(Document::new(&id, "t", *text));
        let mut set = AnnotationSet::new(ME, &id);
        for (j, a) in actors.iter().enumerate() {
            set.spans.push(span(text, &format!("a{j}"), ACTOR, a));
        }
        p.sets.push(set);
    }
    p
}

/// Claim texts and (claim, speaker) pairs of document `i`.
fn attribute(p: &Project, i: usize) -> (Vec<String>, Vec<(String, String)>) {
    let s = Suggester::new(p, ME, SuggestOptions::default());
    let doc = &p.documents[i];
    let (spans, rel) = s.suggest_document_with_relations(doc, p.set(ME, &doc.id), &[]);
    let claims = spans
        .into_iter()
        .filter(|s| s.label == CLAIM)
        .map(|s| s.text)
        .collect();
    let pairs = rel.into_iter().map(|r| (r.from.text, r.to.text)).collect();
    (claims, pairs)
}

fn one(text: &str, actors: &[&str]) -> (Vec<String>, Vec<(String, String)>) {
    attribute(&project(&[(text, actors)]), 0)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn the_lexicon_parses_and_every_cue_takes_wa_and_fa() {
    let o = SearchOptions::default();
    let cues = lexicon::parse(lexicon::BUILTIN, &o).expect("the built-in lexicon parses");
    assert!(cues.len() > 150, "{}", cues.len());
    let lx = Lexicon::builtin(&o);
    for c in cues
        .iter()
        .filter(|c| c.class.starts_claim() && c.class != CueClass::Continuation)
    {
        for conj in ["", "و", "ف"] {
            let mut words: Vec<String> = c.words.clone();
            words[0] = format!("{conj}{}", words[0]);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let got = lx.match_at(&words, CueClass::starts_claim);
            assert_eq!(
                got.map(|g| &g.group),
                Some(&c.group),
                "{conj}+{:?}",
                c.words
            );
        }
    }
    assert!(
        lexicon::parse("verb\tقال", &o).is_err_and(|e| e.line == 1),
        "two columns"
    );
    assert!(lexicon::parse("noun\tقال\tقال", &o).is_err());
}

/// Every verb form, alone and with و / ف, opens the claim after its complementiser,
/// and its subject after it is the speaker.
#[test]
fn every_verb_form_with_and_without_a_conjunction() {
    let o = SearchOptions::default();
    let raw: Vec<(&str, &str)> = lexicon::BUILTIN
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut c = l.split('\t');
            Some((c.next()?, c.next()?))
        })
        .collect();
    let mut checked = 0;
    for (class, form) in raw {
        if !matches!(class, "verb" | "relay") {
            continue;
        }
        for conj in ["", "و", "ف"] {
            let text = format!("{conj}{form} الوزير إن الحكومة ستخفض الأسعار.");
            let (claims, who) = one(&text, &["الوزير"]);
            assert_eq!(claims, ["الحكومة ستخفض الأسعار"], "{text}");
            assert_eq!(who, pairs(&[("الحكومة ستخفض الأسعار", "الوزير")]), "{text}");
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
    let _ = o;
}

#[test]
fn prepositional_cues_at_the_start_and_after_the_claim() {
    for form in ["بحسب", "حسب", "وفق", "وفقا", "طبقا", "على لسان", "نقلا عن"]
    {
        for conj in ["", "و", "ف"] {
            let text = format!("{conj}{form} وزارة الصحة، فإن عدد الإصابات ارتفع إلى مئة.");
            let (claims, who) = one(&text, &["وزارة الصحة"]);
            assert_eq!(claims, ["عدد الإصابات ارتفع إلى مئة"], "{text}");
            assert_eq!(who, pairs(&[("عدد الإصابات ارتفع إلى مئة", "وزارة الصحة")]));
        }
    }
    let text = "ارتفع عدد الإصابات إلى مئة، بحسب وزارة الصحة. وانتهى الاجتماع.";
    let (claims, who) = one(text, &["وزارة الصحة"]);
    assert_eq!(claims, ["ارتفع عدد الإصابات إلى مئة"]);
    assert_eq!(who, pairs(&[("ارتفع عدد الإصابات إلى مئة", "وزارة الصحة")]));
}

#[test]
fn participles_continue_with_the_same_speaker() {
    for form in ["مؤكدا", "مشيرا إلى", "مضيفا", "موضحة", "لافتا إلى", "معتبرا"]
    {
        let text =
            format!("وقال الوزير في بيان إن الأسعار سترتفع قريبا، {form} أن الحكومة ستخفض الضرائب.");
        let (claims, who) = one(&text, &["الوزير"]);
        assert_eq!(
            claims,
            ["الأسعار سترتفع قريبا", "الحكومة ستخفض الضرائب"],
            "{text}"
        );
        assert_eq!(
            who,
            pairs(&[
                ("الأسعار سترتفع قريبا", "الوزير"),
                ("الحكومة ستخفض الضرائب", "الوزير")
            ])
        );
    }
}

#[test]
fn clause_boundaries_end_the_claim() {
    let o = SearchOptions::default();
    let bounds: Vec<&str> = lexicon::BUILTIN
        .lines()
        .filter_map(|l| l.strip_prefix("boundary\t"))
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert!(bounds.len() >= 8);
    for b in bounds {
        for comma in ["،", ","] {
            let text = format!("وقال الوزير إن الأسعار سترتفع قريبا{comma} {b} يثير قلق المواطنين.");
            let (claims, _) = one(&text, &["الوزير"]);
            assert_eq!(claims, ["الأسعار سترتفع قريبا"], "{text}");
        }
    }
    // Without the comma, the word is part of the claim.
    let (claims, _) = one("وقال الوزير إن الأسعار سترتفع مما يثير القلق.", &["الوزير"]);
    assert_eq!(claims, ["الأسعار سترتفع مما يثير القلق"]);
    // A verb cue with a conjunction starts the next claim.
    let (claims, _) = one(
        "وقال الوزير إن الأسعار سترتفع وأضاف أن الحكومة ستتدخل.",
        &["الوزير"],
    );
    assert_eq!(claims, ["الأسعار سترتفع", "الحكومة ستتدخل"]);
    let _ = o;
}

#[test]
fn a_claim_never_crosses_a_sentence_end() {
    for end in [".", "؟", "!", "؛", "\n", "…"] {
        let text = format!("وقال الوزير إن الأسعار سترتفع{end} الحكومة ستخفض الضرائب قريبا");
        let (claims, _) = one(&text, &["الوزير"]);
        assert_eq!(claims, ["الأسعار سترتفع"], "{text:?}");
    }
    // A decimal point is no sentence end.
    let (claims, _) = one("وقال الوزير إن التضخم بلغ 7.5 في المئة.", &["الوزير"]);
    assert_eq!(claims, ["التضخم بلغ 7.5 في المئة"]);
    // One word after the complementiser: nothing.
    let (claims, _) = one("وقال الوزير إن الأسعار. ثم غادر.", &["الوزير"]);
    assert!(claims.is_empty(), "{claims:?}");
}

#[test]
fn a_claim_never_overlaps_a_tagged_claim() {
    let text = "وقال الوزير إن الأسعار سترتفع قريبا. وأكد المحافظ أن البنك سيتدخل فورا.";
    let mut p = project(&[(text, &["الوزير", "المحافظ"])]);
    assert_eq!(
        attribute(&p, 0).0,
        ["الأسعار سترتفع قريبا", "البنك سيتدخل فورا"]
    );
    // A tagged claim over part of the first: only the second is offered.
    p.sets[0]
        .spans
        .push(span(text, "c1", CLAIM, "الأسعار سترتفع"));
    assert_eq!(attribute(&p, 0).0, ["البنك سيتدخل فورا"]);
}

#[test]
fn speakers_vso_svo_relay_and_quotes() {
    let text = "وقال المتحدث باسم الجيش نبيل عبد الله إن القوات سيطرت على المدينة.";
    let (_, who) = one(text, &["المتحدث باسم الجيش نبيل عبد الله"]);
    assert_eq!(
        who,
        pairs(&[(
            "القوات سيطرت على المدينة",
            "المتحدث باسم الجيش نبيل عبد الله"
        )])
    );
    let text = "الوزير أحمد سالم أكد أن الحكومة ستخفض الأسعار.";
    let (_, who) = one(text, &["الوزير أحمد سالم"]);
    assert_eq!(who, pairs(&[("الحكومة ستخفض الأسعار", "الوزير أحمد سالم")]));
    let text = "ونقلت وكالة الأنباء عن المتحدث باسم الحكومة قوله إن الانتخابات ستجري في موعدها.";
    let (_, who) = one(text, &["وكالة الأنباء", "المتحدث باسم الحكومة"]);
    assert_eq!(
        who,
        pairs(&[("الانتخابات ستجري في موعدها", "المتحدث باسم الحكومة")])
    );
    let text = "وقال الوزير لوكالة الأنباء: «سنواصل العمل حتى النهاية» ثم غادر القاعة.";
    let (claims, who) = one(text, &["الوزير"]);
    assert_eq!(claims, ["سنواصل العمل حتى النهاية"]);
    assert_eq!(who, pairs(&[("سنواصل العمل حتى النهاية", "الوزير")]));
    // No complementiser: the claim follows the subject.
    let text = "واعتبرت دار الإفتاء الانتصار درسا للجميع.";
    let (claims, who) = one(text, &["دار الإفتاء"]);
    assert_eq!(claims, ["الانتصار درسا للجميع"]);
    assert_eq!(who, pairs(&[("الانتصار درسا للجميع", "دار الإفتاء")]));
}

#[test]
fn a_pronoun_subject_takes_the_previous_sentence_speaker_or_none() {
    let text = "وقال الوزير إن الأسعار سترتفع. وأضاف أن الحكومة ستتدخل.";
    let (_, who) = one(text, &["الوزير"]);
    assert_eq!(
        who,
        pairs(&[("الأسعار سترتفع", "الوزير"), ("الحكومة ستتدخل", "الوزير")])
    );
    let (claims, who) = one("وأضافت أن الحكومة ستتدخل قريبا.", &[]);
    assert_eq!(claims, ["الحكومة ستتدخل قريبا"]);
    assert!(who.is_empty(), "{who:?}");
}

/// A speaker that is not tagged but suggested (learned from another document) is the
/// relation's end, marked untagged with its source.
#[test]
fn a_suggested_actor_is_a_speaker() {
    let p = project(&[
        ("التقى سامر الحوراني بالسكان.", &["سامر الحوراني"]),
        ("وقال سامر الحوراني إن المياه عادت إلى الأحياء.", &[]),
    ]);
    let s = Suggester::new(&p, ME, SuggestOptions::default());
    let doc = &p.documents[1];
    let (_, rel) = s.suggest_document_with_relations(doc, p.set(ME, &doc.id), &[]);
    assert_eq!(rel.len(), 1, "{rel:?}");
    assert_eq!(rel[0].to.text, "سامر الحوراني");
    assert!(!rel[0].to.tagged);
    assert_eq!(rel[0].to.source, Some(SuggestionSource::Learned));
    assert_eq!(rel[0].kind, SAID_BY);
}

fn with_claim(p: &mut Project, i: usize, claim: &str, speaker: &str) {
    let text = p.documents[i].text.clone();
    let set = &mut p.sets[i];
    let c = format!("c{}", set.spans.len());
    set.spans.push(span(&text, &c, CLAIM, claim));
    let to = set
        .spans
        .iter()
        .find(|s| s.text == speaker)
        .map(|s| s.id.clone())
        .expect("speaker tagged");
    let id = set.fresh_id("r");
    set.relations.push(Relation {
        id,
        kind: SAID_BY.into(),
        from: c,
        to,
    });
}

#[test]
fn a_word_before_two_claims_becomes_a_cue() {
    let docs: [(&str, &[&str]); 3] = [
        ("أردف الوزير أن الأسعار سترتفع قريبا.", &["الوزير"]),
        ("وأردف المحافظ أن البنك سيتدخل فورا.", &["المحافظ"]),
        ("وأردف النائب أن البرلمان سيجتمع غدا.", &["النائب"]),
    ];
    let mut p = project(&docs);
    with_claim(&mut p, 0, "الأسعار سترتفع قريبا", "الوزير");
    assert!(attribute(&p, 2).0.is_empty(), "one claim teaches nothing");
    with_claim(&mut p, 1, "البنك سيتدخل فورا", "المحافظ");
    let s = Suggester::new(&p, ME, SuggestOptions::default());
    assert_eq!(s.learned_cues(), ["اردف"]);
    assert_eq!(
        attribute(&p, 2),
        (
            vec!["البرلمان سيجتمع غدا".to_string()],
            pairs(&[("البرلمان سيجتمع غدا", "النائب")])
        )
    );
}

#[test]
fn scores_follow_precision_and_rejections() {
    // Document 1 says the same as document 0 in other words (a tagged claim's text
    // would be suggested as a learned string, not by its cue).
    let text = "وقال الوزير إن الأسعار سترتفع قريبا. وقال المحافظ إن البنك سيتدخل فورا.";
    let other = "وقال الوزير إن الأسعار سترتفع غدا. وقال المحافظ إن البنك سيتدخل الآن.";
    let mut p = project(&[
        (text, &["الوزير", "المحافظ"]),
        (other, &["الوزير", "المحافظ"]),
    ]);
    let score = |p: &Project| {
        let s = Suggester::new(p, ME, SuggestOptions::default());
        let d = &p.documents[1];
        s.suggest_document(d, p.set(ME, &d.id), &p.suggestions.rejected)
            .into_iter()
            .filter(|s| s.source == SuggestionSource::Attribution)
            .map(|s| s.score)
            .collect::<Vec<_>>()
    };
    assert_eq!(score(&p), [DEFAULT_SCORE, DEFAULT_SCORE]);
    // Document 0: «قال» opens two claims, one of them the annotator's: (1 + 1) / (2 + 2).
    with_claim(&mut p, 0, "الأسعار سترتفع قريبا", "الوزير");
    assert_eq!(score(&p), [0.5, 0.5]);
    with_claim(&mut p, 0, "البنك سيتدخل فورا", "المحافظ");
    assert_eq!(score(&p), [0.75, 0.75], "(2 + 1) / (2 + 2)");
    // A rejected claim of «قال» on document 1 halves the score of the other.
    let s = Suggester::new(&p, ME, SuggestOptions::default());
    let d = &p.documents[1];
    let first = s
        .suggest_document(d, p.set(ME, &d.id), &[])
        .into_iter()
        .find(|s| s.label == CLAIM)
        .unwrap();
    let cmd = crate::suggest::reject_suggestion(&p, &first, ME).unwrap();
    crate::model::history::apply_command(&mut p, &cmd).unwrap();
    assert_eq!(score(&p), [0.375]);
}

#[test]
fn no_claims_without_the_news_labels() {
    let mut p = project(&[("وقال الوزير إن الأسعار سترتفع قريبا.", &["الوزير"])]);
    assert_eq!(attribute(&p, 0).0.len(), 1);
    p.schema.relations.retain(|r| r.id != SAID_BY);
    assert!(attribute(&p, 0).0.is_empty());
}

#[test]
fn the_same_project_gives_the_same_suggestions() {
    let text = "وقال الوزير إن الأسعار سترتفع. وبحسب الوزارة، فإن البنك سيتدخل فورا.";
    let p = project(&[(text, &["الوزير", "الوزارة"])]);
    let a = Suggester::new(&p, ME, SuggestOptions::default()).suggest_all_with_relations(&p);
    let b = Suggester::new(&p, ME, SuggestOptions::default()).suggest_all_with_relations(&p);
    assert_eq!(a, b);
    assert_eq!(a.1.len(), 2);
}

#[test]
fn attached_percent_quoted_names_continuations_and_datelines() {
    let text = "وقال الوزير لصحيفة \"الأهرام\" إن نسبة المشاركة بلغت ٦١٪، مضيفا أن النتائج نهائية.";
    let (claims, who) = one(text, &["الوزير"]);
    assert_eq!(claims, ["نسبة المشاركة بلغت ٦١٪", "النتائج نهائية"]);
    assert_eq!(who.len(), 2);
    let text = "وقال الوزير إن الحقل يقع في الكويت، وإن أي ترسيم يجب أن يحترم الاتفاق.";
    let (_, who) = one(text, &["الوزير"]);
    assert_eq!(
        who,
        pairs(&[
            ("الحقل يقع في الكويت", "الوزير"),
            ("أي ترسيم يجب أن يحترم الاتفاق", "الوزير")
        ])
    );
    // A participle ends the claim without a comma too; its speaker is the actor
    // right before it when that one came after the previous claim.
    let text = "وأكد النائب أن الشركة ستحصل على البيانات، وهي اتهامات نفاها المتحدث مؤكدا أن البيانات ستبقى هنا.";
    let (_, who) = one(text, &["النائب", "المتحدث"]);
    assert_eq!(
        who[1],
        ("البيانات ستبقى هنا".to_string(), "المتحدث".to_string())
    );
    let (claims, _) = one(
        "وقال الوزير إن الأسعار سترتفع مؤكدا أن الحكومة ستتدخل.",
        &["الوزير"],
    );
    assert_eq!(claims, ["الأسعار سترتفع", "الحكومة ستتدخل"]);
    let (claims, _) = one(
        "الخرطوم - ارتفع عدد الضحايا إلى 14، وفق الشرطة.",
        &["الشرطة"],
    );
    assert_eq!(claims, ["ارتفع عدد الضحايا إلى 14"]);
}

/// Words, cues, complementisers, actors and punctuation in any order.
fn piece() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const WORDS: [&str; 22] = [
        "وقال",
        "أكدت",
        "بحسب",
        "مضيفا",
        "إن",
        "أن",
        "إلى أن",
        "الوزير",
        "الحكومة",
        "ستخفض",
        "الأسعار",
        "مما",
        "وهو ما",
        "غدا",
        "7",
        "٦١٪",
        "وإن",
        "نقلت",
        "عن",
        "قوله",
        "لكنه",
        "الشرطة",
    ];
    const SEPS: [&str; 14] = [
        " ", " ", " ", "، ", ". ", "؟ ", "\n", ": «", "» ", " \"", "\" ", " - ", ".", "؛ ",
    ];
    (0..WORDS.len(), 0..SEPS.len()).prop_map(|(w, s)| format!("{}{}", WORDS[w], SEPS[s]))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Whatever the text: claims cross no sentence end, start and end at a word (as a
    /// trimmed manual tag), have two words or more, overlap neither each other nor a
    /// tagged claim, and their speakers are outside them, in their sentence or the one
    /// before.
    #[test]
    fn claims_keep_their_rules(pieces in proptest::collection::vec(piece(), 1..30)) {
        let text: String = pieces.concat();
        let actors: Vec<&str> = ["الوزير", "الشرطة"]
            .into_iter()
            .filter(|a| text.contains(a))
            .collect();
        let mut p = project(&[(&text, &[])]);
        // Tag every occurrence of the actors, and the first «الحكومة ستخفض» as a claim.
        let chars: Vec<char> = text.chars().collect();
        let set = &mut p.sets[0];
        for a in &actors {
            let n: Vec<char> = a.chars().collect();
            for i in 0..chars.len().saturating_sub(n.len() - 1) {
                if chars[i..i + n.len()] == n[..] {
                    let id = format!("a{}", set.spans.len());
                    set.spans.push(Span::new(id, i, i + n.len(), ACTOR, *a));
                }
            }
        }
        let tagged_claim = text.find("الحكومة ستخفض").map(|_| find(&text, "الحكومة ستخفض"));
        if let Some((s, e)) = tagged_claim {
            set.spans.push(Span::new("c0", s, e, CLAIM, "الحكومة ستخفض"));
        }
        let s = Suggester::new(&p, ME, SuggestOptions::default());
        let doc = &p.documents[0];
        let (spans, rels) = s.suggest_document_with_relations(doc, p.set(ME, &doc.id), &[]);
        let claims: Vec<_> = spans.iter().filter(|x| x.source == SuggestionSource::Attribution).collect();
        for (i, c) in claims.iter().enumerate() {
            let covered: String = chars[c.start..c.end].iter().collect();
            proptest::prop_assert_eq!(&covered, &c.text);
            let first = covered.chars().next().unwrap();
            let last = covered.chars().next_back().unwrap();
            for x in [first, last] {
                proptest::prop_assert!(
                    !x.is_whitespace() && !crate::model::edit::is_trimmable_punct(x),
                    "«{}» is not trimmed", covered
                );
            }
            for (j, x) in covered.char_indices() {
                let decimal = x == '.'
                    && covered[..j].ends_with(|c: char| c.is_numeric())
                    && covered[j + 1..].starts_with(|c: char| c.is_numeric());
                proptest::prop_assert!(
                    !matches!(x, '!' | '?' | '؟' | '؛' | '\n' | '…') && (x != '.' || decimal),
                    "«{}» crosses a sentence end", covered
                );
            }
            proptest::prop_assert!(covered.split_whitespace().count() >= 2, "«{}»", covered);
            for d in &claims[i + 1..] {
                proptest::prop_assert!(c.end <= d.start || d.end <= c.start, "overlap");
            }
            if let Some((s, e)) = tagged_claim {
                proptest::prop_assert!(c.end <= s || e <= c.start, "over the tagged claim");
            }
        }
        for r in &rels {
            let inside = r.to.start < r.from.end && r.from.start < r.to.end;
            proptest::prop_assert!(!inside, "the speaker is inside the claim");
            let (a, b) = (r.to.start.min(r.from.start), r.to.end.max(r.from.end));
            let between: String = chars[a..b].iter().collect();
            // Its sentence, or the one before (a pronoun subject).
            let ends = between
                .chars()
                .filter(|c| matches!(c, '!' | '?' | '؟' | '؛' | '\n' | '…'))
                .count();
            proptest::prop_assert!(ends <= 1, "speaker two sentences away: «{}»", between);
        }
    }
}
