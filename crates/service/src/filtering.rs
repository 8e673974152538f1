//! Draft sync-rule validation (spec §3.6 step 3, §5.3): drafts Kibana marked `edited` are
//! validated with the rules crate, reported through `_filtering/_validation`, and activated
//! when valid.

use es_client::{Connector, EsClient, EsError, FilteringValidation, FilteringValidationError};

/// The filtering domain the service handles.
const DEFAULT_DOMAIN: &str = "DEFAULT";
/// The draft state that asks for validation.
const EDITED: &str = "edited";

/// Whether `features` enable any kind of sync rules (spec §2.4 reading rules).
pub fn sync_rules_enabled(connector: &Connector) -> bool {
    let Some(features) = &connector.features else {
        return false;
    };
    let on = |pointer: &str| features.pointer(pointer).and_then(|v| v.as_bool()) == Some(true);
    on("/sync_rules/basic/enabled")
        || on("/sync_rules/advanced/enabled")
        || on("/filtering_rules")
        || on("/filtering_advanced_config")
}

/// Converts the rules crate's result into the wire shape.
pub fn to_wire(validation: &sync_rules::FilteringValidation) -> FilteringValidation {
    let state = if validation.is_valid() {
        "valid"
    } else {
        "invalid"
    };
    FilteringValidation {
        state: state.to_owned(),
        errors: validation
            .errors
            .iter()
            .map(|e| FilteringValidationError {
                ids: e.ids.clone(),
                messages: e.messages.clone(),
            })
            .collect(),
    }
}

/// Validates an `edited` draft of `connector` and reports it; activates it when valid.
/// Returns whether anything was validated.
pub async fn validate_draft(
    es: &EsClient,
    id: &str,
    connector: &Connector,
) -> Result<bool, EsError> {
    let Some(filtering) = connector
        .filtering
        .iter()
        .find(|f| f.domain.as_deref().unwrap_or(DEFAULT_DOMAIN) == DEFAULT_DOMAIN)
    else {
        return Ok(false);
    };
    if filtering.draft.validation.state != EDITED {
        return Ok(false);
    }
    let draft = serde_json::to_value(&filtering.draft).unwrap_or_default();
    let result = sync_rules::validate_filtering(&draft);
    tracing::info!(valid = result.is_valid(), "validated draft sync rules");
    es.connector_update_filtering_validation(id, to_wire(&result))
        .await?;
    if result.is_valid() {
        es.connector_activate_filtering(id).await?;
    }
    Ok(true)
}
