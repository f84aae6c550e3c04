//! Settings a breakout room or a configured parent refuses (TALK-BEHAVIOR §1.14).

use serde_json::json;

use super::{children, class, configure, BREAKOUT};
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

#[tokio::test]
async fn breakout_rooms_refuse_sip_and_mention_permissions() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);
    alice
        .put(&format!("/room/{room}/webinar/sip"), json!({"state": 1}))
        .await
        .expect_error(400, "breakout-room");
    let mention = format!("/room/{room}/mention-permissions");
    alice
        .put(&mention, json!({"mentionPermissions": 1}))
        .await
        .expect_error(400, "breakout-room");
    // Setting what it already is changes nothing and is not refused, as upstream.
    alice
        .put(&mention, json!({"mentionPermissions": 0}))
        .await
        .expect(200);
    // The parent itself may change it.
    alice
        .put(
            &format!("/room/{token}/mention-permissions"),
            json!({"mentionPermissions": 1}),
        )
        .await
        .expect(200);
}

#[tokio::test]
async fn recording_consent_is_the_parents_and_frozen_while_breakout_rooms_run() {
    let app = TestApp::spawn().await;
    app.services
        .set_app_config("recording_consent", "2")
        .await
        .unwrap();
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    let consent = |token: &str| format!("/room/{token}/recording-consent");

    alice
        .put(&consent(&rooms[0]), json!({"recordingConsent": 1}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(&consent(&rooms[0]), json!({"recordingConsent": 0}))
        .await
        .expect(200);

    // Set on the stopped parent: copied to every breakout room.
    let set = alice
        .put(&consent(&token), json!({"recordingConsent": 1}))
        .await;
    set.expect(200);
    assert_eq!(set.data()["recordingConsent"], 1);
    for room in &rooms {
        assert_eq!(alice.room(room).await["recordingConsent"], 1);
    }
    // The breakout room now holds the parent's value, which it may "set" again.
    alice
        .put(&consent(&rooms[0]), json!({"recordingConsent": 1}))
        .await
        .expect(200);

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    alice
        .put(&consent(&token), json!({"recordingConsent": 0}))
        .await
        .expect_error(400, "breakout-room");
    assert_eq!(alice.room(&token).await["recordingConsent"], 1);
    assert_eq!(alice.room(&rooms[1]).await["recordingConsent"], 1);
}

#[tokio::test]
async fn guests_cannot_be_disallowed_in_a_breakout_room_or_a_configured_parent() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    configure(&alice, &token, json!({"mode": 3, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);
    alice
        .delete(&format!("/room/{room}/public"), json!({}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .delete(&format!("/room/{token}/public"), json!({}))
        .await
        .expect_error(400, "breakout-room");
    assert_eq!(alice.room(&token).await["type"], 3);

    // Once the breakout rooms are removed the parent may change again.
    alice
        .delete(&format!("{BREAKOUT}/{token}"), json!({}))
        .await
        .expect(200);
    alice
        .delete(&format!("/room/{token}/public"), json!({}))
        .await
        .expect(200);
    assert_eq!(alice.room(&token).await["type"], 2);
}
