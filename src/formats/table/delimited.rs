//! CSV and TSV text into records, in one pass, with the line each record starts on.
//!
//! **Quotes (CSV).** A cell that starts with `"` is quoted: it may hold delimiters,
//! line breaks and doubled quotes (`""` is one `"`), and ends at the next single quote,
//! which must be followed by the delimiter or the end of the line (spaces and tabs in
//! between are dropped). A quote anywhere else in a cell is text. A quoted cell whose
//! closing quote is followed by text (`"…" قال`), or whose quote is never closed, is
//! not guessed at: the record is bad (with its line and the line of the quote), and
//! reading starts again on the line after the one where the quote opened, so one stray
//! quote never glues the following rows into one cell.
//!
//! **Tab-separated text** has no quoting as such: tools that write it literally (a
//! database dump, `paste`) leave quotes as text, while Excel's "Unicode text" and
//! Python's `csv` quote cells holding tabs, line breaks or quotes. So a tab-separated
//! file is read with quotes as above only if every quoted cell in it is well formed;
//! otherwise the whole file is read literally — a record per line, cells between tabs,
//! quotes kept as they are.
//!
//! Line ends are LF, CRLF or a lone CR; blank lines are not records. Each step moves
//! forward, and a bad quote is scanned once more at most, so reading is linear in the
//! size of the text.

/// One record of the text.
pub(super) struct Record {
    /// The 1-based line it starts on.
    pub line: usize,
    /// Its cells, quotes removed, CRLF and lone CR inside quoted cells as LF.
    pub cells: Vec<String>,
    /// Why the record cannot be read (a quote problem); its cells are then empty.
    pub error: Option<String>,
}

/// The records of `text` (see the module documentation).
pub(super) fn records(text: &str, delimiter: u8) -> Vec<Record> {
    let quoted = parse(text, delimiter);
    if delimiter == b'\t' && quoted.iter().any(|r| r.error.is_some()) {
        return literal(text, delimiter);
    }
    quoted
}

/// A record per line, cells between delimiters, no quoting.
fn literal(text: &str, delimiter: u8) -> Vec<Record> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        let content = &rest[..end];
        if !content.is_empty() {
            out.push(Record {
                line,
                cells: content
                    .split(char::from(delimiter))
                    .map(str::to_string)
                    .collect(),
                error: None,
            });
        }
        rest = skip_line_end(&rest[end..]);
        line += 1;
    }
    out
}

/// `s` without the line end it starts with (CRLF, LF or CR), if any.
fn skip_line_end(s: &str) -> &str {
    s.strip_prefix("\r\n")
        .or_else(|| s.strip_prefix('\n'))
        .or_else(|| s.strip_prefix('\r'))
        .unwrap_or(s)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    delimiter: u8,
    pos: usize,
    /// The 1-based line of `pos`.
    line: usize,
}

/// Why a quoted cell cannot be read, and the line of its opening quote.
struct BadQuote {
    open_line: usize,
    /// Where the line of the opening quote ends (reading resumes after it).
    open_line_end: usize,
    reason: String,
}

fn parse(text: &str, delimiter: u8) -> Vec<Record> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        delimiter,
        pos: 0,
        line: 1,
    };
    let mut out = Vec::new();
    while p.pos < p.bytes.len() {
        if p.at_line_end() {
            p.line_end();
            continue;
        }
        let line = p.line;
        match p.record() {
            Ok(cells) => out.push(Record {
                line,
                cells,
                error: None,
            }),
            Err(bad) => {
                out.push(Record {
                    line,
                    cells: Vec::new(),
                    error: Some(bad.reason),
                });
                p.pos = bad.open_line_end;
                p.line = bad.open_line;
                if p.pos < p.bytes.len() {
                    p.line_end();
                }
            }
        }
    }
    out
}

impl Parser<'_> {
    fn at_line_end(&self) -> bool {
        matches!(self.bytes.get(self.pos), Some(b'\r' | b'\n'))
    }

    /// Steps over the line end at `pos` (CRLF, LF or CR).
    fn line_end(&mut self) {
        if self.bytes[self.pos] == b'\r' && self.bytes.get(self.pos + 1) == Some(&b'\n') {
            self.pos += 1;
        }
        self.pos += 1;
        self.line += 1;
    }

    /// Where the line holding `at` ends.
    fn line_end_after(&self, at: usize) -> usize {
        self.bytes[at..]
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .map_or(self.bytes.len(), |n| at + n)
    }

    /// Reads one record from `pos` (not at a line end) through its line end.
    fn record(&mut self) -> Result<Vec<String>, BadQuote> {
        let mut cells = Vec::new();
        loop {
            let cell = if self.bytes.get(self.pos) == Some(&b'"') {
                self.quoted(cells.len() + 1)?
            } else {
                let start = self.pos;
                while self.pos < self.bytes.len()
                    && !matches!(self.bytes[self.pos], b'\r' | b'\n')
                    && self.bytes[self.pos] != self.delimiter
                {
                    self.pos += 1;
                }
                self.text[start..self.pos].to_string()
            };
            cells.push(cell);
            match self.bytes.get(self.pos) {
                None => return Ok(cells),
                Some(&b) if b == self.delimiter => self.pos += 1,
                Some(_) => {
                    self.line_end();
                    return Ok(cells);
                }
            }
        }
    }

    /// Reads the quoted cell number `n` whose opening quote is at `pos`; stops on the
    /// delimiter or line end after it.
    fn quoted(&mut self, n: usize) -> Result<String, BadQuote> {
        let open_line = self.line;
        let open = self.pos;
        // Where the quote's line ends is found only for a bad quote: the scan has passed
        // it already, or reading resumes after it, so every byte is scanned twice at most.
        let bad = |p: &Self, reason: String| BadQuote {
            open_line,
            open_line_end: p.line_end_after(open),
            reason,
        };
        let mut cell = String::new();
        self.pos += 1;
        let mut start = self.pos;
        loop {
            let Some(q) = self.next_quote() else {
                return Err(bad(
                    self,
                    format!(
                        "cell {n} starts with a quote on line {open_line} that is never closed, so it would take in every line after it; close the quote, or if it belongs to the text, double it (\"\") and quote the whole cell"
                    ),
                ));
            };
            cell.push_str(&self.text[start..q]);
            if self.bytes.get(q + 1) == Some(&b'"') {
                cell.push('"');
                self.pos = q + 2;
                start = self.pos;
                continue;
            }
            let mut after = q + 1;
            while after < self.bytes.len()
                && matches!(self.bytes[after], b' ' | b'\t')
                && self.bytes[after] != self.delimiter
            {
                after += 1;
            }
            match self.bytes.get(after) {
                None | Some(b'\r' | b'\n') => {}
                Some(&b) if b == self.delimiter => {}
                Some(_) => {
                    let follows: String = self.text[q + 1..]
                        .chars()
                        .take_while(|&c| c != '\r' && c != '\n')
                        .take(20)
                        .collect();
                    return Err(bad(
                        self,
                        format!(
                            "cell {n} starts with a quote on line {open_line}, but the quote that closes it (line {}) is followed by text: «{}…». A quote inside a cell must be doubled (\"\") and the whole cell quoted; a cell that does not start with a quote can hold quotes as they are",
                            self.line,
                            follows.trim()
                        ),
                    ));
                }
            }
            self.pos = after;
            return Ok(super::clean_fragment(&cell));
        }
    }

    /// The position of the next `"` from `pos`, counting the lines passed.
    fn next_quote(&mut self) -> Option<usize> {
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'"' => return Some(self.pos),
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(self.pos + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.pos += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(r: &Record) -> Vec<&str> {
        r.cells.iter().map(String::as_str).collect()
    }

    #[test]
    fn quoted_cells_hold_delimiters_quotes_and_line_breaks() {
        let r = records("a,b\r\n1,\"x,\"\"y\"\"\r\nz\"  \n\n2,q\"r\"\r3,", b',');
        assert_eq!(r.len(), 4);
        assert_eq!(cells(&r[1]), ["1", "x,\"y\"\nz"]);
        assert_eq!((r[2].line, cells(&r[2])), (5, vec!["2", "q\"r\""]));
        assert_eq!((r[3].line, cells(&r[3])), (6, vec!["3", ""]));
    }

    #[test]
    fn a_bad_quote_is_one_bad_record_and_reading_goes_on() {
        let text = "id,text\n1,أ\n2,\"مفتوح\n3,ب\n4,\"نص\" قال\n5,ج\n6,\"لا يغلق";
        let r = records(text, b',');
        let lines: Vec<(usize, bool)> = r.iter().map(|r| (r.line, r.error.is_some())).collect();
        assert_eq!(
            lines,
            [
                (1, false),
                (2, false),
                (3, true),
                (4, false),
                (5, true),
                (6, false),
                (7, true)
            ]
        );
        let e = r[2].error.as_deref().unwrap();
        assert!(e.contains("line 3") && e.contains("line 5"), "{e}");
        assert!(r[6].error.as_deref().unwrap().contains("never closed"));
    }

    #[test]
    fn tab_separated_text_is_literal_unless_every_quote_is_well_formed() {
        let r = records("id\ttext\n1\t\"نعم\" قال\n2\t\"مفتوح\n3\tب\n", b'\t');
        assert_eq!(r.len(), 4);
        assert_eq!(cells(&r[1]), ["1", "\"نعم\" قال"]);
        assert_eq!(cells(&r[2]), ["2", "\"مفتوح"]);
        let r = records("id\ttext\n1\t\"سطر\nثان\t\"\"ب\"\"\"\n", b'\t');
        assert_eq!(cells(&r[1]), ["1", "سطر\nثان\t\"ب\""]);
    }
}
