//! Shared items (chat API v1): `/apps/spreed/api/v1/chat/{token}/share[/overview]`.
//!
//! Quirks kept from upstream: a type's items are a JSON object keyed by message id (PHP's
//! array), but `[]` when there are none; the overview names every type, empty ones with `[]`.

use axum::extract::State;
use axum::http::header::HOST;
use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use confab_core::chat::{Message, ShareObject};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::auth::{Caller, ViaTrustedProxy};
use super::chat::{with_common_read, ChatMessage, Viewer};
use super::error::ApiResult;
use super::ocs::Ocs;
use super::params::Params;
use super::{AppState, RoomToken};

const SHARE: &str = "/apps/spreed/api/v1/chat/{token}/share";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            SHARE,
            get(get_objects_shared_in_room).post(share_object_to_chat),
        )
        .route(
            &format!("{SHARE}/overview"),
            get(get_objects_shared_in_room_overview),
        )
}

fn render(messages: &[Message], token: &str, viewer: Viewer<'_>) -> Vec<ChatMessage> {
    messages
        .iter()
        .map(|m| ChatMessage::new(m, token, Some(viewer)))
        .collect()
}

/// How the caller reached this server, and the names links may point to.
struct Origin {
    scheme: String,
    server: String,
    trusted_domains: Vec<String>,
}

/// The scheme (`X-Forwarded-Proto: https` from a trusted proxy, else `http`) and the name the
/// request used (`Host`; HTTP/2 names it in the request URI instead). With `trusted_domains`
/// configured, only those names count: a request naming another gets the first one.
fn origin(state: &AppState, headers: &HeaderMap, uri: &Uri, via_proxy: ViaTrustedProxy) -> Origin {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .unwrap_or_default()
    };
    let https = via_proxy.0 && header("x-forwarded-proto").eq_ignore_ascii_case("https");
    let asked = match header(HOST.as_str()) {
        "" => uri.authority().map_or("", |a| a.as_str()),
        host => host,
    }
    .to_ascii_lowercase();
    let configured = &state.settings.trusted_domains;
    let (server, trusted_domains) = match configured.first() {
        None => (asked.clone(), vec![asked]),
        Some(_) if configured.contains(&asked) => (asked, configured.clone()),
        Some(first) => (first.clone(), configured.clone()),
    };
    Origin {
        scheme: if https { "https" } else { "http" }.to_owned(),
        server,
        trusted_domains,
    }
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/chat/{token}/share` (`objectType`, `objectId`,
/// `metaData`, `actorDisplayName`, `referenceId`; capability `rich-object-sharing`): 201 with
/// the `{object}` message.
async fn share_object_to_chat(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    headers: HeaderMap,
    uri: Uri,
    Extension(via_proxy): Extension<ViaTrustedProxy>,
    params: Params,
) -> ApiResult {
    let Origin {
        scheme,
        server,
        trusted_domains,
    } = origin(&state, &headers, &uri, via_proxy);
    let request = ShareObject {
        object_type: params.str_or("objectType", "")?,
        object_id: params.str_or("objectId", "")?,
        meta_data: params.str_or("metaData", "")?,
        actor_display_name: params.str("actorDisplayName")?,
        reference_id: params.str_or("referenceId", "")?,
        scheme,
        server,
        trusted_domains,
    };
    let sent = state
        .services
        .chat
        .share_object(&actor, &token, request)
        .await?;
    let message = &sent.message;
    let viewer = Viewer::author(message);
    let answer = Ocs::created(ChatMessage::new(message, &token, Some(viewer)));
    Ok(with_common_read(answer, sent.last_common_read))
}

/// Messages keyed by id, in the order given; `[]` when there are none (PHP's empty array).
struct ById(Vec<ChatMessage>);

impl Serialize for ById {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            return serializer.serialize_seq(Some(0))?.end();
        }
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for message in &self.0 {
            map.serialize_entry(&message.id.to_string(), message)?;
        }
        map.end()
    }
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/chat/{token}/share` (`objectType`,
/// `lastKnownMessageId`, `limit`; capability `rich-object-list-media`): the items of one
/// type, newest first, and `X-Chat-Last-Given` (the lowest id listed) when there are any.
async fn get_objects_shared_in_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let item_type = params.str_or("objectType", "")?;
    let last_known = params.int_or("lastKnownMessageId", 0)?;
    let limit = params.int_or("limit", 100)?;
    let found = state
        .services
        .chat
        .shared_items(&actor, &token, &item_type, last_known, limit)
        .await?;
    let last_given = found.messages.iter().map(|m| m.id).min();
    let items = ById(render(
        &found.messages,
        &token,
        Viewer::attendee(&found.viewer),
    ));
    let answer = Ocs::ok(items);
    Ok(match last_given {
        Some(id) => answer.header("x-chat-last-given", &id),
        None => answer,
    })
}

/// Each type's items, every type named.
struct Overview(Vec<(&'static str, Vec<ChatMessage>)>);

impl Serialize for Overview {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, messages) in &self.0 {
            map.serialize_entry(name, messages)?;
        }
        map.end()
    }
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/chat/{token}/share/overview` (`limit`, default 7;
/// capability `rich-object-list-media`): the newest items of every type.
async fn get_objects_shared_in_room_overview(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let limit = params.int_or("limit", 7)?;
    let overview = state
        .services
        .chat
        .shared_items_overview(&actor, &token, limit)
        .await?;
    let viewer = Viewer::attendee(&overview.viewer);
    let by_type = overview
        .items
        .iter()
        .map(|(item_type, messages)| (item_type.as_str(), render(messages, &token, viewer)))
        .collect();
    Ok(Ocs::ok(Overview(by_type)))
}
