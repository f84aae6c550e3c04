//! Settings API (v1): a user's own Talk settings, `POST /apps/spreed/api/v1/settings/user`.

use axum::extract::State;
use axum::routing::post;
use axum::Router;
use confab_core::account::SettingValue;
use confab_core::Error;
use serde_json::Value;

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::params::Params;
use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/apps/spreed/api/v1/settings/user", post(set_user_setting))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/settings/user` (`key`, `value`)
async fn set_user_setting(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: Params,
) -> ApiResult {
    let key = params.required_str("key")?;
    let value = match params.raw("value") {
        None | Some(Value::Null) => SettingValue::Null,
        Some(Value::Number(n)) => {
            SettingValue::Int(n.as_i64().ok_or(ApiError(Error::Invalid("value")))?)
        }
        Some(Value::String(s)) => SettingValue::Text(s.clone()),
        Some(_) => return Err(ApiError(Error::Invalid("value"))),
    };
    state
        .services
        .accounts
        .set_user_setting(&actor, &key, &value)
        .await?;
    Ok(Ocs::null())
}
