//! The vendored REST API spec: which API a method and path name, and which query parameters
//! that API accepts.
//!
//! Routing is driven by the spec files themselves, so es-sim answers exactly the paths ES
//! documents. Where two paths fit (`/_connector/_sync_job` and `/_connector/{connector_id}`),
//! the one with a literal segment earlier wins, like ES's path trie.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::error::EsError;

macro_rules! spec {
    ($file:literal) => {
        ($file, include_str!(concat!("../rest-api-spec/", $file)))
    };
}

/// Every spec file es-sim serves.
const SPEC_FILES: &[(&str, &str)] = &[
    spec!("bulk.json"),
    spec!("clear_scroll.json"),
    spec!("close_point_in_time.json"),
    spec!("connector.check_in.json"),
    spec!("connector.delete.json"),
    spec!("connector.get.json"),
    spec!("connector.last_sync.json"),
    spec!("connector.list.json"),
    spec!("connector.post.json"),
    spec!("connector.put.json"),
    spec!("connector.sync_job_cancel.json"),
    spec!("connector.sync_job_check_in.json"),
    spec!("connector.sync_job_claim.json"),
    spec!("connector.sync_job_delete.json"),
    spec!("connector.sync_job_error.json"),
    spec!("connector.sync_job_get.json"),
    spec!("connector.sync_job_list.json"),
    spec!("connector.sync_job_post.json"),
    spec!("connector.sync_job_update_stats.json"),
    spec!("connector.update_active_filtering.json"),
    spec!("connector.update_api_key_id.json"),
    spec!("connector.update_configuration.json"),
    spec!("connector.update_error.json"),
    spec!("connector.update_features.json"),
    spec!("connector.update_filtering.json"),
    spec!("connector.update_filtering_validation.json"),
    spec!("connector.update_index_name.json"),
    spec!("connector.update_name.json"),
    spec!("connector.update_native.json"),
    spec!("connector.update_pipeline.json"),
    spec!("connector.update_scheduling.json"),
    spec!("connector.update_service_type.json"),
    spec!("connector.update_status.json"),
    spec!("count.json"),
    spec!("delete.json"),
    spec!("get.json"),
    spec!("index.json"),
    spec!("indices.create.json"),
    spec!("indices.delete.json"),
    spec!("indices.exists.json"),
    spec!("indices.get.json"),
    spec!("indices.get_mapping.json"),
    spec!("local/indices.get_settings.json"),
    spec!("indices.refresh.json"),
    spec!("info.json"),
    spec!("open_point_in_time.json"),
    spec!("scroll.json"),
    spec!("search.json"),
    spec!("update.json"),
];

/// Query parameters every API accepts (ES's `_common.json`).
const COMMON_PARAMS: &[&str] = &["pretty", "human", "error_trace", "filter_path", "source"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Part(String),
}

#[derive(Debug)]
struct PathSpec {
    api: String,
    segments: Vec<Segment>,
    methods: Vec<Method>,
}

/// The parsed spec: paths to match and parameters per API.
#[derive(Debug)]
pub struct RestSpec {
    paths: Vec<PathSpec>,
    params: HashMap<String, BTreeMap<String, String>>,
}

/// A request matched to an API.
#[derive(Debug, Clone)]
pub struct Matched {
    /// API name as in the spec (`search`, `connector.sync_job_claim`, ...).
    pub api: String,
    /// Path parts by name (`index`, `id`, `connector_id`, ...), percent-decoded.
    pub parts: HashMap<String, String>,
}

impl Matched {
    /// A path part, or an empty string when the matched path has no such part.
    pub fn part(&self, name: &str) -> &str {
        self.parts.get(name).map(String::as_str).unwrap_or("")
    }

    /// A path part when the matched path has it.
    pub fn opt_part(&self, name: &str) -> Option<&str> {
        self.parts.get(name).map(String::as_str)
    }
}

fn split_path(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

impl RestSpec {
    /// Parses the vendored spec files.
    ///
    /// # Panics
    /// Only if a vendored file is malformed, which the crate's tests rule out.
    pub fn load() -> RestSpec {
        let mut paths = Vec::new();
        let mut params = HashMap::new();
        for (file, text) in SPEC_FILES {
            let doc: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("vendored spec {file} is not JSON: {e}"));
            let Some((api, body)) = doc.as_object().and_then(|o| o.iter().next()) else {
                panic!("vendored spec {file} has no API object");
            };
            let mut api_params = BTreeMap::new();
            if let Some(p) = body.get("params").and_then(Value::as_object) {
                for (name, def) in p {
                    let ty = def.get("type").and_then(Value::as_str).unwrap_or("string");
                    api_params.insert(name.clone(), ty.to_owned());
                }
            }
            params.insert(api.clone(), api_params);
            let url_paths = body["url"]["paths"].as_array().cloned().unwrap_or_default();
            for p in url_paths {
                if p.get("deprecated").is_some() {
                    continue;
                }
                let raw = p["path"].as_str().unwrap_or("/");
                let segments = raw
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Segment::Part(name.to_owned()),
                            None => Segment::Literal(s.to_owned()),
                        },
                    )
                    .collect();
                let methods = p["methods"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .filter_map(|m| Method::from_bytes(m.as_bytes()).ok())
                    .collect();
                paths.push(PathSpec {
                    api: api.clone(),
                    segments,
                    methods,
                });
            }
        }
        RestSpec { paths, params }
    }

    /// Finds the API for a method and raw path (ES's "no handler found" / 405 otherwise).
    pub fn route(&self, method: &Method, raw_path: &str) -> Result<Matched, EsError> {
        let segs = split_path(raw_path);
        // Specificity: literal segments count, earlier positions weigh more.
        let mut best: Option<Vec<bool>> = None;
        let mut candidates: Vec<&PathSpec> = Vec::new();
        for p in &self.paths {
            if p.segments.len() != segs.len() {
                continue;
            }
            let fits = p.segments.iter().zip(&segs).all(|(s, actual)| match s {
                Segment::Literal(l) => l == actual,
                // ES reserves names starting with `_` for endpoints; a part never takes one
                // unless no literal fits (handled by specificity below).
                Segment::Part(_) => true,
            });
            if !fits {
                continue;
            }
            let spec: Vec<bool> = p
                .segments
                .iter()
                .map(|s| matches!(s, Segment::Literal(_)))
                .collect();
            match &best {
                Some(b) if *b > spec => {}
                Some(b) if *b == spec => candidates.push(p),
                _ => {
                    best = Some(spec);
                    candidates = vec![p];
                }
            }
        }
        if candidates.is_empty() {
            return Err(no_handler(method, raw_path));
        }
        let Some(p) = candidates.iter().find(|p| p.methods.contains(method)) else {
            let allowed: BTreeSet<String> = candidates
                .iter()
                .flat_map(|p| p.methods.iter().map(|m| m.to_string()))
                .collect();
            return Err(EsError::plain(
                StatusCode::METHOD_NOT_ALLOWED,
                format!(
                    "Incorrect HTTP method for uri [{raw_path}] and method [{method}], allowed: [{}]",
                    allowed.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let parts = p
            .segments
            .iter()
            .zip(segs)
            .filter_map(|(s, actual)| match s {
                Segment::Part(name) => Some((name.clone(), actual)),
                Segment::Literal(_) => None,
            })
            .collect();
        Ok(Matched {
            api: p.api.clone(),
            parts,
        })
    }

    /// Rejects query parameters the API does not declare, and booleans that are not booleans.
    pub fn check_params(
        &self,
        api: &str,
        raw_path: &str,
        params: &[(String, String)],
    ) -> Result<(), EsError> {
        let declared = self.params.get(api);
        let mut unknown: BTreeSet<&str> = BTreeSet::new();
        for (name, value) in params {
            if COMMON_PARAMS.contains(&name.as_str()) {
                continue;
            }
            match declared.and_then(|d| d.get(name)) {
                None => {
                    unknown.insert(name);
                }
                Some(ty) if ty == "boolean" => {
                    if !matches!(value.as_str(), "" | "true" | "false") {
                        return Err(EsError::illegal_argument(format!(
                            "Failed to parse value [{value}] as only [true] or [false] are allowed."
                        )));
                    }
                }
                Some(_) => {}
            }
        }
        match unknown.len() {
            0 => Ok(()),
            1 => Err(EsError::illegal_argument(format!(
                "request [{raw_path}] contains unrecognized parameter: [{}]",
                unknown.iter().next().copied().unwrap_or_default()
            ))),
            _ => Err(EsError::illegal_argument(format!(
                "request [{raw_path}] contains unrecognized parameters: {}",
                unknown
                    .iter()
                    .map(|p| format!("[{p}]"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

fn no_handler(method: &Method, raw_path: &str) -> EsError {
    EsError::plain(
        StatusCode::BAD_REQUEST,
        format!("no handler found for uri [{raw_path}] and method [{method}]"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_file_parses_and_routes_core_paths() {
        let spec = RestSpec::load();
        let cases = [
            (Method::GET, "/", "info"),
            (Method::HEAD, "/idx", "indices.exists"),
            (
                Method::POST,
                "/_connector/_sync_job",
                "connector.sync_job_post",
            ),
            (
                Method::GET,
                "/_connector/_sync_job",
                "connector.sync_job_list",
            ),
            (Method::GET, "/_connector/abc", "connector.get"),
            (
                Method::PUT,
                "/_connector/_sync_job/j1/_claim",
                "connector.sync_job_claim",
            ),
            (
                Method::PUT,
                "/_connector/c1/_filtering/_activate",
                "connector.update_active_filtering",
            ),
            (Method::POST, "/.elastic-connectors/_update/c1", "update"),
            (Method::DELETE, "/_search/scroll", "clear_scroll"),
            (Method::POST, "/_search/scroll", "scroll"),
            (Method::POST, "/idx/_search", "search"),
            (Method::GET, "/idx/_settings", "indices.get_settings"),
        ];
        for (m, p, api) in cases {
            assert_eq!(
                spec.route(&m, p).map(|r| r.api).ok().as_deref(),
                Some(api),
                "{m} {p}"
            );
        }
    }

    #[test]
    fn wrong_method_is_405_and_unknown_path_is_400() {
        let spec = RestSpec::load();
        assert_eq!(
            spec.route(&Method::PATCH, "/idx/_search")
                .unwrap_err()
                .status,
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            spec.route(&Method::GET, "/a/b/c/d/e").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn unknown_parameter_names_the_path_and_parameter() {
        let spec = RestSpec::load();
        let err = spec
            .check_params("search", "/idx/_search", &[("sizee".into(), "1".into())])
            .unwrap_err();
        assert_eq!(
            err.reason,
            "request [/idx/_search] contains unrecognized parameter: [sizee]"
        );
        assert!(
            spec.check_params("search", "/idx/_search", &[("pretty".into(), "".into())])
                .is_ok()
        );
    }
}
