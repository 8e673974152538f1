//! NDJSON encoding of `_bulk` operations, and cutting them into requests by line count and
//! bytes (spec §4.4). A document's `_source` line is its already-serialized members
//! ([`Document::write_source_members`]) with the three pipeline control fields appended: no
//! intermediate `Value`, and field values are not serialized again.

use std::ops::Range;

use connector_core::Document;
use es_client::IngestPipeline;
use serde::Serialize;

/// The kind of a `_bulk` operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// `index` (action + source, 2 lines).
    Index,
    /// `delete` (action only, 1 line).
    Delete,
}

impl OpKind {
    /// The action name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Index => "index",
            OpKind::Delete => "delete",
        }
    }

    /// NDJSON lines one operation takes.
    pub fn lines(self) -> usize {
        match self {
            OpKind::Index => 2,
            OpKind::Delete => 1,
        }
    }
}

/// One encoded operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedOp {
    /// The document `_id`.
    pub id: String,
    /// Index or delete.
    pub kind: OpKind,
    /// Its NDJSON lines, each ending in `\n`; moved out (left empty) when the operation joins
    /// a [`Batch`], whose body then holds them at the operation's range.
    pub bytes: Vec<u8>,
    /// Bytes of the source line (0 for deletes), for `WriteReport::bytes`.
    pub source_bytes: usize,
}

/// One `_bulk` request: the body and where each operation sits in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The NDJSON body.
    pub body: Vec<u8>,
    /// The operations, in body order, with their byte ranges.
    pub ops: Vec<(EncodedOp, Range<usize>)>,
    /// NDJSON lines in the body.
    pub lines: usize,
}

impl Batch {
    fn push(&mut self, mut op: EncodedOp) {
        let start = self.body.len();
        self.body.extend_from_slice(&op.bytes);
        // One copy per batch is enough: a second would double the sink's memory.
        op.bytes = Vec::new();
        self.lines += op.kind.lines();
        let range = start..self.body.len();
        self.ops.push((op, range));
    }
}

#[derive(Serialize)]
struct Action<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

fn action_line(out: &mut Vec<u8>, kind: OpKind, index: &str, id: &str) {
    out.extend_from_slice(b"{\"");
    out.extend_from_slice(kind.as_str().as_bytes());
    out.extend_from_slice(b"\":");
    // Two strings: serializing them cannot fail.
    let _ = serde_json::to_writer(&mut *out, &Action { index, id });
    out.extend_from_slice(b"}\n");
}

fn flag(value: bool) -> &'static [u8] {
    if value { b"true" } else { b"false" }
}

/// Encodes an `index` operation: action line, then the document with the control fields.
pub fn encode_index(index: &str, doc: &Document, pipeline: &IngestPipeline) -> EncodedOp {
    let mut bytes = Vec::with_capacity(
        160 + index.len() + 2 * doc.id.len() + doc.body.len() + doc.fields.members().len(),
    );
    action_line(&mut bytes, OpKind::Index, index, &doc.id);
    let source_start = bytes.len();
    bytes.push(b'{');
    doc.write_source_members(&mut bytes);
    bytes.extend_from_slice(b",\"_extract_binary_content\":");
    bytes.extend_from_slice(flag(pipeline.extract_binary_content));
    bytes.extend_from_slice(b",\"_reduce_whitespace\":");
    bytes.extend_from_slice(flag(pipeline.reduce_whitespace));
    bytes.extend_from_slice(b",\"_run_ml_inference\":");
    bytes.extend_from_slice(flag(pipeline.run_ml_inference));
    bytes.push(b'}');
    let source_bytes = bytes.len() - source_start;
    bytes.push(b'\n');
    EncodedOp {
        id: doc.id.clone(),
        kind: OpKind::Index,
        bytes,
        source_bytes,
    }
}

/// Encodes a `delete` operation.
pub fn encode_delete(index: &str, id: &str) -> EncodedOp {
    let mut bytes = Vec::with_capacity(64 + index.len() + id.len());
    action_line(&mut bytes, OpKind::Delete, index, id);
    EncodedOp {
        id: id.to_owned(),
        kind: OpKind::Delete,
        bytes,
        source_bytes: 0,
    }
}

/// Cuts operations into requests of at most `max_lines` NDJSON lines and `max_bytes` bytes
/// (the reference's flush rules: flush before an operation that would overflow a non-empty
/// batch, and after one that fills it; a single oversized operation goes alone). Each body is
/// sized once, for all its operations, and is taken from `spare` bodies (buffers of earlier
/// requests) while there are any: a fresh buffer of that size costs a page fault per 4 KB.
pub fn cut(
    ops: Vec<EncodedOp>,
    max_lines: usize,
    max_bytes: usize,
    spare: &mut Vec<Vec<u8>>,
) -> Vec<Batch> {
    let mut sizes = Vec::new();
    let (mut count, mut lines, mut bytes) = (0, 0, 0);
    for op in &ops {
        if count > 0 && (lines + op.kind.lines() > max_lines || bytes + op.bytes.len() > max_bytes)
        {
            sizes.push((count, bytes));
            (count, lines, bytes) = (0, 0, 0);
        }
        count += 1;
        lines += op.kind.lines();
        bytes += op.bytes.len();
        if lines >= max_lines || bytes >= max_bytes {
            sizes.push((count, bytes));
            (count, lines, bytes) = (0, 0, 0);
        }
    }
    if count > 0 {
        sizes.push((count, bytes));
    }
    let mut ops = ops.into_iter();
    sizes
        .into_iter()
        .map(|(count, bytes)| {
            let mut body = spare.pop().unwrap_or_default();
            body.clear();
            body.reserve(bytes);
            let mut batch = Batch {
                body,
                ops: Vec::with_capacity(count),
                lines: 0,
            };
            for op in ops.by_ref().take(count) {
                batch.push(op);
            }
            batch
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, body: &str) -> Document {
        let mut doc = Document::new(id, "Issue").with("project_id", "7");
        doc.body = body.into();
        doc
    }

    #[test]
    fn index_op_is_action_then_source_with_control_fields() {
        let pipeline = IngestPipeline {
            run_ml_inference: false,
            ..IngestPipeline::default()
        };
        let op = encode_index("search-gitlab", &doc("issue_7_1", "x"), &pipeline);
        let text = String::from_utf8(op.bytes).unwrap();
        assert_eq!(
            text,
            "{\"index\":{\"_index\":\"search-gitlab\",\"_id\":\"issue_7_1\"}}\n\
             {\"id\":\"issue_7_1\",\"type\":\"Issue\",\"_timestamp\":null,\"body\":\"x\",\"project_id\":\"7\",\
             \"_extract_binary_content\":true,\"_reduce_whitespace\":true,\"_run_ml_inference\":false}\n"
        );
        let source_line = text.lines().nth(1).unwrap();
        assert_eq!(op.source_bytes, source_line.len());
    }

    #[test]
    fn delete_op_is_one_line() {
        let op = encode_delete("i", "a\"b");
        assert_eq!(
            op.bytes,
            b"{\"delete\":{\"_index\":\"i\",\"_id\":\"a\\\"b\"}}\n"
        );
    }

    #[test]
    fn cuts_by_line_count() {
        let ops = (0..5)
            .map(|i| encode_index("i", &doc(&format!("d{i}"), ""), &IngestPipeline::default()))
            .collect();
        let batches = cut(ops, 4, usize::MAX, &mut Vec::new());
        let sizes: Vec<usize> = batches.iter().map(|b| b.ops.len()).collect();
        assert_eq!(sizes, [2, 2, 1]);
        assert!(batches.iter().all(|b| b.lines <= 4));
        let deletes = (0..5)
            .map(|i| encode_delete("i", &format!("d{i}")))
            .collect();
        let sizes: Vec<usize> = cut(deletes, 4, usize::MAX, &mut Vec::new())
            .iter()
            .map(|b| b.ops.len())
            .collect();
        assert_eq!(sizes, [4, 1]);
    }

    #[test]
    fn cuts_by_bytes_and_sends_an_oversized_op_alone() {
        let pipeline = IngestPipeline::default();
        let small = encode_index("i", &doc("s", "a"), &pipeline);
        let limit = small.bytes.len() * 2 + 10;
        let ops = vec![
            small.clone(),
            encode_index("i", &doc("s2", "a"), &pipeline),
            encode_index("i", &doc("big", &"x".repeat(limit)), &pipeline),
            encode_index("i", &doc("s3", "a"), &pipeline),
        ];
        let encoded: Vec<Vec<u8>> = ops.iter().map(|op| op.bytes.clone()).collect();
        let batches = cut(ops, 1000, limit, &mut Vec::new());
        let ids: Vec<Vec<&str>> = batches
            .iter()
            .map(|b| b.ops.iter().map(|(op, _)| op.id.as_str()).collect())
            .collect();
        assert_eq!(ids, [vec!["s", "s2"], vec!["big"], vec!["s3"]]);
        let in_bodies: Vec<&[u8]> = batches
            .iter()
            .flat_map(|b| b.ops.iter().map(|(_, range)| &b.body[range.clone()]))
            .collect();
        assert_eq!(in_bodies, encoded);
        assert!(
            batches
                .iter()
                .flat_map(|b| &b.ops)
                .all(|(op, _)| op.bytes.is_empty())
        );
    }
}
