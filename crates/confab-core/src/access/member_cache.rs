//! Members kept in memory between requests, for the chat endpoints that long polls and
//! senders call many times a second.
//!
//! An entry holds what one store read found and the store's write generation read *before*
//! that read; it answers only while the generation is unchanged, so any write committed
//! since (which moves the generation after it commits) sends the next caller to the store.
//! Chat posts and read markers moved up by polls leave the generation alone: they move only
//! fields the chat endpoints do not rely on from a member (a room's last message, read and
//! mention markers; a marker that looks lower than it is only makes a poll move it again). Entries also age
//! out, for writes made by other processes on the same database (the command line).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::actor::Actor;
use crate::participant::Attendee;
use crate::room::Room;

/// How long an entry answers at most.
const MAX_AGE: Duration = Duration::from_secs(2);
/// Entries kept at most; past it the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// Who asks: a user by account, a guest by the client session that identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    User(String),
    Client(String),
}

/// A cache key: the room's token and who asks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    token: String,
    caller: Caller,
}

impl Key {
    /// The key of `actor` in `token`; `None` for a caller no cache entry can identify.
    pub(crate) fn new(actor: &Actor, token: &str) -> Option<Self> {
        let caller = match (actor.user_id(), actor.client_session.as_deref()) {
            (Some(user), _) => Caller::User(user.to_owned()),
            (None, Some(client)) => Caller::Client(client.to_owned()),
            (None, None) => return None,
        };
        Some(Self {
            token: token.to_owned(),
            caller,
        })
    }
}

#[derive(Debug)]
struct Entry {
    generation: u64,
    read_at: Instant,
    room: Room,
    attendee: Attendee,
}

#[derive(Debug, Default)]
pub(crate) struct MemberCache(Mutex<HashMap<Key, Entry>>);

impl MemberCache {
    /// The room and attendee read for `key`, if nothing was written since.
    pub(crate) fn get(&self, key: &Key, generation: u64) -> Option<(Room, Attendee)> {
        let entries = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.read_at.elapsed() < MAX_AGE)
            .map(|e| (e.room.clone(), e.attendee.clone()))
    }

    /// Keeps what a store read found; `generation` is the one read before that read.
    pub(crate) fn put(&self, key: Key, generation: u64, room: &Room, attendee: &Attendee) {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.generation == generation && e.read_at.elapsed() < MAX_AGE);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                generation,
                read_at: Instant::now(),
                room: room.clone(),
                attendee: attendee.clone(),
            },
        );
    }
}
