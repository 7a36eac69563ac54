//! `import_csv_10k`: importing a corpus table of 10,000 articles (≈ 50 MB of UTF-8, a
//! row each: id, title, text of ≈ 2,600 Arabic words with quotes, commas and line
//! breaks, and five metadata columns) into an empty project — reading, delimiter
//! sniffing, CSV parsing, duplicate detection by hash, validation. Budget: under 5 s on
//! 2 cores. The table is generated at bench time (not committed).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashiya::formats::{ImportFormat, ImportOptions, MetaColumns, TableOptions, import};
use hashiya::model::{LabelSchema, Project};

const ROWS: usize = 10_000;

/// ≈ 5 KB of Arabic per row, unique per row (its number is in the text).
fn table() -> String {
    let paragraph = "قال المتحدث باسم الجيش، أحمد المسماري، إن \"\"القوات دخلت المدينة\"\" صباح اليوم، \
                     وأضاف أن الوحدات الهندسية تعمل على تفكيك الألغام في الطرقات والمباني العامة. ";
    let mut out = String::with_capacity(ROWS * 5_200);
    out.push_str("id,title,text,outlet,url,date,section,author\r\n");
    for i in 0..ROWS {
        out.push_str(&format!("a{i},\"عنوان المقال رقم {i}\",\""));
        for p in 0..16 {
            out.push_str(paragraph);
            if p % 4 == 3 {
                out.push_str(&format!("({i}-{p})\n\n"));
            }
        }
        out.push_str(&format!(
            "\",الوسط,https://alwasat.ly/news/{i},2024-03-{:02},ليبيا,\"مراسل, الوسط\"\r\n",
            i % 28 + 1
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("corpus.csv");
    let csv = table();
    std::fs::write(&path, &csv).expect("writes the table");
    let base = Project::new("bench", LabelSchema::news_default());
    let opts = ImportOptions {
        table: Some(TableOptions {
            id_column: Some("id".into()),
            title_column: Some("title".into()),
            meta: MetaColumns::All,
            ..TableOptions::text("text")
        }),
        ..Default::default()
    };
    let mut g = c.benchmark_group("import_csv_10k");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function(format!("{} MB", csv.len() / 1_000_000), |b| {
        b.iter(|| {
            let mut progress = |_: usize, _: usize| {};
            let imported = import(
                &base,
                ImportFormat::Csv,
                std::slice::from_ref(&path),
                &opts,
                &mut progress,
            )
            .expect("imports");
            assert_eq!(imported.report.documents_added, ROWS);
            imported
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
