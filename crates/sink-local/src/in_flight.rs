//! Back-pressure on tantivy's indexing queue.
//!
//! `IndexWriter::add_document` only queues the document: tantivy's queue holds up to 10,000 of
//! them, whatever their size, and the writer thread (turning batches into stored documents
//! faster than tantivy tokenizes them) keeps it full. That queue was the largest and most
//! variable allocation of a sync (8 MB at the peak of a 30,000 document sync; a burst of big
//! READMEs could hold far more). Each queued document here carries a [`Ticket`] that gives its
//! bytes back when tantivy has indexed (and dropped) it, and [`InFlight::admit`] waits while
//! [`MAX_IN_FLIGHT_BYTES`] are queued.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use tantivy::schema::{Document, Field, OwnedValue};

/// Most bytes of `_source` queued for tantivy's indexing thread: a few hundred GitLab
/// documents, enough to keep that thread busy between two batches of the sync.
pub(crate) const MAX_IN_FLIGHT_BYTES: u64 = 2_000_000;

/// Longest wait for tantivy to take a document off its queue before queuing anyway. Only a
/// stuck or failed indexing thread takes this long (`add_document` then reports the failure);
/// the wait never turns into a hang.
const STALL: Duration = Duration::from_secs(1);

/// Bytes of the documents queued for tantivy and not yet indexed.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    bytes: Mutex<u64>,
    indexed: Condvar,
}

impl InFlight {
    /// Waits until `bytes` more fit under [`MAX_IN_FLIGHT_BYTES`] (a document bigger than that
    /// is admitted alone), then counts them until the returned ticket is dropped.
    pub(crate) fn admit(self: &Arc<Self>, bytes: u64) -> Ticket {
        let mut queued = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        while *queued > 0 && *queued + bytes > MAX_IN_FLIGHT_BYTES {
            let (next, wait) = self
                .indexed
                .wait_timeout(queued, STALL)
                .unwrap_or_else(PoisonError::into_inner);
            queued = next;
            if wait.timed_out() {
                break;
            }
        }
        *queued += bytes;
        Ticket {
            in_flight: Arc::clone(self),
            bytes,
        }
    }

    fn release(&self, bytes: u64) {
        let mut queued = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        *queued = queued.saturating_sub(bytes);
        self.indexed.notify_all();
    }
}

/// A queued document's share of [`InFlight`], given back on drop.
#[derive(Debug)]
pub(crate) struct Ticket {
    in_flight: Arc<InFlight>,
    bytes: u64,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.in_flight.release(self.bytes);
    }
}

/// A stored document with its ticket: what the writer hands tantivy. Tantivy drops it once
/// indexed (or when a commit or rollback discards it), which releases the ticket.
///
/// One pointer wide, on purpose: tantivy's queue is a channel of 10,000 slots of four
/// documents each, allocated (and every page touched) when the writer opens and again at each
/// commit, while the old one drains. Inline, the field list and ticket made each slot 312
/// bytes: 3.1 MB per queue, 6.2 MB at every commit; boxed, 0.9 MB.
#[derive(Debug)]
pub(crate) struct TrackedDocument(Box<Tracked>);

#[derive(Debug)]
struct Tracked {
    values: Vec<(Field, OwnedValue)>,
    _ticket: Ticket,
}

impl TrackedDocument {
    /// Pairs the field values of a document with its ticket. The values move in: no copy of
    /// the text into another buffer.
    pub(crate) fn new(values: Vec<(Field, OwnedValue)>, ticket: Ticket) -> TrackedDocument {
        TrackedDocument(Box::new(Tracked {
            values,
            _ticket: ticket,
        }))
    }
}

/// Iterator over a [`TrackedDocument`]'s fields and values.
pub(crate) type FieldValues<'a> = std::iter::Map<
    std::slice::Iter<'a, (Field, OwnedValue)>,
    fn(&'a (Field, OwnedValue)) -> (Field, &'a OwnedValue),
>;

impl Document for TrackedDocument {
    type Value<'a> = &'a OwnedValue;
    type FieldsValuesIter<'a> = FieldValues<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        fn pair((field, value): &(Field, OwnedValue)) -> (Field, &OwnedValue) {
            (*field, value)
        }
        self.0.values.iter().map(pair)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_count_queued_bytes_until_dropped() {
        let in_flight = Arc::new(InFlight::default());
        let first = in_flight.admit(MAX_IN_FLIGHT_BYTES / 2);
        let second = in_flight.admit(MAX_IN_FLIGHT_BYTES / 2);
        assert_eq!(*in_flight.bytes.lock().unwrap(), MAX_IN_FLIGHT_BYTES);
        let waiting = {
            let in_flight = Arc::clone(&in_flight);
            std::thread::spawn(move || in_flight.admit(10))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            !waiting.is_finished(),
            "admit waits while the queue is full"
        );
        drop(first);
        let third = waiting.join().unwrap();
        assert_eq!(
            *in_flight.bytes.lock().unwrap(),
            MAX_IN_FLIGHT_BYTES / 2 + 10
        );
        drop((second, third));
        assert_eq!(*in_flight.bytes.lock().unwrap(), 0);
    }

    #[test]
    fn a_document_bigger_than_the_limit_is_admitted_alone() {
        let in_flight = Arc::new(InFlight::default());
        let big = in_flight.admit(3 * MAX_IN_FLIGHT_BYTES);
        assert_eq!(*in_flight.bytes.lock().unwrap(), 3 * MAX_IN_FLIGHT_BYTES);
        drop(big);
        assert_eq!(*in_flight.bytes.lock().unwrap(), 0);
    }
}
