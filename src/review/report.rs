//! The agreement report: everything `hashiya agree` prints, as one serialisable value.
//!
//! [`compare_projects`] takes one [`Side`] per annotator (a project and the annotator
//! whose sets to use; two sides may share a project), matches the documents, pairs the
//! spans of every pair of annotators on every matched document, and computes the
//! figures. In each pair the earlier side is A, the reference.
//!
//! The field names of [`AgreementReport`] are a stable interface (documented in the
//! README, section "`hashiya agree` JSON"): add fields, never rename or remove them
//! without raising `version`.

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::agreement::{cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal, observed_agreement};
use super::compare::{
    AttributeComparison, RelationItem, RelationStatus, compare_attributes, compare_relations,
};
use super::documents::{DocumentMatching, match_documents};
use super::figures::{FigureCounts, Figures};
use super::pairing::{PairCategory, pair_spans, score};
use super::tokens::labels_for_tokens;
use crate::model::{AnnotationSet, Project, Span};
use crate::text::tokenize::tokenize;

/// The value of the report's `format` field.
pub const REPORT_FORMAT: &str = "hashiya-agreement";
/// The report's version.
pub const REPORT_VERSION: u32 = 1;

/// One annotator to compare: whose sets, in which project.
#[derive(Debug, Clone, Copy)]
pub struct Side<'p> {
    pub project: &'p Project,
    pub annotator: &'p str,
    /// Where the project came from (a file name), shown in the report.
    pub source: &'p str,
}

/// The annotator to use in `project`: `wanted` if given (it must have sets there), else
/// the first annotator of the project.
pub fn pick_annotator<'p>(
    project: &'p Project,
    wanted: Option<&str>,
) -> Result<&'p str, ReviewError> {
    let all = project.annotators();
    match wanted {
        Some(w) => {
            all.iter()
                .copied()
                .find(|a| *a == w)
                .ok_or_else(|| ReviewError::AnnotatorNotFound {
                    project: project.name.clone(),
                    annotator: w.to_string(),
                    available: if all.is_empty() {
                        "(none)".to_string()
                    } else {
                        all.join(", ")
                    },
                })
        }
        None => all
            .first()
            .copied()
            .ok_or_else(|| ReviewError::NoAnnotator {
                project: project.name.clone(),
            }),
    }
}

/// An annotator as listed in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotatorInfo {
    pub name: String,
    /// The project's name.
    pub project: String,
    /// Where the project was read from.
    pub source: String,
}

/// Number of diff entries of each category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCounts {
    pub exact: usize,
    pub partial: usize,
    pub label_mismatch: usize,
    pub only_a: usize,
    pub only_b: usize,
}

impl CategoryCounts {
    fn add(&mut self, c: PairCategory) {
        match c {
            PairCategory::Exact => self.exact += 1,
            PairCategory::Partial => self.partial += 1,
            PairCategory::LabelMismatch => self.label_mismatch += 1,
            PairCategory::OnlyA => self.only_a += 1,
            PairCategory::OnlyB => self.only_b += 1,
        }
    }

    pub fn get(&self, c: PairCategory) -> usize {
        match c {
            PairCategory::Exact => self.exact,
            PairCategory::Partial => self.partial,
            PairCategory::LabelMismatch => self.label_mismatch,
            PairCategory::OnlyA => self.only_a,
            PairCategory::OnlyB => self.only_b,
        }
    }
}

/// Relation totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationCounts {
    /// Relations in A's sets.
    pub a: usize,
    /// Relations in B's sets.
    pub b: usize,
    /// Matched across paired endpoints (any pair category).
    pub matched: usize,
    /// Of those, matched with both endpoint pairs exact.
    pub matched_strict: usize,
    pub only_a: usize,
    pub only_b: usize,
}

/// Agreement on one attribute (or on the entity link) over all span pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeCounts {
    /// Attribute name (entity links are counted in [`PairReport::entities`]).
    pub name: String,
    pub agree: usize,
    pub differ: usize,
}

/// Entity-link agreement over all span pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCounts {
    pub agree: usize,
    pub differ: usize,
}

/// Token-level agreement of one pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenAgreement {
    /// Tokens compared (all matched documents).
    pub tokens: usize,
    /// Proportion of tokens with the same label; `null` with no tokens.
    pub observed: Option<f64>,
    /// `null` when undefined (no tokens, or one label everywhere).
    pub cohen_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
}

/// A span as shown in the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRef {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
}

impl From<&Span> for SpanRef {
    fn from(s: &Span) -> Self {
        SpanRef {
            id: s.id.clone(),
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            text: s.text.clone(),
        }
    }
}

/// One entry of a document's diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffItem {
    pub category: PairCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<SpanRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<SpanRef>,
    /// The pair's score (2, 1, 0.5, 0.25; 0 for a span on one side only).
    pub score: f64,
    /// Attribute comparison, for pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<AttributeComparison>,
}

/// The diff of one matched document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentDiff {
    pub text_sha256: String,
    /// Document id in A's project.
    pub a_document: String,
    /// Document id in B's project.
    pub b_document: String,
    pub items: Vec<DiffItem>,
    pub relations: Vec<RelationItem>,
}

/// Everything about one pair of annotators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairReport {
    /// Annotator A (the reference).
    pub a: String,
    /// Annotator B.
    pub b: String,
    pub spans: CategoryCounts,
    pub figures: Figures,
    pub relations: RelationCounts,
    pub attributes: Vec<AttributeCounts>,
    pub entities: EntityCounts,
    pub tokens: TokenAgreement,
    pub documents: Vec<DocumentDiff>,
    /// Span counts and exact matches by where the spans came from (tagged by hand or
    /// accepted from a suggestion), so agreement with and without suggestions can be
    /// told apart. Present only when a span of either side came from a suggestion.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_origin: Vec<OriginCounts>,
}

/// One origin's spans in a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginCounts {
    /// `manual` (tagged by hand), or the suggestion source: `entity`, `learned`,
    /// `gazetteer`, `attribution`.
    pub origin: String,
    /// A's spans of this origin.
    pub a: usize,
    /// B's spans of this origin.
    pub b: usize,
    /// Of A's spans of this origin, those paired exactly (same bounds and label).
    pub exact_a: usize,
    /// Of B's spans of this origin, those paired exactly.
    pub exact_b: usize,
}

/// The origins in report order, `manual` first.
fn origin_index(s: &Span) -> usize {
    use crate::model::SuggestionSource as S;
    match s.origin {
        None => 0,
        Some(S::Entity) => 1,
        Some(S::Learned) => 2,
        Some(S::Gazetteer) => 3,
        Some(S::Attribution) => 4,
        Some(S::Model) => 5,
    }
}

const ORIGIN_NAMES: [&str; 6] = [
    "manual",
    "entity",
    "learned",
    "gazetteer",
    "attribution",
    "model",
];

/// Agreement over all annotators at once (only with three or more).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OverallAgreement {
    pub annotators: usize,
    pub tokens: usize,
    pub fleiss_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementReport {
    /// Always `"hashiya-agreement"`.
    pub format: String,
    pub version: u32,
    pub annotators: Vec<AnnotatorInfo>,
    pub documents: DocumentMatching,
    /// One per pair of annotators (i, j), i < j, in side order.
    pub pairs: Vec<PairReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<OverallAgreement>,
}

/// The token labels of every side on every matched document, for checking the figures
/// with other tools (`hashiya agree --dump-tokens`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenDump {
    pub annotators: Vec<String>,
    pub documents: Vec<TokenDumpDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenDumpDocument {
    pub text_sha256: String,
    /// The token texts.
    pub tokens: Vec<String>,
    /// One label sequence per annotator, in annotator order.
    pub labels: Vec<Vec<String>>,
}

fn set_of<'p>(side: &Side<'p>, doc_index: usize) -> Option<&'p AnnotationSet> {
    let doc = side.project.documents.get(doc_index)?;
    side.project.set(side.annotator, &doc.id)
}

/// Token labels of every side on the matched documents.
pub fn token_dump(sides: &[Side<'_>]) -> TokenDump {
    let pairs: Vec<(&Project, &str)> = sides.iter().map(|s| (s.project, s.annotator)).collect();
    let matching = match_documents(&pairs);
    let mut documents = Vec::new();
    for m in &matching.matched {
        let text = &sides[0].project.documents[m.indices[0]].text;
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(text);
        let labels = sides
            .iter()
            .zip(&m.indices)
            .map(|(side, &i)| {
                let spans = set_of(side, i).map_or(&[][..], |s| &s.spans[..]);
                labels_for_tokens(&tokens, spans)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        documents.push(TokenDumpDocument {
            text_sha256: m.text_sha256.clone(),
            tokens: tokens
                .iter()
                .map(|r| chars[r.clone()].iter().collect())
                .collect(),
            labels,
        });
    }
    TokenDump {
        annotators: sides.iter().map(|s| s.annotator.to_string()).collect(),
        documents,
    }
}

/// Compares the sides (at least two).
pub fn compare_projects(sides: &[Side<'_>]) -> Result<AgreementReport, ReviewError> {
    if sides.len() < 2 {
        return Err(ReviewError::TooFewAnnotators {
            needed: 2,
            got: sides.len(),
        });
    }
    let pairs_in: Vec<(&Project, &str)> = sides.iter().map(|s| (s.project, s.annotator)).collect();
    let mut matching = match_documents(&pairs_in);

    // Token labels per side, all matched documents concatenated.
    let mut labels: Vec<Vec<&str>> = vec![Vec::new(); sides.len()];
    for m in &mut matching.matched {
        let text = &sides[0].project.documents[m.indices[0]].text;
        let tokens = tokenize(text);
        m.tokens = tokens.len();
        for (k, side) in sides.iter().enumerate() {
            let spans = set_of(side, m.indices[k]).map_or(&[][..], |s| &s.spans[..]);
            labels[k].extend(labels_for_tokens(&tokens, spans));
        }
    }

    let mut pairs = Vec::new();
    for i in 0..sides.len() {
        for j in i + 1..sides.len() {
            pairs.push(compare_pair(sides, &matching, &labels, i, j)?);
        }
    }
    let overall = if sides.len() > 2 {
        let seqs: Vec<&[&str]> = labels.iter().map(|l| &l[..]).collect();
        Some(OverallAgreement {
            annotators: sides.len(),
            tokens: labels[0].len(),
            fleiss_kappa: fleiss_kappa(&seqs)?,
            krippendorff_alpha: krippendorff_alpha_nominal(&seqs)?,
        })
    } else {
        None
    };
    Ok(AgreementReport {
        format: REPORT_FORMAT.to_string(),
        version: REPORT_VERSION,
        annotators: sides
            .iter()
            .map(|s| AnnotatorInfo {
                name: s.annotator.to_string(),
                project: s.project.name.clone(),
                source: s.source.to_string(),
            })
            .collect(),
        documents: matching,
        pairs,
        overall,
    })
}

fn compare_pair(
    sides: &[Side<'_>],
    matching: &DocumentMatching,
    labels: &[Vec<&str>],
    i: usize,
    j: usize,
) -> Result<PairReport, ReviewError> {
    let empty = AnnotationSet::new("", "");
    let mut counts = CategoryCounts::default();
    let mut figure_counts = FigureCounts::default();
    let mut relations = RelationCounts::default();
    let mut attributes: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut entities = EntityCounts::default();
    let mut documents = Vec::new();
    // Per origin: (a, b, exact_a, exact_b).
    let mut origins = [(0usize, 0usize, 0usize, 0usize); ORIGIN_NAMES.len()];
    let mut any_origin = false;
    for m in &matching.matched {
        // Matched documents have a set on every side (documents.rs); `empty` is never
        // used in practice but keeps this total.
        let sa = set_of(&sides[i], m.indices[i]).unwrap_or(&empty);
        let sb = set_of(&sides[j], m.indices[j]).unwrap_or(&empty);
        let pairs = pair_spans(&sa.spans, &sb.spans).map_err(|e| ReviewError::TooManySpans {
            document: m.documents[i].clone(),
            spans: e.spans,
        })?;
        figure_counts.add(&sa.spans, &sb.spans, &pairs);
        let mut items = Vec::with_capacity(pairs.len());
        for p in &pairs {
            counts.add(p.category);
            let a = p.a.map(|k| &sa.spans[k]);
            let b = p.b.map(|k| &sb.spans[k]);
            let exact = usize::from(p.category == PairCategory::Exact);
            if let Some(x) = a {
                any_origin |= x.origin.is_some();
                origins[origin_index(x)].0 += 1;
                origins[origin_index(x)].2 += exact;
            }
            if let Some(y) = b {
                any_origin |= y.origin.is_some();
                origins[origin_index(y)].1 += 1;
                origins[origin_index(y)].3 += exact;
            }
            let attrs = match (a, b) {
                (Some(x), Some(y)) => {
                    let c = compare_attributes(x, y);
                    for at in &c.agree {
                        attributes.entry(at.name.clone()).or_default().0 += 1;
                    }
                    for at in &c.differ {
                        attributes.entry(at.name.clone()).or_default().1 += 1;
                    }
                    if c.entity_differs.is_some() {
                        entities.differ += 1;
                    } else {
                        entities.agree += 1;
                    }
                    Some(c)
                }
                _ => None,
            };
            items.push(DiffItem {
                category: p.category,
                a: a.map(SpanRef::from),
                b: b.map(SpanRef::from),
                score: match (a, b) {
                    (Some(x), Some(y)) => score(x, y),
                    _ => 0.0,
                },
                attributes: attrs,
            });
        }
        let rels = compare_relations(&sa.spans, &sb.spans, &pairs, &sa.relations, &sb.relations);
        relations.a += sa.relations.len();
        relations.b += sb.relations.len();
        for r in &rels {
            match r.status {
                RelationStatus::Matched => {
                    relations.matched += 1;
                    if r.strict {
                        relations.matched_strict += 1;
                    }
                }
                RelationStatus::OnlyA => relations.only_a += 1,
                RelationStatus::OnlyB => relations.only_b += 1,
            }
        }
        documents.push(DocumentDiff {
            text_sha256: m.text_sha256.clone(),
            a_document: m.documents[i].clone(),
            b_document: m.documents[j].clone(),
            items,
            relations: rels,
        });
    }
    let (la, lb) = (&labels[i][..], &labels[j][..]);
    let tokens = TokenAgreement {
        tokens: la.len(),
        observed: observed_agreement(la, lb)?,
        cohen_kappa: cohen_kappa(la, lb)?,
        krippendorff_alpha: krippendorff_alpha_nominal(&[la, lb])?,
    };
    Ok(PairReport {
        a: sides[i].annotator.to_string(),
        b: sides[j].annotator.to_string(),
        spans: counts,
        figures: figure_counts.figures(),
        relations,
        attributes: attributes
            .into_iter()
            .map(|(name, (agree, differ))| AttributeCounts {
                name,
                agree,
                differ,
            })
            .collect(),
        entities,
        tokens,
        documents,
        by_origin: if any_origin {
            origins
                .iter()
                .zip(ORIGIN_NAMES)
                .filter(|((a, b, _, _), _)| a + b > 0)
                .map(|(&(a, b, exact_a, exact_b), name)| OriginCounts {
                    origin: name.to_string(),
                    a,
                    b,
                    exact_a,
                    exact_b,
                })
                .collect()
        } else {
            Vec::new()
        },
    })
}

/// Label confusion counts (A label, B label) over the diff items of the first pair of
/// annotators, in label order; `—` stands for "no span" (a span only one side has).
pub fn confusion(report: &AgreementReport) -> Vec<((String, String), usize)> {
    let label = |s: &Option<SpanRef>| s.as_ref().map_or("—".to_string(), |s| s.label.clone());
    let mut m: std::collections::BTreeMap<(String, String), usize> = Default::default();
    let items = report
        .pairs
        .first()
        .into_iter()
        .flat_map(|p| &p.documents)
        .flat_map(|d| &d.items);
    for it in items {
        *m.entry((label(&it.a), label(&it.b))).or_insert(0) += 1;
    }
    m.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, LabelSchema};

    fn project(annotator: &str, spans: &[(usize, usize, &str, &str)]) -> Project {
        let mut p = Project::new("t", LabelSchema::news_default());
        p.documents
            .push(Document::new("d", "t", "قال حفتر في درنة وسرت"));
        let mut set = AnnotationSet::new(annotator, "d");
        for (i, (s, e, label, text)) in spans.iter().enumerate() {
            set.spans
                .push(Span::new(format!("s{i}"), *s, *e, *label, *text));
        }
        p.sets.push(set);
        p
    }

    #[test]
    fn counts_by_origin_only_when_suggestions_were_used() {
        let spans = [(4, 8, "actor", "حفتر"), (12, 16, "location", "درنة")];
        let mut a = project("a", &spans);
        let b = project(
            "b",
            &[(4, 8, "actor", "حفتر"), (17, 21, "location", "وسرت")],
        );
        let sides = |a: &Project, b: &Project| {
            compare_projects(&[
                Side {
                    project: a,
                    annotator: "a",
                    source: "a.json",
                },
                Side {
                    project: b,
                    annotator: "b",
                    source: "b.json",
                },
            ])
            .unwrap()
        };
        let plain = sides(&a, &b);
        assert!(plain.pairs[0].by_origin.is_empty());
        let json = serde_json::to_string(&plain).unwrap();
        assert!(
            !json.contains("by_origin"),
            "unchanged JSON without suggestions"
        );
        a.sets[0].spans[0].origin = Some(crate::model::SuggestionSource::Entity);
        a.sets[0].spans[1].origin = Some(crate::model::SuggestionSource::Learned);
        let r = sides(&a, &b);
        let got: Vec<(&str, usize, usize, usize, usize)> = r.pairs[0]
            .by_origin
            .iter()
            .map(|o| (o.origin.as_str(), o.a, o.b, o.exact_a, o.exact_b))
            .collect();
        assert_eq!(
            got,
            [
                ("manual", 0, 2, 0, 1),
                ("entity", 1, 0, 1, 0),
                ("learned", 1, 0, 0, 0)
            ]
        );
    }

    #[test]
    fn confusion_counts_label_pairs() {
        let a = project(
            "a",
            &[
                (4, 8, "actor", "حفتر"),
                (12, 16, "location", "درنة"),
                (17, 21, "location", "وسرت"),
            ],
        );
        let b = project("b", &[(4, 8, "actor", "حفتر"), (12, 16, "actor", "درنة")]);
        let sides = [
            Side {
                project: &a,
                annotator: "a",
                source: "a.json",
            },
            Side {
                project: &b,
                annotator: "b",
                source: "b.json",
            },
        ];
        let report = compare_projects(&sides).unwrap();
        let pair = |a: &str, b: &str, n| ((a.to_string(), b.to_string()), n);
        assert_eq!(
            confusion(&report),
            [
                pair("actor", "actor", 1),
                pair("location", "actor", 1),
                pair("location", "—", 1)
            ]
        );
    }
}
