//! [`ClientError`]: everything a GitLab request can fail with.
//!
//! Every variant that concerns a request names its operation label (for example
//! `ProjectIssues group/app after=abc` or `GET /projects/7/repository/tree?page=2`). No variant
//! ever carries the access token: it lives only in a sensitive header of the HTTP client.

use std::path::PathBuf;

use connector_core::error_text::with_causes;

/// A GitLab request that failed for good (after retries where retrying makes sense), or a
/// client that could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// A setting is out of range.
    #[error("invalid GitLab client setting `{field}`: {reason}")]
    InvalidSettings {
        /// The setting at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The CA bundle file could not be read.
    #[error("cannot read the CA bundle `{}`: {source}", path.display())]
    CaBundleRead {
        /// The configured bundle path.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The CA bundle file holds no usable PEM certificate.
    #[error("the CA bundle `{}` holds no valid PEM certificate: {reason}", path.display())]
    CaBundleInvalid {
        /// The configured bundle path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The token holds characters that cannot go into an HTTP header (its value is not shown).
    #[error("the GitLab access token contains characters not allowed in an HTTP header")]
    InvalidToken,
    /// The HTTP client could not be built (TLS setup).
    #[error("cannot build the HTTP client: {0}")]
    Build(#[source] reqwest::Error),
    /// HTTP 401: the token was refused.
    #[error(
        "{op}: GitLab answered 401 Unauthorized; check that the access token is valid, not \
         expired or revoked, and has the `read_api` scope (plus `read_repository` for files)"
    )]
    Unauthorized {
        /// The operation label.
        op: String,
    },
    /// HTTP 403: the token may not do this.
    #[error("{op}: GitLab answered 403 Forbidden; the token lacks access or a scope for this call")]
    Forbidden {
        /// The operation label.
        op: String,
    },
    /// HTTP 404: the resource does not exist or is not visible to this token.
    #[error("{op}: `{path}` not found, or not visible to this token")]
    NotFound {
        /// The operation label.
        op: String,
        /// The API path that was not found.
        path: String,
    },
    /// An HTTP error status that is not retried (other 4xx), or a 5xx after all attempts.
    #[error("{op}: GitLab answered HTTP {status} after {attempts} attempt(s): {message}")]
    Status {
        /// The operation label.
        op: String,
        /// The last HTTP status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// Start of GitLab's error body (truncated).
        message: String,
    },
    /// GitLab kept answering 429 Too Many Requests.
    #[error("{op}: still rate limited by GitLab (HTTP 429) after {waits} wait(s)")]
    RateLimited {
        /// The operation label.
        op: String,
        /// How many times the client waited and retried.
        waits: u32,
    },
    /// Connection failure, timeout or truncated body, after all attempts. The message carries
    /// the whole chain of causes ("Connection refused", a DNS failure), which reqwest's own
    /// message leaves out.
    #[error(
        "{op}: request failed after {attempts} attempt(s): {}",
        with_causes(source)
    )]
    Transport {
        /// The operation label.
        op: String,
        /// Attempts made.
        attempts: u32,
        /// The last transport error.
        source: reqwest::Error,
    },
    /// A file's body was shorter or longer than the size GitLab announced for it
    /// (`X-Gitlab-Size`), on every attempt.
    #[error(
        "{op}: received {received} bytes of the {announced} GitLab announced (X-Gitlab-Size) \
         after {attempts} attempt(s)"
    )]
    SizeMismatch {
        /// The operation label.
        op: String,
        /// Attempts made.
        attempts: u32,
        /// Bytes received in the last attempt.
        received: u64,
        /// The size GitLab announced.
        announced: u64,
    },
    /// The response body is not the JSON that was expected.
    #[error("{op}: cannot decode the response body: {source}")]
    Decode {
        /// The operation label.
        op: String,
        /// The decoding error.
        source: serde_json::Error,
    },
    /// GraphQL errors that look transient (rate limit, timeout, internal error) persisted.
    #[error("{op}: GraphQL errors after {attempts} attempt(s): {}", messages.join("; "))]
    Graphql {
        /// The operation label.
        op: String,
        /// Attempts made.
        attempts: u32,
        /// The messages of the last `errors` array.
        messages: Vec<String>,
    },
    /// The body is larger than the caller allows; it was not downloaded.
    #[error("{op}: body of {} exceeds the limit of {limit} bytes", size.map_or_else(|| "unknown size".to_owned(), |s| format!("{s} bytes")))]
    TooLarge {
        /// The operation label.
        op: String,
        /// The allowed size.
        limit: u64,
        /// The announced size, when GitLab sent `Content-Length` or `X-Gitlab-Size`.
        size: Option<u64>,
    },
    /// The GraphQL request could not be serialized.
    #[error("{op}: cannot serialize the GraphQL request: {source}")]
    Serialize {
        /// The operation label.
        op: String,
        /// The serialization error.
        source: serde_json::Error,
    },
}
