//! Receiving messages: the history, long polling on the room's feed, and what a receive
//! answers (`X-Chat-Last-Given`, the common read marker, or nothing for a 304).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::feed::{RoomFeed, WindowRead};
use super::model::Message;
use super::service::ChatService;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::participant::Attendee;

/// The longest a poll may wait.
pub const MAX_POLL_TIMEOUT: Duration = Duration::from_secs(30);
/// Long polls one user may hold at the same time.
const MAX_POLLS_PER_USER: usize = 32;
/// How long a woken poll waits for more messages before answering.
const COALESCE: Duration = Duration::from_millis(5);
/// Messages a store read returns when refilling a room's window.
const REFILL: i64 = 256;

/// `GET /chat/{token}`, parsed.
#[derive(Debug, Clone)]
pub struct Receive {
    pub look_into_future: bool,
    pub limit: i64,
    pub last_known: i64,
    pub include_last_known: bool,
    pub timeout: Duration,
    pub set_read_marker: bool,
    /// `lastCommonReadId`: the common read marker the client knows (0: none).
    pub last_common_read: i64,
}

/// What a receive found: the visible messages, the raw last id, and the common read marker.
#[derive(Debug, Clone)]
pub struct Received {
    pub messages: Vec<Arc<Message>>,
    /// `X-Chat-Last-Given`: the last id of the underlying result, visible or not; `None` when
    /// there was none (an answer that only reports a new common read marker).
    pub last_given: Option<i64>,
    /// `X-Chat-Last-Common-Read`; `None` when the viewer keeps their own read status private.
    pub last_common_read: Option<i64>,
    /// The viewer, for rendering.
    pub viewer: Attendee,
}

/// Counts the long polls a user holds; the guard gives the slot back.
#[derive(Debug, Default)]
pub(super) struct PollSlots(Mutex<HashMap<String, usize>>);

struct PollSlot {
    slots: Arc<PollSlots>,
    key: String,
}

impl Drop for PollSlot {
    fn drop(&mut self) {
        let mut map = self
            .slots
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

impl PollSlots {
    fn take(self: &Arc<Self>, key: String) -> Result<PollSlot> {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(key.clone()).or_insert(0);
        if *n >= MAX_POLLS_PER_USER {
            return Err(Error::Throttled);
        }
        *n += 1;
        Ok(PollSlot {
            slots: self.clone(),
            key,
        })
    }
}

impl ChatService {
    /// `GET /chat/{token}`: history (newest first) or, with `look_into_future`, new messages
    /// (oldest first), waiting up to the timeout. `None` means nothing (304).
    pub async fn receive(
        &self,
        actor: &Actor,
        token: &str,
        request: Receive,
        shutdown: impl Future<Output = ()>,
    ) -> Result<Option<Received>> {
        let member = self.reader(actor, token).await?;
        let limit = request.limit.clamp(1, 200);
        let now = self.ctx.now();
        let visible = |m: &Arc<Message>| !m.is_expired(now);
        if !request.look_into_future {
            let before = if request.include_last_known && request.last_known > 0 {
                request.last_known.saturating_add(1)
            } else {
                request.last_known
            };
            let raw = self
                .ctx
                .store
                .messages_before(member.room.id, before, limit)
                .await?;
            let Some(last_given) = raw.last().map(|m| m.id) else {
                return self.unchanged(member, request.last_common_read).await;
            };
            let messages = raw.into_iter().map(Arc::new).filter(visible).collect();
            return self.received(member, messages, last_given).await.map(Some);
        }
        if request.set_read_marker && request.last_known > member.attendee.last_read_message {
            self.ctx
                .read_markers
                .advance(member.attendee.id, request.last_known);
        }
        let cursor = if request.include_last_known {
            request.last_known.saturating_sub(1)
        } else {
            request.last_known
        };
        let _slot = self.polls.take(format!(
            "{}/{}",
            member.attendee.actor_type.as_str(),
            member.attendee.actor_id
        ))?;
        let feed = self.ctx.feed.room(member.room.id);
        // Subscribe before reading: a message posted between the read and the wait still wakes us.
        let mut subscription = feed.subscribe();
        let deadline = tokio::time::Instant::now() + request.timeout.min(MAX_POLL_TIMEOUT);
        tokio::pin!(shutdown);
        loop {
            let raw = self
                .read_after(&feed, member.room.id, cursor, limit)
                .await?;
            if let Some(last_given) = raw.last().map(|m| m.id) {
                let messages = raw.into_iter().filter(visible).collect();
                return self.received(member, messages, last_given).await.map(Some);
            }
            tokio::select! {
                () = subscription.changed() => {
                    // Let a burst of posts land so one answer carries them all: under load this
                    // turns one poll cycle per message into one per burst.
                    tokio::time::sleep(COALESCE).await;
                }
                () = tokio::time::sleep_until(deadline) => {
                    return self.unchanged(member, request.last_common_read).await;
                }
                () = &mut shutdown => return Ok(None),
            }
        }
    }

    pub(crate) async fn received(
        &self,
        member: Member,
        messages: Vec<Arc<Message>>,
        last_given: i64,
    ) -> Result<Received> {
        let last_common_read = self.ctx.common_read_for(&member).await?;
        Ok(Received {
            messages,
            last_given: Some(last_given),
            last_common_read,
            viewer: member.attendee,
        })
    }

    /// Nothing new: `None` (304), unless the client sent the common read marker it knows and
    /// that moved (and may see it); then an empty answer carries the new one, since a 304 has no headers
    /// (TALK-BEHAVIOR 3.6).
    async fn unchanged(&self, member: Member, known_common_read: i64) -> Result<Option<Received>> {
        if known_common_read <= 0 {
            return Ok(None);
        }
        let Some(last_common_read) = self.ctx.common_read_for(&member).await? else {
            return Ok(None);
        };
        if last_common_read == known_common_read {
            return Ok(None);
        }
        Ok(Some(Received {
            messages: Vec::new(),
            last_given: None,
            last_common_read: Some(last_common_read),
            viewer: member.attendee,
        }))
    }

    /// Messages after `cursor`, from the window when it can answer, else from the store.
    async fn read_after(
        &self,
        feed: &RoomFeed,
        room_id: i64,
        cursor: i64,
        limit: i64,
    ) -> Result<Vec<Arc<Message>>> {
        match feed.after(cursor, limit as usize) {
            WindowRead::Found(found) => return Ok(found),
            WindowRead::BelowFloor => {}
            WindowRead::Invalid => {
                let _serial = feed.refill_lock.lock().await;
                match feed.after(cursor, limit as usize) {
                    WindowRead::Found(found) => return Ok(found),
                    WindowRead::BelowFloor => {}
                    WindowRead::Invalid => {
                        let epoch = feed.epoch();
                        let newest = self.ctx.store.messages_before(room_id, 0, REFILL).await?;
                        let complete = (newest.len() as i64) < REFILL;
                        feed.refill(epoch, newest, complete);
                        if let WindowRead::Found(found) = feed.after(cursor, limit as usize) {
                            return Ok(found);
                        }
                    }
                }
            }
        }
        let older = self
            .ctx
            .store
            .messages_after(room_id, cursor, limit)
            .await?;
        Ok(older.into_iter().map(Arc::new).collect())
    }
}
