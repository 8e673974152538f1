//! [`EsError`]: every failure names the request (`METHOD /path`) and, for ES errors, carries
//! `error.type` and `reason`. Credentials never appear: they travel in headers, and URLs are
//! stripped from transport errors.

use serde::Deserialize;

/// A failed Elasticsearch request.
#[derive(Debug, thiserror::Error)]
pub enum EsError {
    /// Elasticsearch answered with an error status.
    #[error("{request}: HTTP {status} {error_type}: {reason}")]
    Api {
        /// `METHOD /path?query`.
        request: String,
        /// HTTP status.
        status: u16,
        /// ES `error.type` (or `http_<status>` when the body has none).
        error_type: String,
        /// ES `error.reason` (or the start of the body).
        reason: String,
    },
    /// HTTP 409: an optimistic-concurrency (`if_seq_no`/`if_primary_term`) or create conflict.
    #[error("{request}: version conflict: {reason}")]
    Conflict {
        /// `METHOD /path?query`.
        request: String,
        /// ES `error.reason`.
        reason: String,
    },
    /// No response (connection refused, timeout, TLS failure) after all retries.
    #[error("{request}: {source}")]
    Transport {
        /// `METHOD /path?query`.
        request: String,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },
    /// The response body did not have the expected shape.
    #[error("{request}: unexpected response body: {source}")]
    Decode {
        /// `METHOD /path?query`.
        request: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The client could not be built (bad CA file, bad header).
    #[error("cannot set up the Elasticsearch client: {0}")]
    Setup(String),
}

impl EsError {
    /// The HTTP status, when Elasticsearch answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            EsError::Api { status, .. } => Some(*status),
            EsError::Conflict { .. } => Some(409),
            _ => None,
        }
    }

    /// ES's `error.type`, when it answered with one.
    pub fn error_type(&self) -> Option<&str> {
        match self {
            EsError::Api { error_type, .. } => Some(error_type),
            EsError::Conflict { .. } => Some("version_conflict_engine_exception"),
            _ => None,
        }
    }

    /// Whether this is a 404 (missing document or index).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// ES's `{"error": {"type", "reason"}}` (or `{"error": "text"}`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorField,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum ErrorField {
    Cause(ErrorCause),
    Text(String),
}

/// One ES error cause (`error` of a response or of a bulk item).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ErrorCause {
    /// `type`, e.g. `mapper_parsing_exception`.
    #[serde(rename = "type", default)]
    pub error_type: String,
    /// `reason`.
    #[serde(default)]
    pub reason: Option<String>,
}

impl std::fmt::Display for ErrorCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            Some(reason) => write!(f, "{}: {reason}", self.error_type),
            None => f.write_str(&self.error_type),
        }
    }
}

/// Builds the error for a non-success response.
pub(crate) fn from_response(request: String, status: u16, body: &[u8]) -> EsError {
    let (error_type, reason) = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody {
            error: ErrorField::Cause(cause),
        }) => (cause.error_type, cause.reason.unwrap_or_default()),
        Ok(ErrorBody {
            error: ErrorField::Text(text),
        }) => (format!("http_{status}"), text),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let short: String = text.chars().take(200).collect();
            (format!("http_{status}"), short)
        }
    };
    if status == 409 {
        EsError::Conflict { request, reason }
    } else {
        EsError::Api {
            request,
            status,
            error_type,
            reason,
        }
    }
}
