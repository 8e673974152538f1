//! The parsed YAML as a tree that remembers the line of every key, merged the way the
//! reference loads `config.yml`: top-level dotted keys are split and deep-merged, and the
//! result is turned into JSON for typed deserialization, with a side table `dotted path → line`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

/// One YAML value with the line it starts on (0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `null` / `~` / empty.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order, each key with its line.
    Map(Vec<(String, usize, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Number::from_f64(v).map_or(Node::Null, Node::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key.value.0, key.referenced.line() as usize, value));
        }
        Ok(Node::Map(entries))
    }
}

/// A mapping key: YAML allows numbers and booleans as keys; they are used as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<KeyText, D::Error> {
        match Node::deserialize(deserializer)? {
            Node::Str(text) => Ok(KeyText(text)),
            Node::Number(n) => Ok(KeyText(n.to_string())),
            Node::Bool(b) => Ok(KeyText(b.to_string())),
            Node::Null => Ok(KeyText("null".into())),
            Node::Seq(_) | Node::Map(_) => Err(de::Error::custom("mapping keys must be scalars")),
        }
    }
}

/// The merged configuration: JSON for serde plus where each dotted key was written.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// The merged tree.
    pub(crate) value: Map<String, Value>,
    /// `dotted.path` (sequence items as `connectors[0]`) → 1-based line.
    pub(crate) lines: BTreeMap<String, usize>,
}

impl Merged {
    /// Splits every top-level key on `.` and deep-merges the file into one tree (later
    /// mappings merge into earlier ones; scalars and lists replace).
    pub(crate) fn from_root(root: Node) -> Result<Merged, String> {
        let mut merged = Merged::default();
        match root {
            Node::Null => {}
            Node::Map(entries) => {
                for (key, line, node) in entries {
                    let parts: Vec<&str> = key.split('.').collect();
                    merged.insert_path(&parts, line, node);
                }
            }
            _ => return Err("the top level must be a mapping of keys".into()),
        }
        Ok(merged)
    }

    fn insert_path(&mut self, parts: &[&str], line: usize, node: Node) {
        let mut prefix = String::new();
        let mut target = &mut self.value;
        let Some((last, parents)) = parts.split_last() else {
            return;
        };
        for part in parents {
            push_segment(&mut prefix, part);
            self.lines.entry(prefix.clone()).or_insert(line);
            let slot = target
                .entry((*part).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(inner) = slot else {
                return;
            };
            target = inner;
        }
        push_segment(&mut prefix, last);
        self.lines.insert(prefix.clone(), line);
        let value = to_json(node, &prefix, &mut self.lines);
        merge_into(target, last, value);
    }

    /// The line of `path` or of its nearest ancestor that has one.
    pub(crate) fn line_of(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path).filter(|line| **line > 0) {
                return Some(*line);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

fn push_segment(prefix: &mut String, part: &str) {
    if !prefix.is_empty() {
        prefix.push('.');
    }
    prefix.push_str(part);
}

fn merge_into(target: &mut Map<String, Value>, key: &str, value: Value) {
    match (target.get_mut(key), value) {
        (Some(Value::Object(existing)), Value::Object(incoming)) => {
            for (k, v) in incoming {
                merge_into(existing, &k, v);
            }
        }
        (_, value) => {
            target.insert(key.to_owned(), value);
        }
    }
}

fn to_json(node: Node, path: &str, lines: &mut BTreeMap<String, usize>) -> Value {
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Number(n) => Value::Number(n),
        Node::Str(s) => Value::String(s),
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let item_path = format!("{path}[{i}]");
                    if let Node::Map(entries) = &item
                        && let Some((_, line, _)) = entries.first()
                    {
                        lines.insert(item_path.clone(), *line);
                    }
                    to_json(item, &item_path, lines)
                })
                .collect(),
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (key, line, node) in entries {
                let child = format!("{path}.{key}");
                lines.insert(child.clone(), line);
                let value = to_json(node, &child, lines);
                merge_into(&mut map, &key, value);
            }
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(text: &str) -> Merged {
        let root: Node = serde_saphyr::from_str(text).expect("valid yaml");
        Merged::from_root(root).expect("mapping")
    }

    #[test]
    fn dotted_and_nested_keys_deep_merge_with_lines() {
        let m = merged(
            "elasticsearch:\n  host: http://a:9200\nelasticsearch.bulk.chunk_size: 7\nelasticsearch.bulk:\n  display_every: 3\n",
        );
        let es = &m.value["elasticsearch"];
        assert_eq!(es["host"], "http://a:9200");
        assert_eq!(es["bulk"]["chunk_size"], 7);
        assert_eq!(es["bulk"]["display_every"], 3);
        assert_eq!(m.line_of("elasticsearch.host"), Some(2));
        assert_eq!(m.line_of("elasticsearch.bulk.chunk_size"), Some(3));
        assert_eq!(m.line_of("elasticsearch.bulk.display_every"), Some(5));
    }

    #[test]
    fn list_items_have_lines() {
        let m = merged("connectors:\n  - connector_id: a\n    service_type: gitlab\n");
        assert_eq!(m.line_of("connectors[0].service_type"), Some(3));
    }
}
