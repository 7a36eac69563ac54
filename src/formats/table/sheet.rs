//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) into rows of cells, through
//! `calamine`, within limits.
//!
//! **Limits.** An `.xlsx`/`.xlsb`/`.ods` file is a zip archive whose parts (the sheet,
//! the shared strings) may unpack to far more than the file: a 3 MB file can hold a
//! 1 GB sheet. Before anything is unpacked, the sizes the archive declares for its
//! parts are checked (the `zip` crate stops any part at its declared size): a part may
//! unpack to at most [`MAX_PART_BYTES`], and a file that unpacks to more than
//! [`RATIO_FLOOR`] bytes may unpack to at most [`MAX_RATIO`] times its own size (real
//! sheets compress about 3 to 20 times; a refused one can be saved as CSV). `.xlsx` sheets are then read cell by cell and
//! kept sparse, so a cell far away (`XFD1048576`) costs one cell, not the rectangle up
//! to it.
//!
//! **Numbers.** A spreadsheet keeps numbers as 64-bit floats, which hold integers
//! exactly only up to 2^53 (9007199254740992): larger ids (tweet and status ids) are
//! rounded. In an `.xlsx` file, such a number is read as the sheet's XML writes it (a
//! file written by openpyxl or pandas keeps every digit); if the XML holds a rounded
//! value (Excel keeps 15 digits), or the format has no such text (`.xls`, `.xlsb`,
//! `.ods`), the cell is a bad cell whose message says to format the column as text.
//!
//! **Dates** before the spreadsheet's epoch (negative serial numbers) or after
//! 9999-12-31 are bad cells (Excel shows `#####`); a time without a date (a serial
//! number below 1) is written `HH:MM:SS`.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek};

use calamine::{Data, DataType as _, Reader as _};

use super::*;

/// The most a part of a spreadsheet's zip archive may unpack to (256 MiB).
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// Up to this many unpacked bytes (16 MiB), a spreadsheet may compress any amount.
pub const RATIO_FLOOR: u64 = 16 * 1024 * 1024;
/// Beyond [`RATIO_FLOOR`], a spreadsheet may unpack to at most this many times its size
/// (calamine reads some 20 MB of sheet a second: a 1 MB file then takes about 2 s).
pub const MAX_RATIO: u64 = 30;
/// Integers above this are not exact in a 64-bit float.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// A cell at (row, column), 0-based, from the sheet's first cell `A1`.
type Pos = (u32, u32);

pub(super) fn read_spreadsheet(
    path: &Path,
    sheet: Option<&str>,
) -> Result<(Table, TableInfo), ImportIssue> {
    let issue = |reason: String| ImportIssue::new(path, None, reason);
    let size = std::fs::metadata(path)
        .map_err(|e| issue(e.to_string()))?
        .len();
    if size > MAX_PROJECT_BYTES {
        return Err(issue(format!(
            "the file is {size} bytes; Hashiya imports files of at most {MAX_PROJECT_BYTES} bytes"
        )));
    }
    check_archive(path, size).map_err(issue)?;
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
    let sheet_error = |e: &dyn std::fmt::Display| issue(format!("sheet \"{name}\": {e}"));
    let cells = match &mut workbook {
        calamine::Sheets::Xlsx(x) => {
            let cells = xlsx_cells(x, &name).map_err(|e| sheet_error(&e))?;
            exact_big_integers(path, &name, cells)
        }
        other => {
            let range = other.worksheet_range(&name).map_err(|e| sheet_error(&e))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            range
                .cells()
                .filter(|(_, _, d)| !d.is_empty())
                .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), cell_text(d)))
                .collect()
        }
    };
    Ok((
        sparse_table(cells),
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

/// Checks the part sizes a zip-based spreadsheet declares (see the module
/// documentation); other files (`.xls`) pass.
pub(super) fn check_archive(path: &Path, size: u64) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut magic = [0u8; 4];
    if file.read_exact(&mut magic).is_err() || magic != *b"PK\x03\x04" {
        return Ok(());
    }
    file.rewind().map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("cannot read it as a spreadsheet (a damaged zip archive): {e}"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| format!("cannot read it as a spreadsheet (a damaged zip archive): {e}"))?;
        let unpacked = part.size();
        if unpacked > MAX_PART_BYTES {
            return Err(format!(
                "its part \"{}\" unpacks to {unpacked} bytes; Hashiya reads spreadsheet parts of at most {MAX_PART_BYTES} bytes (the file may be a zip bomb). Split the sheet, or save it as CSV and import that",
                part.name().unwrap_or_default()
            ));
        }
        total = total.saturating_add(unpacked);
    }
    if total > RATIO_FLOOR && total / size.max(1) > MAX_RATIO {
        return Err(format!(
            "the file ({size} bytes) unpacks to {total} bytes, {} times its size; Hashiya reads spreadsheets that unpack to at most {MAX_RATIO} times their size beyond {RATIO_FLOOR} bytes (the file may be a zip bomb, or a sheet of mostly empty formatted cells). Save the sheet as CSV and import that",
            total / size.max(1)
        ));
    }
    Ok(())
}

/// The non-empty cells of an `.xlsx` sheet, read one by one.
fn xlsx_cells<RS: Read + Seek>(
    x: &mut calamine::Xlsx<RS>,
    name: &str,
) -> Result<Vec<(Pos, Data)>, calamine::XlsxError> {
    let mut reader = match x.worksheet_cells_reader(name) {
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        r => r?,
    };
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell()? {
        if !cell.get_value().is_empty() {
            let pos = cell.get_position();
            cells.push((pos, Data::from(cell.get_value().clone())));
        }
    }
    Ok(cells)
}

/// The cells as text, numbers beyond 2^53 as the sheet's XML writes them when it
/// writes every digit (see the module documentation).
fn exact_big_integers(path: &Path, sheet: &str, cells: Vec<(Pos, Data)>) -> Vec<(Pos, Cell)> {
    let big: HashSet<Pos> = cells
        .iter()
        .filter(|(_, d)| matches!(d, Data::Float(f) if f.abs() >= EXACT_INTEGERS))
        .map(|(p, _)| *p)
        .collect();
    let raw = if big.is_empty() {
        HashMap::new()
    } else {
        // Unreadable: the numbers stay refused (bad cells), never rounded.
        raw_numbers(path, sheet, &big).unwrap_or_default()
    };
    cells
        .into_iter()
        .map(|(pos, d)| match raw.get(&pos) {
            Some(digits) => (pos, Ok(digits.clone())),
            None => (pos, cell_text(&d)),
        })
        .collect()
}

/// A whole number as decimal digits, with an optional minus sign.
fn is_integer_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The `<v>` text of the cells at `wanted` of sheet `sheet`, where it is an integer
/// literal.
fn raw_numbers(
    path: &Path,
    sheet: &str,
    wanted: &HashSet<Pos>,
) -> Result<HashMap<Pos, String>, String> {
    use quick_xml::events::Event;
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    let part = sheet_part(&mut zip, sheet)?;
    let entry = zip.by_name(&part).map_err(|e| e.to_string())?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
    let (mut row, mut col) = (0u32, 0u32);
    let mut current: Option<Pos> = None;
    let mut in_v = false;
    let mut out = HashMap::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attr(&e, "r").and_then(|r| r.parse::<u32>().ok()) {
                    row = r.saturating_sub(1);
                }
                col = 0;
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                row += 1;
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let pos = attr(&e, "r").and_then(|r| a1(&r)).unwrap_or((row, col));
                col = pos.1 + 1;
                current = Some(pos).filter(|p| wanted.contains(p));
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => col += 1,
            Event::End(e) if e.local_name().as_ref() == "c" => current = None,
            Event::Start(e) if e.local_name().as_ref() == "v" => in_v = current.is_some(),
            Event::End(e) if e.local_name().as_ref() == "v" => in_v = false,
            Event::Text(t) if in_v => {
                let text = AsRef::<str>::as_ref(&t).trim().to_string();
                if let Some(pos) = current
                    && is_integer_literal(&text)
                {
                    out.insert(pos, text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The unescaped value of attribute `name` (local name) of `e`.
fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// `B12` as (11, 1).
fn a1(r: &str) -> Option<Pos> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let mut col: u32 = 0;
    for b in r[..letters].bytes() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    let row: u32 = r[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// The path inside the archive of the sheet called `sheet` (`xl/worksheets/sheet1.xml`).
fn sheet_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, sheet: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    let mut read = |name: &str| -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        zip.by_name(name)
            .map_err(|e| e.to_string())?
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        Ok(bytes)
    };
    let elements = |bytes: &[u8], tag: &str| -> Vec<HashMap<String, String>> {
        let mut xml = quick_xml::Reader::from_reader(bytes);
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Ok(ev) = xml.read_event_into(&mut buf) {
            match ev {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                    out.push(
                        e.attributes()
                            .flatten()
                            .filter_map(|a| {
                                let v = a
                                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .ok()?
                                    .into_owned();
                                Some((a.key.local_name().as_ref().to_string(), v))
                            })
                            .collect(),
                    );
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        out
    };
    // The workbook part, as the package relationships name it (as calamine finds it).
    let package = read("_rels/.rels")?;
    let document = elements(&package, "Relationship")
        .into_iter()
        .find(|a| {
            a.get("Type")
                .is_some_and(|t| t.ends_with("/relationships/officeDocument"))
        })
        .and_then(|a| a.get("Target").cloned())
        .ok_or("the workbook has no officeDocument relationship")?;
    let document = document.strip_prefix('/').unwrap_or(&document).to_string();
    let (dir, name) = document.split_at(document.rfind('/').map_or(0, |i| i + 1));
    let workbook = read(&document)?;
    let rels = read(&format!("{dir}_rels/{name}.rels"))?;
    let id = elements(&workbook, "sheet")
        .into_iter()
        .find(|a| a.get("name").is_some_and(|n| n == sheet))
        .and_then(|a| a.get("id").cloned())
        .ok_or("the sheet is not in xl/workbook.xml")?;
    let target = elements(&rels, "Relationship")
        .into_iter()
        .find(|a| a.get("Id") == Some(&id))
        .and_then(|a| a.get("Target").cloned())
        .ok_or("the sheet has no relationship")?;
    Ok(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    })
}

/// Sparse cells into a table: the first row with a cell is the header; columns count
/// from the leftmost cell of the sheet; rows whose cells are all blank are skipped.
fn sparse_table(mut cells: Vec<(Pos, Cell)>) -> Table {
    cells.sort_by_key(|(p, _)| *p);
    let first_col = cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut it = cells.into_iter().peekable();
    while let Some(((r, _), _)) = it.peek() {
        let r = *r;
        let mut cells: Vec<(usize, Cell)> = Vec::new();
        while let Some(((_, c), cell)) = it.next_if(|((rr, _), _)| *rr == r) {
            cells.push(((c - first_col) as usize, cell));
        }
        cells.dedup_by_key(|(c, _)| *c);
        if headers.is_none() {
            let width = cells.last().map_or(0, |(c, _)| c + 1);
            let mut h = vec![String::new(); width];
            for (c, cell) in cells {
                h[c] = cell.unwrap_or_else(|e| e).trim().to_string();
            }
            while h.last().is_some_and(|h| h.is_empty()) {
                h.pop();
            }
            headers = Some(h);
            continue;
        }
        if cells
            .iter()
            .all(|(_, c)| c.as_ref().is_ok_and(|t| t.trim().is_empty()))
        {
            continue;
        }
        // Empty cells are no cells: the row is as wide as its last cell with something.
        let width = cells
            .iter()
            .rposition(|(_, c)| c.as_ref().map_or(true, |t| !t.is_empty()))
            .map_or(0, |p| cells[p].0 + 1);
        rows.push(Row {
            row: r as usize + 1,
            line: None,
            cells,
            width,
            error: None,
        });
    }
    Table {
        headers: headers.unwrap_or_default(),
        rows,
        spreadsheet: true,
    }
}

/// A spreadsheet cell as text (see the parent module's documentation).
pub(super) fn cell_text(cell: &Data) -> Cell {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => match s.find('\0') {
            Some(at) => return Err(super::read::nul_cell(s, at)),
            None => clean_fragment(s),
        },
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.abs() >= EXACT_INTEGERS => {
            return Err(format!(
                "the number {f} is too large for a spreadsheet to keep exactly (integers above 2^53 = 9007199254740992 are rounded, so ids would change and collide): format the column as Text in the spreadsheet and enter the numbers again, or import a CSV export of the data instead"
            ));
        }
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => date_time(dt.as_f64(), || dt.to_ymd_hms_milli())?,
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

/// The text of a date serial number `serial`, given its parts.
fn date_time(
    serial: f64,
    parts: impl FnOnce() -> (u16, u8, u8, u8, u8, u8, u16),
) -> Result<String, String> {
    // 9999-12-31 is serial 2958465 (1900 dates) or 2957003 (1904 dates).
    if !(0.0..2_957_004.0).contains(&serial) {
        return Err(format!(
            "the date cell holds the serial number {serial}, which is not a date a spreadsheet can show (before its first day, 1900-01-01 or 1904-01-01, or after 9999); write the date as text, or correct it"
        ));
    }
    let (y, mo, d, h, mi, s, ms) = parts();
    Ok(if serial < 1.0 {
        // A time of day without a date.
        format!("{h:02}:{mi:02}:{s:02}")
    } else if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
    })
}
