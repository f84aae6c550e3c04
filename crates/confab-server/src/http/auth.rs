//! Authentication: HTTP Basic (password or app password), Bearer (app password), and the
//! client-session cookie that identifies guests and a user's current Talk session.
//!
//! Failed logins are throttled per remote address: later attempts wait longer, and at the cap
//! they are refused with 429. Throttled answers carry `X-Nextcloud-Bruteforce-Throttled`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use confab_core::ip_range::IpRange;
use confab_core::throttle::Verdict;
use confab_core::{Actor, Error};

use super::error::ApiError;
use super::AppState;

/// The cookie holding the client session id.
pub const SESSION_COOKIE: &str = "confab_session";
/// Brute-force action names, as Nextcloud calls them.
pub const LOGIN: &str = "login";
pub const ROOM_PASSWORD: &str = "talkRoomPassword";

/// Whether the request came through a trusted reverse proxy, whose `X-Forwarded-*` headers
/// may be believed; set by [`middleware`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ViaTrustedProxy(pub bool);

/// The caller's address, as [`middleware`] found it (see [`client_address`]).
#[derive(Debug, Clone, Copy)]
pub struct RemoteIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for RemoteIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(ip) = parts.extensions.get::<RemoteIp>() {
            return Ok(*ip);
        }
        Ok(Self(peer_address(parts.extensions.get())))
    }
}

fn peer_address(peer: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    peer.map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip())
}

/// The caller's address: the connecting peer, unless the peer is a trusted reverse proxy;
/// then the nearest address in `X-Forwarded-For` (read from the right) that is not a trusted
/// proxy itself. Nobody else can name an address: the header of an untrusted peer is ignored.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpRange]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|range| range.contains(address));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>() else {
            // A hop no proxy of ours wrote: the last trusted address is as far as we know.
            return client;
        };
        client = address;
        if !is_trusted(address) {
            return address;
        }
    }
    client
}

/// The authenticated caller of a handler.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(Caller)
            .ok_or(ApiError(Error::Unauthenticated))
    }
}

/// Waits or refuses according to the throttler; returns how long it waited.
pub async fn throttle(
    state: &AppState,
    ip: IpAddr,
    action: &'static str,
) -> Result<Duration, ApiError> {
    match state
        .services
        .throttler
        .verdict(ip, action, state.services.context.now())
    {
        Verdict::Proceed => Ok(Duration::ZERO),
        Verdict::Delay(delay) => {
            tokio::time::sleep(delay).await;
            Ok(delay)
        }
        Verdict::Refuse => Err(ApiError(Error::Throttled)),
    }
}

/// The 429 for an address at the throttle's cap, with the header saying how long it would
/// have had to wait.
pub fn refused(state: &AppState, err: ApiError) -> Response {
    let max = state.services.throttler.policy().max_delay;
    with_throttle_header(err.into_response(), max)
}

fn cookie_value(parts: &axum::http::HeaderMap) -> Option<String> {
    parts
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && value.len() >= 32 && value.len() <= 128)
        .map(|(_, value)| value.to_owned())
}

async fn authenticate(
    state: &AppState,
    header: Option<&HeaderValue>,
) -> Result<Option<confab_core::actor::UserRef>, Error> {
    let Some(header) = header.and_then(|h| h.to_str().ok()) else {
        return Ok(None);
    };
    let accounts = &state.services.accounts;
    if let Some(encoded) = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| Error::InvalidCredentials)?;
        let decoded = String::from_utf8(decoded).map_err(|_| Error::InvalidCredentials)?;
        let (login, password) = decoded.split_once(':').ok_or(Error::InvalidCredentials)?;
        return accounts.authenticate_basic(login, password).await.map(Some);
    }
    if let Some(token) = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
    {
        return accounts.authenticate_bearer(token.trim()).await.map(Some);
    }
    Err(Error::InvalidCredentials)
}

/// Establishes the [`Actor`] for every request.
pub async fn middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = peer_address(request.extensions().get());
    let trusted = &state.settings.trusted_proxies;
    let ip = RemoteIp(client_address(peer, request.headers(), trusted));
    let via_proxy = ViaTrustedProxy(trusted.iter().any(|range| range.contains(peer)));
    request.extensions_mut().insert(ip);
    request.extensions_mut().insert(via_proxy);
    let auth_header = request.headers().get(AUTHORIZATION).cloned();
    let mut waited = Duration::ZERO;
    let user = if auth_header.is_some() {
        match throttle(&state, ip.0, LOGIN).await {
            Ok(w) => waited = w,
            Err(err) => return refused(&state, err),
        }
        match authenticate(&state, auth_header.as_ref()).await {
            Ok(user) => {
                state.services.throttler.reset(ip.0, LOGIN);
                user
            }
            Err(Error::InvalidCredentials) => {
                state
                    .services
                    .throttler
                    .record_failure(ip.0, LOGIN, state.services.context.now());
                return with_throttle_header(
                    ApiError(Error::InvalidCredentials).into_response(),
                    waited,
                );
            }
            Err(err) => return ApiError(err).into_response(),
        }
    } else {
        None
    };
    let existing = cookie_value(request.headers());
    let client_session = existing
        .clone()
        .unwrap_or_else(|| confab_core::token::random_string(64));
    request.extensions_mut().insert(Actor {
        user,
        client_session: Some(client_session.clone()),
        remote_addr: Some(ip.0),
    });
    let mut response = next.run(request).await;
    if existing.is_none() {
        let cookie = format!("{SESSION_COOKIE}={client_session}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    with_throttle_header(response, waited)
}

/// Adds `X-Nextcloud-Bruteforce-Throttled` when the request had to wait.
pub fn with_throttle_header(mut response: Response, waited: Duration) -> Response {
    if !waited.is_zero() {
        if let Ok(value) = HeaderValue::from_str(&format!("{}ms", waited.as_millis())) {
            response
                .headers_mut()
                .insert("x-nextcloud-bruteforce-throttled", value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_a_trusted_peer_may_name_the_caller() {
        let trusted = [IpRange::parse("10.0.0.0/8").unwrap()];
        let headers = forwarded("203.0.113.5");
        assert_eq!(
            client_address(ip("192.0.2.1"), &headers, &trusted),
            ip("192.0.2.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &[]),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_caller() {
        let trusted = [IpRange::parse("10.0.0.0/8").unwrap()];
        // The caller wrote the first entry themselves; proxies append from the right.
        let chain = forwarded("198.51.100.9, 203.0.113.5, 10.0.0.7");
        assert_eq!(
            client_address(ip("10.0.0.2"), &chain, &trusted),
            ip("203.0.113.5")
        );
        let garbled = forwarded("203.0.113.5, nonsense, 10.0.0.7");
        assert_eq!(
            client_address(ip("10.0.0.2"), &garbled, &trusted),
            ip("10.0.0.7")
        );
        let all_trusted = forwarded("10.0.0.9");
        assert_eq!(
            client_address(ip("10.0.0.2"), &all_trusted, &trusted),
            ip("10.0.0.9")
        );
    }
}
