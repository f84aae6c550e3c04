//! The bundle of services and the context they share.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::access::{Member, MemberCache};
use crate::account::AccountService;
use crate::app_config::AppConfig;
use crate::ban::BanService;
use crate::breakout_room::BreakoutService;
use crate::chat::{ChatFeed, ChatService, ReadMarkers};
use crate::clock::Clock;
use crate::participant::ParticipantService;
use crate::room::RoomService;
use crate::store::Store;
use crate::throttle::Throttler;
use crate::Result;

/// What every service needs: the store, the clock and the current app settings.
pub struct Context {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// Per-room signals and message windows of this node.
    pub feed: ChatFeed,
    /// Read markers moved by polls, waiting to be written.
    pub read_markers: ReadMarkers,
    /// Members the chat endpoints looked up, while nothing was written since.
    pub(crate) members: MemberCache,
    config: RwLock<Arc<AppConfig>>,
}

impl Context {
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// A snapshot of the app settings (shared, not copied: every chat request reads it).
    pub fn config(&self) -> Arc<AppConfig> {
        self.config
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Writes the read markers polls moved, so unread counts computed next are exact.
    pub async fn flush_read_markers(&self) -> Result<()> {
        self.read_markers.flush(self.store.as_ref()).await
    }

    /// The room's common read marker as `member` may learn it: `None` when their own read
    /// privacy is private (only those who share how far they read see how far others did).
    pub async fn common_read_for(&self, member: &Member) -> Result<Option<i64>> {
        if !member.attendee.shares_read_status() {
            return Ok(None);
        }
        self.last_common_read(member.room.id).await.map(Some)
    }

    /// The lowest read marker among a room's users who share theirs.
    pub async fn last_common_read(&self, room_id: i64) -> Result<i64> {
        // The cached value answers most calls (every poll answer) without building a map.
        if let Some(value) = self.feed.room(room_id).common_read() {
            return Ok(value);
        }
        let found = self.last_common_reads(&[room_id]).await?;
        Ok(found.get(&room_id).copied().unwrap_or(0))
    }

    /// The common read markers of `room_ids`, cached for a second per room (markers from
    /// polls reach the store about once a second), so a wave of poll answers costs one store
    /// read per room and a room list one for all rooms it misses.
    pub async fn last_common_reads(&self, room_ids: &[i64]) -> Result<HashMap<i64, i64>> {
        let mut found = HashMap::with_capacity(room_ids.len());
        let mut missing = Vec::new();
        for room_id in room_ids {
            match self.feed.room(*room_id).common_read() {
                Some(value) => {
                    found.insert(*room_id, value);
                }
                None => missing.push(*room_id),
            }
        }
        if !missing.is_empty() {
            for (room_id, value) in self.store.last_common_reads(&missing).await? {
                self.feed.room(room_id).set_common_read(Some(value));
                found.insert(room_id, value);
            }
        }
        Ok(found)
    }

    /// Re-reads the app settings from the store after a change.
    pub async fn reload_config(&self) -> Result<()> {
        let fresh = AppConfig::from_pairs(self.store.app_config().await?);
        *self
            .config
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(fresh);
        Ok(())
    }
}

/// Every domain service, built once at start.
#[derive(Clone)]
pub struct Services {
    pub context: Arc<Context>,
    pub accounts: AccountService,
    pub rooms: RoomService,
    pub participants: ParticipantService,
    pub chat: ChatService,
    pub breakout_rooms: BreakoutService,
    pub bans: BanService,
    pub throttler: Arc<Throttler>,
}

impl Services {
    /// Builds the services over `store`, loading the app settings.
    pub async fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<Self> {
        let context = Arc::new(Context {
            store,
            clock,
            feed: ChatFeed::default(),
            read_markers: ReadMarkers::default(),
            members: MemberCache::default(),
            config: RwLock::new(Arc::default()),
        });
        context.reload_config().await?;
        let rooms = RoomService::new(context.clone());
        let chat = ChatService::new(context.clone());
        let participants = ParticipantService::new(context.clone());
        Ok(Self {
            accounts: AccountService::new(context.clone()),
            breakout_rooms: BreakoutService::new(
                context.clone(),
                rooms.clone(),
                chat.clone(),
                participants.clone(),
            ),
            bans: BanService::new(context.clone()),
            rooms,
            participants,
            chat,
            throttler: Arc::new(Throttler::default()),
            context,
        })
    }

    /// Sets an app setting after validating it; `Invalid("key")` for settings confab does not know.
    pub async fn set_app_config(&self, key: &str, value: &str) -> Result<()> {
        match AppConfig::validate(key, value) {
            None => return Err(crate::Error::Invalid("key")),
            Some(false) => return Err(crate::Error::Invalid("value")),
            Some(true) => {}
        }
        self.context.store.set_app_config(key, value).await?;
        self.context.reload_config().await
    }

    /// Removes an app setting, restoring its default.
    pub async fn delete_app_config(&self, key: &str) -> Result<()> {
        if AppConfig::validate(key, "").is_none() {
            return Err(crate::Error::Invalid("key"));
        }
        self.context.store.delete_app_config(key).await?;
        self.context.reload_config().await
    }
}
