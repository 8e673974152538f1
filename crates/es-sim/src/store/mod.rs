//! The in-memory indices: documents with `_seq_no`/`_primary_term`/`_version`, optimistic
//! concurrency, partial updates, aliases and mappings. Everything here is synchronous and runs
//! under one lock held by [`crate::EsSimState`].

pub mod mapping;
mod ops;
pub mod system;

pub use ops::{Occ, OpType, UpdateSpec, WriteResult};

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::EsError;
use crate::json_util;
use mapping::Mapping;

/// ES's primary term; es-sim never fails over, so it stays 1.
pub const PRIMARY_TERM: u64 = 1;

/// One stored document.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDoc {
    /// The `_source`.
    pub source: Map<String, Value>,
    /// `_seq_no` of the last write.
    pub seq_no: u64,
    /// `_version`, counting writes of this id.
    pub version: u64,
    /// Index order, used for `_doc` sorting and as a tiebreaker.
    pub ordinal: u64,
}

/// One index.
#[derive(Debug, Clone)]
pub struct Index {
    /// Documents by `_id`.
    pub docs: BTreeMap<String, StoredDoc>,
    /// Field mappings.
    pub mapping: Mapping,
    /// `settings.index` as given at creation, plus ES's generated ones.
    pub settings: Map<String, Value>,
    /// `_meta` of the mapping, kept verbatim.
    pub meta: Option<Value>,
    next_seq_no: u64,
    next_ordinal: u64,
}

impl Index {
    fn new(
        name: &str,
        mapping: Mapping,
        mut settings: Map<String, Value>,
        meta: Option<Value>,
    ) -> Index {
        let defaults = [
            ("number_of_shards", json!("1")),
            ("number_of_replicas", json!("1")),
            ("provided_name", json!(name)),
            (
                "creation_date",
                json!(chrono::Utc::now().timestamp_millis().to_string()),
            ),
            ("uuid", json!(crate::ids::new_id())),
            ("version", json!({"created": "9009000"})),
        ];
        for (k, v) in defaults {
            settings.entry(k.to_owned()).or_insert(v);
        }
        if system::is_system(name) {
            settings.insert("hidden".into(), json!("true"));
        }
        Index {
            docs: BTreeMap::new(),
            mapping,
            settings,
            meta,
            next_seq_no: 0,
            next_ordinal: 0,
        }
    }
}

/// Index names ES refuses.
pub fn validate_index_name(name: &str) -> Result<(), EsError> {
    let bad = |why: &str| {
        Err(EsError::new(
            StatusCode::BAD_REQUEST,
            "invalid_index_name_exception",
            format!("Invalid index name [{name}], {why}"),
        )
        .with("index", name))
    };
    if name.chars().any(|c| c.is_uppercase()) {
        return bad("must be lowercase");
    }
    if name.starts_with(['_', '-', '+']) {
        return bad("must not start with '_', '-', or '+'");
    }
    if name.contains(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'])
        || name == "."
        || name == ".."
    {
        return bad("must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]");
    }
    Ok(())
}

/// All indices.
#[derive(Debug, Default)]
pub struct Store {
    /// Concrete indices by name.
    pub indices: BTreeMap<String, Index>,
}

impl Store {
    /// Resolves an alias to its concrete index name (names that are not aliases stay as they are).
    pub fn resolve(&self, name: &str) -> String {
        system::SYSTEM_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, concrete)| (*concrete).to_owned())
            .unwrap_or_else(|| name.to_owned())
    }

    /// Aliases pointing at `concrete`.
    pub fn aliases_of(&self, concrete: &str) -> Vec<&'static str> {
        system::SYSTEM_ALIASES
            .iter()
            .filter(|(_, c)| *c == concrete)
            .map(|(a, _)| *a)
            .collect()
    }

    /// The index behind `name` (alias or concrete), or `index_not_found_exception`.
    pub fn index(&self, name: &str) -> Result<&Index, EsError> {
        self.indices
            .get(&self.resolve(name))
            .ok_or_else(|| EsError::index_not_found(name))
    }

    /// Mutable access to the index behind `name`.
    pub fn index_mut(&mut self, name: &str) -> Result<&mut Index, EsError> {
        let concrete = self.resolve(name);
        self.indices
            .get_mut(&concrete)
            .ok_or_else(|| EsError::index_not_found(name))
    }

    /// Creates an index (`PUT /{index}`), with optional `settings`, `mappings` and `aliases`.
    pub fn create_index(&mut self, name: &str, body: Option<&Value>) -> Result<(), EsError> {
        validate_index_name(name)?;
        if system::SYSTEM_ALIASES
            .iter()
            .any(|(alias, _)| *alias == name)
        {
            return Err(EsError::new(
                StatusCode::BAD_REQUEST,
                "invalid_index_name_exception",
                format!("Invalid index name [{name}], already exists as alias"),
            )
            .with("index", name));
        }
        if let Some(existing) = self.indices.get(name) {
            let uuid = existing
                .settings
                .get("uuid")
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(EsError::new(
                StatusCode::BAD_REQUEST,
                "resource_already_exists_exception",
                format!("index [{name}/{uuid}] already exists"),
            )
            .with("index", name));
        }
        let empty = Map::new();
        let body = match body {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(o)) => o,
            Some(_) => return Err(EsError::parse("request body must be an object")),
        };
        let mut settings = Map::new();
        let mut mapping_json = system::system_mapping(name);
        for (k, v) in body {
            match k.as_str() {
                "settings" => {
                    let s = v.as_object().cloned().unwrap_or_default();
                    let inner = s
                        .get("index")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or(s);
                    for (sk, sv) in inner {
                        let key = sk.strip_prefix("index.").unwrap_or(&sk).to_owned();
                        let value = match sv {
                            Value::String(s) => Value::String(s),
                            Value::Object(o) => Value::Object(o),
                            other => Value::String(other.to_string()),
                        };
                        settings.insert(key, value);
                    }
                }
                "mappings" => mapping_json = Some(v.clone()),
                "aliases" => {}
                other => {
                    return Err(EsError::parse(format!(
                        "unknown key [{other}] for create index"
                    )));
                }
            }
        }
        let (mapping, meta) = match &mapping_json {
            Some(m) => (Mapping::from_json(m)?, m.get("_meta").cloned()),
            None => (Mapping::default(), None),
        };
        self.indices
            .insert(name.to_owned(), Index::new(name, mapping, settings, meta));
        Ok(())
    }

    /// Creates the index behind `name` if it is missing (auto-creation on first write).
    pub fn ensure_index(&mut self, name: &str) -> Result<String, EsError> {
        let concrete = self.resolve(name);
        if !self.indices.contains_key(&concrete) {
            self.create_index(&concrete, None)?;
        }
        Ok(concrete)
    }

    /// Fetches a document (`None` when the index exists but the id does not).
    pub fn get(&self, index: &str, id: &str) -> Result<Option<&StoredDoc>, EsError> {
        Ok(self.index(index)?.docs.get(id))
    }

    /// Indexes a whole document (`PUT /{index}/_doc/{id}` or a bulk `index`/`create`).
    pub fn index_doc(
        &mut self,
        index: &str,
        id: Option<String>,
        source: Map<String, Value>,
        op: OpType,
        occ: Option<Occ>,
    ) -> Result<WriteResult, EsError> {
        let concrete = self.ensure_index(index)?;
        let idx = self.index_mut(&concrete)?;
        let id = id.unwrap_or_else(crate::ids::new_id);
        let current = idx.docs.get(&id);
        if op == OpType::Create
            && let Some(d) = current
        {
            return Err(EsError::version_conflict(
                &concrete,
                format!(
                    "[{id}]: version conflict, document already exists (current version [{}])",
                    d.version
                ),
            ));
        }
        if let Some(occ) = occ {
            occ.check(&concrete, &id, current)?;
        }
        idx.mapping.check_and_extend(&source, &id)?;
        let (version, ordinal, result) = match current {
            Some(d) => (d.version + 1, d.ordinal, "updated"),
            None => {
                idx.next_ordinal += 1;
                (1, idx.next_ordinal, "created")
            }
        };
        let seq_no = idx.next_seq_no;
        idx.next_seq_no += 1;
        idx.docs.insert(
            id.clone(),
            StoredDoc {
                source,
                seq_no,
                version,
                ordinal,
            },
        );
        Ok(WriteResult {
            index: concrete,
            id,
            result,
            version,
            seq_no,
        })
    }

    /// Applies a partial update (`POST /{index}/_update/{id}` or a bulk `update`).
    pub fn update_doc(
        &mut self,
        index: &str,
        id: &str,
        spec: &UpdateSpec,
        occ: Option<Occ>,
    ) -> Result<WriteResult, EsError> {
        let upsert_source = if spec.doc_as_upsert {
            spec.doc.clone()
        } else {
            spec.upsert.clone()
        };
        let concrete = match upsert_source {
            Some(_) => self.ensure_index(index)?,
            None => {
                self.index(index)?;
                self.resolve(index)
            }
        };
        let Some(current) = self.get(&concrete, id)?.cloned() else {
            return match upsert_source {
                Some(src) => {
                    self.index_doc(&concrete, Some(id.to_owned()), src, OpType::Create, None)
                }
                None => Err(EsError::new(
                    StatusCode::NOT_FOUND,
                    "document_missing_exception",
                    format!("[{id}]: document missing"),
                )
                .with("index", concrete.as_str())),
            };
        };
        if let Some(occ) = occ {
            occ.check(&concrete, id, Some(&current))?;
        }
        let mut merged = current.source.clone();
        let changed = match &spec.doc {
            Some(doc) => json_util::merge(&mut merged, doc),
            None => false,
        };
        if !changed && spec.detect_noop {
            return Ok(WriteResult {
                index: concrete,
                id: id.to_owned(),
                result: "noop",
                version: current.version,
                seq_no: current.seq_no,
            });
        }
        self.index_doc(&concrete, Some(id.to_owned()), merged, OpType::Index, None)
    }

    /// Rewrites a stored document with `f` (used by the connector APIs); `noop` when unchanged.
    pub fn modify_doc(
        &mut self,
        index: &str,
        id: &str,
        f: impl FnOnce(&mut Map<String, Value>) -> Result<(), EsError>,
    ) -> Result<WriteResult, EsError> {
        let Some(current) = self.get(index, id)?.cloned() else {
            return Err(EsError::new(
                StatusCode::NOT_FOUND,
                "document_missing_exception",
                format!("[{id}]: document missing"),
            ));
        };
        let mut source = current.source.clone();
        f(&mut source)?;
        if source == current.source {
            return Ok(WriteResult {
                index: self.resolve(index),
                id: id.to_owned(),
                result: "noop",
                version: current.version,
                seq_no: current.seq_no,
            });
        }
        self.index_doc(index, Some(id.to_owned()), source, OpType::Index, None)
    }

    /// Deletes a document; `not_found` when absent.
    pub fn delete_doc(
        &mut self,
        index: &str,
        id: &str,
        occ: Option<Occ>,
    ) -> Result<WriteResult, EsError> {
        let concrete = self.resolve(index);
        let idx = self.index_mut(index)?;
        let current = idx.docs.get(id);
        if let Some(occ) = occ {
            occ.check(&concrete, id, current)?;
        }
        let seq_no = idx.next_seq_no;
        idx.next_seq_no += 1;
        match idx.docs.remove(id) {
            Some(d) => Ok(WriteResult {
                index: concrete,
                id: id.to_owned(),
                result: "deleted",
                version: d.version + 1,
                seq_no,
            }),
            None => Ok(WriteResult {
                index: concrete,
                id: id.to_owned(),
                result: "not_found",
                version: 1,
                seq_no,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn occ_mismatch_is_a_409_and_match_succeeds() {
        let mut s = Store::default();
        let w = s
            .index_doc(
                "i",
                Some("1".into()),
                obj(json!({"a": 1})),
                OpType::Index,
                None,
            )
            .unwrap();
        assert_eq!((w.result, w.seq_no), ("created", 0));
        let spec = UpdateSpec::parse(&json!({"doc": {"a": 2}})).unwrap();
        let stale = Occ {
            seq_no: 7,
            primary_term: 1,
        };
        let err = s.update_doc("i", "1", &spec, Some(stale)).unwrap_err();
        assert_eq!(
            (err.status, err.kind.as_str()),
            (StatusCode::CONFLICT, "version_conflict_engine_exception")
        );
        let ok = s
            .update_doc(
                "i",
                "1",
                &spec,
                Some(Occ {
                    seq_no: 0,
                    primary_term: 1,
                }),
            )
            .unwrap();
        assert_eq!((ok.result, ok.seq_no, ok.version), ("updated", 1, 2));
        assert_eq!(s.update_doc("i", "1", &spec, None).unwrap().result, "noop");
    }

    #[test]
    fn update_of_missing_doc_is_404_and_upsert_creates() {
        let mut s = Store::default();
        s.create_index("i", None).unwrap();
        let spec = UpdateSpec::parse(&json!({"doc": {"a": 1}})).unwrap();
        assert_eq!(
            s.update_doc("i", "x", &spec, None).unwrap_err().kind,
            "document_missing_exception"
        );
        let spec = UpdateSpec::parse(&json!({"doc": {"a": 1}, "doc_as_upsert": true})).unwrap();
        assert_eq!(
            s.update_doc("i", "x", &spec, None).unwrap().result,
            "created"
        );
        assert_eq!(
            s.update_doc(
                "missing",
                "x",
                &UpdateSpec::parse(&json!({"doc": {}})).unwrap(),
                None
            )
            .unwrap_err()
            .kind,
            "index_not_found_exception"
        );
    }

    #[test]
    fn aliases_resolve_to_system_indices() {
        let mut s = Store::default();
        s.index_doc(
            system::CONNECTORS_ALIAS,
            Some("c".into()),
            obj(json!({"status": "created"})),
            OpType::Index,
            None,
        )
        .unwrap();
        assert!(s.indices.contains_key(system::CONNECTORS_INDEX));
        assert!(s.get(system::CONNECTORS_INDEX, "c").unwrap().is_some());
        assert!(s.create_index("Bad", None).is_err());
        assert!(s.create_index(system::CONNECTORS_INDEX, None).is_err());
    }
}
