//! `GET /status.php`: the server status clients probe before logging in.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::AppState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    installed: bool,
    maintenance: bool,
    needs_db_upgrade: bool,
    version: String,
    versionstring: String,
    edition: &'static str,
    productname: &'static str,
    extended_support: bool,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/status.php", get(status))
}

/// `GET /status.php`
async fn status(State(state): State<AppState>) -> Json<Status> {
    let (major, minor, micro) = state.settings.server_version;
    Json(Status {
        installed: true,
        maintenance: false,
        needs_db_upgrade: false,
        version: format!("{major}.{minor}.{micro}.0"),
        versionstring: format!("{major}.{minor}.{micro}"),
        edition: "",
        productname: "confab",
        extended_support: false,
    })
}
