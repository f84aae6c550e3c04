//! Conversations API (v4).

use serde_json::json;

use crate::helpers::{Client, TestApp};

#[tokio::test]
async fn create_group_room_returns_201_with_owner_view() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice
        .post("/room", json!({"roomType": 2, "roomName": "Team"}))
        .await;
    answer.expect(201);
    let room = answer.data();
    assert_eq!(room["type"], 2);
    assert_eq!(room["name"], "Team");
    assert_eq!(room["participantType"], 1);
    assert_eq!(room["permissions"], 254);
    let token = room["token"].as_str().unwrap();
    assert_eq!(token.len(), 8);
    assert_eq!(
        Client::system_messages(&app, token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn rename_with_blank_name_is_400_value_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .put(&format!("/room/{token}"), json!({"roomName": "   "}))
        .await
        .expect_error(400, "value");
    let room = alice.get(&format!("/room/{token}")).await;
    assert_eq!(room.data()["name"], "Team");
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn non_participant_gets_404_for_a_group_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Secret").await;
    let answer = bob.get(&format!("/room/{token}")).await;
    answer.expect(404);
    assert_eq!(answer.data(), &json!([]));
}
