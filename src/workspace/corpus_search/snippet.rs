//! Snippets of corpus search results: a match with a few words either side (at most
//! [`CONTEXT_WORDS`] words and [`CONTEXT_CHARS`] code points, within its paragraph), "…"
//! where the paragraph goes on, and the match's code point range in the snippet so the
//! panel can mark it.

use std::ops::Range;

/// Words of context on each side of a match in a snippet…
pub const CONTEXT_WORDS: usize = 4;
/// …and at most this many code points.
pub const CONTEXT_CHARS: usize = 40;

/// A match with some words either side: `text` (with "…" where the paragraph goes on)
/// and the match's code point range in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub hit: Range<usize>,
}

/// The snippets of `ranges` (sorted code point ranges of `text`), in one pass over the
/// text up to the last one.
pub fn snippets(text: &str, ranges: &[Range<usize>]) -> Vec<Snippet> {
    let Some(last) = ranges.last() else {
        return Vec::new();
    };
    // Byte offset of every code point that can appear in a snippet, plus the end of
    // the text when it is reached.
    let need = last.end + CONTEXT_CHARS + 1;
    let mut at: Vec<usize> = text.char_indices().map(|(b, _)| b).take(need).collect();
    let whole = at.len() < need;
    let len = at.len();
    if whole {
        at.push(text.len());
    }
    let ch = |i: usize| text[at[i]..].chars().next().unwrap_or('\n');
    ranges
        .iter()
        .filter(|r| r.end <= len)
        .map(|r| {
            let (s, cut_before) = context_start(r.start, ch);
            let (e, cut_after) = context_end(r.end, len, whole, ch);
            let mut out = String::new();
            if cut_before {
                out.push_str("… ");
            }
            let lead = out.chars().count() + (r.start - s);
            out.push_str(&text[at[s]..at[e]]);
            if cut_after {
                out.push_str(" …");
            }
            Snippet {
                text: out,
                hit: lead..lead + (r.end - r.start),
            }
        })
        .collect()
}

/// Where the context before a match at `start` begins, and whether the paragraph goes
/// on before it.
fn context_start(start: usize, ch: impl Fn(usize) -> char) -> (usize, bool) {
    let mut s = start;
    let mut words = 0;
    while s > 0 && start - s < CONTEXT_CHARS {
        let c = ch(s - 1);
        if c == '\n' {
            break;
        }
        if c.is_whitespace() && s < start && !ch(s).is_whitespace() {
            words += 1;
            if words == CONTEXT_WORDS {
                break;
            }
        }
        s -= 1;
    }
    if start - s >= CONTEXT_CHARS && s > 0 && !ch(s - 1).is_whitespace() {
        // Stopped mid-word: start at the next word.
        while s < start && !ch(s).is_whitespace() {
            s += 1;
        }
    }
    while s < start && ch(s).is_whitespace() {
        s += 1;
    }
    (s, s > 0 && ch(s - 1) != '\n')
}

/// Where the context after a match ending at `end` stops, and whether the paragraph
/// goes on after it. `len` code points are known; `whole`: they are the whole text.
fn context_end(end: usize, len: usize, whole: bool, ch: impl Fn(usize) -> char) -> (usize, bool) {
    let mut e = end;
    let mut words = 0;
    while e < len && e - end < CONTEXT_CHARS {
        let c = ch(e);
        if c == '\n' {
            break;
        }
        if c.is_whitespace() && e > end && !ch(e - 1).is_whitespace() {
            words += 1;
            if words == CONTEXT_WORDS {
                break;
            }
        }
        e += 1;
    }
    let goes_on = if e < len { ch(e) != '\n' } else { !whole };
    if e - end >= CONTEXT_CHARS && e < len && !ch(e).is_whitespace() {
        // Stopped mid-word: end at the previous word.
        while e > end && !ch(e - 1).is_whitespace() {
            e -= 1;
        }
    }
    while e > end && ch(e - 1).is_whitespace() {
        e -= 1;
    }
    (e, goes_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snip(text: &str, r: Range<usize>) -> (String, String) {
        let s = &snippets(text, &[r])[0];
        let hit: String = s.text.chars().skip(s.hit.start).take(s.hit.len()).collect();
        (s.text.clone(), hit)
    }

    #[test]
    fn snippets_hold_some_words_either_side_and_mark_the_match() {
        let text = "واحد اثنان ثلاثة أربعة خمسة درنة ستة سبعة ثمانية تسعة عشرة\nسطر آخر";
        let r = 28..32;
        assert_eq!(text.chars().skip(28).take(4).collect::<String>(), "درنة");
        let (t, hit) = snip(text, r);
        assert_eq!(hit, "درنة");
        assert_eq!(t, "… اثنان ثلاثة أربعة خمسة درنة ستة سبعة ثمانية تسعة …");
        // At the start of a paragraph and before its end: no ellipsis there.
        let (t, _) = snip(text, 0..4);
        assert!(t.starts_with("واحد اثنان"), "{t}");
        let (t, hit) = snip(text, 59..62);
        assert_eq!((t.as_str(), hit.as_str()), ("سطر آخر", "سطر"));
        // A match after an emoji: code points, not bytes.
        let (t, hit) = snip("😀 درنة", 2..6);
        assert_eq!((t.as_str(), hit.as_str()), ("😀 درنة", "درنة"));
    }

    #[test]
    fn long_words_are_cut_at_a_word_edge() {
        let long = "ا".repeat(60);
        let text = format!("{long} درنة {long}");
        let (t, hit) = snip(&text, 61..65);
        assert_eq!(hit, "درنة");
        assert_eq!(t, "… درنة …");
    }
}
