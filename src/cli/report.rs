//! What the file-handling subcommands print when they succeed, as `Display` types, so
//! that the wording (counts with their plurals, notes, warnings) lives in one place next
//! to the data and can be tested without running the program.
//!
//! These are small views (a path plus a library report) rather than `Display` impls on
//! the library's reports themselves, because the line also names the file and things the
//! report does not know (the export format, whether the project existed before).

use std::fmt;
use std::path::Path;

use crate::formats::{ExportFormat, ExportReport, ImportReport};
use crate::store::Loaded;

/// `hashiya validate`: one line of counts per file, then its warnings. Unresolved
/// merge conflicts recorded in the project are one more warning, with their count: the
/// file is valid, but part of its content is only "ours" until someone decides.
pub struct ValidateSummary<'a> {
    pub file: &'a Path,
    pub loaded: &'a Loaded,
}

impl fmt::Display for ValidateSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.loaded.project;
        let spans: usize = p.sets.iter().map(|s| s.spans.len()).sum();
        let relations: usize = p.sets.iter().map(|s| s.relations.len()).sum();
        let conflicts = p.conflicts.len();
        writeln!(
            f,
            "{}: ok — {}, {}, {}, {}, {}, {}",
            self.file.display(),
            Count(p.documents.len(), "document"),
            Count(p.sets.len(), "set"),
            Count(spans, "span"),
            Count(relations, "relation"),
            Count(p.entities.len(), "entity"),
            Count(
                self.loaded.warnings.len() + usize::from(conflicts > 0),
                "warning"
            ),
        )?;
        for w in &self.loaded.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        if conflicts > 0 {
            writeln!(
                f,
                "  warning: {} from a merge {} not resolved: the file holds ours' version of each until it is; resolve them in the GUI (Conflicts list), and see them with `hashiya status`",
                Count(conflicts, "conflict"),
                if conflicts == 1 { "is" } else { "are" }
            )?;
        }
        Ok(())
    }
}

/// `hashiya export`: where, how many files in which format, what they hold, and notes.
pub struct ExportSummary<'a> {
    pub out: &'a Path,
    pub format: ExportFormat,
    pub report: &'a ExportReport,
}

impl fmt::Display for ExportSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.report;
        writeln!(
            f,
            "{}: wrote {} ({}): {}, {}, {}, {}",
            self.out.display(),
            Count(r.files.len(), "file"),
            self.format.name(),
            Count(r.documents, "document"),
            Count(r.sets, "set"),
            Count(r.spans, "span"),
            Count(r.relations, "relation"),
        )?;
        if r.unchanged > 0 {
            writeln!(
                f,
                "  {} already up to date, not rewritten",
                Count(r.unchanged, "file")
            )?;
        }
        for n in &r.notes {
            writeln!(f, "  note: {n}")?;
        }
        Ok(())
    }
}

/// `hashiya import`: what was read and added, what the schema gained, and warnings.
pub struct ImportSummary<'a> {
    pub into: &'a Path,
    /// Whether the project file existed before (extended) or was created.
    pub existed: bool,
    pub report: &'a ImportReport,
}

impl fmt::Display for ImportSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.report;
        writeln!(
            f,
            "{}: {} — read {}{}; added {} ({} already there got new sets), {}, {}, {}, {}",
            self.into.display(),
            if self.existed { "extended" } else { "created" },
            Count(r.files_read, "file"),
            if r.rows_read > 0 {
                format!(" ({})", Count(r.rows_read, "row"))
            } else {
                String::new()
            },
            Count(r.documents_added, "document"),
            r.documents_reused,
            Count(r.sets_added, "set"),
            Count(r.spans_added, "span"),
            Count(r.relations_added, "relation"),
            Count(r.entities_added, "entity"),
        )?;
        if !r.labels_added.is_empty() {
            writeln!(
                f,
                "  labels added to the schema: {}",
                r.labels_added.join(", ")
            )?;
        }
        if !r.relation_types_added.is_empty() {
            writeln!(
                f,
                "  relation types added to the schema: {}",
                r.relation_types_added.join(", ")
            )?;
        }
        for w in &r.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        list(
            f,
            "already in the project, not added",
            "rows or pages already in the project",
            &r.duplicates,
        )?;
        list(
            f,
            "near-duplicate (same text but for spaces), not added",
            "near-duplicates",
            &r.near_duplicates,
        )?;
        list(f, "skipped", "skipped rows", &r.skipped)?;
        Ok(())
    }
}

/// How many lines of one kind an import report lists before it summarises the rest.
pub const LISTED: usize = 10;

/// Up to [`LISTED`] items, one per line after `what: `, then `… and N more {rest}`.
fn list(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    rest: &str,
    items: &[impl fmt::Display],
) -> fmt::Result {
    for item in items.iter().take(LISTED) {
        writeln!(f, "  {what}: {item}")?;
    }
    if items.len() > LISTED {
        writeln!(f, "  … and {} more {rest}", items.len() - LISTED)?;
    }
    Ok(())
}

/// A number and an English noun in the singular, pluralised as the number needs:
/// `1 span`, `2 spans`, `0 entities`.
pub struct Count(pub usize, pub &'static str);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Count(n, noun) = *self;
        if n == 1 {
            write!(f, "1 {noun}")
        } else if let Some(stem) = noun.strip_suffix('y') {
            write!(f, "{n} {stem}ies")
        } else {
            write!(f, "{n} {noun}s")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_pluralised() {
        assert_eq!(Count(1, "span").to_string(), "1 span");
        assert_eq!(Count(0, "span").to_string(), "0 spans");
        assert_eq!(Count(1, "entity").to_string(), "1 entity");
        assert_eq!(Count(3, "entity").to_string(), "3 entities");
    }

    /// Issue #25, item 16: unresolved merge conflicts are a warning with their count.
    #[test]
    fn validate_warns_of_unresolved_conflicts() {
        let mut project = crate::debug::sample().unwrap();
        let loaded = |project: &crate::model::Project| Loaded {
            project: project.clone(),
            warnings: Vec::new(),
        };
        let clean = loaded(&project);
        let s = ValidateSummary {
            file: Path::new("p.json"),
            loaded: &clean,
        }
        .to_string();
        assert!(s.contains("0 warnings") && !s.contains("conflict"), "{s}");
        for id in ["c1", "c2"] {
            project.conflicts.push(crate::model::Conflict {
                id: id.into(),
                kind: crate::model::ConflictKind::Span,
                annotator: Some("a".into()),
                document: Some("d".into()),
                item: "s1".into(),
                base: None,
                ours: None,
                theirs: None,
                sources: Default::default(),
            });
        }
        let with = loaded(&project);
        let s = ValidateSummary {
            file: Path::new("p.json"),
            loaded: &with,
        }
        .to_string();
        assert!(s.contains("ok — ") && s.contains("1 warning\n"), "{s}");
        assert!(
            s.contains("warning: 2 conflicts from a merge are not resolved"),
            "{s}"
        );
    }

    #[test]
    fn the_export_line_keeps_its_wording() {
        let report = ExportReport {
            files: vec!["a.ann".into(), "a.txt".into()],
            documents: 1,
            sets: 1,
            spans: 2,
            notes: vec!["a note".into()],
            ..ExportReport::default()
        };
        let s = ExportSummary {
            out: Path::new("out"),
            format: ExportFormat::Brat,
            report: &report,
        }
        .to_string();
        assert_eq!(
            s,
            "out: wrote 2 files (brat): 1 document, 1 set, 2 spans, 0 relations\n  note: a note\n"
        );
    }

    /// Issue #25, item 15: a re-import of a big table listed every duplicate row, one
    /// line each; the list stops after a few lines and says how many more. Item 4: the
    /// line says how many rows were read.
    #[test]
    fn the_import_line_counts_rows_and_summarises_long_lists() {
        use crate::formats::{Duplicate, ImportIssue};
        let dup = |n: usize| Duplicate {
            file: "a.csv".into(),
            line: Some(n),
            row: Some(n),
            id: format!("a-{n}"),
            existing: format!("d{n}"),
        };
        let report = ImportReport {
            files_read: 1,
            rows_read: 40,
            documents_added: 2,
            duplicates: (2..40).map(dup).collect(),
            skipped: vec![ImportIssue::new("a.csv", Some(41), "bad")],
            ..ImportReport::default()
        };
        let s = ImportSummary {
            into: Path::new("p.json"),
            existed: true,
            report: &report,
        }
        .to_string();
        assert!(
            s.starts_with("p.json: extended — read 1 file (40 rows); added 2 documents"),
            "{s}"
        );
        assert_eq!(
            s.matches("already in the project, not added").count(),
            LISTED
        );
        assert!(
            s.contains("  … and 28 more rows or pages already in the project\n"),
            "{s}"
        );
        assert!(s.ends_with("  skipped: a.csv:41: bad\n"), "{s}");
    }
}
