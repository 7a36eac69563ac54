//! Saved web pages: the article of each `.html`/`.htm` page, with its title, outlet,
//! date and address.
//!
//! A news page is mostly not the article: navigation, ads, share buttons, comments,
//! "related articles". The article body is found with `dom_smoothie`, a Rust port of
//! Mozilla's Readability (Firefox's reader view). Its paragraphs — `p`, `h1`–`h6`,
//! `li`, `blockquote`, `pre` (the innermost of nested ones; not figure captions) —
//! become the document text, separated by blank lines; inside a paragraph, runs of
//! whitespace are one space and `<br>` is a line break. Two things Readability keeps
//! are removed: ad slots and cookie banners (elements whose class or id is `ad`,
//! `ads`, `advert…`, `ad-…`, `…-ad`, `adsbygoogle`, `div-gpt-ad…`, `sponsored`, or
//! contains `cookie` or `consent`), before extraction; and
//! datelines (a block under 120 characters holding a `<time>`), after.
//!
//! **Encoding.** The bytes are decoded before parsing: a byte order mark wins, then the
//! page's `<meta charset>` (or `http-equiv` content type), so a page saved in
//! Windows-1256 reads right. A page whose bytes are valid UTF-8 with non-ASCII text is
//! read as UTF-8 whatever it declares (browsers re-encode pages they save but may leave
//! the old declaration). A page that declares nothing and is not UTF-8 is treated like
//! any corpus file: detected, and converted only with consent (see
//! [`super::encoding`]). A sequence invalid in the declared encoding is refused. Older
//! Arabic sites often declare a Latin encoding (`iso-8859-1`, `windows-1252`) for pages
//! written in Windows-1256: when most letters of a page that declares a single-byte
//! non-Arabic encoding are not ASCII (no Latin-script language is written so) and the
//! bytes read as Arabic (`chardetng`, or `lang="ar"`/`dir="rtl"`), the page is refused,
//! showing its start read both ways, and converted only with consent (the encoding to
//! convert from, which may also be the declared one).
//!
//! **Nesting.** The HTML parser and Readability take time that grows with the square
//! of the nesting depth (16,000 nested `<div>` took 25 s). A page whose tags nest
//! deeper than [`MAX_NESTING`], or whose elements' depths add up to more than
//! [`MAX_NESTING_WORK`] (counted by a scan of the bytes, [`nesting_depth`]), is refused
//! before it is parsed.
//!
//! **Metadata**, each from the first place that has it:
//!
//! | field           | where, in order                                                                       |
//! |-----------------|---------------------------------------------------------------------------------------|
//! | title           | `og:title`, JSON-LD `headline`, `twitter:title`, Readability's title (from `<title>`)   |
//! | `source.outlet` | `og:site_name`, JSON-LD `publisher.name`, `application-name`                         |
//! | `source.date`   | `article:published_time`, `og:published_time`, JSON-LD `datePublished`, `<meta name="date">` (or `pubdate`, `publishdate`, `DC.date.issued`), the first `<time datetime>` of the article, then of the page's `<article>` |
//! | `source.url`    | `<link rel="canonical">`, `og:url`, JSON-LD `url`                                      |
//! | `meta.author`   | `author` meta, JSON-LD `author.name`, Readability's byline                            |
//! | `meta.section`  | `article:section`, JSON-LD `articleSection`                                            |
//! | `meta.modified` | `article:modified_time`, JSON-LD `dateModified`                                        |
//!
//! (`og:` and `article:` tags are read from `property` or `name`.) Values are taken as
//! the page writes them (dates are not reformatted). The document id is the file stem.
//! A page without an article (too little text) is a bad page: reported, or skipped with
//! `skip_bad_rows`. A page whose text is already in the project is not added again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dom_query::{Document as Dom, NodeRef};
use encoding_rs::{Encoding, UTF_8};
use serde_json::Value;

use super::builder::{Builder, Incoming, Origin};
use super::encoding::{self, declared_html_charset};
use super::reader::{import_files, read_file};
use super::{ImportIssue, Progress};
use crate::model::Source;
use crate::store::limits::MAX_PROJECT_BYTES;

pub(crate) fn import(
    b: &mut Builder,
    inputs: &[PathBuf],
    consent: Option<&'static Encoding>,
    progress: Progress,
) {
    import_files(b, inputs, &["html", "htm"], progress, |b, path| {
        match read_page(path, consent) {
            Ok(inc) => b.add_corpus(inc),
            // A page is a row of the corpus: `skip_bad_rows` skips it.
            Err(issue) => b.bad_row(issue),
        }
        Ok(())
    });
}

/// A page's article, as the builder takes it.
pub fn read_page(path: &Path, consent: Option<&'static Encoding>) -> Result<Incoming, ImportIssue> {
    let bytes = read_file(path, MAX_PROJECT_BYTES)?;
    let nesting = nesting_depth(&bytes);
    if nesting.max > MAX_NESTING {
        return Err(ImportIssue::new(
            path,
            None,
            format!(
                "elements are nested {} deep; Hashiya reads pages nested at most {MAX_NESTING} deep (a news page is nested a few dozen deep; deeper pages take minutes to read). Save the article again from the browser, or as plain text",
                nesting.max
            ),
        ));
    }
    if nesting.work > MAX_NESTING_WORK {
        return Err(ImportIssue::new(
            path,
            None,
            format!(
                "the page has {} elements nested {} deep on average; Hashiya reads pages whose elements times their depth stay under {MAX_NESTING_WORK} (a news page stays far below; this one would take minutes to read). Save the article again from the browser, or as plain text",
                nesting.elements,
                nesting.work / nesting.elements.max(1)
            ),
        ));
    }
    let html = decode_page(path, &bytes, consent)?;
    let page = Page::extract(&html).map_err(|e| ImportIssue::new(path, None, e))?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Incoming {
        title: page.title,
        source: page.source,
        meta: page.meta,
        ..Incoming::unannotated(Origin::new(path, None), id, page.text)
    })
}

/// The page as text (see the module documentation).
fn decode_page(
    path: &Path,
    bytes: &[u8],
    consent: Option<&'static Encoding>,
) -> Result<String, ImportIssue> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.strip_prefix('\u{FEFF}').unwrap_or(text).to_string());
    }
    match declared_html_charset(bytes) {
        Some(declared) if declared != UTF_8 => {
            if let Some(actual) = misdeclared_arabic(bytes, declared) {
                let Some(chosen) = consent else {
                    return Err(misdeclared_refusal(path, bytes, declared, actual));
                };
                return Ok(encoding::decode(path, bytes, Some(chosen))?.text);
            }
            Ok(encoding::decode(path, bytes, Some(declared))?.text)
        }
        // Declared UTF-8 (but is not), or nothing declared: detected, and converted
        // only with consent.
        _ => Ok(encoding::decode(path, bytes, consent)?.text),
    }
}

/// Pages nested deeper than this are refused before they are parsed (see
/// [`nesting_depth`]).
pub const MAX_NESTING: usize = 256;

/// The most element-depth a page may have: the sum, over its elements, of how deep
/// each is (what parsing costs): a 1 MB news page has well under a million.
pub const MAX_NESTING_WORK: usize = 4_000_000;

/// What [`nesting_depth`] finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Nesting {
    /// The deepest nesting.
    pub max: usize,
    /// Elements counted.
    pub elements: usize,
    /// The sum of their depths.
    pub work: usize,
}

/// Void elements, and elements whose end tag may be left out that the parser never
/// nests in one another (`<p>`, `<li>`, `<td>`…; `<a>`): a scan of the tags alone
/// cannot know where they end, so they are not counted. (`<optgroup>` and the ruby
/// elements do nest, so they count.)
const NOT_COUNTED: [&[u8]; 33] = [
    b"a",
    b"area",
    b"base",
    b"br",
    b"caption",
    b"col",
    b"colgroup",
    b"dd",
    b"dt",
    b"embed",
    b"frame",
    b"head",
    b"body",
    b"hr",
    b"html",
    b"img",
    b"input",
    b"isindex",
    b"keygen",
    b"li",
    b"link",
    b"meta",
    b"option",
    b"p",
    b"param",
    b"source",
    b"tbody",
    b"td",
    b"tfoot",
    b"th",
    b"thead",
    b"tr",
    b"wbr",
];

/// The deepest nesting of elements in `html`, from a scan of its tags (comments,
/// `<!…>`, `<?…>` and the content of `script`, `style`, `textarea`, `title` outside
/// `<svg>`/`<math>` skipped; `/>` closes; the elements of [`NOT_COUNTED`] are not
/// counted), in one pass: how deep the page's tree is, give or take (never less than
/// the parser builds, but for tags the parser drops), before building it. The HTML
/// parser (each start tag looks down the stack of open elements) and Readability take
/// time that grows with the square of the depth.
pub fn nesting_depth(html: &[u8]) -> Nesting {
    let mut n = Nesting::default();
    let mut depth = 0usize;
    // Open `<svg>`/`<math>` elements: inside them `<script>` and `<style>` are markup.
    let mut foreign = 0usize;
    let mut i = 0;
    let find = |from: usize, needle: &[u8]| {
        html[from.min(html.len())..]
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|p| from + p)
    };
    while let Some(lt) = html[i..].iter().position(|&b| b == b'<').map(|p| i + p) {
        let rest = &html[lt + 1..];
        if rest.starts_with(b"!--") {
            i = comment_end(html, lt + 4);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = html[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !html[name_start].is_ascii_alphabetic() {
            // `<!DOCTYPE`, `<?xml`, or a `<` in the text.
            i = if matches!(rest.first(), Some(b'!' | b'?')) {
                find(lt, b">").map_or(html.len(), |e| e + 1)
            } else {
                lt + 1
            };
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(html, name_start + name_len);
        i = end;
        let counted = !NOT_COUNTED.contains(&name.as_slice());
        let is_foreign = matches!(name.as_slice(), b"svg" | b"math");
        let self_closing = end >= 2 && html[end - 2] == b'/';
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
            if is_foreign {
                foreign = foreign.saturating_sub(1);
            }
            continue;
        }
        if is_foreign && !self_closing {
            foreign += 1;
        }
        if foreign == 0
            && matches!(
                name.as_slice(),
                b"script" | b"style" | b"textarea" | b"title"
            )
        {
            let mut close = b"</".to_vec();
            close.extend_from_slice(&name);
            // Past the end tag: the element was not counted, nor is its end.
            i = find(end, &close).map_or(html.len(), |c| tag_end(html, c + close.len()));
            continue;
        }
        if counted && !self_closing {
            depth += 1;
            n.max = n.max.max(depth);
            n.elements += 1;
            n.work = n.work.saturating_add(depth);
        }
    }
    n
}

/// Just after the end of the comment whose text starts at `from` (after `<!--`): `-->`
/// or `--!>`, or `>` right away (`<!-->`, `<!--->`), as the HTML parser ends them.
fn comment_end(html: &[u8], from: usize) -> usize {
    let from = from.min(html.len());
    for early in [&b">"[..], b"->"] {
        if html[from..].starts_with(early) {
            return from + early.len();
        }
    }
    let mut k = from;
    while let Some(p) = html[k..].windows(2).position(|w| w == b"--") {
        let at = k + p + 2;
        if html[at..].starts_with(b">") {
            return at + 1;
        }
        if html[at..].starts_with(b"!>") {
            return at + 2;
        }
        k = k + p + 1;
    }
    html.len()
}

/// Just after the `>` that ends the tag whose attributes start at `from` (quoted
/// attribute values may hold `>`), or the end of `html`.
fn tag_end(html: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in html[from..].iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return from + k + 1,
            _ => {}
        }
    }
    html.len()
}

/// The Arabic encoding a page that declares `declared` is really in, if it is one of
/// the older Arabic pages saved in Windows-1256 that declare a Latin charset
/// (`iso-8859-1`, `windows-1252`): most letters of its text (outside tags) are not
/// ASCII — no Latin-script language is written so — and `chardetng`, or the page's
/// `lang="ar"`/`dir="rtl"`, says Arabic.
fn misdeclared_arabic(bytes: &[u8], declared: &'static Encoding) -> Option<&'static Encoding> {
    use encoding_rs::{ISO_8859_6, WINDOWS_1256};
    if !declared.is_single_byte() || declared == WINDOWS_1256 || declared == ISO_8859_6 {
        return None;
    }
    let text = text_bytes(bytes);
    let ascii = text.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let high = text.iter().filter(|&&b| b >= 0xC0).count();
    if high < 20 || high < ascii {
        return None;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &text[..text.len().min(512 * 1024)];
    detector.feed(sample, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]).to_ascii_lowercase();
    let hinted = [
        "lang=\"ar",
        "lang='ar",
        "lang=ar",
        "dir=\"rtl",
        "dir='rtl",
        "dir=rtl",
    ]
    .iter()
    .any(|h| head.contains(h));
    if guess == WINDOWS_1256 || guess == ISO_8859_6 {
        Some(guess)
    } else if hinted {
        Some(WINDOWS_1256)
    } else {
        None
    }
}

/// The bytes of `html` outside tags, comments, scripts and styles (roughly: for
/// statistics).
fn text_bytes(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < html.len() {
        if html[i] != b'<' {
            out.push(html[i]);
            i += 1;
            continue;
        }
        let rest = &html[i..];
        let skip_to = |close: &[u8]| {
            rest.windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close))
                .map_or(html.len(), |p| i + p + close.len())
        };
        i = if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.len() > 7 && rest[..7].eq_ignore_ascii_case(b"<script") {
            skip_to(b"</script>")
        } else if rest.len() > 6 && rest[..6].eq_ignore_ascii_case(b"<style") {
            skip_to(b"</style>")
        } else {
            tag_end(html, i + 1)
        };
        out.push(b' ');
    }
    out
}

/// The refusal of a page whose text is in `actual` but that declares `declared`.
fn misdeclared_refusal(
    path: &Path,
    bytes: &[u8],
    declared: &'static Encoding,
    actual: &'static Encoding,
) -> ImportIssue {
    let text = text_bytes(bytes);
    let at = text.iter().position(|&b| b >= 0x80).unwrap_or(0);
    let sample = &text[at..text.len().min(at + 40)];
    let show = |e: &'static Encoding| -> String {
        let s = e.decode_without_bom_handling(sample).0;
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let name = |e: &'static Encoding| e.name().to_ascii_lowercase();
    ImportIssue::new(
        path,
        None,
        format!(
            "the page declares the encoding {} but its text is not in it: read so, it starts «{}», while in {} it reads «{}» (older Arabic sites often declare a Latin encoding). Nothing is converted without your consent: re-run with --encoding {}, or if the page really is in {}, with --encoding {}",
            name(declared),
            show(declared),
            name(actual),
            show(actual),
            name(actual),
            name(declared),
            name(declared),
        ),
    )
}

/// What is kept of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    pub source: Source,
    pub meta: BTreeMap<String, String>,
    /// The article's paragraphs, separated by blank lines.
    pub text: String,
}

impl Page {
    /// The article and metadata of a decoded page, or why there is none.
    pub fn extract(html: &str) -> Result<Page, String> {
        let dom = Dom::from(html);
        let ld = json_ld(&dom);
        let ld_str = |key: &str| ld.iter().find_map(|o| str_field(o, key));
        let ld_name = |key: &str| {
            ld.iter().find_map(|o| match o.get(key)? {
                Value::Object(m) => str_field(m, "name"),
                Value::Array(a) => a
                    .iter()
                    .find_map(|v| v.as_object().and_then(|m| str_field(m, "name"))),
                Value::String(s) => non_empty(s),
                _ => None,
            })
        };

        let url = attr(&dom, "link[rel~=\"canonical\"]", "href")
            .or_else(|| meta_tag(&dom, "og:url"))
            .or_else(|| ld_str("url"));
        let base = url.as_deref().filter(|u| u.starts_with("http"));
        // Readability keeps ad slots and cookie banners that hold a line of text.
        let cleaned = Dom::from(html);
        remove_clutter(&cleaned);
        let mut readability = dom_smoothie::Readability::with_document(cleaned, base, None)
            .map_err(|e| format!("cannot read the page: {e}"))?;
        let article = readability.parse().map_err(|e| {
            format!("no article found in the page ({e}); is it a saved news article?")
        })?;
        let body = Dom::from(article.content.clone());
        let paragraphs = paragraphs(&body);
        if paragraphs.is_empty() {
            return Err("no article text found in the page; is it a saved news article?".into());
        }

        let title = meta_tag(&dom, "og:title")
            .or_else(|| ld_str("headline"))
            .or_else(|| meta_tag(&dom, "twitter:title"))
            .or_else(|| non_empty(&article.title));
        let outlet = meta_tag(&dom, "og:site_name")
            .or_else(|| ld_name("publisher"))
            .or_else(|| meta_tag(&dom, "application-name"));
        let date = meta_tag(&dom, "article:published_time")
            .or_else(|| meta_tag(&dom, "og:published_time"))
            .or_else(|| ld_str("datePublished"))
            .or_else(|| {
                ["date", "pubdate", "publishdate", "DC.date.issued"]
                    .iter()
                    .find_map(|n| meta_tag(&dom, n))
            })
            .or_else(|| attr(&body, "time[datetime]", "datetime"))
            .or_else(|| attr(&dom, "article time[datetime]", "datetime"));
        let mut meta = BTreeMap::new();
        let mut put = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                meta.insert(key.to_string(), v);
            }
        };
        put(
            "author",
            meta_tag(&dom, "author")
                .or_else(|| ld_name("author"))
                .or_else(|| article.byline.as_deref().and_then(non_empty)),
        );
        put(
            "section",
            meta_tag(&dom, "article:section").or_else(|| ld_str("articleSection")),
        );
        put(
            "modified",
            meta_tag(&dom, "article:modified_time").or_else(|| ld_str("dateModified")),
        );
        Ok(Page {
            title,
            source: Source { outlet, url, date },
            meta,
            text: paragraphs.join("\n\n"),
        })
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = collapse(s);
    (!s.is_empty()).then_some(s)
}

/// Runs of whitespace as one space, ends trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `attr` of the first element matching `selector`, if not empty.
fn attr(dom: &Dom, selector: &str, attr: &str) -> Option<String> {
    dom.select(selector)
        .iter()
        .find_map(|s| s.attr(attr).and_then(|v| non_empty(&v)))
}

/// The content of `<meta property=NAME>` or `<meta name=NAME>` (names compared
/// without case).
fn meta_tag(dom: &Dom, name: &str) -> Option<String> {
    dom.select("meta").iter().find_map(|m| {
        let named = ["property", "name", "itemprop"].iter().any(|a| {
            m.attr(a)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(name))
        });
        if named {
            m.attr("content").and_then(|v| non_empty(&v))
        } else {
            None
        }
    })
}

/// Every JSON object of the page's JSON-LD scripts (`@graph` items included), in
/// page order; article-like objects (`@type` …Article, …News, BlogPosting) first.
fn json_ld(dom: &Dom) -> Vec<serde_json::Map<String, Value>> {
    fn walk(v: Value, out: &mut Vec<serde_json::Map<String, Value>>) {
        match v {
            Value::Array(a) => a.into_iter().for_each(|v| walk(v, out)),
            Value::Object(mut m) => {
                if let Some(g) = m.remove("@graph") {
                    walk(g, out);
                }
                out.push(m);
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    for s in dom.select("script[type=\"application/ld+json\"]").iter() {
        if let Ok(v) = serde_json::from_str::<Value>(s.text().trim()) {
            walk(v, &mut all);
        }
    }
    let is_article = |m: &serde_json::Map<String, Value>| {
        let t = match m.get("@type") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        t.contains("Article") || t.contains("News") || t.contains("BlogPosting")
    };
    let (mut articles, others): (Vec<_>, Vec<_>) = all.into_iter().partition(is_article);
    articles.extend(others);
    articles
}

fn str_field(m: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::String(s) => non_empty(s),
        Value::Array(a) => a.iter().find_map(|v| v.as_str().and_then(non_empty)),
        _ => None,
    }
}

/// True for a class or id that names an ad slot (`ad`, `ads`, `advert…`, `ad-…`,
/// `…-ad`, `adsbygoogle`, `div-gpt-ad…`, `google-ad…`, `sponsored`) or a cookie
/// banner (`…cookie…`, `…consent…`).
fn is_clutter_name(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    matches!(t.as_str(), "ad" | "ads" | "adsbygoogle" | "sponsored")
        || t.starts_with("advert")
        || t.starts_with("ad-")
        || t.starts_with("ads-")
        || t.ends_with("-ad")
        || t.ends_with("-ads")
        || t.starts_with("div-gpt-ad")
        || t.starts_with("google-ad")
        || t.contains("cookie")
        || t.contains("consent")
}

fn remove_clutter(dom: &Dom) {
    let ads: Vec<NodeRef> = dom
        .select("[class], [id]")
        .nodes()
        .iter()
        .filter(|n| {
            let class = n.attr("class").unwrap_or_default();
            let id = n.attr("id").unwrap_or_default();
            class
                .split_whitespace()
                .chain(id.split_whitespace())
                .any(is_clutter_name)
                && !n.node_name().is_some_and(|t| {
                    t.eq_ignore_ascii_case("body") || t.eq_ignore_ascii_case("html")
                })
        })
        .cloned()
        .collect();
    for n in ads {
        n.remove_from_parent();
    }
}

/// A dateline: a short block that holds a `<time>` ("published on 14 August 2019 |
/// section: news"), which Readability keeps as a paragraph.
fn is_dateline(node: &NodeRef, text: &str) -> bool {
    text.chars().count() < 120
        && node.descendants_it().any(|d| {
            d.node_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("time"))
        })
}

const BLOCKS: [&str; 11] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "figcaption",
];

fn is_block(n: &NodeRef) -> bool {
    n.is_element()
        && n.node_name()
            .is_some_and(|name| BLOCKS.contains(&name.to_ascii_lowercase().as_str()))
}

fn in_figure(n: &NodeRef) -> bool {
    n.ancestors_it(None).any(|a| {
        a.node_name()
            .is_some_and(|name| name.eq_ignore_ascii_case("figure"))
    })
}

/// The texts of the innermost block elements of the extracted article, in order.
fn paragraphs(body: &Dom) -> Vec<String> {
    let mut out = Vec::new();
    for node in body.root().descendants_it() {
        if !is_block(&node) || node.descendants_it().any(|d| is_block(&d)) {
            continue;
        }
        if in_figure(&node)
            || node
                .node_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("figcaption"))
        {
            continue;
        }
        let mut raw = String::new();
        inline_text(&node, &mut raw);
        let lines: Vec<String> = raw
            .split('\n')
            .map(collapse)
            .filter(|l| !l.is_empty())
            .collect();
        let text = lines.join("\n");
        if !text.is_empty() && !is_dateline(&node, &text) {
            out.push(text);
        }
    }
    out
}

/// The text inside `node`, `<br>` as a line break.
fn inline_text(node: &NodeRef, out: &mut String) {
    for child in node.children_it(false) {
        if child.is_text() {
            // Line breaks in the source are whitespace; only <br> breaks a line.
            out.extend(
                child
                    .text()
                    .chars()
                    .map(|c| if c == '\n' { ' ' } else { c }),
            );
        } else if child.is_element() {
            match child.node_name().map(|n| n.to_ascii_lowercase()) {
                Some(n) if n == "br" => out.push('\n'),
                Some(n) if n == "script" || n == "style" => {}
                _ => inline_text(&child, out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_and_nesting() {
        let dom = Dom::from(
            "<div><p>أول  <b>فقرة</b>\n سطر</p><blockquote><p>اقتباس</p></blockquote>\
             <figure><img><figcaption>صورة</figcaption></figure><p>سطر<br>ثان</p><p> </p></div>",
        );
        assert_eq!(paragraphs(&dom), ["أول فقرة سطر", "اقتباس", "سطر\nثان"]);
    }

    #[test]
    fn metadata_order() {
        let dom = Dom::from(
            r#"<html><head>
            <meta name="og:site_name" content=" الوسط ">
            <meta property="article:published_time" content="2024-03-01T09:00:00+02:00">
            <script type="application/ld+json">{"@graph":[{"@type":"WebSite","url":"https://x"},
              {"@type":"NewsArticle","datePublished":"1999","headline":"h","publisher":{"name":"P"}}]}</script>
            </head></html>"#,
        );
        assert_eq!(meta_tag(&dom, "og:site_name").as_deref(), Some("الوسط"));
        assert_eq!(
            meta_tag(&dom, "article:published_time").as_deref(),
            Some("2024-03-01T09:00:00+02:00")
        );
        let ld = json_ld(&dom);
        assert_eq!(str_field(&ld[0], "headline").as_deref(), Some("h"));
    }
}
