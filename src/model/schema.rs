//! The label schema: which span labels exist, their attributes, and which relation
//! types may connect which labels.
//!
//! An attribute with an empty `values` list takes free text; otherwise its value must
//! be one of `values`. Relation types list the labels allowed at each end.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelSchema {
    pub labels: Vec<LabelDef>,
    #[serde(default)]
    pub relations: Vec<RelationType>,
}

/// A span label such as `claim`, `actor` or `location`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelDef {
    /// Stable id used by spans (`"actor"`).
    pub id: String,
    /// Display name (`"Actor"`).
    pub name: String,
    /// Optional Arabic display name (`"فاعل"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_ar: Option<String>,
    /// Colour as `#RRGGBB`.
    pub color: String,
    /// A single key (`"1"`–`"9"`) that applies this label to the selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
}

/// An attribute of a label. Empty `values` means free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl AttributeDef {
    pub fn is_free_text(&self) -> bool {
        self.values.is_empty()
    }
    pub fn allows(&self, value: &str) -> bool {
        self.is_free_text() || self.values.iter().any(|v| v == value)
    }
}

/// A relation type such as `said_by` (claim → actor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    pub id: String,
    pub name: String,
    /// Labels allowed at the source end.
    pub from: Vec<String>,
    /// Labels allowed at the target end.
    pub to: Vec<String>,
}

impl RelationType {
    pub fn allows(&self, from_label: &str, to_label: &str) -> bool {
        self.from.iter().any(|l| l == from_label) && self.to.iter().any(|l| l == to_label)
    }
}

impl LabelSchema {
    pub fn label(&self, id: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.id == id)
    }

    pub fn relation_type(&self, id: &str) -> Option<&RelationType> {
        self.relations.iter().find(|r| r.id == id)
    }

    /// Relation types the schema allows from a span labelled `from` to one labelled `to`.
    pub fn relations_between<'a>(
        &'a self,
        from: &'a str,
        to: &'a str,
    ) -> impl Iterator<Item = &'a RelationType> + 'a {
        self.relations.iter().filter(move |r| r.allows(from, to))
    }

    /// The label bound to a hotkey, if any.
    pub fn label_for_hotkey(&self, key: &str) -> Option<&LabelDef> {
        self.labels
            .iter()
            .find(|l| l.hotkey.as_deref() == Some(key))
    }

    /// The schema for political news: claims, actors and locations.
    pub fn news_default() -> Self {
        fn attr(name: &str, values: &[&str]) -> AttributeDef {
            AttributeDef {
                name: name.into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            }
        }
        fn label(
            id: &str,
            name: &str,
            ar: &str,
            color: &str,
            key: &str,
            kinds: &[&str],
        ) -> LabelDef {
            LabelDef {
                id: id.into(),
                name: name.into(),
                name_ar: Some(ar.into()),
                color: color.into(),
                hotkey: Some(key.into()),
                attributes: vec![attr("kind", kinds)],
            }
        }
        fn rel(id: &str, name: &str, from: &[&str], to: &[&str]) -> RelationType {
            RelationType {
                id: id.into(),
                name: name.into(),
                from: from.iter().map(|s| s.to_string()).collect(),
                to: to.iter().map(|s| s.to_string()).collect(),
            }
        }
        LabelSchema {
            labels: vec![
                label(
                    "claim",
                    "Claim",
                    "ادعاء",
                    "#E8A33D",
                    "1",
                    &[
                        "statement",
                        "assessment",
                        "promise",
                        "accusation",
                        "denial",
                        "other",
                    ],
                ),
                label(
                    "actor",
                    "Actor",
                    "فاعل",
                    "#4C8BF5",
                    "2",
                    &[
                        "person",
                        "organization",
                        "armed group",
                        "government",
                        "state",
                        "other",
                    ],
                ),
                label(
                    "location",
                    "Location",
                    "مكان",
                    "#3DAE6B",
                    "3",
                    &["city", "region", "country", "site", "other"],
                ),
            ],
            relations: vec![
                rel("said_by", "said by", &["claim"], &["actor"]),
                rel("about", "about", &["claim"], &["actor", "location"]),
                rel("located_in", "located in", &["actor"], &["location"]),
            ],
        }
    }
}

/// Parses `#RRGGBB` into RGB bytes.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_relations() {
        let s = LabelSchema::news_default();
        let ids: Vec<_> = s
            .relations_between("claim", "actor")
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["said_by", "about"]);
        let ids: Vec<_> = s
            .relations_between("claim", "location")
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["about"]);
        assert_eq!(s.relations_between("location", "claim").count(), 0);
        assert_eq!(
            s.label_for_hotkey("2").map(|l| l.id.as_str()),
            Some("actor")
        );
        let actor_kind = &s.label("actor").unwrap().attributes[0];
        assert!(actor_kind.allows("armed group"));
        assert!(!actor_kind.allows("tribe"));
    }

    #[test]
    fn colors_parse() {
        assert_eq!(parse_color("#4C8BF5"), Some([0x4C, 0x8B, 0xF5]));
        assert_eq!(parse_color("4C8BF5"), None);
        assert_eq!(parse_color("#4C8BF"), None);
        assert_eq!(parse_color("#ééé"), None);
    }
}
