//! Row → domain type mapping, with the column lists the queries select.

use confab_core::account::{Group, User};
use confab_core::chat::{Edit, Message, MessageType, Pin, Reaction};
use confab_core::participant::{ActorType, Attendee, ParticipantType, Privacy, Session};
use confab_core::room::{Listable, Room, RoomType};
use confab_core::store::Connection;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) const USER_COLUMNS: &str = "id, display_name, email, password_hash, created_at";

pub(crate) const ROOM_COLUMNS: &str = "r.id, r.token, r.type, r.name, r.description, r.password_hash, \
    r.read_only, r.listable, r.lobby_state, r.lobby_timer, r.default_permissions, r.call_permissions, \
    r.message_expiration, r.object_type, r.object_id, r.breakout_room_mode, r.breakout_room_status, \
    r.sip_enabled, r.mention_permissions, r.recording_consent, r.call_flag, r.call_start_time, \
    r.last_activity, r.last_message_id, r.created_at, r.modified_at, \
    (SELECT v.version FROM room_avatars v WHERE v.room_id = r.id) AS avatar_version";

pub(crate) const ATTENDEE_COLUMNS: &str =
    "a.id AS a_id, a.room_id AS a_room_id, a.actor_type, a.actor_id, \
    a.display_name AS a_display_name, a.participant_type, a.permissions, a.notification_level, \
    a.notification_calls, a.favorite, a.archived, a.important, a.sensitive, a.last_read_message, \
    a.last_mention_message, a.last_mention_direct, a.invited_cloud_id, a.pin, a.read_privacy";

pub(crate) const SESSION_COLUMNS: &str =
    "id, attendee_id, client_session, in_call, last_ping, state";

pub(crate) const MESSAGE_COLUMNS: &str = "id, room_id, actor_type, actor_id, actor_display_name, message, \
    message_type, system_message, parameters, reference_id, parent_id, created_at, expires_at, silent, \
    reactions, last_edit_actor_type, last_edit_actor_id, last_edit_actor_display_name, last_edit_at, \
    pinned_actor_type, pinned_actor_id, pinned_actor_display_name, pinned_at, pinned_until";

/// [`MESSAGE_COLUMNS`] of the messages table named `alias` in a join.
pub(crate) fn message_columns_of(alias: &str) -> String {
    MESSAGE_COLUMNS
        .split(',')
        .map(|column| format!("{alias}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) const REACTION_COLUMNS: &str =
    "message_id, actor_type, actor_id, actor_display_name, reaction, created_at";

fn corrupt(column: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: "value outside the domain".into(),
    }
}

fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

pub(crate) fn user(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) fn group(row: &AnyRow) -> Result<Group, sqlx::Error> {
    Ok(Group {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
    })
}

pub(crate) fn room(row: &AnyRow) -> Result<Room, sqlx::Error> {
    Ok(Room {
        id: row.try_get("id")?,
        token: row.try_get("token")?,
        room_type: RoomType::from_i64(row.try_get("type")?).ok_or_else(|| corrupt("type"))?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        password_hash: row.try_get("password_hash")?,
        read_only: flag(row, "read_only")?,
        listable: Listable::from_i64(row.try_get("listable")?)
            .ok_or_else(|| corrupt("listable"))?,
        lobby_state: flag(row, "lobby_state")?,
        lobby_timer: row.try_get("lobby_timer")?,
        default_permissions: row.try_get("default_permissions")?,
        call_permissions: row.try_get("call_permissions")?,
        message_expiration: row.try_get("message_expiration")?,
        object_type: row.try_get("object_type")?,
        object_id: row.try_get("object_id")?,
        breakout_room_mode: row.try_get("breakout_room_mode")?,
        breakout_room_status: row.try_get("breakout_room_status")?,
        sip_enabled: row.try_get("sip_enabled")?,
        mention_permissions: row.try_get("mention_permissions")?,
        recording_consent: row.try_get("recording_consent")?,
        call_flag: row.try_get("call_flag")?,
        call_start_time: row.try_get("call_start_time")?,
        last_activity: row.try_get("last_activity")?,
        last_message_id: row.try_get("last_message_id")?,
        created_at: row.try_get("created_at")?,
        modified_at: row.try_get("modified_at")?,
        avatar_version: row.try_get("avatar_version")?,
    })
}

pub(crate) fn attendee(row: &AnyRow) -> Result<Attendee, sqlx::Error> {
    Ok(Attendee {
        id: row.try_get("a_id")?,
        room_id: row.try_get("a_room_id")?,
        actor_type: ActorType::parse(&row.try_get::<String, _>("actor_type")?)
            .ok_or_else(|| corrupt("actor_type"))?,
        actor_id: row.try_get("actor_id")?,
        display_name: row.try_get("a_display_name")?,
        participant_type: ParticipantType::from_i64(row.try_get("participant_type")?)
            .ok_or_else(|| corrupt("participant_type"))?,
        permissions: row.try_get("permissions")?,
        notification_level: row.try_get("notification_level")?,
        notification_calls: row.try_get("notification_calls")?,
        favorite: flag(row, "favorite")?,
        archived: flag(row, "archived")?,
        important: flag(row, "important")?,
        sensitive: flag(row, "sensitive")?,
        last_read_message: row.try_get("last_read_message")?,
        last_mention_message: row.try_get("last_mention_message")?,
        last_mention_direct: row.try_get("last_mention_direct")?,
        invited_cloud_id: row.try_get("invited_cloud_id")?,
        pin: row.try_get("pin")?,
        read_privacy: Privacy::from_i64(row.try_get("read_privacy")?)
            .ok_or_else(|| corrupt("read_privacy"))?,
    })
}

/// The session columns of a membership read, prefixed `s_` (NULL when there is none).
pub(crate) const PREFIXED_SESSION_COLUMNS: &str = "s.id AS s_id, s.attendee_id AS s_attendee_id, \
    s.client_session AS s_client_session, s.in_call AS s_in_call, s.last_ping AS s_last_ping, s.state AS s_state";

pub(crate) fn optional_attendee(row: &AnyRow) -> Result<Option<Attendee>, sqlx::Error> {
    match row.try_get::<Option<i64>, _>("a_id")? {
        Some(_) => attendee(row).map(Some),
        None => Ok(None),
    }
}

pub(crate) fn optional_prefixed_session(row: &AnyRow) -> Result<Option<Session>, sqlx::Error> {
    let Some(id) = row.try_get::<Option<String>, _>("s_id")? else {
        return Ok(None);
    };
    Ok(Some(Session {
        id,
        attendee_id: row.try_get("s_attendee_id")?,
        client_session: row.try_get("s_client_session")?,
        in_call: row.try_get("s_in_call")?,
        last_ping: row.try_get("s_last_ping")?,
        state: row.try_get("s_state")?,
    }))
}

/// A prefixed session with its `room_id` and its attendee's `actor_type` and `actor_id`.
pub(crate) fn connection(row: &AnyRow) -> Result<Connection, sqlx::Error> {
    let actor_type: String = row.try_get("actor_type")?;
    Ok(Connection {
        room_id: row.try_get("room_id")?,
        session: optional_prefixed_session(row)?.ok_or_else(|| corrupt("s_id"))?,
        actor_type: ActorType::parse(&actor_type).ok_or_else(|| corrupt("actor_type"))?,
        actor_id: row.try_get("actor_id")?,
    })
}

pub(crate) fn session(row: &AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: row.try_get("id")?,
        attendee_id: row.try_get("attendee_id")?,
        client_session: row.try_get("client_session")?,
        in_call: row.try_get("in_call")?,
        last_ping: row.try_get("last_ping")?,
        state: row.try_get("state")?,
    })
}

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

pub(crate) fn reaction(row: &AnyRow) -> Result<Reaction, sqlx::Error> {
    Ok(Reaction {
        message_id: row.try_get("message_id")?,
        actor_type: row.try_get("actor_type")?,
        actor_id: row.try_get("actor_id")?,
        actor_display_name: row.try_get("actor_display_name")?,
        reaction: row.try_get("reaction")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) fn message(row: &AnyRow) -> Result<Message, sqlx::Error> {
    let edited_at: i64 = row.try_get("last_edit_at")?;
    let last_edit = if edited_at > 0 {
        Some(Edit {
            actor_type: row.try_get("last_edit_actor_type")?,
            actor_id: row.try_get("last_edit_actor_id")?,
            actor_display_name: row.try_get("last_edit_actor_display_name")?,
            at: edited_at,
        })
    } else {
        None
    };
    let pinned_at: i64 = row.try_get("pinned_at")?;
    let pin = if pinned_at > 0 {
        Some(Pin {
            actor_type: row.try_get("pinned_actor_type")?,
            actor_id: row.try_get("pinned_actor_id")?,
            actor_display_name: row.try_get("pinned_actor_display_name")?,
            pinned_at,
            pinned_until: row.try_get("pinned_until")?,
        })
    } else {
        None
    };
    Ok(Message {
        id: row.try_get("id")?,
        room_id: row.try_get("room_id")?,
        actor_type: row.try_get("actor_type")?,
        actor_id: row.try_get("actor_id")?,
        actor_display_name: row.try_get("actor_display_name")?,
        message: row.try_get("message")?,
        message_type: MessageType::parse(&row.try_get::<String, _>("message_type")?)
            .ok_or_else(|| corrupt("message_type"))?,
        system_message: row.try_get("system_message")?,
        parameters: json(row, "parameters")?,
        reference_id: row.try_get("reference_id")?,
        parent_id: row.try_get("parent_id")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        silent: flag(row, "silent")?,
        reactions: json(row, "reactions")?,
        last_edit,
        pin,
    })
}

/// Maps every row with `f`.
pub(crate) fn all<T>(
    rows: &[AnyRow],
    f: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, sqlx::Error> {
    rows.iter().map(f).collect()
}
