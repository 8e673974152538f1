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

/// The threshold when the sink is Elasticsearch: hyper's read buffers (up to ~408 KiB, and
/// twice that while one grows) come from the heap instead of a mapping each. At 128 KiB a
/// large/es sync took ~14,400 page faults instead of ~4,300 and 19.7 instead of 17.3 µs of CPU
/// a document, for 1.7 MB less peak RSS (bench/README.md, thirteenth round). The local index
/// keeps the lower threshold: its CPU is tantivy's and its memory would grow by 3–4 MB.
const KEEP_READ_BUFFERS: usize = 1024 * 1024;

/// Sets the threshold every command starts with.
pub fn return_large_buffers() {
    set_mmap_threshold(RETURN_LARGE_BUFFERS);
}

/// Sets the threshold for syncs into Elasticsearch.
pub fn keep_read_buffers() {
    set_mmap_threshold(KEEP_READ_BUFFERS);
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
