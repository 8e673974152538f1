//! Reading responses: error statuses, size-capped bodies, JSON and GraphQL decoding. Each
//! result says whether the attempt may be retried ([`Failure`]).

use bytes::{Bytes, BytesMut};
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::ClientError;
use crate::client::{Failure, GraphqlResponse, MAX_JSON_BODY_BYTES};
use crate::retry::is_transient_graphql_message;

/// How much of an error body is kept in [`ClientError::Status`].
const ERROR_BODY_PREVIEW_CHARS: usize = 200;

#[derive(serde::Deserialize)]
struct RawGraphql {
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Vec<RawGraphqlError>,
}

#[derive(serde::Deserialize)]
struct RawGraphqlError {
    message: String,
}

/// The error for a non-success status (reads at most the first chunk of the body).
pub(crate) async fn status_error(
    mut resp: Response,
    op: &str,
    api_path: &str,
    attempts: u32,
) -> ClientError {
    let status = resp.status();
    match status {
        StatusCode::UNAUTHORIZED => ClientError::Unauthorized { op: op.to_owned() },
        StatusCode::FORBIDDEN => ClientError::Forbidden { op: op.to_owned() },
        StatusCode::NOT_FOUND => ClientError::NotFound {
            op: op.to_owned(),
            path: api_path.to_owned(),
        },
        _ => {
            let chunk = resp.chunk().await.ok().flatten().unwrap_or_default();
            let message: String = String::from_utf8_lossy(&chunk)
                .chars()
                .take(ERROR_BODY_PREVIEW_CHARS)
                .collect();
            ClientError::Status {
                op: op.to_owned(),
                status: status.as_u16(),
                attempts,
                message,
            }
        }
    }
}

/// Reads a body of at most `limit` bytes without buffering more: `Content-Length` is checked
/// first, then the stream is cut as soon as it passes the limit.
pub(crate) async fn read_capped(
    mut resp: Response,
    op: &str,
    limit: u64,
    attempt: u32,
) -> Result<Bytes, Failure> {
    let too_large = |size| {
        Failure::Final(ClientError::TooLarge {
            op: op.to_owned(),
            limit,
            size,
        })
    };
    if let Some(len) = resp.content_length().filter(|len| *len > limit) {
        return Err(too_large(Some(len)));
    }
    let mut buf = BytesMut::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if (buf.len() + chunk.len()) as u64 > limit {
                    return Err(too_large(None));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(buf.freeze()),
            Err(source) => {
                return Err(Failure::Transient(ClientError::Transport {
                    op: op.to_owned(),
                    attempts: attempt,
                    source,
                }));
            }
        }
    }
}

/// Decodes JSON; malformed JSON (a proxy page, a cut body) is retried, a shape mismatch is not.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8], op: &str) -> Result<T, Failure> {
    serde_json::from_slice(bytes).map_err(|source| {
        let transient = source.is_syntax() || source.is_eof();
        let err = ClientError::Decode {
            op: op.to_owned(),
            source,
        };
        if transient {
            Failure::Transient(err)
        } else {
            Failure::Final(err)
        }
    })
}

pub(crate) async fn decode_graphql(
    resp: Response,
    op: String,
    attempt: u32,
) -> Result<GraphqlResponse<serde_json::Value>, Failure> {
    let bytes = read_capped(resp, &op, MAX_JSON_BODY_BYTES, attempt).await?;
    let raw: RawGraphql = decode_json(&bytes, &op)?;
    let errors: Vec<String> = raw.errors.into_iter().map(|e| e.message).collect();
    if errors.iter().any(|m| is_transient_graphql_message(m)) {
        return Err(Failure::Transient(ClientError::Graphql {
            op,
            attempts: attempt,
            messages: errors,
        }));
    }
    if !errors.is_empty() {
        tracing::debug!(op, errors = ?errors, "graphql errors returned to the caller");
    }
    Ok(GraphqlResponse {
        data: raw.data.filter(|d| !d.is_null()),
        errors,
    })
}
