//! Mention permissions, recording consent and SIP dial-in on conversations.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Client, TestApp};

const CONFIG: &str = "/ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed";

/// Alice (owner) with bob and carol in a group conversation.
async fn team(app: &TestApp) -> (Client, Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    alice.add(&token, "carol").await;
    (alice, bob, carol, token)
}

async fn post_message(client: &Client, token: &str, text: &str) {
    client
        .post(
            &format!("/ocs/v2.php/apps/spreed/api/v1/chat/{token}"),
            json!({"message": text}),
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn mention_permissions_are_for_moderators_and_limit_who_notifies_everyone() {
    let app = TestApp::spawn().await;
    let (alice, bob, carol, token) = team(&app).await;
    let path = format!("/room/{token}/mention-permissions");

    bob.put(&path, json!({"mentionPermissions": 1}))
        .await
        .expect(403);
    app.guest()
        .put(&path, json!({"mentionPermissions": 1}))
        .await
        .expect(401);
    alice
        .put(
            "/room/zzzzzzzz/mention-permissions",
            json!({"mentionPermissions": 1}),
        )
        .await
        .expect(404);
    alice
        .put(&path, json!({"mentionPermissions": 2}))
        .await
        .expect_error(400, "value");
    alice.put(&path, json!({})).await.expect(400);
    let set = alice.put(&path, json!({"mentionPermissions": 1})).await;
    set.expect(200);
    assert_eq!(set.data()["token"], token.as_str());
    assert_eq!(set.data()["mentionPermissions"], 1);
    alice
        .put(&path, json!({"mentionPermissions": 1}))
        .await
        .expect(200);
    assert_eq!(carol.room(&token).await["mentionPermissions"], 1);

    // A student's @all renders but notifies nobody; a moderator's does.
    post_message(&bob, &token, "@all look").await;
    assert_eq!(carol.room(&token).await["unreadMention"], false);
    post_message(&alice, &token, "@all look").await;
    assert_eq!(carol.room(&token).await["unreadMention"], true);

    let direct = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let direct = direct.data()["token"].as_str().unwrap().to_owned();
    alice
        .put(
            &format!("/room/{direct}/mention-permissions"),
            json!({"mentionPermissions": 1}),
        )
        .await
        .expect_error(400, "type");
}

#[tokio::test]
async fn recording_consent_follows_the_server_setting() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let (alice, bob, _carol, token) = team(&app).await;
    let path = format!("/room/{token}/recording-consent");

    bob.put(&path, json!({"recordingConsent": 1}))
        .await
        .expect(403);
    app.guest()
        .put(&path, json!({"recordingConsent": 1}))
        .await
        .expect(401);
    alice
        .put(&path, json!({"recordingConsent": 2}))
        .await
        .expect_error(400, "value");

    // The server requires nothing by default: the room's own value is not reported.
    let set = alice.put(&path, json!({"recordingConsent": 1})).await;
    set.expect(200);
    assert_eq!(set.data()["recordingConsent"], 0);
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/recording_consent"),
        &[("value", "2")],
    )
    .await
    .expect(200);
    let caps = alice.get("/ocs/v2.php/cloud/capabilities").await;
    let spreed = &caps.data()["capabilities"]["spreed"];
    assert_eq!(spreed["config"]["call"]["recording-consent"], 2);
    assert!(spreed["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "recording-consent"));
    assert_eq!(alice.room(&token).await["recordingConsent"], 1);
    assert_eq!(bob.room(&token).await["recordingConsent"], 1);

    // Requiring consent is refused while a call runs; lifting it is not.
    let store = &app.services.context.store;
    let mut stored = app.stored_room(&token).await.unwrap();
    stored.call_flag = 1;
    store.update_room(&stored, &[]).await.unwrap();
    alice
        .put(&path, json!({"recordingConsent": 0}))
        .await
        .expect(200);
    alice
        .put(&path, json!({"recordingConsent": 1}))
        .await
        .expect_error(400, "call");
    assert_eq!(alice.room(&token).await["recordingConsent"], 0);
}

#[tokio::test]
async fn a_conversation_is_created_with_the_recording_consent_the_endpoint_accepts() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/recording_consent"),
        &[("value", "2")],
    )
    .await
    .expect(200);
    let alice = app.user("alice").await;
    let created = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Consent", "recordingConsent": 1}),
        )
        .await;
    created.expect(201);
    assert_eq!(created.data()["recordingConsent"], 1);
    let token = created.data()["token"].as_str().unwrap().to_owned();
    assert_eq!(alice.room(&token).await["recordingConsent"], 1);
    alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Optional", "recordingConsent": 2}),
        )
        .await
        .expect_error(400, "recording-consent");
}

#[tokio::test]
async fn sip_is_refused_as_upstream_does_without_a_sip_bridge() {
    let app = TestApp::spawn().await;
    let (alice, bob, _carol, token) = team(&app).await;
    let path = format!("/room/{token}/webinar/sip");
    bob.put(&path, json!({"state": 1})).await.expect(403);
    app.guest()
        .put(&path, json!({"state": 1}))
        .await
        .expect(401);
    alice
        .put("/room/zzzzzzzz/webinar/sip", json!({"state": 1}))
        .await
        .expect(404);
    alice
        .put(&path, json!({"state": 3}))
        .await
        .expect_error(400, "value");
    for state in [0, 1, 2] {
        alice
            .put(&path, json!({"state": state}))
            .await
            .expect_error(412, "config");
    }
    assert_eq!(alice.room(&token).await["sipEnabled"], 0);

    let direct = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let direct = direct.data()["token"].as_str().unwrap().to_owned();
    alice
        .put(&format!("/room/{direct}/webinar/sip"), json!({"state": 1}))
        .await
        .expect_error(400, "type");
}
