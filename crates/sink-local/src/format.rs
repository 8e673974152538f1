//! The on-disk format marker: `gitlab-connector-index.json` beside tantivy's files.
//!
//! The marker is written first, before tantivy creates its files, so a directory with tantivy
//! files and no marker is never one of ours. A marker with a version other than
//! [`FORMAT_VERSION`] and the older versions it still reads is refused rather than guessed at.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LocalIndexError;

/// Name of the marker file inside the index directory.
pub const MARKER_FILE: &str = "gitlab-connector-index.json";

/// The format version this build writes into new indexes. Bump it whenever the schema or the
/// meaning of a stored field changes, so that older builds refuse the new indexes with a clear
/// error instead of misreading them.
pub const FORMAT_VERSION: u64 = 2;

/// The oldest format version this build still reads and writes. Version 1 differs from 2 only
/// in storing `body` beside `_source` (see `schema::build`); an index keeps the schema it was
/// created with, and readers take the body from whichever place holds it.
const OLDEST_VERSION: u64 = 1;

/// The `format` value of the marker, so a stray JSON file of the same name is not taken for ours.
const FORMAT_NAME: &str = "gitlab-connector-index";

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    format: String,
    version: u64,
}

/// What [`check_or_create`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum MarkerState {
    /// The directory was new or empty: the marker has just been written.
    Created,
    /// A marker of the current version was already there.
    Existing,
}

/// Checks the marker of `dir`; when `create` is true and the directory is missing or empty,
/// creates it and writes the marker.
pub(crate) fn check_or_create(dir: &Path, create: bool) -> Result<MarkerState, LocalIndexError> {
    let marker = dir.join(MARKER_FILE);
    let io = |operation, path: PathBuf| {
        move |source| LocalIndexError::Io {
            path,
            operation,
            source,
        }
    };
    if marker.exists() {
        let text =
            fs::read_to_string(&marker).map_err(io("read the format marker", marker.clone()))?;
        let parsed: Marker =
            serde_json::from_str(&text).map_err(|err| LocalIndexError::BadMarker {
                path: marker.clone(),
                reason: err.to_string(),
            })?;
        if parsed.format != FORMAT_NAME {
            return Err(LocalIndexError::NotAnIndex {
                path: dir.to_owned(),
            });
        }
        if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&parsed.version) {
            return Err(LocalIndexError::UnsupportedVersion {
                path: dir.to_owned(),
                found: parsed.version,
                supported: FORMAT_VERSION,
            });
        }
        return Ok(MarkerState::Existing);
    }
    let is_empty = match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => true,
        Err(err) => return Err(io("list the directory", dir.to_owned())(err)),
    };
    if !is_empty {
        return Err(LocalIndexError::NotAnIndex {
            path: dir.to_owned(),
        });
    }
    if !create {
        return Err(LocalIndexError::NoIndex {
            path: dir.to_owned(),
        });
    }
    fs::create_dir_all(dir).map_err(io("create the directory", dir.to_owned()))?;
    let body = Marker {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
    };
    let text = serde_json::to_string_pretty(&body).unwrap_or_default();
    let tmp = dir.join(format!("{MARKER_FILE}.tmp"));
    fs::write(&tmp, text).map_err(io("write the format marker", tmp.clone()))?;
    fs::rename(&tmp, &marker).map_err(io("write the format marker", marker.clone()))?;
    Ok(MarkerState::Created)
}
