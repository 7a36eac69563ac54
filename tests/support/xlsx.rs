//! Small `.xlsx` files written in Rust for the corpus tests (one sheet, `Sheet1`,
//! inline strings, style 1 a date), including sheets streamed far bigger than memory
//! would like, to test the limits.
//!
//! Included with `#[path = "support/xlsx.rs"] mod xlsx;`.
#![allow(dead_code)]

use std::io::{Cursor, Write};

/// A cell: text, a number as its `<v>` text, or a date serial number (style 1).
pub enum V<'a> {
    Str(&'a str),
    Num(&'a str),
    Date(&'a str),
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `<row>` of `cells` at 1-based row `r`, from column A.
pub fn row_xml(r: usize, cells: &[V]) -> String {
    let mut x = format!("<row r=\"{r}\">");
    for (i, c) in cells.iter().enumerate() {
        let at = format!("{}{r}", column_name(i));
        match c {
            V::Str(s) => x.push_str(&format!(
                "<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                escape(s)
            )),
            V::Num(n) => x.push_str(&format!("<c r=\"{at}\" t=\"n\"><v>{n}</v></c>")),
            V::Date(n) => x.push_str(&format!("<c r=\"{at}\" s=\"1\"><v>{n}</v></c>")),
        }
    }
    x.push_str("</row>");
    x
}

/// `A`, `B`, … `Z`, `AA`… for 0-based column `i`.
pub fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap()
}

pub const SHEET_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
pub const SHEET_END: &str = "</sheetData></worksheet>";

/// An `.xlsx` holding `rows` (the first is the header).
pub fn xlsx(rows: &[Vec<V>]) -> Vec<u8> {
    let mut sheet = SHEET_START.to_string();
    for (i, r) in rows.iter().enumerate() {
        sheet.push_str(&row_xml(i + 1, r));
    }
    sheet.push_str(SHEET_END);
    xlsx_streamed(|w| w.write_all(sheet.as_bytes()))
}

/// An `.xlsx` whose sheet part `write` writes (start and end tags included): it can
/// stream a part far larger than memory, compressed as it goes.
pub fn xlsx_streamed(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let ns = "http://schemas.openxmlformats.org";
    let rel = format!("{ns}/officeDocument/2006/relationships");
    let parts = [
        (
            "[Content_Types].xml",
            format!(
                "<Types xmlns=\"{ns}/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                 <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
                 <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>"
            ),
        ),
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"{ns}/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{ns}/spreadsheetml/2006/main\" xmlns:r=\"{rel}\">\
                 <sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"{ns}/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 <Relationship Id=\"rId2\" Type=\"{rel}/styles\" Target=\"styles.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                "<styleSheet xmlns=\"{ns}/spreadsheetml/2006/main\"><cellXfs count=\"2\">\
                 <xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>"
            ),
        ),
    ];
    for (name, content) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    write(&mut zip).unwrap();
    zip.finish().unwrap().into_inner()
}
