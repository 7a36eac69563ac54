//! Reading a corpus table into rows of cells: CSV/TSV text (delimiter sniffed, quotes,
//! line breaks in cells) and spreadsheets through `calamine` (the rules are in the
//! parent module's documentation).

use super::*;
use super::{delimited, sheet};

pub(super) fn read_table(
    path: &Path,
    format: ImportFormat,
    sheet: Option<&str>,
    delimiter: Option<u8>,
    consent: Consent,
) -> Result<(Table, TableInfo), ImportIssue> {
    match format {
        ImportFormat::Xlsx | ImportFormat::Ods => sheet::read_spreadsheet(path, sheet),
        _ => {
            let bytes = read_file(path, MAX_PROJECT_BYTES)?;
            let detected = encoding::detect(&bytes);
            let text = match consent {
                Consent::Import(consent) => encoding::decode(path, &bytes, consent)?.text,
                Consent::Preview => {
                    let (text, _) = detected.encoding.decode_with_bom_removal(&bytes);
                    text.into_owned()
                }
            };
            let delimiter = match (delimiter, format) {
                (Some(d), _) => d,
                (None, ImportFormat::Tsv) => b'\t',
                (None, _) => sniff_delimiter(&text),
            };
            let table = read_csv(&text, delimiter)
                .map_err(|(line, reason)| ImportIssue::new(path, Some(line), reason))?;
            Ok((
                table,
                TableInfo {
                    sheets: Vec::new(),
                    sheet: None,
                    encoding: detected,
                    delimiter: Some(delimiter),
                },
            ))
        }
    }
}

/// `,`, `;` or tab: whichever the first line has most of outside quotes (`,` on a tie
/// or when there is none).
pub(super) fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semicolon, tab] = counts;
    if tab > comma && tab >= semicolon {
        b'\t'
    } else if semicolon > comma {
        b';'
    } else {
        b','
    }
}

/// The records of CSV/TSV text as a table (see [`super::delimited`]): the first
/// record is the header; records whose cells are all blank are skipped. A header with
/// a bad quote fails the file: the line and why.
pub(super) fn read_csv(text: &str, delimiter: u8) -> Result<Table, (usize, String)> {
    let mut records = delimited::records(text, delimiter).into_iter();
    let headers = match records.next() {
        Some(h) => match h.error {
            Some(e) => return Err((h.line, format!("the header: {e}"))),
            None => h.cells.iter().map(|c| c.trim().to_string()).collect(),
        },
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        if record.error.is_none() && record.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            // The header is row 1.
            row: i + 2,
            line: Some(record.line),
            width: record.cells.len(),
            cells: record
                .cells
                .into_iter()
                .map(|c| match c.find('\0') {
                    Some(at) => Err(nul_cell(&c, at)),
                    None => Ok(c),
                })
                .enumerate()
                .collect(),
            error: record.error,
        });
    }
    Ok(Table {
        headers,
        rows,
        spreadsheet: false,
    })
}

/// Why a cell holding a NUL byte at byte `at` is refused.
pub(super) fn nul_cell(cell: &str, at: usize) -> String {
    format!(
        "the cell holds a NUL character (U+0000) at character {}: the file is probably not text, or not in the encoding it is read in; remove it, or re-save the file as UTF-8 text",
        cell[..at].chars().count() + 1
    )
}
