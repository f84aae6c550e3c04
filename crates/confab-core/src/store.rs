//! The storage ports. One narrow trait per area; [`Store`] is all of them together.
//!
//! Every method is one transaction. Methods that change state take the system messages that
//! record the change, so the change and its message are stored together or not at all.

use async_trait::async_trait;

use crate::account::{Group, User};
use crate::ban::{Ban, BannedActorType};
use crate::chat::{
    ChatPost, Message, NewMessage, Pin, PinState, Poll, PollVote, Posted, Reaction, SharedItemType,
};
use crate::error::StoreError;
use crate::participant::{ActorType, Attendee, NewAttendee, NewSession, Privacy, Session};
use crate::room::{NewRoom, Room, RoomAvatar};

pub type StoreResult<T> = Result<T, StoreError>;

/// A room to create with its first attendees and messages (their `room_id` is filled in).
#[derive(Debug, Clone)]
pub struct RoomPlan {
    pub room: NewRoom,
    pub attendees: Vec<NewAttendee>,
    pub messages: Vec<NewMessage>,
}

/// A session with its room and whose it is, as [`ParticipantStore::breakout_sessions`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub room_id: i64,
    pub session: Session,
    pub actor_type: ActorType,
    pub actor_id: String,
}

/// A room with the caller's attendee and session, as [`RoomStore::room_membership`] finds them.
pub type Membership = (Room, Option<Attendee>, Option<Session>);

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates a user; `Conflict` when the id exists.
    async fn create_user(&self, user: &User) -> StoreResult<()>;
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;
    /// Users whose id or display name contains `search`, ordered by id.
    async fn users(&self, search: &str, limit: i64, offset: i64) -> StoreResult<Vec<User>>;
    /// Writes display name, email and password hash.
    async fn update_user(&self, user: &User) -> StoreResult<()>;
    /// Deletes the user with their app passwords, group memberships and attendees.
    async fn delete_user(&self, id: &str) -> StoreResult<bool>;
    async fn add_app_password(&self, user_id: &str, hash: &str, now: i64) -> StoreResult<()>;
    async fn user_by_app_password(&self, hash: &str) -> StoreResult<Option<User>>;
    /// Creates a group; `Conflict` when the id exists.
    async fn create_group(&self, group: &Group) -> StoreResult<()>;
    async fn group(&self, id: &str) -> StoreResult<Option<Group>>;
    async fn groups(&self, search: &str) -> StoreResult<Vec<Group>>;
    async fn delete_group(&self, id: &str) -> StoreResult<bool>;
    /// Adds a member; adding an existing member changes nothing.
    async fn add_group_member(&self, group_id: &str, user_id: &str) -> StoreResult<()>;
    async fn remove_group_member(&self, group_id: &str, user_id: &str) -> StoreResult<bool>;
    async fn group_members(&self, group_id: &str) -> StoreResult<Vec<User>>;
    async fn user_groups(&self, user_id: &str) -> StoreResult<Vec<String>>;
    /// The user's stored settings as `(key, value)`; keys never set are missing.
    async fn user_settings(&self, user_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// Stores one setting of the user, replacing its value.
    async fn set_user_setting(&self, user_id: &str, key: &str, value: &str) -> StoreResult<()>;
    /// Stores the user's read privacy and applies it to each of their attendees (those added
    /// later take it from the setting), in one transaction.
    async fn set_read_privacy(&self, user_id: &str, privacy: Privacy) -> StoreResult<()>;
}

#[async_trait]
pub trait ConfigStore: Send + Sync {
    async fn app_config(&self) -> StoreResult<Vec<(String, String)>>;
    async fn set_app_config(&self, key: &str, value: &str) -> StoreResult<()>;
    async fn delete_app_config(&self, key: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait RoomStore: Send + Sync {
    /// Creates a room with its first attendees and messages (their `room_id` is filled in).
    /// `Conflict` when the token exists.
    async fn create_room(
        &self,
        room: &NewRoom,
        attendees: &[NewAttendee],
        messages: &[NewMessage],
    ) -> StoreResult<Room>;
    async fn room_by_token(&self, token: &str) -> StoreResult<Option<Room>>;
    /// The room `token` with, in one read, the caller's attendee and current session: the
    /// user's attendee when `user_id` is set, else the guest attendee `client_session` is bound
    /// to (see [`ParticipantStore::open_session`]), connected or not.
    async fn room_membership(
        &self,
        token: &str,
        user_id: Option<&str>,
        client_session: Option<&str>,
    ) -> StoreResult<Option<Membership>>;
    /// The rooms the actor is an attendee of, with the attendee.
    async fn rooms_of_actor(
        &self,
        actor_type: ActorType,
        actor_id: &str,
    ) -> StoreResult<Vec<(Room, Attendee)>>;
    /// Rooms whose listable scope is at least `min_scope`, the actor is not in and that match `search`.
    async fn listable_rooms(
        &self,
        min_scope: i64,
        actor_id: &str,
        search: &str,
    ) -> StoreResult<Vec<Room>>;
    /// The one-to-one room whose two users are `a` and `b`.
    async fn one_to_one_room(&self, a: &str, b: &str) -> StoreResult<Option<Room>>;
    /// The rooms whose `objectType`/`objectId` are the given pair, ordered by id.
    async fn rooms_by_object(&self, object_type: &str, object_id: &str) -> StoreResult<Vec<Room>>;
    /// Writes every setting of `room` and appends `messages`; returns the stored room. Its
    /// `last_activity` only moves forward (a stale copy never turns it back).
    async fn update_room(&self, room: &Room, messages: &[NewMessage]) -> StoreResult<Room>;
    /// Like [`RoomStore::update_room`], and clears every attendee's custom permissions in the
    /// same transaction (a new default applies to everyone).
    async fn update_room_default_permissions(&self, room: &Room) -> StoreResult<Room>;
    /// Writes every setting of each of `rooms` and appends `messages` (each to its own room)
    /// in one transaction; `NotFound` (and nothing written) when a room does not exist.
    async fn update_rooms(&self, rooms: &[Room], messages: &[NewMessage]) -> StoreResult<()>;
    /// Replaces the breakout rooms of `parent` (rooms with objectType `room` and objectId the
    /// parent's token): deletes the current ones, creates `rooms` and writes `parent`, in one
    /// transaction. Returns the new rooms in order.
    async fn replace_breakout_rooms(
        &self,
        parent: &Room,
        rooms: &[RoomPlan],
    ) -> StoreResult<Vec<Room>>;
    /// Deletes the room with its attendees, sessions, messages and bans.
    async fn delete_room(&self, room_id: i64) -> StoreResult<bool>;
    /// The earliest lobby timer set on a room with an active lobby.
    async fn next_lobby_timer(&self) -> StoreResult<Option<i64>>;
    /// Rooms whose lobby is active and whose timer is set and not after `now`.
    async fn rooms_with_due_lobby(&self, now: i64) -> StoreResult<Vec<Room>>;
}

#[async_trait]
pub trait ParticipantStore: Send + Sync {
    async fn attendees(&self, room_id: i64) -> StoreResult<Vec<Attendee>>;
    /// The attendees of all of `room_ids`, by room and then id.
    async fn attendees_of_rooms(&self, room_ids: &[i64]) -> StoreResult<Vec<Attendee>>;
    async fn attendee_by_id(&self, room_id: i64, attendee_id: i64)
        -> StoreResult<Option<Attendee>>;
    async fn attendee_by_actor(
        &self,
        room_id: i64,
        actor_type: ActorType,
        actor_id: &str,
    ) -> StoreResult<Option<Attendee>>;
    /// Adds attendees and appends `messages`; `Conflict` when an actor is already in the room.
    async fn add_attendees(
        &self,
        room_id: i64,
        attendees: &[NewAttendee],
        messages: &[NewMessage],
    ) -> StoreResult<Vec<Attendee>>;
    /// Writes every mutable field of the attendee and appends `messages`.
    async fn update_attendee(
        &self,
        attendee: &Attendee,
        messages: &[NewMessage],
    ) -> StoreResult<()>;
    /// Moves people between rooms in one transaction: removes `(room, attendee)` pairs, adds
    /// `(room, attendee)` pairs, and appends `messages` (each to its own room).
    async fn change_memberships(
        &self,
        removals: &[(i64, i64)],
        additions: &[(i64, NewAttendee)],
        messages: &[NewMessage],
    ) -> StoreResult<()>;
    /// Removes attendees (with their sessions, client bindings and invitation) and appends
    /// `messages`.
    async fn remove_attendees(
        &self,
        room_id: i64,
        attendee_ids: &[i64],
        messages: &[NewMessage],
    ) -> StoreResult<()>;
    async fn sessions_of_room(&self, room_id: i64) -> StoreResult<Vec<Session>>;
    async fn session(&self, session_id: &str) -> StoreResult<Option<Session>>;
    /// The session a client session holds in a room.
    async fn session_of_client(
        &self,
        room_id: i64,
        client_session: &str,
    ) -> StoreResult<Option<Session>>;
    /// Every session a client session holds, at most one per room (the room list shows each).
    async fn sessions_of_client(&self, client_session: &str) -> StoreResult<Vec<Session>>;
    /// Opens a session for the attendee, replacing any session the same client held in the room.
    /// A guest's (`guests`, `emails`) client stays bound to the attendee in that room after the
    /// session ends, until the attendee is removed: that is how a guest stays who they are.
    async fn open_session(
        &self,
        room_id: i64,
        attendee_id: i64,
        session: &NewSession,
    ) -> StoreResult<Session>;
    /// Closes the sessions `close` (by id) and opens `open` ((room id, attendee id, session)) in
    /// one transaction: people moving between rooms. Each opening is as [`Self::open_session`];
    /// at most one per room and client. Returns the opened sessions in order.
    async fn switch_sessions(
        &self,
        close: &[String],
        open: &[(i64, i64, NewSession)],
    ) -> StoreResult<Vec<Session>>;
    /// The sessions in the conversation `parent_token` and in its breakout rooms, each with
    /// its room and its attendee's actor, by room id; only the sessions of `actor` when given.
    async fn breakout_sessions(
        &self,
        parent_token: &str,
        actor: Option<(ActorType, &str)>,
    ) -> StoreResult<Vec<Connection>>;
    /// Opens a session for a new guest attendee in one step (binding the client to them).
    async fn add_guest_with_session(
        &self,
        room_id: i64,
        guest: &NewAttendee,
        session: &NewSession,
    ) -> StoreResult<(Attendee, Session)>;
    /// The secret of the attendee's invitation (email guests), if one was made.
    async fn invitation(&self, attendee_id: i64) -> StoreResult<Option<String>>;
    /// Makes `access_token` the secret of the attendee's invitation unless it has one; returns
    /// the secret stored. `NotFound` when the attendee does not exist.
    async fn add_invitation(&self, attendee_id: i64, access_token: &str) -> StoreResult<String>;
    async fn close_session(&self, session_id: &str) -> StoreResult<bool>;
    /// Writes `in_call`, `last_ping` and `state`.
    async fn update_session(&self, session: &Session) -> StoreResult<()>;
}

#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Appends messages (ids grow in the order given) and moves each room's last message.
    /// Every append (here and in every other method that appends) lists a message that shares
    /// an object among the room's shared items ([`NewMessage::shared_item`]), in the same
    /// transaction.
    async fn post_messages(&self, messages: &[NewMessage]) -> StoreResult<Vec<Message>>;
    async fn messages_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Message>>;
    /// Messages of a room with id greater than `after`, oldest first.
    async fn messages_after(
        &self,
        room_id: i64,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<Message>>;
    /// Messages of a room with id less than `before` (0: the newest), newest first.
    async fn messages_before(
        &self,
        room_id: i64,
        before: i64,
        limit: i64,
    ) -> StoreResult<Vec<Message>>;
    /// For every room of the actor: how many comments are after the actor's read marker.
    async fn unread_counts(
        &self,
        actor_type: ActorType,
        actor_id: &str,
    ) -> StoreResult<Vec<(i64, i64)>>;
    /// How many comments of the room have an id greater than `after`.
    async fn unread_count(&self, room_id: i64, after: i64) -> StoreResult<i64>;
    /// Appends chat messages in one transaction, in order: each moves its sender's read marker
    /// to it and records its mentions.
    async fn post_chat_messages(&self, posts: &[ChatPost]) -> StoreResult<Vec<Posted>>;
    async fn message(&self, room_id: i64, id: i64) -> StoreResult<Option<Message>>;
    /// Moves many read markers forward (never back) in one transaction.
    async fn advance_read_markers(&self, markers: &[(i64, i64)]) -> StoreResult<()>;
    /// Moves an attendee's read marker; with `forward_only` it never moves back.
    async fn mark_read(
        &self,
        attendee_id: i64,
        message_id: i64,
        forward_only: bool,
    ) -> StoreResult<()>;
    /// Writes a message's text, type, parameters and last edit, and appends `notes`.
    async fn rewrite_message(
        &self,
        message: &Message,
        notes: &[NewMessage],
    ) -> StoreResult<Vec<Message>>;
    /// Turns a message into its deletion placeholder: writes text, type and parameters like
    /// [`ChatStore::rewrite_message`], drops its pin, its reactions and its place among the
    /// shared items, and appends `note`.
    async fn delete_message(
        &self,
        placeholder: &Message,
        note: &NewMessage,
    ) -> StoreResult<Message>;
    /// Deletes every message of the room, resets read markers and appends `note`.
    async fn clear_history(&self, room_id: i64, note: &NewMessage) -> StoreResult<Message>;
    /// Deletes messages whose expiry is at or before `now`; returns how many.
    async fn delete_expired_messages(&self, now: i64) -> StoreResult<u64>;
    /// The earliest expiry of any message.
    async fn next_message_expiry(&self) -> StoreResult<Option<i64>>;
    /// The lowest read marker among the users of each room who share theirs (read privacy
    /// public), as `(room id, marker)`; a room without such users answers 0.
    async fn last_common_reads(&self, room_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>>;
    /// The room's shared items of `item_type` with ids below `before` (0: no bound) that have
    /// not expired at `now`, at most `limit`: the messages that shared such an object, newest
    /// first; for [`SharedItemType::Pinned`] the messages pinned and not run out at `now`,
    /// most recently pinned first. Reads an index, never the room's whole history.
    async fn shared_items(
        &self,
        room_id: i64,
        item_type: SharedItemType,
        before: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<Message>>;
    /// For every shared-item type, the first `limit` items [`ChatStore::shared_items`] lists,
    /// in one read: (type, message) pairs, each type's items in that order.
    async fn shared_items_overview(
        &self,
        room_id: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<(SharedItemType, Message)>>;
}

#[async_trait]
pub trait ReactionStore: Send + Sync {
    /// Adds a reaction (false when it existed) and, when added, appends `note`.
    async fn add_reaction(&self, reaction: &Reaction, note: &NewMessage) -> StoreResult<bool>;
    /// Removes a reaction (false when it did not exist) and, when removed, rewrites the note
    /// the reaction left with the text, name and parameters of `retracted`, and appends `note`.
    async fn remove_reaction(
        &self,
        reaction: &Reaction,
        retracted: &NewMessage,
        note: &NewMessage,
    ) -> StoreResult<bool>;
    /// The reactions to a message, oldest first.
    async fn reactions(&self, message_id: i64) -> StoreResult<Vec<Reaction>>;
    /// The reactions `actor` gave to any of `message_ids`: (message id, emoji).
    async fn reactions_of_actor(
        &self,
        message_ids: &[i64],
        actor_type: &str,
        actor_id: &str,
    ) -> StoreResult<Vec<(i64, String)>>;
}

#[async_trait]
pub trait PollStore: Send + Sync {
    /// Stores a new poll (its `id` is ignored) and returns it with its id.
    async fn create_poll(&self, poll: &Poll) -> StoreResult<Poll>;
    async fn poll(&self, room_id: i64, poll_id: i64) -> StoreResult<Option<Poll>>;
    async fn poll_drafts(&self, room_id: i64) -> StoreResult<Vec<Poll>>;
    /// Writes question, options, result mode, vote limit and status, and appends `notes`.
    async fn update_poll(&self, poll: &Poll, notes: &[NewMessage]) -> StoreResult<()>;
    async fn delete_poll(&self, poll_id: i64) -> StoreResult<bool>;
    /// Replaces the voter's votes (actor type, id, display name) and appends `notes`.
    async fn vote_poll(
        &self,
        poll_id: i64,
        voter: (&str, &str, &str),
        option_ids: &[i64],
        notes: &[NewMessage],
    ) -> StoreResult<()>;
    async fn poll_votes(&self, poll_id: i64) -> StoreResult<Vec<PollVote>>;
}

#[async_trait]
pub trait PinStore: Send + Sync {
    /// Pins a message, makes every attendee of its room see pins again (their hidden pin is
    /// reset) and appends `note`. `None` when the message was pinned already (nothing changes).
    async fn pin_message(
        &self,
        message_id: i64,
        pin: &Pin,
        note: &NewMessage,
    ) -> StoreResult<Option<Message>>;
    /// Unpins a message and appends `note`; `None` when it was not pinned (nothing changes).
    async fn unpin_message(
        &self,
        message_id: i64,
        note: &NewMessage,
    ) -> StoreResult<Option<Message>>;
    /// Records the pin an attendee hid for themselves.
    async fn hide_pinned_message(&self, attendee_id: i64, message_id: i64) -> StoreResult<()>;
    /// The pin state of each attendee's room: the most recently pinned message that is still
    /// pinned and not expired at `now`, and the attendee's hidden pin.
    async fn pin_states(&self, attendee_ids: &[i64], now: i64) -> StoreResult<Vec<PinState>>;
    /// Unpins every message pinned until `now` or earlier; returns the rooms that changed.
    async fn unpin_expired(&self, now: i64) -> StoreResult<Vec<i64>>;
    /// The earliest time a pin runs out.
    async fn next_pin_expiry(&self) -> StoreResult<Option<i64>>;
}

#[async_trait]
pub trait RoomAvatarStore: Send + Sync {
    /// Replaces the room's custom picture with `avatar` and appends `messages`; returns the
    /// room. `NotFound` when the room does not exist.
    async fn set_room_avatar(
        &self,
        room_id: i64,
        avatar: &RoomAvatar,
        messages: &[NewMessage],
    ) -> StoreResult<Room>;
    /// Removes the room's custom picture and appends `messages`, both only when it has one;
    /// returns the room. `NotFound` when the room does not exist.
    async fn remove_room_avatar(&self, room_id: i64, messages: &[NewMessage]) -> StoreResult<Room>;
    /// The room's custom picture, if it has one.
    async fn room_avatar(&self, room_id: i64) -> StoreResult<Option<RoomAvatar>>;
}

#[async_trait]
pub trait BanStore: Send + Sync {
    /// Stores `ban` (its `id` is ignored) and returns it with its id. When `remove` names an
    /// attendee of the ban's room, removes them (with their sessions, client bindings and
    /// invitation) in the same transaction, and the clients that were bound to them stay
    /// recognised as banned ([`BanStore::ban_of_client`]); appends `messages`. `Conflict`, and
    /// nothing written, when the room bans that actor or address already.
    async fn ban_actor(
        &self,
        ban: &Ban,
        remove: Option<i64>,
        messages: &[NewMessage],
    ) -> StoreResult<Ban>;
    /// The bans of the rooms `room_ids`, oldest first.
    async fn bans(&self, room_ids: &[i64]) -> StoreResult<Vec<Ban>>;
    /// The room's ban of one actor or address, exactly as banned.
    async fn ban_of_actor(
        &self,
        room_id: i64,
        banned_actor_type: BannedActorType,
        banned_actor_id: &str,
    ) -> StoreResult<Option<Ban>>;
    /// The room's ban of the guest `client_session` was bound to when they were banned.
    async fn ban_of_client(&self, room_id: i64, client_session: &str) -> StoreResult<Option<Ban>>;
    /// Lifts the room's ban `ban_id`; false when the room has no such ban.
    async fn remove_ban(&self, room_id: i64, ban_id: i64) -> StoreResult<bool>;
}

/// Tells readers whether what they read may have changed since.
pub trait WriteGeneration: Send + Sync {
    /// A number that moves after every committed write except those that only move the chat
    /// forward (chat posts, which append a message and move its room's last message, the
    /// sender's read marker and mention markers; read markers moved up by polls), once the
    /// write is visible to readers. `None` when this process does
    /// not see every write (another node may share the database), so nothing read may be
    /// kept on the strength of it.
    fn write_generation(&self) -> Option<u64>;
}

/// Every storage port; what the services are built on.
pub trait Store:
    WriteGeneration
    + AccountStore
    + ConfigStore
    + RoomStore
    + ParticipantStore
    + ChatStore
    + ReactionStore
    + PollStore
    + PinStore
    + RoomAvatarStore
    + BanStore
{
}

impl<
        T: WriteGeneration
            + AccountStore
            + ConfigStore
            + RoomStore
            + ParticipantStore
            + ChatStore
            + ReactionStore
            + PollStore
            + PinStore
            + RoomAvatarStore
            + BanStore,
    > Store for T
{
}
