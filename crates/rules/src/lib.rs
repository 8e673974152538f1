//! Sync rules for gitlab-connector: which documents reach the index.
//!
//! * [`BasicRules`] — Elastic's basic sync rules (`include`/`exclude` × `equals`, `contains`,
//!   `starts_with`, `ends_with`, `regex`, `<`, `>`), evaluated exactly as the reference
//!   connector framework does (connector-protocol.md §5.2), with one documented deviation:
//!   comparisons the reference crashes on are "no match".
//! * [`validate_filtering`] — the draft validation the service reports through
//!   `_filtering/_validation` ([`FilteringValidation`], §5.3), basic and advanced.
//! * [`AdvancedRules`] — our advanced rules (a JSON array, schema in `README.md`): per project
//!   path glob, which object types to sync, issue / MR state and labels, `updated_after`,
//!   README globs. [`AdvancedRules::plan_for_project`] gives the source a [`ProjectPlan`] to
//!   push down into its GitLab queries; the rules also implement
//!   [`DocumentFilter`] for what GitLab cannot filter.
//! * [`file::load`] — the same rules from a JSON or YAML file in `sync` mode.
//!
//! [`SyncRules`] joins basic and advanced rules into the one filter the sync engine applies.
//! The crate knows nothing of GitLab clients or sinks: it sits beside `sync-engine`, fed by
//! `protocol` (service mode) or the CLI (sync mode).
//!
//! ```
//! use connector_core::{Document, DocumentFilter};
//! use serde_json::json;
//!
//! let rules = sync_rules::SyncRules::from_filtering(&json!({
//!     "rules": [
//!         {"id": "r1", "order": 1, "policy": "exclude", "field": "state", "rule": "equals", "value": "closed"},
//!         {"id": "DEFAULT", "order": 2, "policy": "include", "field": "_", "rule": "regex", "value": ".*"}
//!     ],
//!     "advanced_snippet": {"value": {}}
//! })).unwrap();
//! let closed = Document::new("mr_1_1", "Merge Request").with("state", "closed");
//! assert!(!rules.accepts(&closed));
//! ```

pub mod advanced;
pub mod basic;
mod compare;
pub mod error;
pub mod file;
pub mod plan;
mod pointer;
mod pystr;
pub mod validate;

use connector_core::{Document, DocumentFilter};
use serde_json::Value;

pub use advanced::{AdvancedRule, AdvancedRuleError, IssueState, MergeRequestState, StateFilter};
pub use basic::{BasicRule, BasicRules, DEFAULT_RULE_ID, Policy, RuleKind};
pub use error::RulesError;
pub use plan::{AdvancedRules, ItemPlan, ProjectPlan, ReadmeGlobs};
pub use validate::{
    FilteringError, FilteringValidation, ValidationState, validate_advanced_rules,
    validate_basic_rules, validate_filtering,
};

/// Basic and advanced rules together: a document is indexed when both accept it.
#[derive(Debug, Clone, Default)]
pub struct SyncRules {
    /// Elastic's basic rules.
    pub basic: BasicRules,
    /// Our advanced rules.
    pub advanced: AdvancedRules,
}

impl SyncRules {
    /// Rules from a filtering object (`{rules, advanced_snippet: {value}}`, as in a job's
    /// `connector.filtering` or a connector's `filtering[].active`). Missing parts mean no
    /// rules. Validate first with [`validate_filtering`] for messages fit for Kibana.
    pub fn from_filtering(filtering: &Value) -> Result<SyncRules, RulesError> {
        let basic = match filtering.get("rules") {
            Some(rules) if !rules.is_null() => BasicRules::from_json(rules)?,
            _ => BasicRules::default(),
        };
        let advanced = match filtering
            .get("advanced_snippet")
            .and_then(|s| s.get("value"))
        {
            Some(value) => AdvancedRules::from_value(value).map_err(RulesError::InvalidAdvanced)?,
            None => AdvancedRules::default(),
        };
        Ok(SyncRules { basic, advanced })
    }

    /// Whether no rule restricts anything.
    pub fn is_empty(&self) -> bool {
        self.basic.is_empty() && self.advanced.is_empty()
    }
}

impl DocumentFilter for SyncRules {
    fn accepts(&self, doc: &Document) -> bool {
        self.advanced.accepts(doc) && self.basic.accepts(doc)
    }
}
