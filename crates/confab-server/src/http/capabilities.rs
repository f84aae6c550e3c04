//! `GET /cloud/capabilities`: the server version and Talk's feature list. Only features confab
//! implements are advertised, so clients never try what would fail: there is no call or
//! signaling API yet, so `audio`, `video`, `signaling-v3` and `in-call-flags` are absent, and
//! user statuses (`single-conversation-status`) are not offered.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use confab_core::account::UserSettings;
use confab_core::app_config::AppConfig;
use confab_core::Actor;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::{AppState, RoomToken};

/// The Talk release whose API confab speaks.
pub const TALK_API_VERSION: &str = "21.1.0";

/// Talk features confab implements.
const FEATURES: &[&str] = &[
    "conversation-v4",
    "favorites",
    "last-room-activity",
    "no-ping",
    "system-messages",
    "empty-group-room",
    "guest-display-names",
    "multi-room-users",
    "notification-levels",
    "invite-groups-and-mails",
    "locked-one-to-one-rooms",
    "read-only-rooms",
    "listable-rooms",
    "webinary-lobby",
    "room-description",
    "conversation-permissions",
    "notification-calls",
    "session-state",
    "note-to-self",
    "archived-conversations-v2",
    "important-conversations",
    "sensitive-conversations",
    "conversation-creation-password",
    "conversation-creation-all",
    "email-csv-import",
    "chat-v2",
    "chat-read-marker",
    "chat-read-last",
    "chat-unread",
    "chat-replies",
    "chat-reference-id",
    "chat-get-context",
    "delete-messages",
    "delete-messages-unlimited",
    "edit-messages",
    "edit-messages-note-to-self",
    "clear-history",
    "mention-flag",
    "direct-mention-flag",
    "silent-send",
    "markdown-messages",
    "pinned-messages",
    "reactions",
    "message-expiration",
    "rich-object-sharing",
    "rich-object-list-media",
    "rich-object-delete",
    "geo-location-sharing",
    "talk-polls",
    "talk-polls-drafts",
    "edit-draft-poll",
    "mention-permissions",
    "recording-consent",
    "avatar",
    "breakout-rooms-v1",
    "ban-v1",
    // confab's extensions to breakout rooms, each announced on its own.
    "breakout-rooms-names",
    "breakout-rooms-guests",
    "breakout-rooms-max",
    // Email guests join with their invitation (`email`, `access`).
    "email-guest-access",
];

/// Features that only concern this server (not relevant across federation).
const LOCAL_FEATURES: &[&str] = &[
    "favorites",
    "archived-conversations-v2",
    "important-conversations",
    "sensitive-conversations",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cloud/capabilities", get(capabilities))
        .route(
            "/apps/spreed/api/v4/room/{token}/capabilities",
            get(get_room_capabilities),
        )
}

/// `capabilities.spreed.config`, derived from the app settings.
fn talk_config(config: &AppConfig) -> Value {
    json!({
        "attachments": {"allowed": false},
        "call": {
            "enabled": config.start_calls() != 3,
            "breakout-rooms": config.breakout_rooms_enabled(),
            "breakout-rooms-max": config.breakout_rooms_max(),
            "recording": false,
            "recording-consent": config.recording_consent(),
            "supported-reactions": [],
            "predefined-backgrounds": [],
            "predefined-backgrounds-v2": [],
            "can-upload-background": false,
            "sip-enabled": false,
            "sip-dialout-enabled": false,
            "can-enable-sip": false,
            "start-without-media": false,
            "max-duration": 0,
            "blur-virtual-background": false,
            "end-to-end-encryption": false,
            "live-transcription": false,
        },
        "chat": {
            "max-length": 32000,
            "read-privacy": 0,
            "has-translation-providers": false,
            "has-translation-task-providers": false,
            "typing-privacy": 0,
            "summary-threshold": 100,
        },
        "conversations": {
            "can-create": true,
            "force-passwords": false,
            "list-style": "two-lines",
            "description-length": confab_core::room::MAX_DESCRIPTION_CHARS,
            "retention-event": 0,
            "retention-phone": 0,
            "retention-instant-meetings": 0,
        },
        "federation": {"enabled": false, "incoming-enabled": false, "outgoing-enabled": false, "only-trusted-servers": true},
        "previews": {"max-gif-size": 3_145_728},
        "signaling": {"session-ping-limit": 200},
        "experiments": {"enabled": 0},
    })
}

/// `X-Nextcloud-Talk-Hash`: changes exactly when the advertised configuration changes.
pub fn talk_hash(config: &AppConfig) -> String {
    let mut hasher = Sha1::new();
    hasher.update(TALK_API_VERSION.as_bytes());
    hasher.update(FEATURES.join(",").as_bytes());
    hasher.update(talk_config(config).to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// `capabilities.spreed`: what this server's Talk offers, with the caller's own values of
/// the `config-local` settings (which the hash leaves out).
fn spreed_capabilities(config: &AppConfig, own: UserSettings) -> Value {
    let mut talk = talk_config(config);
    talk["chat"]["read-privacy"] = json!(own.read_privacy.as_i64());
    talk["chat"]["typing-privacy"] = json!(own.typing_privacy.as_i64());
    json!({
        "features": FEATURES,
        "features-local": LOCAL_FEATURES,
        "config": talk,
        "config-local": {"chat": ["read-privacy", "typing-privacy"], "conversations": ["list-style"]},
        "version": TALK_API_VERSION,
    })
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}/capabilities`: a conversation's
/// capabilities. Every conversation lives on this server (no federation), so they are the
/// server's; only participants may ask.
async fn get_room_capabilities(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    state
        .services
        .rooms
        .require_participant(&actor, &token)
        .await?;
    let config = state.services.context.config();
    let own = own_settings(&state, &actor).await?;
    Ok(Ocs::ok(spreed_capabilities(&config, own))
        .header("x-nextcloud-talk-hash", &talk_hash(&config)))
}

/// The caller's settings; anonymous callers and guests have the defaults.
async fn own_settings(state: &AppState, actor: &Actor) -> Result<UserSettings, ApiError> {
    if actor.user.is_none() {
        return Ok(UserSettings::default());
    }
    Ok(state.services.accounts.user_settings(actor).await?)
}

/// `GET /ocs/v{1,2}.php/cloud/capabilities`
async fn capabilities(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult {
    let (major, minor, micro) = state.settings.server_version;
    let config = state.services.context.config();
    let own = own_settings(&state, &actor).await?;
    let data = json!({
        "version": {
            "major": major,
            "minor": minor,
            "micro": micro,
            "string": format!("{major}.{minor}.{micro}"),
            "edition": "",
            "extendedSupport": false,
        },
        "capabilities": {
            "core": {"pollinterval": 60, "webdav-root": "remote.php/webdav", "reference-api": false},
            "spreed": spreed_capabilities(&config, own),
        },
    });
    Ok(Ocs::ok(data).header("x-nextcloud-talk-hash", &talk_hash(&config)))
}
