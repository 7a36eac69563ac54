//! English for messages: counted nouns ("1 span", "2 spans") and the indefinite
//! article ("a claim", "an actor"), so no message says "1 spans", "document(s)" or
//! "a actor".

/// `n` and the noun, singular for exactly one: `count(1, "span", "spans")` is
/// "1 span", `count(3, "match", "matches")` is "3 matches".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The noun alone, singular for exactly one (for "1 of 3 documents": the total
/// decides).
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The word with its indefinite article: "an actor", "a location". Decided by the
/// first letter (a, e, i, o, u: "an"); good enough for label names, which are
/// ordinary nouns.
pub fn a(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_articles() {
        assert_eq!(count(1, "span", "spans"), "1 span");
        assert_eq!(count(0, "span", "spans"), "0 spans");
        assert_eq!(count(2, "match", "matches"), "2 matches");
        assert_eq!(noun(1, "document", "documents"), "document");
        assert_eq!(a("actor"), "an actor");
        assert_eq!(a("claim"), "a claim");
        assert_eq!(a("Organisation"), "an Organisation");
        assert_eq!(a("location"), "a location");
    }
}
