//! The in-memory side of chat: a per-room signal that wakes long polls, and a window of the
//! room's newest messages that answers them without a database query.
//!
//! The window holds exactly the room's messages with ids in `(floor, tail]`, in order. Chat
//! posts extend it (from the committer, in commit order) when the new message directly follows
//! the tail; anything else that changes history (system messages, edits, deletes, expiry)
//! calls [`ChatFeed::changed`], which empties the window and wakes waiters. Readers whose cursor is
//! below the floor read the store directly; of the readers who find the window empty, one
//! refills it for the others.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::model::Message;

/// Messages kept per room.
const WINDOW: usize = 256;
/// Rooms with no listener are forgotten once the registry grows past this.
const MAX_IDLE_ROOMS: usize = 4096;

#[derive(Debug, Default)]
struct Window {
    valid: bool,
    floor: i64,
    tail: i64,
    messages: VecDeque<Arc<Message>>,
    /// Bumped by every invalidation; a refill read before a bump must not be installed.
    epoch: u64,
}

/// What the window can say about the messages after a cursor.
#[derive(Debug)]
pub enum WindowRead {
    /// The window holds every message after the cursor (up to the limit asked for).
    Found(Vec<Arc<Message>>),
    /// The window is valid but starts after the cursor: read the store; a refill would not help.
    BelowFloor,
    /// The window is empty since the last change: refill it from the store.
    Invalid,
}

/// One room's signal, window and refill lock.
#[derive(Debug)]
pub struct RoomFeed {
    signal: watch::Sender<u64>,
    window: RwLock<Window>,
    /// Taken by readers that found the window empty, so only one of them reads the store to
    /// refill it; the others wait and then answer from the refilled window. Chat posts do not
    /// take it (the committer updates the window itself, and `refill` checks the epoch).
    pub(crate) refill_lock: tokio::sync::Mutex<()>,
    /// The room's lowest read marker and when it was read; markers from polls reach the store
    /// about once a second, so re-reading it more often would not be more exact.
    common_read: Mutex<Option<(i64, Instant)>>,
}

/// How long a cached common read marker is used.
const COMMON_READ_TTL: Duration = Duration::from_secs(1);

/// A subscription taken before reading, so a message posted after the read wakes the waiter.
pub struct Subscription(watch::Receiver<u64>);

impl Subscription {
    /// Waits until the room changes after the subscription was taken (or since the last wait).
    pub async fn changed(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl RoomFeed {
    fn new() -> Self {
        Self {
            signal: watch::channel(0).0,
            window: RwLock::default(),
            refill_lock: tokio::sync::Mutex::new(()),
            common_read: Mutex::new(None),
        }
    }

    pub fn subscribe(&self) -> Subscription {
        Subscription(self.signal.subscribe())
    }

    fn wake(&self) {
        self.signal.send_modify(|v| *v = v.wrapping_add(1));
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Window> {
        self.window
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Messages after `cursor` (at most `limit`), if the window can answer for that cursor.
    pub fn after(&self, cursor: i64, limit: usize) -> WindowRead {
        let window = self
            .window
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !window.valid {
            return WindowRead::Invalid;
        }
        if cursor < window.floor {
            return WindowRead::BelowFloor;
        }
        let start = window.messages.partition_point(|m| m.id <= cursor);
        WindowRead::Found(
            window
                .messages
                .iter()
                .skip(start)
                .take(limit)
                .cloned()
                .collect(),
        )
    }

    /// The window's current epoch, read before a refill's store query.
    pub(crate) fn epoch(&self) -> u64 {
        self.window
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .epoch
    }

    /// Installs the room's newest messages (newest first, as read) unless history changed
    /// since `epoch`. `complete` says the room has no older messages.
    pub(crate) fn refill(&self, epoch: u64, newest_first: Vec<Message>, complete: bool) {
        let mut window = self.write();
        if window.epoch != epoch || window.valid {
            return;
        }
        let messages: VecDeque<Arc<Message>> =
            newest_first.into_iter().rev().map(Arc::new).collect();
        window.floor = if complete {
            0
        } else {
            messages.front().map_or(0, |m| m.id - 1)
        };
        window.tail = messages.back().map_or(window.floor, |m| m.id);
        window.messages = messages;
        window.valid = true;
    }

    /// Records a committed chat message; `previous` is the room's last id before it. A gap (someone else appended) invalidates the window instead.
    pub(crate) fn posted(&self, message: Arc<Message>, previous: i64) {
        {
            let mut window = self.write();
            if window.valid && window.tail == previous {
                window.tail = message.id;
                window.messages.push_back(message);
                if window.messages.len() > WINDOW {
                    if let Some(dropped) = window.messages.pop_front() {
                        window.floor = dropped.id;
                    }
                }
            } else {
                invalidate(&mut window);
            }
        }
        self.wake();
    }

    /// The cached lowest read marker, if fresh.
    pub(crate) fn common_read(&self) -> Option<i64> {
        let cached = *self
            .common_read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cached
            .filter(|(_, at)| at.elapsed() < COMMON_READ_TTL)
            .map(|(value, _)| value)
    }

    pub(crate) fn set_common_read(&self, value: Option<i64>) {
        *self
            .common_read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            value.map(|v| (v, Instant::now()));
    }

    /// History changed in a way the window cannot follow: drop it and wake every waiter.
    pub fn changed(&self) {
        invalidate(&mut self.write());
        self.wake();
    }
}

fn invalidate(window: &mut Window) {
    window.valid = false;
    window.messages.clear();
    window.epoch = window.epoch.wrapping_add(1);
}

/// Every room's feed on this node.
#[derive(Debug, Default)]
pub struct ChatFeed {
    rooms: Mutex<HashMap<i64, Arc<RoomFeed>>>,
}

impl ChatFeed {
    /// The feed of `room_id`, created on first use.
    pub fn room(&self, room_id: i64) -> Arc<RoomFeed> {
        let mut rooms = self
            .rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(feed) = rooms.get(&room_id) {
            return feed.clone();
        }
        if rooms.len() >= MAX_IDLE_ROOMS {
            rooms.retain(|_, feed| Arc::strong_count(feed) > 1 || feed.signal.receiver_count() > 0);
        }
        rooms
            .entry(room_id)
            .or_insert_with(|| Arc::new(RoomFeed::new()))
            .clone()
    }

    /// Drops every room's cached common read marker (who counts for it changed).
    pub fn forget_common_reads(&self) {
        let rooms = self
            .rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for feed in rooms.values() {
            feed.set_common_read(None);
        }
    }

    /// Marks a room's history as changed outside a chat post (system messages and the like).
    pub fn changed(&self, room_id: i64) {
        let feed = self
            .rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&room_id)
            .cloned();
        if let Some(feed) = feed {
            feed.changed();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{MessageType, NewMessage};

    fn message(id: i64) -> Message {
        NewMessage {
            room_id: 1,
            actor_type: "users".into(),
            actor_id: "a".into(),
            actor_display_name: String::new(),
            message: format!("m{id}"),
            message_type: MessageType::Comment,
            system_message: String::new(),
            parameters: serde_json::json!({}),
            reference_id: String::new(),
            parent_id: 0,
            created_at: 0,
            expires_at: 0,
            silent: false,
        }
        .stored(id)
    }

    fn found(read: WindowRead) -> Vec<Arc<Message>> {
        match read {
            WindowRead::Found(messages) => messages,
            other => panic!("window could not answer: {other:?}"),
        }
    }

    #[test]
    fn window_answers_only_after_refill_and_follows_contiguous_posts() {
        let feed = RoomFeed::new();
        assert!(matches!(feed.after(0, 10), WindowRead::Invalid));
        feed.refill(feed.epoch(), vec![message(5), message(3)], true);
        assert_eq!(found(feed.after(0, 10)).len(), 2);
        feed.posted(Arc::new(message(9)), 5);
        let ids: Vec<i64> = found(feed.after(3, 10)).iter().map(|m| m.id).collect();
        assert_eq!(ids, vec![5, 9]);
        // A post whose predecessor is not the tail means something was appended unseen.
        feed.posted(Arc::new(message(12)), 10);
        assert!(matches!(feed.after(9, 10), WindowRead::Invalid));
    }

    #[test]
    fn a_refill_read_before_a_change_is_discarded() {
        let feed = RoomFeed::new();
        let epoch = feed.epoch();
        feed.changed();
        feed.refill(epoch, vec![message(1)], true);
        assert!(matches!(feed.after(0, 10), WindowRead::Invalid));
    }

    #[test]
    fn cursors_below_the_floor_go_to_the_store() {
        let feed = RoomFeed::new();
        feed.refill(feed.epoch(), vec![message(20), message(10)], false);
        assert!(matches!(feed.after(5, 10), WindowRead::BelowFloor));
        assert_eq!(found(feed.after(9, 10)).len(), 2);
    }

    #[tokio::test]
    async fn a_subscription_taken_before_a_post_sees_it() {
        let feed = RoomFeed::new();
        let mut sub = feed.subscribe();
        feed.posted(Arc::new(message(1)), 0);
        tokio::time::timeout(std::time::Duration::from_secs(1), sub.changed())
            .await
            .unwrap();
    }
}
