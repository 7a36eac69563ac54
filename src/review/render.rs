//! The report as text for a terminal, as CSV (one row per diff entry) and as a
//! standalone HTML page. Plain string building: no template engine, no assets.
//!
//! Figures are printed with four decimals here; the JSON carries full precision.
//! In HTML every cell that holds annotated text has `dir="auto"`, so Arabic is laid out
//! right-to-left inside a left-to-right table, and the page declares UTF-8.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::figures::Prf;
use super::pairing::PairCategory;
use super::report::{AgreementReport, DiffItem, PairReport, SpanRef};

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.4}"))
}

fn short(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' { '⏎' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// Whether an entry is worth showing as a disagreement: everything but exact pairs
/// whose attributes and entity agree.
pub fn is_disagreement(item: &DiffItem) -> bool {
    item.category != PairCategory::Exact || item.attributes.as_ref().is_some_and(|a| !a.agrees())
}

fn attr_diff_text(item: &DiffItem) -> String {
    let Some(c) = &item.attributes else {
        return String::new();
    };
    let mut parts: Vec<String> = c
        .differ
        .iter()
        .map(|d| {
            format!(
                "{}: {} ≠ {}",
                d.name,
                d.a.as_deref().unwrap_or("—"),
                d.b.as_deref().unwrap_or("—")
            )
        })
        .collect();
    if let Some((x, y)) = &c.entity_differs {
        parts.push(format!(
            "entity: {} ≠ {}",
            x.as_deref().unwrap_or("—"),
            y.as_deref().unwrap_or("—")
        ));
    }
    parts.join("; ")
}

fn span_text(s: &Option<SpanRef>) -> String {
    match s {
        Some(s) => format!(
            "{} {} {}–{} «{}»",
            s.id,
            s.label,
            s.start,
            s.end,
            short(&s.text, 40)
        ),
        None => "—".to_string(),
    }
}

/// The human-readable summary printed by `hashiya agree`.
pub fn to_text(r: &AgreementReport) -> String {
    let mut o = String::new();
    let names: Vec<String> = r
        .annotators
        .iter()
        .map(|a| format!("{} ({})", a.name, a.source))
        .collect();
    let _ = writeln!(o, "Annotators: {}", names.join(", "));
    let d = &r.documents;
    let tokens: usize = d.matched.iter().map(|m| m.tokens).sum();
    let _ = writeln!(
        o,
        "Documents: {} compared ({} tokens), {} with a changed text, {} not in every project, {} not annotated by everyone, {} duplicate",
        d.matched.len(),
        tokens,
        d.text_differs.len(),
        d.only_in.len(),
        d.not_annotated.len(),
        d.duplicates.len()
    );
    for t in &d.text_differs {
        let docs: Vec<String> = t
            .documents
            .iter()
            .map(|x| {
                format!(
                    "{}:{} ({}…)",
                    x.annotator,
                    x.document,
                    &x.text_sha256[..12.min(x.text_sha256.len())]
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "  text differs, same {} «{}»: {}",
            t.by,
            t.value,
            docs.join(", ")
        );
    }
    for x in &d.only_in {
        let _ = writeln!(
            o,
            "  not in every project: {}:{} «{}»",
            x.annotator, x.document, x.title
        );
    }
    for x in &d.not_annotated {
        let _ = writeln!(o, "  not annotated by {}: {}", x.annotator, x.document);
    }
    if r.pairs.len() > 1 {
        let _ = writeln!(o, "\nPairwise (A = reference):");
        let _ = writeln!(
            o,
            "  {:<30} {:>9} {:>9} {:>9} {:>11}",
            "A vs B", "κ", "α", "F1 strict", "F1 lenient"
        );
        for p in &r.pairs {
            let _ = writeln!(
                o,
                "  {:<30} {:>9} {:>9} {:>9.4} {:>11.4}",
                format!("{} vs {}", p.a, p.b),
                num(p.tokens.cohen_kappa),
                num(p.tokens.krippendorff_alpha),
                p.figures.micro.strict.f1,
                p.figures.micro.lenient.f1
            );
        }
    }
    if let Some(all) = &r.overall {
        let _ = writeln!(
            o,
            "All {} annotators on {} tokens: Fleiss' κ {}, Krippendorff's α {}",
            all.annotators,
            all.tokens,
            num(all.fleiss_kappa),
            num(all.krippendorff_alpha)
        );
    }
    for p in &r.pairs {
        o.push('\n');
        pair_text(&mut o, p);
    }
    o
}

fn prf_cells(p: &Prf) -> String {
    format!("{:>7.4} {:>7.4} {:>7.4}", p.precision, p.recall, p.f1)
}

fn pair_text(o: &mut String, p: &PairReport) {
    let _ = writeln!(o, "== {} (A, reference) vs {} (B) ==", p.a, p.b);
    let s = &p.spans;
    let _ = writeln!(
        o,
        "Spans: exact {}, partial {}, label mismatch {}, only A {}, only B {}",
        s.exact, s.partial, s.label_mismatch, s.only_a, s.only_b
    );
    let _ = writeln!(
        o,
        "  {:<12} {:>5} {:>5}   {:^23}   {:^23}",
        "", "", "", "strict", "lenient"
    );
    let _ = writeln!(
        o,
        "  {:<12} {:>5} {:>5}   {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7}",
        "label", "A", "B", "P", "R", "F1", "P", "R", "F1"
    );
    for l in &p.figures.per_label {
        let _ = writeln!(
            o,
            "  {:<12} {:>5} {:>5}   {}   {}",
            l.label,
            l.a,
            l.b,
            prf_cells(&l.strict),
            prf_cells(&l.lenient)
        );
    }
    let f = &p.figures;
    let _ = writeln!(
        o,
        "  {:<12} {:>5} {:>5}   {}   {}",
        "micro",
        "",
        "",
        prf_cells(&f.micro.strict),
        prf_cells(&f.micro.lenient)
    );
    let _ = writeln!(
        o,
        "  {:<12} {:>5} {:>5}   {}   {}",
        "macro",
        "",
        "",
        prf_cells(&f.macro_.strict),
        prf_cells(&f.macro_.lenient)
    );
    let r = &p.relations;
    let _ = writeln!(
        o,
        "Relations: A {}, B {}; matched {} ({} with both ends exact), only A {}, only B {}",
        r.a, r.b, r.matched, r.matched_strict, r.only_a, r.only_b
    );
    let attrs: Vec<String> = p
        .attributes
        .iter()
        .map(|a| format!("{} agree {} differ {}", a.name, a.agree, a.differ))
        .collect();
    let _ = writeln!(
        o,
        "Attributes of paired spans: {}; entity agree {} differ {}",
        if attrs.is_empty() {
            "none".to_string()
        } else {
            attrs.join("; ")
        },
        p.entities.agree,
        p.entities.differ
    );
    let t = &p.tokens;
    let _ = writeln!(
        o,
        "Tokens: {}; observed agreement {}, Cohen's κ {}, Krippendorff's α {}",
        t.tokens,
        num(t.observed),
        num(t.cohen_kappa),
        num(t.krippendorff_alpha)
    );
    let mut any = false;
    for d in &p.documents {
        for item in d.items.iter().filter(|i| is_disagreement(i)) {
            if !any {
                let _ = writeln!(o, "Disagreements:");
                any = true;
            }
            let extra = attr_diff_text(item);
            let _ = writeln!(
                o,
                "  [{}] {:<14} A {} | B {}{}",
                d.a_document,
                item.category.as_str(),
                span_text(&item.a),
                span_text(&item.b),
                if extra.is_empty() {
                    String::new()
                } else {
                    format!(" | {extra}")
                }
            );
        }
        for rel in d
            .relations
            .iter()
            .filter(|r| r.status != super::compare::RelationStatus::Matched)
        {
            if !any {
                let _ = writeln!(o, "Disagreements:");
                any = true;
            }
            let (side, id) = match (&rel.a, &rel.b) {
                (Some(x), _) => ("A", x.as_str()),
                (None, Some(y)) => ("B", y.as_str()),
                _ => ("?", ""),
            };
            let _ = writeln!(
                o,
                "  [{}] relation only in {side}: {id} {}",
                d.a_document, rel.kind
            );
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per diff entry of every pair (agreements included), RFC 4180 quoting, LF line
/// ends, UTF-8 without BOM.
pub fn to_csv(r: &AgreementReport) -> String {
    let mut o = String::from(
        "annotator_a,annotator_b,document,category,score,a_id,a_start,a_end,a_label,a_text,b_id,b_start,b_end,b_label,b_text,differences\n",
    );
    for p in &r.pairs {
        for d in &p.documents {
            for item in &d.items {
                let side = |s: &Option<SpanRef>| -> [String; 5] {
                    match s {
                        Some(s) => [
                            s.id.clone(),
                            s.start.to_string(),
                            s.end.to_string(),
                            s.label.clone(),
                            s.text.clone(),
                        ],
                        None => Default::default(),
                    }
                };
                let mut fields = vec![
                    p.a.clone(),
                    p.b.clone(),
                    d.a_document.clone(),
                    item.category.as_str().to_string(),
                    item.score.to_string(),
                ];
                fields.extend(side(&item.a));
                fields.extend(side(&item.b));
                fields.push(attr_diff_text(item));
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                o.push_str(&line.join(","));
                o.push('\n');
            }
        }
    }
    o
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

fn prf_html(p: &Prf) -> String {
    format!(
        "<td>{:.4}</td><td>{:.4}</td><td>{:.4}</td>",
        p.precision, p.recall, p.f1
    )
}

/// A standalone HTML page (no external resources).
pub fn to_html(r: &AgreementReport) -> String {
    let mut o = String::new();
    let names: Vec<&str> = r.annotators.iter().map(|a| a.name.as_str()).collect();
    let title = format!("Agreement: {}", names.join(" vs "));
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body{{font-family:sans-serif;margin:2em}}\n\
         table{{border-collapse:collapse;margin:1em 0}}\n\
         td,th{{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}}\n\
         td.num{{text-align:right}}\n\
         .exact{{background:#eef8ee}}.partial{{background:#fff7e0}}.label_mismatch{{background:#fde8e8}}\n\
         .only_a,.only_b{{background:#f0f0f8}}\n\
         </style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    o.push_str(
        "<h2>Annotators</h2>\n<table>\n<tr><th>annotator</th><th>project</th><th>file</th></tr>\n",
    );
    for a in &r.annotators {
        let _ = writeln!(
            o,
            "<tr><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td></tr>",
            esc(&a.name),
            esc(&a.project),
            esc(&a.source)
        );
    }
    o.push_str("</table>\n<h2>Documents</h2>\n<table>\n<tr><th>status</th><th>annotator</th><th>document</th><th>title</th><th>tokens</th></tr>\n");
    for m in &r.documents.matched {
        let _ = writeln!(
            o,
            "<tr><td>compared</td><td></td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&m.documents.join(" / ")),
            esc(&m.title),
            m.tokens
        );
    }
    for t in &r.documents.text_differs {
        for x in &t.documents {
            let _ = writeln!(
                o,
                "<tr><td>text differs (same {})</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td></td></tr>",
                esc(&t.by),
                esc(&x.annotator),
                esc(&x.document),
                esc(&x.title)
            );
        }
    }
    for x in &r.documents.only_in {
        let _ = writeln!(
            o,
            "<tr><td>not in every project</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td></td></tr>",
            esc(&x.annotator),
            esc(&x.document),
            esc(&x.title)
        );
    }
    for x in &r.documents.not_annotated {
        let _ = writeln!(
            o,
            "<tr><td>not annotated</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td><td></td><td></td></tr>",
            esc(&x.annotator),
            esc(&x.document)
        );
    }
    o.push_str("</table>\n");
    if let Some(all) = &r.overall {
        let _ = writeln!(
            o,
            "<h2>All annotators</h2>\n<table>\n<tr><th>annotators</th><th>tokens</th><th>Fleiss' κ</th><th>Krippendorff's α</th></tr>\n<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n</table>",
            all.annotators,
            all.tokens,
            num(all.fleiss_kappa),
            num(all.krippendorff_alpha)
        );
    }
    for p in &r.pairs {
        pair_html(&mut o, p);
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn pair_html(o: &mut String, p: &PairReport) {
    let _ = writeln!(
        o,
        "<h2 dir=\"auto\">{} (A, reference) vs {} (B)</h2>",
        esc(&p.a),
        esc(&p.b)
    );
    let s = &p.spans;
    let _ = writeln!(
        o,
        "<table>\n<tr><th>exact</th><th>partial</th><th>label mismatch</th><th>only A</th><th>only B</th></tr>\n<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n</table>",
        s.exact, s.partial, s.label_mismatch, s.only_a, s.only_b
    );
    o.push_str("<table>\n<tr><th rowspan=\"2\">label</th><th rowspan=\"2\">A</th><th rowspan=\"2\">B</th><th colspan=\"3\">strict</th><th colspan=\"3\">lenient</th></tr>\n<tr><th>P</th><th>R</th><th>F1</th><th>P</th><th>R</th><th>F1</th></tr>\n");
    for l in &p.figures.per_label {
        let _ = writeln!(
            o,
            "<tr><td dir=\"auto\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}{}</tr>",
            esc(&l.label),
            l.a,
            l.b,
            prf_html(&l.strict),
            prf_html(&l.lenient)
        );
    }
    let f = &p.figures;
    let _ = writeln!(
        o,
        "<tr><th>micro</th><td></td><td></td>{}{}</tr>\n<tr><th>macro</th><td></td><td></td>{}{}</tr>\n</table>",
        prf_html(&f.micro.strict),
        prf_html(&f.micro.lenient),
        prf_html(&f.macro_.strict),
        prf_html(&f.macro_.lenient)
    );
    let r = &p.relations;
    let t = &p.tokens;
    let _ = writeln!(
        o,
        "<p>Relations: A {}, B {}; matched {} ({} with both ends exact), only A {}, only B {}.<br>\nTokens: {}; observed agreement {}, Cohen's κ {}, Krippendorff's α {}.</p>",
        r.a,
        r.b,
        r.matched,
        r.matched_strict,
        r.only_a,
        r.only_b,
        t.tokens,
        num(t.observed),
        num(t.cohen_kappa),
        num(t.krippendorff_alpha)
    );
    o.push_str("<table>\n<tr><th>document</th><th>category</th><th>A</th><th>A label</th><th>A text</th><th>B</th><th>B label</th><th>B text</th><th>differences</th></tr>\n");
    for d in &p.documents {
        for item in d.items.iter().filter(|i| is_disagreement(i)) {
            let cell = |s: &Option<SpanRef>| match s {
                Some(s) => format!(
                    "<td>{} {}–{}</td><td dir=\"auto\">{}</td><td dir=\"auto\">{}</td>",
                    esc(&s.id),
                    s.start,
                    s.end,
                    esc(&s.label),
                    esc(&s.text)
                ),
                None => "<td></td><td></td><td></td>".to_string(),
            };
            let _ = writeln!(
                o,
                "<tr class=\"{}\"><td dir=\"auto\">{}</td><td>{}</td>{}{}<td dir=\"auto\">{}</td></tr>",
                item.category.as_str(),
                esc(&d.a_document),
                item.category.as_str(),
                cell(&item.a),
                cell(&item.b),
                esc(&attr_diff_text(item))
            );
        }
    }
    o.push_str("</table>\n");
}

/// The formats an agreement report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Text,
    Json,
    Csv,
    Html,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [
        ReportFormat::Text,
        ReportFormat::Json,
        ReportFormat::Csv,
        ReportFormat::Html,
    ];

    /// File extension (`txt`, `json`, `csv`, `html`).
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Text => "txt",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }
}

/// The report in `format`, as the CLI prints it and the dashboard saves it. JSON is
/// pretty-printed with a final newline and carries full precision; a report that cannot
/// be serialised is an error, never an empty file.
pub fn render(r: &AgreementReport, format: ReportFormat) -> Result<String, serde_json::Error> {
    Ok(match format {
        ReportFormat::Text => to_text(r),
        ReportFormat::Json => serde_json::to_string_pretty(r)? + "\n",
        ReportFormat::Csv => to_csv(r),
        ReportFormat::Html => to_html(r),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("درنة"), "درنة");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn html_escaping_and_short_text() {
        assert_eq!(
            esc("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
        assert_eq!(short("درنة\nسرت", 20), "درنة⏎سرت");
        assert_eq!(short("abcdef", 3), "abc…");
    }

    #[test]
    fn render_json_is_pretty_with_a_final_newline() {
        use crate::model::{AnnotationSet, Document, LabelSchema, Project, Span};
        use crate::review::{Side, compare_projects};
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents.push(Document::new("d", "t", "قال حفتر"));
        let mut set = AnnotationSet::new("a", "d");
        set.spans.push(Span::new("s1", 4, 8, "actor", "حفتر"));
        p.sets.push(set.clone());
        set.annotator = "b".into();
        p.sets.push(set);
        let side = |annotator| Side {
            project: &p,
            annotator,
            source: "p.json",
        };
        let report = compare_projects(&[side("a"), side("b")]).unwrap();
        let json = render(&report, ReportFormat::Json).unwrap();
        assert!(json.ends_with("}\n"));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["format"], "hashiya-agreement");
        assert_eq!(json, serde_json::to_string_pretty(&report).unwrap() + "\n");
        assert_eq!(render(&report, ReportFormat::Csv).unwrap(), to_csv(&report));
        assert_eq!(
            render(&report, ReportFormat::Html).unwrap(),
            to_html(&report)
        );
        assert_eq!(
            render(&report, ReportFormat::Text).unwrap(),
            to_text(&report)
        );
        let exts: Vec<_> = ReportFormat::ALL.iter().map(|f| f.extension()).collect();
        assert_eq!(exts, ["txt", "json", "csv", "html"]);
    }
}
