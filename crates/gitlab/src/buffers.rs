//! [`BodyBuffers`]: response bodies read into reused buffers.
//!
//! A listing page is a few hundred kilobytes that live only until its nodes are decoded. A
//! fresh buffer per page costs a page fault for every 4 KB of it (glibc serves buffers of that
//! size with `mmap`, see the CLI's allocator settings); a few kept buffers are touched once.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

/// Most buffers kept for reuse: one per request in flight is enough.
const KEPT_BUFFERS: usize = 16;

/// Largest buffer kept for reuse; a larger body's buffer is freed after use.
const KEPT_BUFFER_BYTES: usize = 4 * 1024 * 1024;

/// A pool of body buffers, shared by every request of a client.
#[derive(Debug, Default)]
pub(crate) struct BodyBuffers {
    free: Mutex<Vec<Vec<u8>>>,
}

impl BodyBuffers {
    /// An empty buffer, reused when one is free; it goes back to the pool when dropped.
    pub(crate) fn take(&self) -> BodyBuffer<'_> {
        let bytes = self
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        BodyBuffer { bytes, pool: self }
    }

    fn give_back(&self, mut bytes: Vec<u8>) {
        if bytes.capacity() == 0 || bytes.capacity() > KEPT_BUFFER_BYTES {
            return;
        }
        bytes.clear();
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        if free.len() < KEPT_BUFFERS {
            free.push(bytes);
        }
    }
}

/// A buffer taken from [`BodyBuffers`].
#[derive(Debug)]
pub(crate) struct BodyBuffer<'a> {
    bytes: Vec<u8>,
    pool: &'a BodyBuffers,
}

impl Deref for BodyBuffer<'_> {
    type Target = Vec<u8>;

    fn deref(&self) -> &Vec<u8> {
        &self.bytes
    }
}

impl DerefMut for BodyBuffer<'_> {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }
}

impl Drop for BodyBuffer<'_> {
    fn drop(&mut self) {
        self.pool.give_back(std::mem::take(&mut self.bytes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_buffer_is_reused_empty() {
        let pool = BodyBuffers::default();
        let mut first = pool.take();
        first.extend_from_slice(&[1; 1000]);
        let address = first.as_ptr();
        drop(first);
        let again = pool.take();
        assert!(again.is_empty());
        assert!(again.capacity() >= 1000);
        assert_eq!(again.as_ptr(), address);
        let other = pool.take();
        assert_eq!(
            other.capacity(),
            0,
            "only free buffers are handed out again"
        );
    }

    #[test]
    fn huge_buffers_are_not_kept() {
        let pool = BodyBuffers::default();
        let mut big = pool.take();
        big.reserve(KEPT_BUFFER_BYTES + 1);
        drop(big);
        assert_eq!(pool.take().capacity(), 0);
    }
}
