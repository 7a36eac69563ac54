//! Reading a corpus table into rows of cells: CSV/TSV text (delimiter sniffed, quotes,
//! line breaks in cells) and spreadsheets through `calamine` (the rules are in the
//! parent module's documentation).

use super::*;

pub(super) fn read_table(
    path: &Path,
    format: ImportFormat,
    sheet: Option<&str>,
    delimiter: Option<u8>,
    consent: Consent,
) -> Result<(Table, TableInfo), ImportIssue> {
    match format {
        ImportFormat::Xlsx | ImportFormat::Ods => read_spreadsheet(path, sheet),
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
            let table = read_csv(&text, delimiter);
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

pub(super) fn read_csv(text: &str, delimiter: u8) -> Table {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    let mut n = 0;
    // Lines counted incrementally up to each record's first byte.
    let (mut counted_to, mut line) = (0usize, 1usize);
    // The input is a &str, so records are always valid UTF-8, and the reader is
    // flexible and lenient about quotes: reading cannot fail but at the end.
    while let Ok(true) = reader.read_record(&mut record) {
        n += 1;
        // The reader's position may stop before the LF of a CRLF (or before blank
        // lines) that precede the record: skip line ends to its first byte.
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > counted_to {
            line += text.as_bytes()[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted_to = start;
        }
        let line = Some(line);
        if headers.is_none() {
            headers = Some(record.iter().map(|h| h.trim().to_string()).collect());
            continue;
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            row: n,
            line,
            cells: record.iter().map(|c| Ok(clean_fragment(c))).collect(),
        });
    }
    Table {
        headers: headers.unwrap_or_default(),
        rows,
    }
}

fn read_spreadsheet(path: &Path, sheet: Option<&str>) -> Result<(Table, TableInfo), ImportIssue> {
    use calamine::Reader as _;
    let issue = |reason: String| ImportIssue::new(path, None, reason);
    let size = std::fs::metadata(path)
        .map_err(|e| issue(e.to_string()))?
        .len();
    if size > MAX_PROJECT_BYTES {
        return Err(issue(format!(
            "the file is {size} bytes; Hashiya imports files of at most {MAX_PROJECT_BYTES} bytes"
        )));
    }
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| issue(format!("cannot read it as a spreadsheet: {e}")))?;
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(s) => sheets
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| {
                sheets
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(s.trim()))
            })
            .cloned()
            .ok_or_else(|| {
                issue(format!(
                    "no sheet \"{s}\"; the sheets are: {}",
                    quoted_list(&sheets)
                ))
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| issue("the workbook has no sheets".to_string()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| issue(format!("sheet \"{name}\": {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut headers = None;
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let row = first_row + i + 1;
        if headers.is_none() {
            headers = Some(
                cells
                    .iter()
                    .map(|c| cell_text(c).unwrap_or_else(|e| e).trim().to_string())
                    .collect::<Vec<_>>(),
            );
            continue;
        }
        let cells: Vec<Cell> = cells.iter().map(cell_text).collect();
        if cells
            .iter()
            .all(|c| c.as_ref().is_ok_and(|t| t.trim().is_empty()))
        {
            continue;
        }
        // Trailing empty cells (the range is as wide as its widest row) are no cells.
        let len = cells
            .iter()
            .rposition(|c| c.as_ref().map_or(true, |t| !t.is_empty()))
            .map_or(0, |p| p + 1);
        let mut cells = cells;
        cells.truncate(len);
        rows.push(Row {
            row,
            line: None,
            cells,
        });
    }
    let mut headers: Vec<String> = headers.unwrap_or_default();
    while headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    Ok((
        Table { headers, rows },
        TableInfo {
            sheets,
            sheet: Some(name),
            encoding: encoding::Detected {
                encoding: UTF_8,
                how: "spreadsheet",
            },
            delimiter: None,
        },
    ))
}

/// A spreadsheet cell as text (see the module documentation).
pub(super) fn cell_text(cell: &calamine::Data) -> Cell {
    use calamine::Data;
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean_fragment(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => {
            // A duration: hours may exceed 24.
            let secs = (dt.as_f64() * 86_400.0).round() as i64;
            format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
        }
        // OpenDocument dates: midnight is a date, as for Excel's.
        Data::DateTimeIso(s) => s
            .strip_suffix("T00:00:00")
            .or_else(|| s.strip_suffix("T00:00:00.000"))
            .unwrap_or(s)
            .to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds the spreadsheet error {e}")),
    })
}
