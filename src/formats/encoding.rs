//! Finding out how a corpus file is encoded, and converting it to UTF-8 only when the
//! user has agreed to.
//!
//! Arabic corpora often come as Windows-1256 (Excel's "CSV" on an Arabic Windows) or
//! UTF-16 (Excel's "Unicode text"). Read as UTF-8, such a file turns into mojibake or
//! fails; guessed silently, a wrong guess would turn into annotated mojibake. So:
//!
//! - a file that is UTF-8 (with or without a byte order mark) is read as it is;
//! - otherwise the encoding is **detected** — a UTF-16 or UTF-8 byte order mark, then
//!   UTF-16 without a mark (NUL bytes in every other position), then `chardetng`
//!   (Firefox's detector for unlabelled legacy text) — and the file is **refused**
//!   with a message naming that encoding and the fix (`--encoding NAME` on the command
//!   line, *Convert* in the import dialog);
//! - with the user's consent ([`super::ImportOptions::encoding`]: the encoding to
//!   convert from, usually the detected one) it is decoded with `encoding_rs`; a byte
//!   sequence that is not valid in that encoding is refused with its line, never
//!   replaced by U+FFFD. A byte order mark wins over the stated encoding, and a file
//!   that is valid UTF-8 is read as UTF-8 whatever the consent (converting it from
//!   another encoding is what makes mojibake), so one `--encoding` can cover a batch
//!   of files of which only some need it.
//!
//! Saved web pages declare their encoding: [`declared_html_charset`] reads the
//! `<meta charset>` (or `http-equiv` content type) from the first bytes of the page,
//! and such a declaration counts as consent (see [`super::html`]).

use std::path::Path;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::ImportIssue;

/// How a file's bytes were found to be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub encoding: &'static Encoding,
    /// How it was found: `"byte order mark"`, `"NUL bytes"` (UTF-16 without a mark),
    /// `"valid UTF-8"`, `"guessed"`.
    pub how: &'static str,
}

impl Detected {
    /// True if the bytes are UTF-8 and can be read without any conversion.
    pub fn is_utf8(&self) -> bool {
        self.encoding == UTF_8
    }
}

/// The encoding called `name` (any WHATWG label: `windows-1256`, `cp1256`, `utf-16le`,
/// `utf-16`, `latin1`…), or a message listing a few names.
pub fn encoding_from_name(name: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
        format!(
            "unknown encoding \"{name}\"; use a name such as utf-8, windows-1256, utf-16le, utf-16be, iso-8859-6"
        )
    })
}

/// Detects how `bytes` are encoded (see the module documentation).
pub fn detect(bytes: &[u8]) -> Detected {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return Detected {
            encoding,
            how: "byte order mark",
        };
    }
    // Before the UTF-8 check: Arabic in UTF-16 is all bytes below 0x80, so it is
    // "valid UTF-8" full of control characters.
    if let Some(encoding) = utf16_without_bom(bytes) {
        return Detected {
            encoding,
            how: "NUL bytes",
        };
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Detected {
            encoding: UTF_8,
            how: "valid UTF-8",
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // A few hundred kilobytes are plenty to tell Arabic from Cyrillic or Latin.
    let sample = &bytes[..bytes.len().min(512 * 1024)];
    detector.feed(sample, sample.len() == bytes.len());
    Detected {
        encoding: detector.guess(None, chardetng::Utf8Detection::Allow),
        how: "guessed",
    }
}

/// UTF-16 without a byte order mark: ASCII characters (delimiters, digits, line ends)
/// leave a NUL in every other byte, which no 8-bit text has.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let half = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    // At least one character in ten ASCII, and NULs on one side only.
    if odd * 10 >= half && even * 50 < half {
        Some(UTF_16LE)
    } else if even * 10 >= half && odd * 50 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A file decoded to UTF-8 (byte order mark removed), and the encoding it was in.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Decodes `bytes` to text: UTF-8 as it is; any other encoding only if `consent` names
/// the encoding to convert from (see the module documentation). `fix` says how the
/// user gives consent where the refusal is read (command line or dialog).
pub fn decode(
    path: &Path,
    bytes: &[u8],
    consent: Option<&'static Encoding>,
) -> Result<Decoded, ImportIssue> {
    let detected = detect(bytes);
    let encoding = match consent {
        // A byte order mark says what the file is, whatever was chosen.
        _ if detected.how == "byte order mark" && detected.encoding == UTF_8 => UTF_8,
        Some(chosen) if detected.how == "byte order mark" => {
            if chosen != detected.encoding && chosen != UTF_8 {
                return Err(ImportIssue::new(
                    path,
                    None,
                    format!(
                        "the file starts with a {} byte order mark, but conversion from {} was asked; re-run with --encoding {} (or choose Convert in the dialog)",
                        detected.encoding.name(),
                        chosen.name(),
                        detected.encoding.name().to_ascii_lowercase()
                    ),
                ));
            }
            detected.encoding
        }
        _ if detected.is_utf8() => UTF_8,
        Some(chosen) => chosen,
        None => return Err(refusal(path, bytes, detected)),
    };
    if encoding == UTF_8 {
        let text = super::clean::decode_utf8(path, bytes)?;
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        return Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8,
        });
    }
    let (body, bom_len) = match Encoding::for_bom(bytes) {
        Some((_, n)) => (&bytes[n..], n),
        None => (bytes, 0),
    };
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(Decoded {
            text: text.into_owned(),
            encoding,
        }),
        None => {
            let at = first_malformed(encoding, body) + bom_len;
            let (line, _) = crate::store::line_col(bytes, at);
            Err(ImportIssue::new(
                path,
                Some(line),
                format!(
                    "byte {at} is not valid {}: the file is not entirely in that encoding; convert it with another encoding, or re-save it as UTF-8",
                    encoding.name()
                ),
            ))
        }
    }
}

/// The refusal of a file that is not UTF-8, naming what it seems to be and the fix.
fn refusal(path: &Path, bytes: &[u8], detected: Detected) -> ImportIssue {
    let name = detected.encoding.name().to_ascii_lowercase();
    // The text around the first non-ASCII character: where the encoding shows.
    let head = detected
        .encoding
        .decode_with_bom_removal(&bytes[..bytes.len().min(64 * 1024)])
        .0;
    let chars: Vec<char> = head.chars().collect();
    let at = chars.iter().position(|c| !c.is_ascii()).unwrap_or(0);
    let sample: String = chars[at.saturating_sub(10)..]
        .iter()
        .map(|&c| if c.is_control() { ' ' } else { c })
        .take(40)
        .collect();
    ImportIssue::new(
        path,
        None,
        format!(
            "the file is not UTF-8: it looks like {} ({}; read that way it starts «{}»). Nothing is converted without your consent: re-run with --encoding {name}, or choose Convert in the import dialog; or re-save the file as UTF-8",
            detected.encoding.name(),
            detected.how,
            sample.trim()
        ),
    )
}

/// Byte offset of the first malformed sequence of `bytes` in `encoding`.
fn first_malformed(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            read.saturating_sub(bad as usize + after as usize)
        }
        _ => read,
    }
}

/// The encoding a saved HTML page declares: a byte order mark, else a `<meta charset>`
/// or `<meta http-equiv="Content-Type" content="…; charset=…">` in its first 4 KiB.
/// `utf-16` declared inside an ASCII-compatible page means UTF-8 (as browsers do).
pub fn declared_html_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return Some(encoding);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    return Some(if enc == UTF_16LE || enc == UTF_16BE {
                        UTF_8
                    } else {
                        enc
                    });
                }
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1256;

    const ARABIC: &str =
        "عنوان,نص\nدرنة,قال المتحدث باسم الجيش إن القوات دخلت المدينة صباح اليوم\n";

    #[test]
    fn windows_1256_is_detected_refused_and_converted_with_consent() {
        let (bytes, _, bad) = WINDOWS_1256.encode(ARABIC);
        assert!(!bad);
        let d = detect(&bytes);
        assert_eq!(d.encoding, WINDOWS_1256, "{d:?}");
        let e = decode(Path::new("a.csv"), &bytes, None).unwrap_err();
        assert!(e.reason.contains("windows-1256"), "{}", e.reason);
        assert!(e.reason.contains("--encoding windows-1256"), "{}", e.reason);
        let ok = decode(Path::new("a.csv"), &bytes, Some(WINDOWS_1256)).unwrap();
        assert_eq!(ok.text, ARABIC);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in ARABIC.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(detect(&le).encoding, UTF_16LE);
        assert!(decode(Path::new("a.csv"), &le, None).is_err());
        assert_eq!(
            decode(Path::new("a.csv"), &le, Some(UTF_16LE))
                .unwrap()
                .text,
            ARABIC
        );
        // The mark wins over a UTF-8 "consent".
        assert_eq!(
            decode(Path::new("a.csv"), &le, Some(UTF_8)).unwrap().text,
            ARABIC
        );
        let be: Vec<u8> = ARABIC
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(detect(&be).encoding, UTF_16BE);
    }

    #[test]
    fn utf8_is_read_and_never_reconverted() {
        let mut bom = "\u{FEFF}".as_bytes().to_vec();
        bom.extend_from_slice(ARABIC.as_bytes());
        assert_eq!(decode(Path::new("a"), &bom, None).unwrap().text, ARABIC);
        assert_eq!(
            decode(Path::new("a"), ARABIC.as_bytes(), None)
                .unwrap()
                .text,
            ARABIC
        );
        // Consent to convert is not applied to a file that needs none.
        let d = decode(Path::new("a"), ARABIC.as_bytes(), Some(WINDOWS_1256)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ARABIC, UTF_8));
    }

    #[test]
    fn malformed_bytes_in_the_chosen_encoding_are_refused() {
        // 0x98 is unmapped in... nothing in windows-1256; use Shift_JIS's invalid lead.
        let bytes = b"abc\n\xFF\xFF";
        let e = decode(Path::new("a"), bytes, Some(encoding_rs::SHIFT_JIS)).unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn html_charset_declarations() {
        assert_eq!(
            declared_html_charset(b"<html><head><meta charset=\"windows-1256\">"),
            Some(WINDOWS_1256)
        );
        assert_eq!(
            declared_html_charset(
                b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=cp1256'>"
            ),
            Some(WINDOWS_1256)
        );
        assert_eq!(declared_html_charset(b"<meta charset=utf-8>"), Some(UTF_8));
        assert_eq!(declared_html_charset(b"<meta name=x>"), None);
    }

    #[test]
    fn names() {
        assert_eq!(encoding_from_name("cp1256").unwrap(), WINDOWS_1256);
        assert!(encoding_from_name("klingon").is_err());
    }
}
