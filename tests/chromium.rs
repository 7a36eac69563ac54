//! Chromium as a reference for highlight geometry, as `hb-shape` and `fribidi` are for
//! shaping and bidi (`tests/shaping.rs`, `tests/bidi.rs`).
//!
//! The sample article (`projects/derna-sirte.json`) and the mixed Arabic/Latin news
//! lines of `tests/fixtures/chromium/*.txt` are laid out by the engine
//! (`ArticleLayout`, as the article view does) and by headless Chromium
//! (`chromium --headless --dump-dom`) at three widths, with the same font files
//! (`fonts/`, loaded through `@font-face` under private family names, so that no
//! installed font can stand in), 22 px, `line-height: 2em`, `white-space: pre-wrap`,
//! `unicode-bidi: plaintext` (each `\n`-separated paragraph takes the direction of its
//! first strong character, as in the engine) and `text-align: start`. One page holds
//! every case, so Chromium runs once.
//!
//! Every word (every UAX #29 word-boundary segment that is not white space: words,
//! numbers, brackets, punctuation) is compared: the engine's `range_rects` and Chromium's
//! `Range.getClientRects()`, grouped by line and merged into horizontal intervals, must
//! be on the same lines with every interval edge within 1 px.
//!
//! Lines: both stack line boxes of exactly 2 em (44 px) from the top, so a rectangle's
//! line is `floor(centre y / 44)` on both sides, and the engine's line tops must be
//! `44 × line` (within 1 px). The rectangles' own heights differ by design: the engine's
//! highlight fills the line box, Chromium's client rect covers the font's content area
//! (ascent + descent of the fragment's primary font), so y is compared through the
//! line index, not rectangle by rectangle.
//!
//! Where Chromium and UAX #14 disagree on a line break, the engine follows UAX #14 and
//! the case is listed in [`KNOWN_DIFFERENCES`] with the reason.
//!
//! Tool policy (`tests/common/tools.rs`, as for the other reference tools): without
//! `chromium` the test fails on CI (naming the Debian packages to install) and otherwise
//! prints a loud SKIP to stderr.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hashiya::text::{ArticleLayout, LayoutParams, TextEngine};
use unicode_segmentation::UnicodeSegmentation;

use crate::common;

const FONT_SIZE: f32 = 22.0;
const LINE_PX: f32 = 44.0;
const WIDTHS: [f32; 3] = [220.0, 317.0, 480.0];
const TOLERANCE: f32 = 1.0;

/// (fixture, word, reason): line breaks where Chromium and the engine differ. Where the
/// listed word is not on the same line (or not at the same place) in both, the rest of
/// its paragraph, from the first line where they differ, is not compared (the lines
/// after a different break differ too) and is counted as a known difference.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "mixed-news.txt",
        "091",
        "Chromium breaks after the hyphens of a phone number (091-|234-|5678); UAX #14 \
         forbids breaks before a hyphen (LB21) and between a hyphen and a digit (LB25), \
         so the engine keeps 091-234-5678 on one line",
    ),
    (
        "derna-sirte.json:derna-sirte",
        "-",
        "«الوطني -والدول»: the engine's line breaker (parley 0.12 uses ICU4X's Unicode 15.0 \
         line-break data) breaks after a word-initial hyphen; Chromium does not, as UAX #14 \
         since 15.1 (LB20a) says. An engine difference from current UAX #14, outside the \
         geometry this test checks",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (name, text) of every fixture: the sample article's documents and the mixed lines.
fn fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let project: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("projects/derna-sirte.json")).expect("sample project"),
    )
    .expect("sample project is JSON");
    for doc in project["documents"].as_array().expect("documents") {
        let id = doc["id"].as_str().unwrap_or("doc");
        out.push((
            format!("derna-sirte.json:{id}"),
            doc["text"].as_str().expect("text").to_string(),
        ));
    }
    let dir = root().join("tests/fixtures/chromium");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/chromium")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        out.push((name, text.trim_end_matches('\n').to_string()));
    }
    out
}

/// One fixture at one width.
struct Case {
    name: String,
    text: String,
    width: f32,
    /// Words: paragraph index and code point range.
    words: Vec<(usize, std::ops::Range<usize>)>,
}

/// Per line: merged horizontal intervals.
type Lines = BTreeMap<usize, Vec<(f32, f32)>>;

/// Groups rectangles (x0, y0, x1, y1; relative to the text's top left) by line and
/// merges touching ones; rectangles without width are dropped.
fn by_line(rects: impl IntoIterator<Item = (f32, f32, f32, f32)>) -> Lines {
    let mut lines: Lines = BTreeMap::new();
    for (x0, y0, x1, y1) in rects {
        if x1 - x0 < 0.01 {
            continue;
        }
        let line = (((y0 + y1) / 2.0) / LINE_PX).floor().max(0.0) as usize;
        lines.entry(line).or_default().push((x0, x1));
    }
    for v in lines.values_mut() {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f32, f32)> = Vec::new();
        for (a, b) in v.drain(..) {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 0.05 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        *v = merged;
    }
    lines
}

/// Words of `text`: (paragraph index, code point range in the text).
fn words(text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let (mut cp, mut para) = (0, 0);
    for w in text.split_word_bounds() {
        let n = w.chars().count();
        if w.contains('\n') {
            para += w.matches('\n').count();
        } else if !w.chars().all(char::is_whitespace) {
            out.push((para, cp..cp + n));
        }
        cp += n;
    }
    out
}

fn utf16_offsets(text: &str) -> Vec<usize> {
    let mut v = Vec::with_capacity(text.len() + 1);
    let mut u = 0;
    for c in text.chars() {
        v.push(u);
        u += c.len_utf16();
    }
    v.push(u);
    v
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// The page: one absolutely placed block per case, holding one block per paragraph, and
/// a script that writes every word's client rectangles (relative to the case's block)
/// as JSON into `#out`.
///
/// One block per paragraph, not one `pre-wrap` block with `\n`s: with several paragraphs
/// of different directions in one block, Chromium 156 resolves the bracket pairs of a
/// paragraph (UAX #9 N0) with the previous paragraph's direction as the embedding
/// direction, so «Army (الجيش) said» after an Arabic paragraph gets right-to-left
/// brackets — contrary to UAX #9 and to FriBidi (`fribidi --levels` agrees with the
/// engine). Alone in its block, the same paragraph is resolved correctly.
fn page(cases: &[Case]) -> String {
    let fonts = root().join("fonts");
    let mut data = String::from("[");
    for (i, c) in cases.iter().enumerate() {
        // Offsets in UTF-16 code units from the start of the word's paragraph.
        let u16s = utf16_offsets(&c.text);
        let mut para_start = vec![0];
        for (i, ch) in c.text.chars().enumerate() {
            if ch == '\n' {
                para_start.push(u16s[i + 1]);
            }
        }
        let ranges: Vec<String> = c
            .words
            .iter()
            .map(|(p, r)| {
                let base = para_start[*p];
                format!("[{p},{},{}]", u16s[r.start] - base, u16s[r.end] - base)
            })
            .collect();
        if i > 0 {
            data.push(',');
        }
        write!(
            data,
            "{{\"text\":{},\"width\":{},\"ranges\":[{}]}}",
            serde_json::to_string(&c.text).unwrap(),
            c.width,
            ranges.join(",")
        )
        .unwrap();
    }
    data.push(']');
    // `</` cannot occur in the JSON of our texts' script element unless a text has it.
    let data = data.replace("</", "<\\/");
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8">
<style>
@font-face {{ font-family: "HashiyaNaskh"; src: url("{naskh}"); }}
@font-face {{ font-family: "HashiyaSans"; src: url("{sans}"); }}
body {{ margin: 0; }}
div.t {{ position: absolute; left: 0; margin: 0; padding: 0; border: 0; }}
div.p {{
  margin: 0; padding: 0; border: 0;
  font-family: "HashiyaNaskh", "HashiyaSans"; font-size: {FONT_SIZE}px; line-height: 2em;
  white-space: pre-wrap; unicode-bidi: plaintext; text-align: start; direction: ltr;
}}
div.p:empty {{ height: 2em; }}
</style></head>
<body><pre id="out">pending</pre>
<script>
const cases = {data};
async function run() {{
  const blocks = [];
  let top = 100;
  for (const c of cases) {{
    const d = document.createElement("div");
    d.className = "t";
    d.style.width = c.width + "px";
    d.style.top = top + "px";
    for (const para of c.text.split("\n")) {{
      const p = document.createElement("div");
      p.className = "p";
      p.textContent = para;
      d.appendChild(p);
    }}
    document.body.appendChild(d);
    blocks.push(d);
    top += d.getBoundingClientRect().height + 100;
  }}
  const faces = [...document.fonts];
  await Promise.all(faces.map(f => f.load().catch(() => null)));
  await document.fonts.ready;
  const out = {{ fonts: faces.map(f => f.family + ":" + f.status), cases: [] }};
  cases.forEach((c, i) => {{
    const d = blocks[i];
    const box = d.getBoundingClientRect();
    const words = c.ranges.map(([p, s, e]) => {{
      const node = d.children[p].firstChild;
      const r = document.createRange();
      r.setStart(node, s);
      r.setEnd(node, e);
      return [...r.getClientRects()].map(q =>
        [q.left - box.left, q.top - box.top, q.right - box.left, q.bottom - box.top]);
    }});
    out.cases.push({{ height: box.height, words }});
  }});
  document.getElementById("out").textContent = "BEGIN" + JSON.stringify(out) + "END";
}}
run().catch(e => {{ document.getElementById("out").textContent = "BEGIN" + JSON.stringify({{ error: String(e) }}) + "END"; }});
</script></body></html>
"#,
        naskh = file_url(&fonts.join("NotoNaskhArabic-Regular.ttf")),
        sans = file_url(&fonts.join("NotoSans-Regular.ttf")),
    )
}

/// Runs headless Chromium on the page and returns the JSON its script wrote.
fn run_chromium(page: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.html");
    std::fs::write(&html, page).unwrap();
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--font-render-hinting=none",
            "--allow-file-access-from-files",
            "--virtual-time-budget=30000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(file_url(&html))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read the output on threads so that a full pipe cannot block Chromium.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(180) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(status.success(), "chromium failed ({status}): {err}");
    // The result is the text of `<pre id="out">` (the script's source, later in the
    // dump, holds the markers too).
    let result = out
        .split_once("<pre id=\"out\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .and_then(|(pre, _)| pre.strip_prefix("BEGIN")?.strip_suffix("END"));
    let Some(json) = result else {
        panic!("chromium's page wrote no result; stderr:\n{err}\nstdout:\n{out:.2000}");
    };
    let json = json
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).expect("the page's JSON")
}

/// What one comparison found.
#[derive(Default)]
struct Stats {
    words: usize,
    within: usize,
    max_dev: f32,
    /// Words for which the engine has no rectangle (Chromium has one).
    empty: usize,
    known: usize,
    problems: Vec<String>,
}

/// The largest distance between the edges of two interval lists of the same length.
fn deviation(a: &[(f32, f32)], b: &[(f32, f32)]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(p, q)| (p.0 - q.0).abs().max((p.1 - q.1).abs()))
        .fold(0.0, f32::max)
}

/// The largest edge distance between two words' lines, infinite if their shapes differ.
fn worst(a: &Lines, b: &Lines) -> f32 {
    if a.keys().ne(b.keys()) || a.values().zip(b.values()).any(|(p, q)| p.len() != q.len()) {
        return f32::INFINITY;
    }
    a.values()
        .zip(b.values())
        .map(|(p, q)| deviation(p, q))
        .fold(0.0, f32::max)
}

fn compare(cases: &[Case], chrome: &serde_json::Value) -> Stats {
    let mut st = Stats::default();
    let mut engine = TextEngine::new();
    let results = chrome["cases"].as_array().expect("cases");
    assert_eq!(results.len(), cases.len());
    for (c, res) in cases.iter().zip(results) {
        let layout =
            ArticleLayout::new(&mut engine, &c.text, LayoutParams::new(c.width, FONT_SIZE));
        for (i, l) in layout.lines().iter().enumerate() {
            if (l.top - LINE_PX * i as f32).abs() > TOLERANCE {
                st.problems.push(format!(
                    "{}@{}: line {i} top {} (expected {})",
                    c.name,
                    c.width,
                    l.top,
                    LINE_PX * i as f32
                ));
            }
        }
        let chars: Vec<char> = c.text.chars().collect();
        let words = res["words"].as_array().expect("words");
        // Per word: (text, engine lines, Chromium lines).
        let measured: Vec<(String, Lines, Lines)> = c
            .words
            .iter()
            .zip(words)
            .map(|((_, w), rects)| {
                let theirs = by_line(rects.as_array().unwrap().iter().map(|r| {
                    let f = |k: usize| r[k].as_f64().unwrap() as f32;
                    (f(0), f(1), f(2), f(3))
                }));
                let ours = by_line(
                    layout
                        .range_rects(w.start, w.end)
                        .into_iter()
                        .map(|r| (r.x0, r.y0, r.x1, r.y1)),
                );
                (chars[w.clone()].iter().collect(), ours, theirs)
            })
            .collect();
        // Paragraphs where a known break difference shows: from which line on.
        let mut diverged: BTreeMap<usize, usize> = BTreeMap::new();
        for ((para, _), (word, ours, theirs)) in c.words.iter().zip(&measured) {
            let known = KNOWN_DIFFERENCES
                .iter()
                .any(|(f, kw, _)| c.name == *f && word == kw);
            let differs = !ours.is_empty()
                && !theirs.is_empty()
                && (ours.keys().ne(theirs.keys()) || worst(ours, theirs) > TOLERANCE);
            if known && differs {
                let first = ours.keys().chain(theirs.keys()).copied().min().unwrap();
                let e = diverged.entry(*para).or_insert(first);
                *e = (*e).min(first);
            }
        }
        for ((para, w), (word, ours, theirs)) in c.words.iter().zip(&measured) {
            if theirs.is_empty() {
                continue; // nothing visible (a zero-width character)
            }
            st.words += 1;
            let ctx = format!("{}@{}: {:?} {}..{}", c.name, c.width, word, w.start, w.end);
            if ours.is_empty() {
                st.empty += 1;
                st.problems
                    .push(format!("{ctx}: no rectangle (Chromium: {theirs:?})"));
                continue;
            }
            if let Some(&from) = diverged.get(para)
                && ours.keys().chain(theirs.keys()).any(|&l| l >= from)
            {
                st.known += 1;
                continue;
            }
            if ours.keys().ne(theirs.keys())
                || ours
                    .values()
                    .zip(theirs.values())
                    .any(|(a, b)| a.len() != b.len())
            {
                st.max_dev = f32::INFINITY;
                st.problems
                    .push(format!("{ctx}: engine {ours:?}, Chromium {theirs:?}"));
                continue;
            }
            let dev = worst(ours, theirs);
            st.max_dev = st.max_dev.max(dev);
            if dev <= TOLERANCE {
                st.within += 1;
            } else {
                st.problems.push(format!(
                    "{ctx}: off by {dev:.2} px: engine {ours:?}, Chromium {theirs:?}"
                ));
            }
        }
    }
    st
}

#[test]
fn word_rectangles_match_chromium() {
    use std::io::Write as _;
    if !common::tools::require_tool("chromium", "apt-get install chromium fonts-noto-core") {
        return;
    }
    let mut cases = Vec::new();
    for (name, text) in fixtures() {
        for width in WIDTHS {
            cases.push(Case {
                words: words(&text),
                name: name.clone(),
                text: text.clone(),
                width,
            });
        }
    }
    let chrome = run_chromium(&page(&cases));
    if let Some(e) = chrome.get("error") {
        panic!("the page's script failed: {e}");
    }
    let fonts: Vec<&str> = chrome["fonts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        fonts.len() == 2 && fonts.iter().all(|f| f.ends_with(":loaded")),
        "Chromium did not load the repository's fonts: {fonts:?}"
    );
    let st = compare(&cases, &chrome);
    // The numbers, on the process's stderr (seen even when the test passes).
    let _ = writeln!(
        std::io::stderr(),
        "chromium: {} cases, {} words compared, {} within {TOLERANCE} px, max deviation {:.3} px, \
         {} without a rectangle, {} known differences",
        cases.len(),
        st.words,
        st.within,
        st.max_dev,
        st.empty,
        st.known
    );
    assert!(
        st.problems.is_empty(),
        "{} differences from Chromium:\n{}",
        st.problems.len(),
        st.problems[..st.problems.len().min(200)].join("\n")
    );
    assert!(st.words > 2000, "only {} words compared", st.words);
}
