//! Conversations API (v4): `/apps/spreed/api/v4/room…`, and the `TalkRoom` wire object.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::Router;
use confab_core::participant::Permissions;
use confab_core::room::{avatar_version, CreateRoom, ListOptions, Listable, RoomView};
use serde::Serialize;
use serde_json::json;

use super::auth::Caller;
use super::capabilities::talk_hash;
use super::chat::{ChatMessage, Viewer};
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::params::Params;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v4/room";

pub fn routes() -> Router<AppState> {
    let r = |path: &str| format!("{PREFIX}{path}");
    Router::new()
        .route(&r(""), get(get_rooms).post(create_room))
        .route(&r("/note-to-self"), get(get_note_to_self))
        .route("/apps/spreed/api/v4/listed-room", get(get_listed_rooms))
        .route(
            &r("/{token}"),
            get(get_single_room).put(rename_room).delete(delete_room),
        )
        .route(
            &r("/{token}/participants/self"),
            delete(super::participant::remove_self_from_room),
        )
}

/// The `Room` schema of upstream's OpenAPI, for one caller.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TalkRoom {
    id: i64,
    token: String,
    #[serde(rename = "type")]
    room_type: i64,
    name: String,
    display_name: String,
    description: String,
    object_type: String,
    object_id: String,
    participant_type: i64,
    participant_flags: i64,
    read_only: i64,
    has_password: bool,
    has_call: bool,
    call_start_time: i64,
    call_recording: i64,
    can_start_call: bool,
    last_activity: i64,
    last_read_message: i64,
    unread_messages: i64,
    unread_mention: bool,
    unread_mention_direct: bool,
    is_favorite: bool,
    can_leave_conversation: bool,
    can_delete_conversation: bool,
    notification_level: i64,
    notification_calls: i64,
    lobby_state: i64,
    lobby_timer: i64,
    last_ping: i64,
    session_id: String,
    sip_enabled: i64,
    actor_type: String,
    actor_id: String,
    attendee_id: i64,
    permissions: i64,
    attendee_permissions: i64,
    call_permissions: i64,
    default_permissions: i64,
    #[serde(rename = "canEnableSIP")]
    can_enable_sip: bool,
    attendee_pin: String,
    last_common_read_message: i64,
    listable: i64,
    call_flag: i64,
    message_expiration: i64,
    avatar_version: String,
    is_custom_avatar: bool,
    breakout_room_mode: i64,
    breakout_room_status: i64,
    recording_consent: i64,
    mention_permissions: i64,
    live_transcription_language_id: String,
    is_archived: bool,
    is_important: bool,
    is_sensitive: bool,
    last_pinned_id: i64,
    hidden_pinned_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_message: Option<ChatMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invited_actor_id: Option<String>,
}

impl TalkRoom {
    pub fn new(view: &RoomView) -> Self {
        let RoomView {
            room,
            attendee,
            session,
            ..
        } = view;
        let attendee = attendee.as_ref();
        let viewer = attendee.map(Viewer::attendee);
        let mut talk_room = Self {
            id: room.id,
            token: room.token.clone(),
            room_type: room.room_type.as_i64(),
            name: view.name.clone(),
            display_name: view.display_name.clone(),
            description: room.description.clone(),
            object_type: room.object_type.clone(),
            object_id: room.object_id.clone(),
            participant_type: attendee.map_or(4, |a| a.participant_type.as_i64()),
            participant_flags: session.as_ref().map_or(0, |s| s.in_call),
            read_only: i64::from(room.read_only),
            has_password: room.has_password(),
            has_call: !view.lobby_restricted && room.call_flag != 0,
            call_start_time: room.call_start_time,
            call_recording: 0,
            can_start_call: view.can_start_call,
            last_activity: room.last_activity,
            last_read_message: view.last_read_message,
            unread_messages: view.unread_messages,
            unread_mention: view.unread_mention,
            unread_mention_direct: view.unread_mention_direct,
            is_favorite: attendee.is_some_and(|a| a.favorite),
            can_leave_conversation: view.can_leave,
            can_delete_conversation: view.can_delete,
            notification_level: view.notification_level,
            notification_calls: attendee.map_or(0, |a| a.notification_calls),
            lobby_state: i64::from(room.lobby_state),
            lobby_timer: room.lobby_timer,
            last_ping: session.as_ref().map_or(0, |s| s.last_ping),
            session_id: session
                .as_ref()
                .map_or_else(|| "0".to_owned(), |s| s.id.clone()),
            sip_enabled: room.sip_enabled,
            actor_type: attendee.map_or_else(String::new, |a| a.actor_type.as_str().to_owned()),
            actor_id: attendee.map_or_else(String::new, |a| a.actor_id.clone()),
            attendee_id: attendee.map_or(0, |a| a.id),
            permissions: view.permissions,
            attendee_permissions: view.attendee_permissions,
            call_permissions: 0,
            default_permissions: room.default_permissions,
            can_enable_sip: false,
            attendee_pin: attendee.map_or_else(String::new, |a| a.pin.clone()),
            last_common_read_message: view.last_common_read,
            listable: room.listable as i64,
            call_flag: room.call_flag,
            message_expiration: room.message_expiration,
            avatar_version: avatar_version(room),
            is_custom_avatar: room.avatar_version.is_some(),
            breakout_room_mode: room.breakout_room_mode,
            breakout_room_status: room.breakout_room_status,
            recording_consent: view.recording_consent,
            mention_permissions: room.mention_permissions,
            live_transcription_language_id: String::new(),
            is_archived: attendee.is_some_and(|a| a.archived),
            is_important: attendee.is_some_and(|a| a.important),
            is_sensitive: attendee.is_some_and(|a| a.sensitive),
            last_pinned_id: view.last_pinned_id,
            hidden_pinned_id: view.hidden_pinned_id,
            last_message: view
                .last_message
                .as_ref()
                .map(|m| ChatMessage::new(m, &room.token, viewer)),
            invited_actor_id: view.invited_actor_id.clone(),
        };
        if attendee.is_none() {
            talk_room.reduce_for_non_member(room.listable, view.listing);
        }
        talk_room
    }

    /// What upstream's formatter shows someone who is not a participant: a listable room, or a
    /// breakout room in the listing of its parent, its public state (name, object, lobby,
    /// breakout status; the description only when listable); any other room only that it
    /// exists. Every participant-derived value keeps its default (TALK-BEHAVIOR 1.9, 3.4).
    fn reduce_for_non_member(&mut self, listable: Listable, listing: bool) {
        self.permissions = Permissions::CUSTOM;
        self.attendee_permissions = Permissions::CUSTOM;
        self.call_permissions = Permissions::CUSTOM;
        self.default_permissions = Permissions::CUSTOM;
        self.message_expiration = 0;
        self.mention_permissions = 0;
        self.can_start_call = false;
        self.last_message = None;
        if listable != Listable::None {
            return;
        }
        self.description.clear();
        if listing {
            return;
        }
        self.name.clear();
        self.display_name.clear();
        self.object_type.clear();
        self.object_id.clear();
        self.read_only = 0;
        self.has_call = false;
        self.call_start_time = 0;
        self.call_recording = 0;
        self.last_activity = 0;
        self.call_flag = 0;
        self.lobby_state = 0;
        self.lobby_timer = 0;
        self.sip_enabled = 0;
        self.listable = 0;
        self.breakout_room_mode = 0;
        self.breakout_room_status = 0;
    }
}

pub(super) fn room_answer(state: &AppState, view: &RoomView) -> Ocs {
    Ocs::ok(TalkRoom::new(view)).header(
        "x-nextcloud-talk-hash",
        &talk_hash(&state.services.context.config()),
    )
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room` (capability `conversation-v4`)
async fn get_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: Params,
) -> ApiResult {
    let modified_before = state.services.context.now();
    let options = ListOptions {
        modified_since: params.int_or("modifiedSince", 0)?,
        include_last_message: params.bool_or("includeLastMessage", true)?,
    };
    let views = state.services.rooms.list(&actor, options).await?;
    let rooms: Vec<TalkRoom> = views.iter().map(TalkRoom::new).collect();
    Ok(Ocs::ok(rooms)
        .header(
            "x-nextcloud-talk-hash",
            &talk_hash(&state.services.context.config()),
        )
        .header("x-nextcloud-talk-modified-before", &modified_before))
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}` (capability `conversation-v4`)
async fn get_single_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let view = state.services.rooms.get(&actor, &token).await?;
    Ok(room_answer(&state, &view))
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/note-to-self` (capability `note-to-self`)
async fn get_note_to_self(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult {
    let request = CreateRoom {
        room_type: 6,
        ..CreateRoom::default()
    };
    let created = state.services.rooms.create(&actor, request).await?;
    Ok(room_answer(&state, &created.view))
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/listed-room` (capability `listable-rooms`)
async fn get_listed_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: Params,
) -> ApiResult {
    let search = params.str_or("searchTerm", "")?;
    let views = state.services.rooms.listed(&actor, &search).await?;
    Ok(Ocs::ok(views.iter().map(TalkRoom::new).collect::<Vec<_>>()))
}

fn create_request(params: &Params) -> Result<CreateRoom, ApiError> {
    Ok(CreateRoom {
        room_type: params.int_or("roomType", 2)?,
        room_name: params.str_or("roomName", "")?,
        invite: params.str_or("invite", "")?,
        source: params.str_or("source", "")?,
        object_type: params.str_or("objectType", "")?,
        object_id: params.str_or("objectId", "")?,
        password: params.str_or("password", "")?,
        read_only: params.int_or("readOnly", 0)?,
        listable: params.int_or("listable", 0)?,
        message_expiration: params.int_or("messageExpiration", 0)?,
        lobby_state: params.int_or("lobbyState", 0)?,
        lobby_timer: params.int_or("lobbyTimer", 0)?,
        sip_enabled: params.int_or("sipEnabled", 0)?,
        permissions: params.int_or("permissions", 0)?,
        recording_consent: params.int_or("recordingConsent", 0)?,
        mention_permissions: params.int_or("mentionPermissions", 0)?,
        description: params.str_or("description", "")?,
        emoji: params.str_or("emoji", "")?,
        avatar_color: params.str_or("avatarColor", "")?,
        participants: params.string_lists("participants")?,
    })
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room` (capabilities `conversation-v4`, `conversation-creation-all`)
async fn create_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: Params,
) -> ApiResult {
    let request = create_request(&params)?;
    let created = state.services.rooms.create(&actor, request).await?;
    let status = match (created.created, created.invalid_participants.is_empty()) {
        (false, _) => StatusCode::OK,
        (true, true) => StatusCode::CREATED,
        (true, false) => StatusCode::ACCEPTED,
    };
    let mut data = serde_json::to_value(TalkRoom::new(&created.view)).unwrap_or_default();
    if !created.invalid_participants.is_empty() {
        let mut invalid = serde_json::Map::new();
        for (kind, id) in created.invalid_participants {
            if let Some(list) = invalid
                .entry(kind)
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                list.push(json!(id));
            }
        }
        data["invalidParticipants"] = serde_json::Value::Object(invalid);
    }
    Ok(Ocs::with_status(status, data))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}` (`roomName`)
async fn rename_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let name = params.str_or("roomName", "")?;
    state.services.rooms.rename(&actor, &token, &name).await?;
    Ok(Ocs::null())
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v4/room/{token}`
async fn delete_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    state.services.rooms.delete(&actor, &token).await?;
    Ok(Ocs::null())
}
