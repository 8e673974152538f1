//! [`QueryText`]: an operation's query text, built once per process.

use std::borrow::Cow;
use std::sync::OnceLock;

use cynic::{Operation, QueryFragment, QueryVariables};

/// The query text (and operation name) of one operation type, kept after its first build.
///
/// cynic formats the whole query document on every `build`, which is the same text every time
/// (variables travel separately), and a listing builds one per page: reusing it saved ~4 % of a
/// sync's CPU (bench/README.md).
pub(crate) struct QueryText(OnceLock<(String, Option<Cow<'static, str>>)>);

impl QueryText {
    /// Nothing built yet.
    pub(crate) const fn new() -> Self {
        QueryText(OnceLock::new())
    }

    /// The operation for `variables`: built by `build` the first time, then from the kept text.
    pub(crate) fn operation<F: QueryFragment, V: QueryVariables>(
        &self,
        variables: V,
        build: impl FnOnce(V) -> Operation<F, V>,
    ) -> Operation<F, V> {
        if let Some((query, name)) = self.0.get() {
            let mut operation = Operation::new(query.clone(), variables);
            operation.operation_name = name.clone();
            return operation;
        }
        let operation = build(variables);
        // A concurrent first build produced the same text; either copy may stay.
        let _ = self
            .0
            .set((operation.query.clone(), operation.operation_name.clone()));
        operation
    }
}
