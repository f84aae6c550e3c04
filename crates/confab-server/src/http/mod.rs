//! The HTTP faces. Each module owns the routes and wire structs of one API area; handlers
//! extract, call one service method, and map the result to the wire.

pub mod auth;
pub mod ban;
pub mod breakout_room;
pub mod capabilities;
pub mod chat;
pub mod cloud;
pub mod error;
pub mod message;
pub mod ocs;
pub mod params;
pub mod participant;
pub mod pin;
pub mod poll;
pub mod reaction;
pub mod room;
pub mod room_avatar;
pub mod room_policy;
pub mod room_settings;
pub mod settings;
pub mod share;
pub mod status;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Path};
use axum::http::request::Parts;
use axum::routing::any;
use axum::Router;
use confab_core::{Error, Services};
use tokio_util::sync::CancellationToken;

use self::error::ApiError;

/// Largest request body accepted (attendee maps, long messages and descriptions fit easily).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub settings: Arc<HttpSettings>,
    /// Cancelled when the server shuts down; long waits select on it.
    pub shutdown: CancellationToken,
    /// Woken when a lobby timer may have changed, so the scheduler re-plans.
    pub lobby_timers: Arc<tokio::sync::Notify>,
    /// Woken when a pin that runs out was made, so the scheduler re-plans.
    pub pin_timers: Arc<tokio::sync::Notify>,
}

/// Settings of the HTTP layer that handlers read.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Version reported by `status.php` and capabilities.
    pub server_version: (u32, u32, u32),
    /// Reverse proxies whose `X-Forwarded-For` names the caller.
    pub trusted_proxies: Vec<confab_core::ip_range::IpRange>,
    /// The names this server is reached under (empty: whatever a request names).
    pub trusted_domains: Vec<String>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            server_version: (31, 0, 0),
            trusted_proxies: Vec::new(),
            trusted_domains: Vec::new(),
        }
    }
}

/// A conversation token from the path; anything outside `^[a-z0-9]{4,30}$` is a 404.
#[derive(Debug, Clone)]
pub struct RoomToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RoomToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError(Error::RoomNotFound))?;
        params
            .into_iter()
            .find(|(name, _)| name == "token")
            .map(|(_, token)| token)
            .filter(|t| confab_core::token::is_route_token(t))
            .map(RoomToken)
            .ok_or(ApiError(Error::RoomNotFound))
    }
}

/// Routes under `/ocs/v1.php` and `/ocs/v2.php` (the same handlers; the envelope differs).
fn ocs_routes() -> Router<AppState> {
    Router::new()
        .merge(capabilities::routes())
        .merge(cloud::routes())
        .merge(room::routes())
        .merge(room_settings::routes())
        .merge(room_avatar::routes())
        .merge(room_policy::routes())
        .merge(participant::routes())
        .merge(chat::routes())
        .merge(pin::routes())
        .merge(share::routes())
        .merge(reaction::routes())
        .merge(poll::routes())
        .merge(breakout_room::routes())
        .merge(ban::routes())
        .merge(settings::routes())
        .route("/apps/spreed/{*rest}", any(not_implemented))
        .fallback(not_found)
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let ocs = ocs_routes();
    Router::new()
        .nest("/ocs/v1.php", ocs.clone())
        .nest("/ocs/v2.php", ocs)
        .merge(status::routes())
        .layer(axum::middleware::from_fn(params::reject_nul_in_path))
        // The envelope wraps authentication so its early answers (401, 429) are enveloped too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::middleware,
        ))
        .layer(axum::middleware::from_fn(ocs::envelope))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Talk endpoints confab does not serve (yet) answer a clear OCS error, never a fake success.
async fn not_implemented() -> ApiError {
    ApiError(Error::NotImplemented("not-implemented"))
}

async fn not_found() -> ApiError {
    ApiError(Error::NotFound("route"))
}
