//! Corpus import (issue #15): tables (CSV/TSV, `.xlsx`, `.ods`) and saved web pages,
//! with their metadata, into a project and out again.
//!
//! The fixtures in `tests/fixtures/corpus/` are written by real tools: the tables by
//! Python's `csv` module, openpyxl and odfpy (`make_xlsx.py`), the Windows-1256 and
//! UTF-16 twins by Python's codecs. The pandas check needs `HASHIYA_CONSUMERS_PY`
//! (see `tests/common/tools.rs`); everything else is checked in Rust as well.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use encoding_rs::{UTF_16LE, WINDOWS_1256};
use hashiya::formats::{
    self, ExportFormat, ExportOptions, FormatError, ImportFormat, ImportOptions, MetaColumns,
    TableOptions, preview_table, table::PreviewOptions,
};
use hashiya::model::{AnnotationSet, LabelSchema, Project, Source, Span};

use crate::common;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus")
        .join(name)
}

fn empty() -> Project {
    Project::new("corpus", LabelSchema::news_default())
}

fn table_options() -> TableOptions {
    TableOptions {
        text_column: "text".into(),
        id_column: Some("id".into()),
        title_column: Some("title".into()),
        meta: MetaColumns::All,
        ..Default::default()
    }
}

fn import_into(
    base: &Project,
    format: ImportFormat,
    inputs: &[PathBuf],
    opts: ImportOptions,
) -> Result<formats::Imported, FormatError> {
    formats::import(base, format, inputs, &opts, &mut |_, _| {})
}

fn import_table(
    format: ImportFormat,
    file: &Path,
    table: TableOptions,
) -> Result<formats::Imported, FormatError> {
    import_into(
        &empty(),
        format,
        &[file.to_path_buf()],
        ImportOptions {
            table: Some(table),
            ..Default::default()
        },
    )
}

fn issues(e: FormatError) -> Vec<formats::ImportIssue> {
    match e {
        FormatError::Import { issues } => issues,
        other => panic!("not an import error: {other}"),
    }
}

/// What an import must keep of each document: id → (title, text, source, meta).
type Docs = BTreeMap<String, (String, String, Source, BTreeMap<String, String>)>;

fn docs(p: &Project) -> Docs {
    p.documents
        .iter()
        .map(|d| {
            (
                d.id.clone(),
                (
                    d.title.clone(),
                    d.text.clone(),
                    d.source.clone(),
                    d.meta.clone(),
                ),
            )
        })
        .collect()
}

/// The rows of `make_xlsx.py`, as the project must hold them.
fn expected_docs(emoji: bool) -> Docs {
    let doc = |id: &str,
               title: &str,
               text: &str,
               outlet: &str,
               url: &str,
               date: &str,
               meta: &[(&str, &str)]| {
        (
            id.to_string(),
            (
                title.to_string(),
                text.to_string(),
                Source {
                    outlet: Some(outlet.into()),
                    url: Some(url.into()),
                    date: Some(date.into()),
                },
                meta.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        )
    };
    let first = if emoji {
        "قال المتحدث باسم الجيش، أحمد المسماري، إن \"القوات دخلت المدينة\" صباح اليوم.\nوأضاف أن السكان بخير 🙏."
    } else {
        "قال المتحدث باسم الجيش، أحمد المسماري، إن \"القوات دخلت المدينة\" صباح اليوم.\nوأضاف أن السكان بخير."
    };
    [
        doc(
            "101",
            "الجيش يدخل درنة",
            first,
            "الوسط",
            "https://alwasat.ly/news/libya/101",
            "2024-03-01",
            &[("author", "مراسل الوسط"), ("section", "ليبيا")],
        ),
        doc(
            "102",
            "عَاجِل: فَيَضَانَات",
            "غَمَرَتِ المِيَاهُ الأَحْيَاءَ الشَّرْقِيَّةَ، وَقَالَ شُهُودٌ إِنَّ «السُّدُودَ انْهَارَتْ»؛ 5 قتلى على الأقل.",
            "ليبيا الأحرار",
            "https://libyaalahrar.net/?p=102&lang=ar",
            "2024-03-02",
            &[("section", "أخبار, محلية")],
        ),
        doc(
            "103",
            "بيان \"مشترك\"",
            "أصدرت البعثة بياناً جاء فيه: \"\"نرحب بالاتفاق\"\"، بين الطرفين\n\nالفقرة الثانية: تفاصيل, أرقام; وتواريخ\tوجدول.",
            "بوابة الوسط",
            "https://alwasat.ly/news/103",
            "2023-12-31",
            &[("author", "فريق التحرير"), ("section", "سياسة")],
        ),
    ]
    .into_iter()
    .collect()
}

/// One `actor` span over the first word of every document, so each appears in the
/// span-per-row CSV export.
fn annotate_first_words(p: &mut Project) {
    for d in &p.documents {
        let word: String = d.text.chars().take_while(|c| !c.is_whitespace()).collect();
        let mut set = AnnotationSet::new("annotator-a", &d.id);
        set.spans
            .push(Span::new("s1", 0, word.chars().count(), "actor", word));
        p.sets.push(set);
    }
}

#[test]
fn csv_round_trip_keeps_text_and_metadata() {
    let csv = fixture("articles.csv");
    let mut p = import_table(ImportFormat::Csv, &csv, table_options())
        .unwrap()
        .project;
    assert_eq!(docs(&p), expected_docs(true));

    // Project → CSV export: a row per span, the metadata columns after the others.
    annotate_first_words(&mut p);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spans.csv");
    formats::export(
        &p,
        ExportFormat::Csv,
        &out,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let bytes = std::fs::read(&out).unwrap();
    let mut r = csv::Reader::from_reader(bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header[header.len() - 5..],
        ["outlet", "url", "date", "author", "section"]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let expected = expected_docs(true);
    let mut seen = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let (_, _, source, meta) = &expected[&rec[col("document")]];
        assert_eq!(&rec[col("outlet")], source.outlet.as_deref().unwrap());
        assert_eq!(&rec[col("url")], source.url.as_deref().unwrap());
        assert_eq!(&rec[col("date")], source.date.as_deref().unwrap());
        for k in ["author", "section"] {
            assert_eq!(&rec[col(k)], meta.get(k).map_or("", String::as_str));
        }
        seen += 1;
    }
    assert_eq!(seen, 3);

    // pandas reads the same values from the original and from the export.
    let Some(python) = common::tools::require_env(
        "HASHIYA_CONSUMERS_PY",
        "bash tests/consumers/setup.sh, then HASHIYA_CONSUMERS_PY=/tmp/hashiya-consumers/bin/python",
    ) else {
        return;
    };
    let script = r#"
import sys, pandas
src = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False).set_index("id")
out = pandas.read_csv(sys.argv[2], dtype=str, keep_default_na=False, encoding="utf-8-sig")
assert len(out) == 3, out
for _, row in out.iterrows():
    want = src.loc[row["document"]]
    for col in ["outlet", "url", "date", "section", "author"]:
        assert row[col] == want[col], (col, row[col], want[col])
    assert want["text"].startswith(row["text"]), (row["text"], want["text"])
print("pandas: same values")
"#;
    let run = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&csv)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "pandas check failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn xlsx_and_ods_import_like_their_csv_twin() {
    let want = expected_docs(true);
    let xlsx = import_table(
        ImportFormat::Xlsx,
        &fixture("articles.xlsx"),
        table_options(),
    )
    .unwrap()
    .project;
    assert_eq!(docs(&xlsx), want);
    let ods = import_table(ImportFormat::Ods, &fixture("articles.ods"), table_options())
        .unwrap()
        .project;
    assert_eq!(docs(&ods), want);

    // Another sheet, by name; an unknown one is refused with the sheets listed.
    let notes = import_table(
        ImportFormat::Xlsx,
        &fixture("articles.xlsx"),
        TableOptions {
            sheet: Some("notes".into()),
            ..TableOptions::text("text")
        },
    )
    .unwrap()
    .project;
    assert_eq!(notes.documents.len(), 1);
    assert_eq!(notes.documents[0].id, "articles-2");
    let e = import_table(
        ImportFormat::Xlsx,
        &fixture("articles.xlsx"),
        TableOptions {
            sheet: Some("Sheet1".into()),
            ..TableOptions::text("text")
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no sheet \"Sheet1\""), "{e}");
    assert!(e.contains("\"مقالات\", \"notes\""), "{e}");

    let preview = preview_table(&fixture("articles.xlsx"), &PreviewOptions::default()).unwrap();
    assert_eq!(preview.sheets, ["مقالات", "notes"]);
    assert_eq!(preview.sheet.as_deref(), Some("مقالات"));
    assert_eq!(
        preview.headers,
        [
            "id", "title", "text", "outlet", "url", "date", "section", "author"
        ]
    );
    assert_eq!(preview.rows[0][0], "101");
    assert_eq!(preview.rows[0][5], "2024-03-01");
    assert_eq!(preview.total_rows, 3);
}

#[test]
fn missing_columns_and_options_are_named() {
    let csv = fixture("articles.csv");
    let e = import_table(ImportFormat::Csv, &csv, TableOptions::text("body"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no column \"body\" for the text"), "{e}");
    assert!(
        e.contains(
            "\"id\", \"title\", \"text\", \"outlet\", \"url\", \"date\", \"section\", \"author\""
        ),
        "{e}"
    );
    // By number: column 3 is the text; ids are made up from the file and row.
    let p = import_table(ImportFormat::Csv, &csv, TableOptions::text("3"))
        .unwrap()
        .project;
    let ids: Vec<&str> = p.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["articles-2", "articles-3", "articles-4"]);
    assert!(
        p.documents
            .iter()
            .all(|d| d.meta.is_empty() && d.source.is_empty())
    );
    // A chosen list of metadata columns.
    let p = import_table(
        ImportFormat::Csv,
        &csv,
        TableOptions {
            meta: MetaColumns::List(vec!["Section".into(), "url".into()]),
            ..TableOptions::text("text")
        },
    )
    .unwrap()
    .project;
    assert_eq!(p.documents[0].meta.keys().collect::<Vec<_>>(), ["section"]);
    assert_eq!(
        p.documents[0].source.url.as_deref(),
        Some("https://alwasat.ly/news/libya/101")
    );
    assert_eq!(p.documents[0].source.outlet, None);
    // No table options at all.
    let e = import_into(
        &empty(),
        ImportFormat::Csv,
        &[csv],
        ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("--text-column"), "{e}");
}

#[test]
fn windows_1256_and_utf16_are_detected_refused_and_converted() {
    let want = expected_docs(false);
    let cp1256 = fixture("articles-cp1256.csv");
    let e = import_table(ImportFormat::Csv, &cp1256, table_options()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("windows-1256"), "{msg}");
    assert!(msg.contains("--encoding windows-1256"), "{msg}");
    assert!(
        msg.contains("الجيش"),
        "the refusal shows the text as detected: {msg}"
    );

    let preview = preview_table(&cp1256, &PreviewOptions::default()).unwrap();
    assert_eq!(preview.encoding, WINDOWS_1256);
    assert!(preview.needs_conversion);
    assert_eq!(preview.delimiter, Some(','));
    assert_eq!(preview.rows[0][1], "الجيش يدخل درنة");

    // With consent: the import converts, and gives the rows of the UTF-8 twin.
    let converted = |format, file: &Path, encoding| {
        let opts = ImportOptions {
            table: Some(table_options()),
            encoding: Some(encoding),
            ..Default::default()
        };
        docs(
            &import_into(&empty(), format, &[file.to_path_buf()], opts)
                .unwrap()
                .project,
        )
    };
    assert_eq!(converted(ImportFormat::Csv, &cp1256, WINDOWS_1256), want);

    // Excel's "Unicode text": UTF-16 LE with a byte order mark, tab-separated.
    let utf16 = fixture("articles-utf16.txt");
    let msg = import_table(ImportFormat::Tsv, &utf16, table_options())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("UTF-16LE"), "{msg}");
    assert!(msg.contains("--encoding utf-16le"), "{msg}");
    let preview = preview_table(
        &utf16,
        &PreviewOptions {
            format: Some(ImportFormat::Tsv),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(preview.encoding, UTF_16LE);
    assert_eq!(preview.delimiter, Some('\t'));
    assert_eq!(converted(ImportFormat::Tsv, &utf16, UTF_16LE), want);
    // As CSV too: the tab is sniffed.
    assert_eq!(converted(ImportFormat::Csv, &utf16, UTF_16LE), want);
}

#[test]
fn semicolons_bom_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("excel-fr.csv");
    std::fs::write(
        &f,
        "\u{FEFF}العنوان;النص;المصدر\r\nأول;\"سطر\r\nثان; مع فاصلة\";الوسط\r\n",
    )
    .unwrap();
    let p = import_table(
        ImportFormat::Csv,
        &f,
        TableOptions {
            title_column: Some("العنوان".into()),
            meta: MetaColumns::All,
            ..TableOptions::text("النص")
        },
    )
    .unwrap()
    .project;
    let d = &p.documents[0];
    assert_eq!(d.id, "excel-fr-2");
    assert_eq!(d.title, "أول");
    assert_eq!(d.text, "سطر\nثان; مع فاصلة");
    assert_eq!(d.source.outlet.as_deref(), Some("الوسط"));
}

#[test]
fn reimport_adds_nothing_and_reports_duplicates() {
    let csv = fixture("articles.csv");
    let opts = || ImportOptions {
        table: Some(table_options()),
        ..Default::default()
    };
    let first = import_into(
        &empty(),
        ImportFormat::Csv,
        std::slice::from_ref(&csv),
        opts(),
    )
    .unwrap();
    assert_eq!(first.report.documents_added, 3);
    assert!(first.report.duplicates.is_empty());

    // The same file again: nothing added, every row listed.
    let again = import_into(
        &first.project,
        ImportFormat::Csv,
        std::slice::from_ref(&csv),
        opts(),
    )
    .unwrap();
    assert_eq!(again.report.documents_added, 0);
    let rows: Vec<Option<usize>> = again.report.duplicates.iter().map(|d| d.row).collect();
    assert_eq!(rows, [Some(2), Some(3), Some(4)]);
    assert_eq!(again.report.duplicates[0].existing, "101");
    assert_eq!(again.project.documents.len(), 3);

    // The same texts under other ids, or re-spaced, or twice in one file.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("more.csv");
    let p = &first.project;
    let t0 = &p.documents[0].text;
    let t1 = p.documents[1].text.replace(' ', "  ");
    let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    std::fs::write(
        &f,
        format!(
            "text\n{}\n{}\nنص جديد\n\"نص  جديد\n\"\n",
            quote(t0),
            quote(&t1)
        ),
    )
    .unwrap();
    let r = import_into(
        p,
        ImportFormat::Csv,
        &[f],
        ImportOptions {
            table: Some(TableOptions::text("text")),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.report.documents_added, 1);
    assert_eq!(r.report.duplicates.len(), 1);
    assert_eq!(r.report.duplicates[0].existing, "101");
    let near: Vec<(Option<usize>, &str)> = r
        .report
        .near_duplicates
        .iter()
        .map(|d| (d.row, d.existing.as_str()))
        .collect();
    assert_eq!(near, [(Some(3), "102"), (Some(5), "more-4")]);
    assert!(r.project.document("more-4").is_some());

    // A re-import under made-up ids that are taken picks free ones.
    let g = dir.path().join("articles.csv");
    std::fs::write(&g, "text\nنص آخر تماما\n").unwrap();
    let mut base = first.project.clone();
    base.documents
        .push(hashiya::model::Document::new("articles-2", "x", "نص"));
    let r = import_into(
        &base,
        ImportFormat::Csv,
        &[g],
        ImportOptions {
            table: Some(TableOptions::text("text")),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(r.project.document("articles-2-2").is_some());
}

#[test]
fn bad_rows_fail_the_import_or_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.csv");
    std::fs::write(
        &f,
        "id,text,section\n1,نص أول,أ\n2,,ب\n3,نص ثالث,ج,زائد\n4,نص رابع,د\n,نص بلا رقم,هـ\n",
    )
    .unwrap();
    let opts = |skip: bool| ImportOptions {
        table: Some(TableOptions {
            id_column: Some("id".into()),
            meta: MetaColumns::All,
            ..TableOptions::text("text")
        }),
        skip_bad_rows: skip,
        ..Default::default()
    };
    let e = import_into(
        &empty(),
        ImportFormat::Csv,
        std::slice::from_ref(&f),
        opts(false),
    )
    .unwrap_err();
    let text = e.to_string();
    let list = issues(e);
    let at: Vec<(Option<usize>, Option<&str>)> =
        list.iter().map(|i| (i.row, i.column.as_deref())).collect();
    assert_eq!(
        at,
        [
            (Some(3), Some("text")),
            (Some(4), None),
            (Some(6), Some("id"))
        ]
    );
    assert!(
        text.contains("bad.csv:3: row 3, column \"text\": the text cell is empty"),
        "{text}"
    );
    assert!(
        text.contains("row 4: the row has 4 cells but the header has 3"),
        "{text}"
    );

    let ok = import_into(&empty(), ImportFormat::Csv, &[f], opts(true)).unwrap();
    let ids: Vec<&str> = ok.project.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "4"]);
    let skipped: Vec<Option<usize>> = ok.report.skipped.iter().map(|i| i.row).collect();
    assert_eq!(skipped, [Some(3), Some(4), Some(6)]);
}

fn page(name: &str) -> PathBuf {
    fixture("pages").join(name)
}

#[test]
fn saved_pages_give_exactly_the_article() {
    let r = import_into(
        &empty(),
        ImportFormat::Html,
        &[fixture("pages")],
        ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(r.report.files_read, 3);
    let p = r.project;
    let doc = |id: &str| p.document(id).unwrap_or_else(|| panic!("no {id}"));

    let d = doc("alwasat-derna");
    assert_eq!(d.title, "الجيش يعلن دخول درنة بعد أسابيع من الحصار");
    assert_eq!(d.source.outlet.as_deref(), Some("بوابة الوسط"));
    assert_eq!(d.source.date.as_deref(), Some("2018-06-28T09:14:00+02:00"));
    assert_eq!(
        d.source.url.as_deref(),
        Some("https://alwasat.ly/news/libya/205631")
    );
    assert_eq!(
        d.text,
        [
            "أعلن الناطق باسم القيادة العامة، اللواء أحمد المسماري، مساء الخميس، أن قوات الجيش دخلت وسط مدينة درنة بعد أسابيع من الاشتباكات مع مجلس شورى مجاهدي درنة، وأنها تسيطر الآن على معظم أحياء المدينة القديمة.",
            "وقال المسماري في مؤتمر صحفي عقده في مدينة بنغازي إن \"العمليات العسكرية مستمرة حتى تطهير آخر شبر من المدينة\"، مشيرا إلى أن الوحدات الهندسية تعمل على تفكيك الألغام التي زرعت في الطرقات والمباني العامة.",
            "وأضاف أن الجيش فتح ممرات آمنة لخروج العائلات العالقة في منطقتي المغار وشيحا، وأن الهلال الأحمر يتولى نقل الجرحى إلى مستشفى الهريش، داعيا السكان إلى الالتزام بتعليمات الوحدات العسكرية.",
            "من جهتها، طالبت بعثة الأمم المتحدة للدعم في ليبيا جميع الأطراف بحماية المدنيين والسماح بوصول المساعدات الإنسانية دون عوائق، معربة عن قلقها من التقارير التي تتحدث عن نقص حاد في الأدوية والوقود داخل المدينة.",
        ]
        .join("\n\n")
    );
    assert_eq!(d.meta.get("section").map(String::as_str), Some("ليبيا"));
    assert_eq!(
        d.meta.get("modified").map(String::as_str),
        Some("2018-06-28T11:02:00+02:00")
    );

    // Windows-1256, declared in <meta charset>.
    let d = doc("almarsad-power");
    assert_eq!(
        d.title,
        "انقطاع الكهرباء عن مدن الجنوب لليوم الثالث على التوالي"
    );
    assert_eq!(d.source.outlet.as_deref(), Some("صحيفة المرصد"));
    assert_eq!(d.source.date.as_deref(), Some("2019-08-14"));
    assert_eq!(
        d.source.url.as_deref(),
        Some("https://almarsad.co/2019/08/14/power-south/")
    );
    assert_eq!(
        d.text,
        [
            "تعيش مدن الجنوب الليبي، وفي مقدمتها سبها وأوباري ومرزق، إظلاما تاما لليوم الثالث على التوالي، بعد خروج محطة أوباري الغازية عن الخدمة إثر عطل فني في وحدات التوليد الرئيسية.",
            "وقالت الشركة العامة للكهرباء في بيان نشرته على صفحتها الرسمية إن فرقها الفنية تعمل على مدار الساعة لإصلاح العطل،\nوإن التيار سيعود تدريجيا خلال الثماني والأربعين ساعة المقبلة إذا سمحت الظروف الأمنية بوصول قطع الغيار.",
            "ويشكو سكان المنطقة من انعكاسات الانقطاع على المستشفيات ومحطات ضخ المياه، في ظل درجات حرارة تتجاوز خمسا وأربعين درجة مئوية، فيما اصطفت طوابير طويلة أمام محطات الوقود القليلة التي ما زالت تعمل.",
        ]
        .join("\n\n")
    );

    // JSON-LD only: headline, publisher, datePublished; the canonical link.
    let d = doc("libyaobserver-talks");
    assert_eq!(d.title, "استئناف محادثات اللجنة العسكرية المشتركة في جنيف");
    assert_eq!(d.source.outlet.as_deref(), Some("عين ليبيا"));
    assert_eq!(d.source.date.as_deref(), Some("2020-10-19T14:30:00+00:00"));
    assert_eq!(
        d.source.url.as_deref(),
        Some("https://www.eanlibya.com/jcm-geneva-talks/")
    );
    assert_eq!(d.meta.get("author").map(String::as_str), Some("هدى الشيخي"));
    assert_eq!(
        d.text,
        [
            "استأنفت اللجنة العسكرية المشتركة الليبية (5+5) اليوم الاثنين في مدينة جنيف السويسرية جولتها الرابعة من المحادثات، برعاية بعثة الأمم المتحدة للدعم في ليبيا، وبحضور الممثلة الخاصة بالإنابة للأمين العام.",
            "ملفات على الطاولة",
            "وتناقش اللجنة، بحسب بيان البعثة، فتح الطرق البرية والجوية بين مناطق البلاد، وتبادل المحتجزين، وانسحاب القوات الأجنبية والمرتزقة من خطوط التماس في سرت والجفرة.",
            "«نأمل أن تخرج هذه الجولة باتفاق دائم لوقف إطلاق النار»، قالت ستيفاني ويليامز في كلمتها الافتتاحية.",
            "وكانت الجولات الثلاث السابقة قد انتهت دون اتفاق نهائي، رغم إعلان الطرفين التزامهما بالهدنة المعلنة في أغسطس الماضي، وتبادل الاتهامات بخرقها في أكثر من مناسبة.",
        ]
        .join("\n\n")
    );

    // Saving again adds nothing.
    let again = import_into(
        &p,
        ImportFormat::Html,
        &[page("alwasat-derna.html")],
        ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(again.report.documents_added, 0);
    assert_eq!(again.report.duplicates.len(), 1);
}

#[test]
fn undeclared_legacy_pages_need_consent() {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read(page("almarsad-power.html")).unwrap();
    // The same page without its declaration.
    let needle = b"<meta charset=\"windows-1256\">";
    let at = raw.windows(needle.len()).position(|w| w == needle).unwrap();
    let mut stripped = raw[..at].to_vec();
    stripped.extend_from_slice(&raw[at + needle.len()..]);
    let f = dir.path().join("page.html");
    std::fs::write(&f, stripped).unwrap();
    let e = import_into(
        &empty(),
        ImportFormat::Html,
        std::slice::from_ref(&f),
        ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("windows-1256"), "{e}");
    let ok = import_into(
        &empty(),
        ImportFormat::Html,
        &[f],
        ImportOptions {
            encoding: Some(WINDOWS_1256),
            ..Default::default()
        },
    )
    .unwrap();
    let text = &ok.project.documents[0].text;
    assert!(text.starts_with("تعيش مدن الجنوب الليبي"), "{text}");
}

#[test]
fn metadata_travels_through_every_export() {
    let mut p = import_table(ImportFormat::Csv, &fixture("articles.csv"), table_options())
        .unwrap()
        .project;
    annotate_first_words(&mut p);
    let dir = tempfile::tempdir().unwrap();
    let want = docs(&p);
    for (ef, imf, name) in [
        (ExportFormat::Jsonl, ImportFormat::Jsonl, "out.jsonl"),
        (
            ExportFormat::Doccano,
            ImportFormat::Doccano,
            "doccano.jsonl",
        ),
        (
            ExportFormat::LabelStudio,
            ImportFormat::LabelStudio,
            "ls.json",
        ),
    ] {
        let out = dir.path().join(name);
        formats::export(&p, ef, &out, &ExportOptions::default(), &mut |_, _| {}).unwrap();
        let back = import_into(
            &empty(),
            imf,
            std::slice::from_ref(&out),
            ImportOptions::default(),
        )
        .unwrap()
        .project;
        let got: Docs = docs(&back);
        assert_eq!(got, want, "{}", ef.name());
        if ef == ExportFormat::Doccano {
            // doccano keeps metadata as extra keys of the line.
            let line: serde_json::Value = serde_json::from_str(
                std::fs::read_to_string(&out)
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(line["section"], "ليبيا");
        }
        if ef == ExportFormat::LabelStudio {
            let tasks: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
            assert_eq!(tasks[0]["data"]["meta"]["author"], "مراسل الوسط");
        }
    }
    // CoNLL and brat: a metadata.csv beside the output.
    let conll = dir.path().join("tokens.conll");
    let r = formats::export(
        &p,
        ExportFormat::Conll,
        &conll,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let side = dir.path().join("tokens.metadata.csv");
    assert!(r.files.contains(&side), "{:?}", r.files);
    let brat = dir.path().join("brat");
    formats::export(
        &p,
        ExportFormat::Brat,
        &brat,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    for f in [side, brat.join("metadata.csv")] {
        let bytes = std::fs::read(&f).unwrap();
        let mut r = csv::Reader::from_reader(bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            [
                "document", "title", "outlet", "url", "date", "author", "section"
            ]
        );
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[1][0], "102");
        assert_eq!(&rows[1][5], "");
        assert_eq!(&rows[1][6], "أخبار, محلية");
    }
    // A project without metadata gets no side file and no extra CSV columns.
    let plain = Project::new("x", LabelSchema::news_default());
    let out = dir.path().join("plain.conll");
    let r = formats::export(
        &plain,
        ExportFormat::Conll,
        &out,
        &ExportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(r.files, [out]);
}

/// Issue #25, item 12: a document's `meta` may hold keys named like the fixed columns
/// of `metadata.csv` (`document`, `title`, a `source` field); CSV readers keep one
/// column of a name, so each such key is written `meta:KEY`, every name once.
#[test]
fn metadata_csv_names_every_column_once() {
    let mut p = Project::new("m", LabelSchema::news_default());
    let mut d = hashiya::model::Document::new("d1", "العنوان", "قال المتحدث إن القوات دخلت");
    d.source.url = Some("https://x.ly/1".into());
    for (k, v) in [
        ("title", "عنوان الموقع"),
        ("document", "رقم 7"),
        ("url", "https://x.ly/amp/1"),
        ("meta:title", "مكرر"),
        ("section", "ليبيا"),
    ] {
        d.meta.insert(k.into(), v.into());
    }
    p.documents.push(d);
    annotate_first_words(&mut p);
    let dir = tempfile::tempdir().unwrap();
    let conll = dir.path().join("t.conll");
    let opts = ExportOptions::default();
    formats::export(&p, ExportFormat::Conll, &conll, &opts, &mut |_, _| {}).unwrap();
    let brat = dir.path().join("brat");
    formats::export(&p, ExportFormat::Brat, &brat, &opts, &mut |_, _| {}).unwrap();
    for f in [dir.path().join("t.metadata.csv"), brat.join("metadata.csv")] {
        let bytes = std::fs::read(&f).unwrap();
        let mut r = csv::Reader::from_reader(bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap());
        let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let row = r.records().next().unwrap().unwrap();
        let cell = |name: &str| {
            let i = headers.iter().position(|h| h == name);
            i.map(|i| row[i].to_string())
                .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
        };
        let mut unique = headers.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), headers.len(), "{headers:?}");
        assert_eq!(cell("document"), "d1");
        assert_eq!(cell("title"), "العنوان");
        assert_eq!(cell("url"), "https://x.ly/1");
        assert_eq!(cell("meta:title"), "مكرر");
        assert_eq!(cell("meta:meta:title"), "عنوان الموقع");
        assert_eq!(cell("meta:document"), "رقم 7");
        assert_eq!(cell("meta:url"), "https://x.ly/amp/1");
        assert_eq!(cell("section"), "ليبيا");
    }
}

use crate::xlsx;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, bytes).unwrap();
    f
}

fn with_skip(table: TableOptions, skip: bool) -> ImportOptions {
    ImportOptions {
        table: Some(table),
        skip_bad_rows: skip,
        ..Default::default()
    }
}

fn id_text() -> TableOptions {
    TableOptions {
        id_column: Some("id".into()),
        ..TableOptions::text("text")
    }
}

/// Issue #25, item 4: a quote left open glued every following row into one cell ("added
/// 2 documents" for 5 rows). It is a bad row with its line; reading goes on with the next
/// line; the report counts the rows read.
#[test]
fn csv_open_quote_is_one_bad_row_not_glued_rows() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "q.csv",
        "id,text\n1,نص أول\n2,\"نص مفتوح\n3,نص ثالث\n4,\"اقتباس\" قال الوزير\n5,نص خامس\n",
    );
    let e = import_into(
        &empty(),
        ImportFormat::Csv,
        std::slice::from_ref(&f),
        with_skip(id_text(), false),
    )
    .unwrap_err();
    let list = issues(e);
    let at: Vec<(Option<usize>, Option<usize>)> = list.iter().map(|i| (i.line, i.row)).collect();
    assert_eq!(at, [(Some(3), Some(3)), (Some(5), Some(5))], "{list:?}");
    assert!(
        list[0].reason.contains("line 3") && list[0].reason.contains("line 5"),
        "{}",
        list[0]
    );
    assert!(list[1].reason.contains("«قال الوزير"), "{}", list[1]);

    let ok = import_into(
        &empty(),
        ImportFormat::Csv,
        &[f],
        with_skip(id_text(), true),
    )
    .unwrap();
    let ids: Vec<&str> = ok.project.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "3", "5"]);
    assert_eq!(ok.project.document("3").unwrap().text, "نص ثالث");
    assert_eq!(ok.report.rows_read, 5);
    assert_eq!(ok.report.skipped.len(), 2);
}

/// Issue #25, item 5: TSV lost the quotes of `"…" قال` and an open quote swallowed the
/// rows after it. A tab-separated file with such quotes is read literally; Excel's
/// quoted "Unicode text" still reads (`windows_1256_and_utf16_are_detected_refused_and_converted`).
#[test]
fn tsv_with_stray_quotes_is_read_literally() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "t.tsv",
        "id\ttext\n1\t\"نعم\" قال الوزير\n2\t\"مفتوح بلا إغلاق\n3\tنص \"ثالث\"\n",
    );
    let ok = import_into(
        &empty(),
        ImportFormat::Tsv,
        &[f],
        with_skip(id_text(), false),
    )
    .unwrap();
    let texts: Vec<(&str, &str)> = ok
        .project
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("1", "\"نعم\" قال الوزير"),
            ("2", "\"مفتوح بلا إغلاق"),
            ("3", "نص \"ثالث\"")
        ]
    );
}

/// Issue #25, item 19: a table with a header and no rows made an empty project; NUL
/// characters went into the text.
#[test]
fn header_only_tables_and_nul_characters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "h.csv", "id,text\r\n");
    let e = import_into(
        &empty(),
        ImportFormat::Csv,
        &[f],
        with_skip(id_text(), true),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("h.csv: the table has a header (\"id\", \"text\") but no rows"),
        "{e}"
    );
    let sheet = xlsx::xlsx(&[vec![xlsx::V::Str("id"), xlsx::V::Str("text")]]);
    let f = write(dir.path(), "h.xlsx", sheet);
    let e = import_into(
        &empty(),
        ImportFormat::Xlsx,
        &[f],
        with_skip(id_text(), true),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("but no rows"), "{e}");

    let f = write(dir.path(), "n.csv", "id,text\n1,نص\0مخفي\n2,نص سليم\n");
    let e = import_into(
        &empty(),
        ImportFormat::Csv,
        std::slice::from_ref(&f),
        with_skip(id_text(), false),
    )
    .unwrap_err();
    let list = issues(e);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (list[0].row, list[0].column.as_deref()),
        (Some(2), Some("text"))
    );
    assert!(
        list[0]
            .reason
            .contains("NUL character (U+0000) at character 3"),
        "{}",
        list[0]
    );
    let ok = import_into(
        &empty(),
        ImportFormat::Csv,
        &[f],
        with_skip(id_text(), true),
    )
    .unwrap();
    assert_eq!(ok.project.documents.len(), 1);
    // Other importers too: a text file.
    let f = write(dir.path(), "n.txt", "سطر\nنص\0مخفي");
    let e = import_into(&empty(), ImportFormat::Text, &[f], ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("NUL character (U+0000) at code point 6 (line 2 of the text)"),
        "{e}"
    );
}

/// Issue #25, item 11: integers above 2^53 were rounded (…567890 → …567000), so ids
/// collided. They are read as the sheet writes them; a rounded one is a bad cell.
/// Item 19: negative date serials gave 1899-12-31; a spreadsheet's errors carried the
/// CSV hint about unquoted delimiters.
#[test]
fn xlsx_big_integers_dates_and_hints() {
    use xlsx::V::{Date, Num, Str};
    let dir = tempfile::tempdir().unwrap();
    let sheet = xlsx::xlsx(&[
        vec![Str("id"), Str("text"), Str("date")],
        vec![Num("12345678901234567890"), Str("نص أول"), Date("45352")],
        vec![Num("12345678901234567891"), Str("نص ثان"), Date("0.5")],
        vec![Num("1.2345678901234567E+19"), Str("نص ثالث")],
        vec![Num("7"), Str("نص رابع"), Date("-5")],
        vec![Num("8"), Str("نص خامس"), Str(""), Str("زائد")],
    ]);
    let f = write(dir.path(), "ids.xlsx", sheet);
    let table = TableOptions {
        meta: MetaColumns::All,
        ..id_text()
    };
    let e = import_into(
        &empty(),
        ImportFormat::Xlsx,
        std::slice::from_ref(&f),
        with_skip(table.clone(), false),
    )
    .unwrap_err();
    let list = issues(e);
    let at: Vec<(Option<usize>, Option<&str>)> =
        list.iter().map(|i| (i.row, i.column.as_deref())).collect();
    assert_eq!(
        at,
        [
            (Some(4), Some("id")),
            (Some(5), Some("date")),
            (Some(6), None)
        ],
        "{list:?}"
    );
    assert!(
        list[0].reason.contains("format the column as Text"),
        "{}",
        list[0]
    );
    assert!(list[1].reason.contains("serial number -5"), "{}", list[1]);
    assert!(
        list[2].reason.contains("give that column a header"),
        "{}",
        list[2]
    );
    assert!(!list[2].reason.contains("delimiter"), "{}", list[2]);

    let ok = import_into(&empty(), ImportFormat::Xlsx, &[f], with_skip(table, true)).unwrap();
    let got: Vec<(&str, Option<&str>)> = ok
        .project
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.source.date.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("12345678901234567890", Some("2024-03-01")),
            ("12345678901234567891", Some("12:00:00"))
        ]
    );
}

/// A sheet with a cell in the last column of the last row (XFD1048576) is read as the
/// few cells it has: calamine's range would be 17 billion cells.
#[test]
fn xlsx_far_away_cell_costs_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = xlsx::SHEET_START.to_string();
    sheet.push_str(&xlsx::row_xml(
        1,
        &[xlsx::V::Str("id"), xlsx::V::Str("text")],
    ));
    sheet.push_str(&xlsx::row_xml(2, &[xlsx::V::Num("1"), xlsx::V::Str("نص")]));
    sheet.push_str(
        "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
    );
    sheet.push_str(xlsx::SHEET_END);
    let f = write(
        dir.path(),
        "far.xlsx",
        xlsx::xlsx_streamed(|w| w.write_all(sheet.as_bytes())),
    );
    let ok = import_into(
        &empty(),
        ImportFormat::Xlsx,
        &[f],
        with_skip(id_text(), true),
    )
    .unwrap();
    assert_eq!(ok.project.documents.len(), 1);
    assert_eq!(ok.report.skipped.len(), 1);
    assert!(
        ok.report.skipped[0]
            .reason
            .contains("a value in column 16384"),
        "{}",
        ok.report.skipped[0]
    );
}

/// Issue #25, item 10: a page written in Windows-1256 that declares a Latin charset
/// was imported as mojibake. It is refused, naming both; converted with consent.
#[test]
fn arabic_pages_declaring_a_latin_charset_need_consent() {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read(page("almarsad-power.html")).unwrap();
    let needle = b"<meta charset=\"windows-1256\">";
    let at = raw.windows(needle.len()).position(|w| w == needle).unwrap();
    for (declared, name) in [
        (&b"<meta charset=\"iso-8859-1\">"[..], "windows-1252"),
        (
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">",
            "windows-1252",
        ),
    ] {
        let mut page = raw[..at].to_vec();
        page.extend_from_slice(declared);
        page.extend_from_slice(&raw[at + needle.len()..]);
        let f = write(dir.path(), "p.html", page);
        let e = import_into(
            &empty(),
            ImportFormat::Html,
            std::slice::from_ref(&f),
            ImportOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains(&format!("declares the encoding {name}"))
                && e.contains("--encoding windows-1256")
                && e.contains("in windows-1256 it reads «")
                && e.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c)),
            "{e}"
        );
        let ok = import_into(
            &empty(),
            ImportFormat::Html,
            &[f],
            ImportOptions {
                encoding: Some(WINDOWS_1256),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            ok.project.documents[0]
                .text
                .starts_with("تعيش مدن الجنوب الليبي")
        );
    }
    // A page really in windows-1252 (French, accents) is read as it declares.
    let french = format!(
        "<html lang=\"fr\"><head><meta charset=\"iso-8859-1\"><title>Été</title></head><body><article>{}</article></body></html>",
        "<p>Le général a déclaré que les forces étaient entrées dans la ville à l'aube, après des semaines de siège et de négociations.</p>".repeat(6)
    );
    let (french, _, _) = encoding_rs::WINDOWS_1252.encode(&french);
    let f = write(dir.path(), "fr.html", french);
    let ok = import_into(&empty(), ImportFormat::Html, &[f], ImportOptions::default()).unwrap();
    assert!(
        ok.project.documents[0]
            .text
            .contains("Le général a déclaré")
    );
}
