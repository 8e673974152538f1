//! [`ReadDirectory`]: the index directory with its files read by positioned reads rather than
//! memory maps, for walking every stored document once (the listing a full sync starts with).
//!
//! Through tantivy's usual memory maps, every page of the document store that the listing
//! touches counts as this process's memory until the reader is dropped: a re-sync of a 275,000
//! document index peaked at 226 MB, 210 MB of it the mapped index. Read this way, only the
//! block being decompressed is in memory.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// The index directory; files open for reading are read with `pread`, everything else is
/// tantivy's [`MmapDirectory`].
#[derive(Debug, Clone)]
pub(crate) struct ReadDirectory {
    root: PathBuf,
    inner: MmapDirectory,
}

impl ReadDirectory {
    /// The directory at `root`.
    pub(crate) fn open(root: &Path) -> Result<ReadDirectory, OpenDirectoryError> {
        Ok(ReadDirectory {
            root: root.to_owned(),
            inner: MmapDirectory::open(root)?,
        })
    }
}

/// One file, read a range at a time.
#[derive(Debug)]
struct PositionedFile {
    file: File,
    len: usize,
}

impl HasLen for PositionedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for PositionedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let mut bytes = vec![0; range.len()];
        self.file.read_exact_at(&mut bytes, range.start as u64)?;
        Ok(OwnedBytes::new(bytes))
    }
}

impl Directory for ReadDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let full = self.root.join(path);
        let opened = File::open(&full).and_then(|file| {
            let len = usize::try_from(file.metadata()?.len()).map_err(io::Error::other)?;
            Ok(PositionedFile { file, len })
        });
        match opened {
            Ok(file) => Ok(Arc::new(file)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                Err(OpenReadError::FileDoesNotExist(path.to_owned()))
            }
            Err(err) => Err(OpenReadError::wrap_io_error(err, full)),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    /// Tantivy's own file locks, as the writer takes them (the default would see the lock
    /// file the writer leaves in place as taken forever).
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_by_range_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.store"), b"0123456789").unwrap();
        let directory = ReadDirectory::open(dir.path()).unwrap();
        let file = directory.get_file_handle(Path::new("a.store")).unwrap();
        assert_eq!(file.len(), 10);
        assert_eq!(file.read_bytes(3..7).unwrap().as_slice(), b"3456");
        assert!(file.read_bytes(8..12).is_err(), "past the end");
        match directory.get_file_handle(Path::new("gone.store")) {
            Err(OpenReadError::FileDoesNotExist(path)) => assert_eq!(path, Path::new("gone.store")),
            other => panic!("{other:?}"),
        }
    }
}
