//! glibc's allocator settings: which allocations get a mapping of their own.
//!
//! glibc serves an allocation at or above its mmap threshold with a fresh mapping that goes
//! back to the system when freed. By default it raises the threshold once such a buffer is
//! freed, after which big buffers land in its heaps and their memory stays with the process;
//! a fixed threshold keeps that from happening. Each mapping costs a page fault for every 4 KiB
//! touched, so which threshold is best depends on what the big buffers are.

/// The threshold for every command at start: GraphQL pages, `_bulk` bodies and tantivy's
/// segment buffers of 128 KiB or more are returned when freed (measured peak RSS large/es
/// 26.4 → 22.1 MB and large/local 53.8 → 40.7 MB when it came in; bench/README.md).
const RETURN_LARGE_BUFFERS: usize = 128 * 1024;

/// The threshold when the sink is Elasticsearch. hyper's read buffers (it reserves up to
/// ~408 KiB of room per read once a connection has seen big responses, and takes a fresh buffer
/// for nearly every GitLab page) are above it and get a mapping each, returned when freed; the
/// GraphQL pages (~125 KiB) and `_bulk` bodies while they are small come from the heap. With
/// the read buffers in the heap too (a 1 MiB threshold, the setting until the seventeenth
/// round) the heap fragments: peak RSS large/es 23.6 against 20.5 MB, huge/es 25.4 against
/// 20.7 MB, for a few per cent less CPU (fewer page faults). At 128 KiB the pages and bodies get
/// mappings as well: 19.4 MB at large, for more page faults still (bench/README.md, seventeenth
/// round).
const ELASTICSEARCH_THRESHOLD: usize = 256 * 1024;

/// Sets the threshold every command starts with.
pub fn return_large_buffers() {
    set_mmap_threshold(RETURN_LARGE_BUFFERS);
}

/// Sets the threshold for syncs into Elasticsearch.
pub fn elasticsearch_sink() {
    set_mmap_threshold(ELASTICSEARCH_THRESHOLD);
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_mmap_threshold(bytes: usize) {
    let bytes = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets a tuning parameter of glibc's allocator, under the allocator's
    // own lock; memory already allocated is unaffected.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, bytes);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_mmap_threshold(_bytes: usize) {}
