//! The OCS envelope: handlers return [`Ocs`] and never think about API versions; the
//! [`envelope`] middleware renders v1 or v2 from the request path, in one place.
//!
//! - v2 (`/ocs/v2.php`): HTTP status = `statuscode`.
//! - v1 (`/ocs/v1.php`): HTTP 200 except 401; `statuscode` 100 for 200, others passed through.
//! - 204 and 304 carry no body at all.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use serde_json::value::RawValue;

/// OCS status code for "not logged in" (sent with HTTP 401).
pub const NOT_LOGGED_IN: u16 = 997;

/// A successful or failed OCS answer before it is wrapped into the envelope.
#[derive(Debug)]
pub struct Ocs {
    pub status: StatusCode,
    /// The `statuscode` to report instead of the HTTP status (997 for 401).
    pub code: Option<u16>,
    pub message: String,
    /// The serialized `data`: wire structs go straight to JSON text, with no `Value` tree in
    /// between (chat answers are the hot path).
    pub data: Box<RawValue>,
    pub headers: HeaderMap,
}

/// Rendered later by [`envelope`]; travels as a response extension.
#[derive(Debug, Clone)]
struct Payload {
    status: StatusCode,
    code: Option<u16>,
    message: String,
    data: Box<RawValue>,
}

impl Ocs {
    /// 200 with `data` serialized from a wire struct.
    pub fn ok(data: impl Serialize) -> Self {
        Self::with_status(StatusCode::OK, data)
    }

    pub fn created(data: impl Serialize) -> Self {
        Self::with_status(StatusCode::CREATED, data)
    }

    /// 200 with `data: null`, as upstream's newest endpoints answer actions without a result.
    pub fn null() -> Self {
        Self::with_status(StatusCode::OK, ())
    }

    pub fn with_status(status: StatusCode, data: impl Serialize) -> Self {
        // Wire structs only hold strings, numbers and maps: serializing them cannot fail.
        let data = serde_json::value::to_raw_value(&data)
            .unwrap_or_else(|_| serde_json::value::to_raw_value(&()).unwrap_or_default());
        Self {
            status,
            code: None,
            message: String::new(),
            data,
            headers: HeaderMap::new(),
        }
    }

    #[must_use]
    pub fn header(mut self, name: &'static str, value: &impl ToString) -> Self {
        if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
            self.headers.insert(HeaderName::from_static(name), value);
        }
        self
    }
}

impl IntoResponse for Ocs {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.headers_mut().extend(self.headers);
        response.extensions_mut().insert(Payload {
            status: self.status,
            code: self.code,
            message: self.message,
            data: self.data,
        });
        response
    }
}

/// A response without a body: 304 for "nothing new", 204 for "done, nothing to say".
pub fn empty(status: StatusCode) -> Response {
    status.into_response()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

/// Wraps every [`Ocs`] answer into the envelope of the version the request path names.
pub async fn envelope(request: Request, next: Next) -> Response {
    let version = if request.uri().path().starts_with("/ocs/v1.php") {
        Version::V1
    } else {
        Version::V2
    };
    let mut response = next.run(request).await;
    let Some(payload) = response.extensions_mut().remove::<Payload>() else {
        return response;
    };
    let (http_status, body) = render(version, payload);
    let mut headers = std::mem::take(response.headers_mut());
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    let mut rendered = (http_status, body).into_response();
    headers.remove(header::CONTENT_LENGTH);
    rendered.headers_mut().extend(headers);
    rendered
}

fn render(version: Version, p: Payload) -> (StatusCode, String) {
    let success = p.status.is_success();
    let code = p.code.unwrap_or(p.status.as_u16());
    let message = if success && p.message.is_empty() {
        "OK".to_owned()
    } else {
        p.message
    };
    let (http_status, meta) = match version {
        Version::V2 => (
            p.status,
            json!({"status": if success { "ok" } else { "failure" }, "statuscode": code, "message": message}),
        ),
        Version::V1 => {
            let code = if code == 200 { 100 } else { code };
            let http = if p.status == StatusCode::UNAUTHORIZED {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            let meta = json!({
                "status": if code == 100 { "ok" } else { "failure" },
                "statuscode": code,
                "message": message,
                "totalitems": "",
                "itemsperpage": "",
            });
            (http, meta)
        }
    };
    let mut body = String::with_capacity(p.data.get().len() + 128);
    body.push_str(r#"{"ocs":{"meta":"#);
    body.push_str(&meta.to_string());
    body.push_str(r#","data":"#);
    body.push_str(p.data.get());
    body.push_str("}}");
    (http_status, body)
}
