//! Conversation pictures (v1): `/apps/spreed/api/v1/room/{token}/avatar…`. Setting and
//! removing answer the `TalkRoom`; reading answers the image itself, never an OCS envelope,
//! even when the client asks for JSON (nc-py-api does).

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use confab_core::room::{AvatarError, AvatarFile, Theme, MAX_PICTURE_BYTES};

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::params::Params;
use super::room::room_answer;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v1/room/{token}/avatar";

/// An upload may carry a picture of the largest size with its multipart framing.
const UPLOAD_BODY_BYTES: usize = MAX_PICTURE_BYTES + 64 * 1024;

/// As upstream: a day, private, and immutable since the URL carries `avatarVersion`.
const CACHE: &str = "private, max-age=86400, immutable";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            PREFIX,
            post(upload_avatar)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES))
                .get(get_avatar)
                .delete(delete_avatar),
        )
        .route(&format!("{PREFIX}/emoji"), post(emoji_avatar))
        .route(&format!("{PREFIX}/dark"), get(get_avatar_dark))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/room/{token}/avatar/emoji` (`emoji`, `color`; capability `avatar`)
async fn emoji_avatar(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let emoji = params.str_or("emoji", "")?;
    // A `null` colour (or none) means the theme's colour; an empty one is refused.
    let color = params.str("color")?;
    let view = state
        .services
        .rooms
        .set_emoji_avatar(&actor, &token, &emoji, color.as_deref())
        .await?;
    Ok(room_answer(&state, &view))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/room/{token}/avatar` (multipart `file`; capability `avatar`)
async fn upload_avatar(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult {
    let file = uploaded_file(multipart).await;
    let view = state
        .services
        .rooms
        .set_picture_avatar(&actor, &token, file)
        .await?;
    Ok(room_answer(&state, &view))
}

/// The bytes of the multipart field `file`, or why there are none. The service decides when
/// to say so: a caller who may not change the picture learns that first.
async fn uploaded_file(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<u8>, AvatarError> {
    let read_error = |err: MultipartError| {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AvatarError::TooBig
        } else {
            AvatarError::NoFile
        }
    };
    let mut multipart = multipart.map_err(|_| AvatarError::NoFile)?;
    while let Some(field) = multipart.next_field().await.map_err(read_error)? {
        if field.name() == Some("file") {
            return Ok(field.bytes().await.map_err(read_error)?.to_vec());
        }
    }
    Err(AvatarError::NoFile)
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/room/{token}/avatar` (capability `avatar`)
async fn delete_avatar(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let view = state.services.rooms.remove_avatar(&actor, &token).await?;
    Ok(room_answer(&state, &view))
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/room/{token}/avatar` (`darkTheme`; capability `avatar`)
async fn get_avatar(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> Result<Response, ApiError> {
    let theme = if params.bool_or("darkTheme", false)? {
        Theme::Dark
    } else {
        Theme::Bright
    };
    let file = state.services.rooms.avatar(&actor, &token, theme).await?;
    Ok(image(file))
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/room/{token}/avatar/dark` (capability `avatar`)
async fn get_avatar_dark(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> Result<Response, ApiError> {
    let file = state
        .services
        .rooms
        .avatar(&actor, &token, Theme::Dark)
        .await?;
    Ok(image(file))
}

fn image(file: AvatarFile) -> Response {
    (
        [(CONTENT_TYPE, file.mime_type), (CACHE_CONTROL, CACHE)],
        file.content,
    )
        .into_response()
}
