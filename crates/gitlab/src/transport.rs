//! Building the one `reqwest::Client` of a [`crate::GitlabClient`]: rustls with the platform's
//! web roots plus an optional CA bundle, the `PRIVATE-TOKEN` header (marked sensitive), the
//! User-Agent and the request timeout.

use connector_core::url_without_credentials;
use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};

use crate::{ClientError, ClientSettings};

/// Header that carries the access token on every request, REST and GraphQL.
pub const PRIVATE_TOKEN: &str = "PRIVATE-TOKEN";
/// The User-Agent sent with every request.
pub const USER_AGENT_VALUE: &str = concat!("gitlab-connector/", env!("CARGO_PKG_VERSION"));

/// Builds the HTTP client described by `settings`.
pub fn build_http_client(settings: &ClientSettings) -> Result<reqwest::Client, ClientError> {
    let mut token =
        HeaderValue::from_str(settings.token.expose()).map_err(|_| ClientError::InvalidToken)?;
    token.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(PRIVATE_TOKEN, token);
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));

    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .default_headers(headers)
        .timeout(settings.request_timeout);
    if let Some(path) = &settings.ca_bundle {
        let pem = std::fs::read(path).map_err(|source| ClientError::CaBundleRead {
            path: path.clone(),
            source,
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            ClientError::CaBundleInvalid {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?;
        if certs.is_empty() {
            return Err(ClientError::CaBundleInvalid {
                path: path.clone(),
                reason: "no certificate found".to_owned(),
            });
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if settings.insecure_skip_verify {
        tracing::warn!(
            base_url = %url_without_credentials(&settings.base_url),
            "TLS certificate verification is DISABLED for GitLab; anyone on the network path can \
             read the token and the data. Use a CA bundle instead."
        );
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder.build().map_err(ClientError::Build)
}

#[cfg(test)]
mod tests {
    use connector_core::Secret;
    use url::Url;

    use super::*;

    fn settings() -> ClientSettings {
        ClientSettings::new(
            Url::parse("https://gitlab.example.com").expect("valid url"),
            Secret::new("glpat-secret-token"),
        )
    }

    #[test]
    fn missing_ca_bundle_is_named_in_the_error() {
        let mut s = settings();
        s.ca_bundle = Some("/nonexistent/dir/ca.pem".into());
        let err = build_http_client(&s)
            .expect_err("missing bundle must fail")
            .to_string();
        assert!(err.contains("/nonexistent/dir/ca.pem"), "{err}");
        assert!(!err.contains("glpat-secret-token"));
    }

    #[test]
    fn ca_bundle_without_certificates_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").expect("write");
        let mut s = settings();
        s.ca_bundle = Some(path.clone());
        let err = build_http_client(&s)
            .expect_err("empty bundle must fail")
            .to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
    }

    #[test]
    fn token_with_newline_is_refused_without_showing_it() {
        let mut s = settings();
        s.token = Secret::new("glpat-secret\ntoken");
        let err = build_http_client(&s)
            .expect_err("bad header must fail")
            .to_string();
        assert!(!err.contains("glpat-secret"));
    }
}
