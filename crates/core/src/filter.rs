//! [`DocumentFilter`]: the hook through which sync rules decide what reaches the index.

use crate::Document;

/// Decides, document by document, whether it is indexed. Sync rules implement this; the sync
/// engine asks it for every document before writing.
pub trait DocumentFilter: Send + Sync {
    /// Whether `doc` should be indexed.
    fn accepts(&self, doc: &Document) -> bool;
}

/// The filter that accepts everything (no rules configured).
pub struct AcceptAll;

impl DocumentFilter for AcceptAll {
    fn accepts(&self, _doc: &Document) -> bool {
        true
    }
}
