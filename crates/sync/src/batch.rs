//! [`Batcher`]: cuts the document stream into batches by count and by approximate bytes.

use connector_core::Document;

/// Per-document overhead added to the body length when estimating a batch's size: the fields
/// besides `body` of a typical issue or merge request serialize to a few hundred bytes.
const FIELD_OVERHEAD_BYTES: usize = 512;

/// Collects documents until a batch is full.
#[derive(Debug)]
pub(crate) struct Batcher {
    docs: Vec<Document>,
    bytes: usize,
    max_docs: usize,
    max_bytes: usize,
}

impl Batcher {
    pub(crate) fn new(max_docs: usize, max_bytes: usize) -> Self {
        Batcher {
            docs: Vec::new(),
            bytes: 0,
            max_docs: max_docs.max(1),
            max_bytes: max_bytes.max(1),
        }
    }

    /// Adds a document; returns a full batch when this one filled it.
    pub(crate) fn push(&mut self, doc: Document) -> Option<Vec<Document>> {
        self.bytes += doc.body.json_len() + FIELD_OVERHEAD_BYTES;
        self.docs.push(doc);
        if self.docs.len() >= self.max_docs || self.bytes >= self.max_bytes {
            return self.take();
        }
        None
    }

    /// Whatever is pending, if anything.
    pub(crate) fn take(&mut self) -> Option<Vec<Document>> {
        self.bytes = 0;
        if self.docs.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.docs))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_count_and_by_bytes() {
        let mut by_count = Batcher::new(2, usize::MAX);
        assert!(by_count.push(Document::new("a", "Issue")).is_none());
        assert_eq!(
            by_count.push(Document::new("b", "Issue")).map(|b| b.len()),
            Some(2)
        );
        assert!(by_count.take().is_none());

        let mut by_bytes = Batcher::new(100, 1000);
        let mut big = Document::new("c", "File");
        big.body = "x".repeat(600).into();
        assert_eq!(by_bytes.push(big).map(|b| b.len()), Some(1));
    }
}
