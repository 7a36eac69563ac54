//! A span's attributes (name → text value), kept as a vector sorted by name.
//!
//! Spans have few attributes (none to three in practice), and a corpus has hundreds of
//! thousands of spans: a `BTreeMap` allocates a whole node (544 bytes, for eleven entries)
//! for the first one, which made attributes half of a 10,000-article corpus's resident
//! memory (`hashiya debug memory`, issue #18). A sorted vector holds exactly what is
//! there, keeps `BTreeMap`'s order (files and exports stay byte-identical), and is read
//! and written as the same JSON object. A name given twice in a file is an error.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Attribute name → value, sorted by name, each name once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Attributes(Vec<(String, String)>);

impl Attributes {
    pub const fn new() -> Self {
        Attributes(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&String> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets `name` to `value`; returns the value it replaces.
    pub fn insert(&mut self, name: String, value: String) -> Option<String> {
        match self.find(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.find(name).ok().map(|i| self.0.remove(i).1)
    }

    /// Keeps the attributes for which `keep(name, value)` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut String) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// (name, value) in name order.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (&String, &String)> + ExactSizeIterator + Clone + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + '_ {
        self.0.iter().map(|(_, v)| v)
    }
}

impl std::ops::Index<&str> for Attributes {
    type Output = String;
    /// The value of `name`; panics when there is none (like a `BTreeMap`'s index).
    fn index(&self, name: &str) -> &String {
        match self.get(name) {
            Some(v) => v,
            None => panic!("no attribute {name:?}"),
        }
    }
}

impl FromIterator<(String, String)> for Attributes {
    /// Like a `BTreeMap`: sorted by name, the last value of a repeated name wins.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut out = Attributes::new();
        out.extend(iter);
        out
    }
}

impl Extend<(String, String)> for Attributes {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl From<BTreeMap<String, String>> for Attributes {
    fn from(map: BTreeMap<String, String>) -> Self {
        // Already sorted and unique.
        Attributes(map.into_iter().collect())
    }
}

impl From<Attributes> for BTreeMap<String, String> {
    fn from(a: Attributes) -> Self {
        a.0.into_iter().collect()
    }
}

impl<const N: usize> From<[(String, String); N]> for Attributes {
    fn from(pairs: [(String, String); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl IntoIterator for Attributes {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Attributes {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Attributes {
    /// A JSON object of names to text values; a name given twice is refused (a JSON
    /// object with a repeated key would otherwise keep one of the values silently).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct UniqueKeys;
        impl<'de> serde::de::Visitor<'de> for UniqueKeys {
            type Value = Attributes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of attribute names to text values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Attributes(Vec::with_capacity(map.size_hint().unwrap_or(0)));
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    match out.find(&k) {
                        Ok(_) => {
                            return Err(serde::de::Error::custom(format!(
                                "attribute \"{k}\" is given twice in one span (keep one of the values)"
                            )));
                        }
                        Err(i) => out.0.insert(i, (k, v)),
                    }
                }
                out.0.shrink_to_fit();
                Ok(out)
            }
        }
        d.deserialize_map(UniqueKeys)
    }
}

impl schemars::JsonSchema for Attributes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        BTreeMap::<String, String>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        BTreeMap::<String, String>::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(a: &Attributes) -> Vec<(&str, &str)> {
        a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut a = Attributes::new();
        let mut put = |k: &str, v: &str| a.insert(k.to_string(), v.to_string());
        assert_eq!(put("kind", "person"), None);
        assert_eq!(put("certainty", "high"), None);
        assert_eq!(put("role", "speaker"), None);
        assert_eq!(put("kind", "group"), Some("person".to_string()));
        assert_eq!(
            pairs(&a),
            [
                ("certainty", "high"),
                ("kind", "group"),
                ("role", "speaker")
            ]
        );
        assert_eq!(a.get("kind").map(String::as_str), Some("group"));
        assert_eq!(a["kind"], "group");
        assert!(a.get("missing").is_none());
        assert_eq!(a.remove("certainty"), Some("high".to_string()));
        a.retain(|k, _| k != "role");
        assert_eq!(pairs(&a), [("kind", "group")]);
        // The same order and values as a BTreeMap built from the same pairs.
        let raw = [("z", "1"), ("a", "2"), ("m", "3"), ("a", "4")];
        let from_vec: Attributes = raw
            .iter()
            .map(|&(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let map: BTreeMap<String, String> = raw
            .iter()
            .map(|&(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(from_vec, Attributes::from(map.clone()));
        assert_eq!(BTreeMap::from(from_vec), map);
    }

    #[test]
    fn json_is_the_same_object_and_a_repeated_name_is_refused() {
        let a: Attributes = serde_json::from_str(r#"{"role": "speaker", "kind": "person"}"#)
            .expect("an object of strings");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"kind":"person","role":"speaker"}"#
        );
        let map: BTreeMap<String, String> =
            serde_json::from_str(r#"{"role": "speaker", "kind": "person"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        let e = serde_json::from_str::<Attributes>(r#"{"kind": "a", "kind": "b"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"kind\" is given twice"), "{e}");
        assert!(serde_json::from_str::<Attributes>(r#"{"kind": 1}"#).is_err());
    }
}
