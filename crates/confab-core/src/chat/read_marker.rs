//! Read markers moved by polling, buffered in memory and written in batches.
//!
//! Every long-poll answer moves the poller's read marker. Writing each one at once would cost
//! a durable transaction per listener per message; instead markers collect here and are
//! written together at least once a second, before anything that reports unread state is
//! computed, and at shutdown. Lookups overlay the pending value, so callers never see a
//! marker go back.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::Store;
use crate::Result;

/// The read marker meaning "the first message is unread": what a marker of 0 becomes.
pub const UNREAD_FIRST_MESSAGE: i64 = -2;

#[derive(Debug, Default)]
pub struct ReadMarkers {
    pending: Mutex<HashMap<i64, i64>>,
}

impl ReadMarkers {
    /// Moves the attendee's marker forward to `message_id` (never back).
    pub fn advance(&self, attendee_id: i64, message_id: i64) {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let marker = pending.entry(attendee_id).or_insert(message_id);
        *marker = (*marker).max(message_id);
    }

    /// The pending marker of an attendee, if one waits to be written.
    pub fn pending(&self, attendee_id: i64) -> Option<i64> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&attendee_id)
            .copied()
    }

    /// Forgets a pending marker that an explicit marker change replaces.
    pub fn discard(&self, attendee_id: i64) {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&attendee_id);
    }

    /// Writes every pending marker in one transaction.
    pub async fn flush(&self, store: &dyn Store) -> Result<()> {
        let batch: Vec<(i64, i64)> = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            pending.drain().collect()
        };
        if batch.is_empty() {
            return Ok(());
        }
        if let Err(err) = store.advance_read_markers(&batch).await {
            // Put them back so the next flush retries; newer values win.
            for (attendee, id) in batch {
                self.advance(attendee, id);
            }
            return Err(err.into());
        }
        Ok(())
    }
}
