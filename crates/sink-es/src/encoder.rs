//! NDJSON encoding of `_bulk` operations straight into request bodies, cut by line count and
//! bytes (spec §4.4). A document's `_source` line is its already-serialized members
//! ([`Document::write_source_members`]) with the three pipeline control fields appended: no
//! intermediate `Value`, and field values are not serialized again.

use std::ops::Range;

use compact_str::CompactString;
use connector_core::Document;
use connector_core::json_str::write_json_str;
use es_client::IngestPipeline;

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

/// One encoded operation; its NDJSON lines sit in its [`Batch`]'s body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedOp {
    /// The document `_id` (inline when short, as most are: no allocation per operation).
    pub id: CompactString,
    /// Index or delete.
    pub kind: OpKind,
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

/// Writes an operation's action line: `{"<kind>":{"_index":…,"_id":…}}`.
fn action_line(out: &mut Vec<u8>, kind: OpKind, index: &str, id: &str) {
    out.extend_from_slice(b"{\"");
    out.extend_from_slice(kind.as_str().as_bytes());
    out.extend_from_slice(b"\":{\"_index\":");
    write_json_str(out, index);
    out.extend_from_slice(b",\"_id\":");
    write_json_str(out, id);
    out.extend_from_slice(b"}}\n");
}

fn flag(value: bool) -> &'static [u8] {
    if value { b"true" } else { b"false" }
}

/// Writes the lines of an `index` operation: action line, then the document's source with
/// the pipeline control fields. Returns the bytes of the source line.
fn index_lines(out: &mut Vec<u8>, index: &str, doc: &Document, pipeline: &IngestPipeline) -> usize {
    action_line(out, OpKind::Index, index, &doc.id);
    let source_start = out.len();
    out.push(b'{');
    doc.write_source_members(out);
    out.extend_from_slice(b",\"_extract_binary_content\":");
    out.extend_from_slice(flag(pipeline.extract_binary_content));
    out.extend_from_slice(b",\"_reduce_whitespace\":");
    out.extend_from_slice(flag(pipeline.reduce_whitespace));
    out.extend_from_slice(b",\"_run_ml_inference\":");
    out.extend_from_slice(flag(pipeline.run_ml_inference));
    out.push(b'}');
    let source_bytes = out.len() - source_start;
    out.push(b'\n');
    source_bytes
}

/// Encodes operations straight into `_bulk` request bodies and cuts the requests at
/// `max_lines` NDJSON lines and `max_bytes` bytes (the reference's flush rules: flush before
/// an operation that would overflow a non-empty request, and after one that fills it; a single
/// oversized operation goes alone). Each operation is written once, into its request's body:
/// there is no buffer per operation. Bodies are taken from `spare` (buffers of earlier
/// requests) while there are any: a fresh buffer costs a page fault per 4 KB.
pub struct BatchWriter<'a> {
    index: &'a str,
    pipeline: &'a IngestPipeline,
    max_lines: usize,
    max_bytes: usize,
    spare: &'a mut Vec<Vec<u8>>,
    current: Batch,
    done: Vec<Batch>,
}

impl<'a> BatchWriter<'a> {
    /// A writer of operations on `index`, with `pipeline`'s control fields in each source.
    pub fn new(
        index: &'a str,
        pipeline: &'a IngestPipeline,
        (max_lines, max_bytes): (usize, usize),
        spare: &'a mut Vec<Vec<u8>>,
    ) -> Self {
        let current = fresh_batch(spare);
        BatchWriter {
            index,
            pipeline,
            max_lines,
            max_bytes,
            spare,
            current,
            done: Vec::new(),
        }
    }

    /// Adds an `index` operation for `doc`. An operation of more than `cap` bytes is left
    /// out, and its size returned as the error.
    pub fn index(&mut self, doc: &Document, cap: Option<usize>) -> Result<(), usize> {
        let start = self.current.body.len();
        let source_bytes = index_lines(&mut self.current.body, self.index, doc, self.pipeline);
        let bytes = self.current.body.len() - start;
        if cap.is_some_and(|cap| bytes > cap) {
            self.current.body.truncate(start);
            return Err(bytes);
        }
        let op = EncodedOp {
            id: doc.id.clone(),
            kind: OpKind::Index,
            source_bytes,
        };
        self.place(start, op);
        Ok(())
    }

    /// Adds a `delete` operation for `id`.
    pub fn delete(&mut self, id: &str) {
        let start = self.current.body.len();
        action_line(&mut self.current.body, OpKind::Delete, self.index, id);
        let op = EncodedOp {
            id: id.into(),
            kind: OpKind::Delete,
            source_bytes: 0,
        };
        self.place(start, op);
    }

    /// The requests, in order.
    pub fn finish(mut self) -> Vec<Batch> {
        if self.current.ops.is_empty() {
            self.spare.push(self.current.body);
        } else {
            self.done.push(self.current);
        }
        self.done
    }

    /// Records the operation just written at `start..` of the current body; moves it to a new
    /// request first when it overflows a non-empty one.
    fn place(&mut self, mut start: usize, op: EncodedOp) {
        let lines = op.kind.lines();
        let overflows =
            self.current.lines + lines > self.max_lines || self.current.body.len() > self.max_bytes;
        if !self.current.ops.is_empty() && overflows {
            let mut next = fresh_batch(self.spare);
            next.body.extend_from_slice(&self.current.body[start..]);
            self.current.body.truncate(start);
            self.done.push(std::mem::replace(&mut self.current, next));
            start = 0;
        }
        self.current.lines += lines;
        let range = start..self.current.body.len();
        self.current.ops.push((op, range));
        if self.current.lines >= self.max_lines || self.current.body.len() >= self.max_bytes {
            let next = fresh_batch(self.spare);
            self.done.push(std::mem::replace(&mut self.current, next));
        }
    }
}

fn fresh_batch(spare: &mut Vec<Vec<u8>>) -> Batch {
    let mut body = spare.pop().unwrap_or_default();
    body.clear();
    Batch {
        body,
        ops: Vec::new(),
        lines: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, body: &str) -> Document {
        let mut doc = Document::new(id, "Issue").with("project_id", "7");
        doc.body = body.into();
        doc
    }

    /// Writes index operations for `docs` (or deletes, for `None` bodies) and returns the
    /// requests.
    fn write(docs: &[(&str, Option<&str>)], limits: (usize, usize)) -> Vec<Batch> {
        let pipeline = IngestPipeline::default();
        let mut spare = Vec::new();
        let mut writer = BatchWriter::new("i", &pipeline, limits, &mut spare);
        for (id, body) in docs {
            match body {
                Some(body) => writer.index(&doc(id, body), None).expect("no cap"),
                None => writer.delete(id),
            }
        }
        writer.finish()
    }

    fn ids(batches: &[Batch]) -> Vec<Vec<&str>> {
        batches
            .iter()
            .map(|b| b.ops.iter().map(|(op, _)| op.id.as_str()).collect())
            .collect()
    }

    #[test]
    fn index_op_is_action_then_source_with_control_fields() {
        let pipeline = IngestPipeline {
            run_ml_inference: false,
            ..IngestPipeline::default()
        };
        let mut spare = Vec::new();
        let mut writer =
            BatchWriter::new("search-gitlab", &pipeline, (1000, usize::MAX), &mut spare);
        writer.index(&doc("issue_7_1", "x"), None).unwrap();
        let batch = writer.finish().remove(0);
        let text = String::from_utf8(batch.body).unwrap();
        assert_eq!(
            text,
            "{\"index\":{\"_index\":\"search-gitlab\",\"_id\":\"issue_7_1\"}}\n\
             {\"id\":\"issue_7_1\",\"type\":\"Issue\",\"_timestamp\":null,\"body\":\"x\",\"project_id\":\"7\",\
             \"_extract_binary_content\":true,\"_reduce_whitespace\":true,\"_run_ml_inference\":false}\n"
        );
        let source_line = text.lines().nth(1).unwrap();
        assert_eq!(batch.ops[0].0.source_bytes, source_line.len());
        assert_eq!(batch.ops[0].1, 0..text.len());
    }

    #[test]
    fn delete_op_is_one_line() {
        let batch = write(&[("a\"b", None)], (1000, usize::MAX)).remove(0);
        assert_eq!(
            batch.body,
            b"{\"delete\":{\"_index\":\"i\",\"_id\":\"a\\\"b\"}}\n"
        );
        assert_eq!(batch.lines, 1);
    }

    #[test]
    fn cuts_by_line_count() {
        let docs: Vec<(String, Option<&str>)> =
            (0..5).map(|i| (format!("d{i}"), Some(""))).collect();
        let docs: Vec<(&str, Option<&str>)> =
            docs.iter().map(|(id, b)| (id.as_str(), *b)).collect();
        let batches = write(&docs, (4, usize::MAX));
        assert_eq!(
            ids(&batches),
            [vec!["d0", "d1"], vec!["d2", "d3"], vec!["d4"]]
        );
        assert!(batches.iter().all(|b| b.lines <= 4));
        let deletes: Vec<(&str, Option<&str>)> = docs.iter().map(|(id, _)| (*id, None)).collect();
        let sizes: Vec<usize> = write(&deletes, (4, usize::MAX))
            .iter()
            .map(|b| b.ops.len())
            .collect();
        assert_eq!(sizes, [4, 1]);
    }

    #[test]
    fn cuts_by_bytes_and_sends_an_oversized_op_alone() {
        let one = write(&[("s", Some("a"))], (1000, usize::MAX))
            .remove(0)
            .body
            .len();
        let limit = one * 2 + 10;
        let big = "x".repeat(limit);
        let docs = [
            ("s", Some("a")),
            ("s2", Some("a")),
            ("big", Some(big.as_str())),
            ("s3", Some("a")),
        ];
        let batches = write(&docs, (1000, limit));
        assert_eq!(ids(&batches), [vec!["s", "s2"], vec!["big"], vec!["s3"]]);
        for batch in &batches {
            let mut next = 0;
            for (op, range) in &batch.ops {
                assert_eq!(range.start, next, "operations are contiguous");
                let lines = &batch.body[range.clone()];
                let action = lines.split(|&b| b == b'\n').next().unwrap();
                let action: serde_json::Value = serde_json::from_slice(action).unwrap();
                assert_eq!(action["index"]["_id"], op.id.as_str());
                next = range.end;
            }
            assert_eq!(next, batch.body.len());
        }
    }

    #[test]
    fn an_op_over_the_cap_is_left_out_and_its_size_returned() {
        let pipeline = IngestPipeline::default();
        let mut spare = Vec::new();
        let mut writer = BatchWriter::new("i", &pipeline, (1000, usize::MAX), &mut spare);
        writer.index(&doc("small", "a"), Some(1000)).unwrap();
        let too_big = writer.index(&doc("big", &"x".repeat(2000)), Some(1000));
        assert!(matches!(too_big, Err(bytes) if bytes > 2000));
        writer.index(&doc("after", "b"), Some(1000)).unwrap();
        let batches = writer.finish();
        assert_eq!(ids(&batches), [vec!["small", "after"]]);
        let text = String::from_utf8(batches[0].body.clone()).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(!text.contains("xxx"));
    }
}
