//! The proclitic chains Arabic writes attached to a name, on folded text.
//!
//! A chain is, in this order: an optional conjunction (و or ف), an optional
//! preposition (ب, ل or ك), an optional article (ال). The preposition ل before the
//! article is written لل (the article's alef is dropped): «للسراج» is ل + السراج.
//! Nothing else is a proclitic here: the future marker س attaches to verbs, not names,
//! and the interrogative أ is rare in news text.
//!
//! Two questions use these rules: whether the letters of a word before a matched name
//! are proclitics (so the name may start there, see [`crate::suggest`]), and whether a
//! span boundary inside a CoNLL token falls after a proclitic chain (so the token may be
//! split there, see `formats::clitics`). All strings here are folded
//! ([`crate::text::normalize::fold`]): hamza forms of alef are plain alef.

/// Conjunctions: at most one, first.
const CONJUNCTIONS: [char; 2] = ['و', 'ف'];

/// `prefix` without a leading conjunction.
fn after_conjunction(prefix: &str) -> &str {
    prefix.strip_prefix(CONJUNCTIONS).unwrap_or(prefix)
}

/// Whether `prefix` is a whole proclitic chain (possibly empty): conjunction?,
/// preposition?, then the article ال or, after ل, its contraction (لل).
pub fn is_proclitic_chain(prefix: &str) -> bool {
    let rest = after_conjunction(prefix);
    matches!(rest, "" | "ب" | "ل" | "ك" | "ال" | "بال" | "كال" | "لل")
}

/// Whether a name may start right after `prefix` (the letters of its word before it).
///
/// - A name that starts with the article (السراج): the article is the name's own, so
///   only a conjunction and ب or ك may precede it («والسراج», «بالسراج»); ل + the
///   article is written لل and is handled by [`may_precede_contracted`].
/// - Any other name (حفتر, درنة): a whole chain may precede it, article included
///   («بحفتر», «والحفتر», «للحفتر»).
pub fn may_precede(prefix: &str, name_has_article: bool) -> bool {
    if prefix.is_empty() {
        return true;
    }
    if name_has_article {
        matches!(after_conjunction(prefix), "" | "ب" | "ك")
    } else {
        is_proclitic_chain(prefix)
    }
}

/// Whether `prefix` may precede the contracted form of a name with the article (the
/// name minus its alef: «لسراج» in «للسراج»): only the preposition ل, after an
/// optional conjunction («للسراج», «وللسراج»).
pub fn may_precede_contracted(prefix: &str) -> bool {
    after_conjunction(prefix) == "ل"
}

/// Whether a folded name starts with the article and has a stem after it.
pub fn has_article(name: &str) -> bool {
    name.strip_prefix("ال")
        .is_some_and(|rest| rest.chars().take(2).count() == 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains() {
        for p in [
            "", "و", "ف", "ب", "ل", "ك", "ال", "وب", "فب", "ول", "وك", "وال", "فال", "بال", "كال",
            "وبال", "فكال", "لل", "ولل", "فلل",
        ] {
            assert!(is_proclitic_chain(p), "{p}");
        }
        for p in ["بب", "وو", "لال", "با", "س", "من", "الو", "بو", "ا"] {
            assert!(!is_proclitic_chain(p), "{p}");
        }
    }

    #[test]
    fn names_with_and_without_the_article() {
        assert!(may_precede("و", true));
        assert!(may_precede("ب", true));
        assert!(may_precede("وب", true));
        assert!(!may_precede("ل", true), "ل + ال is written لل");
        assert!(!may_precede("ال", true));
        assert!(may_precede("ال", false));
        assert!(may_precede("لل", false));
        assert!(may_precede_contracted("ل"));
        assert!(may_precede_contracted("ول"));
        assert!(!may_precede_contracted(""));
        assert!(!may_precede_contracted("ب"));
        assert!(has_article("السراج"));
        assert!(!has_article("ال"));
        assert!(!has_article("الم"), "one letter after ال is no stem");
        assert!(!has_article("حفتر"));
    }
}
