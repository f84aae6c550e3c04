//! Settings a breakout room or a configured parent refuses (TALK-BEHAVIOR §1.14).

use serde_json::json;

use super::{children, class, configure};
use crate::helpers::TestApp;

#[tokio::test]
async fn breakout_rooms_refuse_settings_that_belong_to_the_parent() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);
    alice
        .put(&format!("/room/{room}/webinar/lobby"), json!({"state": 0}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(&format!("/room/{room}/listable"), json!({"scope": 1}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .post(&format!("/room/{room}/public"), json!({}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .post(
            &format!("/room/{room}/message-expiration"),
            json!({"seconds": 60}),
        )
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(
            &format!("/room/{room}/permissions/default"),
            json!({"permissions": 128}),
        )
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(
            &format!("/room/{room}/password"),
            json!({"password": "secret"}),
        )
        .await
        .expect(403);
    // The configured parent cannot change its type.
    alice
        .post(&format!("/room/{token}/public"), json!({}))
        .await
        .expect_error(400, "breakout-room");
}

#[tokio::test]
async fn a_configured_group_parent_refuses_email_guests_that_would_make_it_public() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let refused = alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "guest@example.com", "source": "emails"}),
        )
        .await;
    refused.expect_error(400, "breakout-room");
    assert_eq!(alice.get(&format!("/room/{token}")).await.data()["type"], 2);
}
