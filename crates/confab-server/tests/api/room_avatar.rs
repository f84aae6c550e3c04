//! Conversation pictures: an emoji picture given at creation or set later by a moderator,
//! removing it, serving the picture (custom or default) as SVG, `avatarVersion` and
//! `isCustomAvatar`, the system messages, and every refusal.

use serde_json::json;

use crate::helpers::{Client, TestApp};

const V1: &str = "/ocs/v2.php/apps/spreed/api/v1";

/// A group conversation created with `extra` settings; answers the created room.
async fn create_with(client: &Client, extra: serde_json::Value) -> serde_json::Value {
    let mut body = json!({"roomType": 2, "roomName": "Pictures"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let answer = client.post("/room", body).await;
    answer.expect(201);
    answer.data().clone()
}

/// The rendered chat messages of a conversation as `client` sees them, oldest first.
async fn chat_texts(client: &Client, token: &str) -> Vec<(String, String)> {
    let answer = client
        .get(&format!("{V1}/chat/{token}?lookIntoFuture=0&limit=100"))
        .await;
    answer.expect(200);
    let mut texts: Vec<(String, String)> = answer
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["systemMessage"].as_str().unwrap().to_owned(),
                m["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    texts.reverse();
    texts
}

#[tokio::test]
async fn creating_with_an_emoji_gives_the_room_that_picture() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;

    let room = create_with(&alice, json!({"emoji": "\u{1F9EA}", "avatarColor": "00FF00"})).await;

    assert_eq!(room["isCustomAvatar"], true);
    let version = room["avatarVersion"].as_str().unwrap();
    assert!(!version.is_empty());
    let token = room["token"].as_str().unwrap();
    assert_eq!(alice.room(token).await["avatarVersion"], version);
    assert_eq!(
        Client::system_messages(&app, token).await,
        ["conversation_created", "avatar_set"]
    );
    assert_eq!(
        chat_texts(&alice, token).await[1],
        (
            "avatar_set".to_owned(),
            "You set the conversation picture".to_owned()
        )
    );
}

#[tokio::test]
async fn creating_without_an_emoji_keeps_the_default_picture() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;

    // Upstream reads the colour only with an emoji.
    let room = create_with(&alice, json!({"emoji": "", "avatarColor": "00ff00"})).await;

    assert_eq!(room["isCustomAvatar"], false);
    assert_eq!(room["avatarVersion"].as_str().unwrap().len(), 8);
    let token = room["token"].as_str().unwrap();
    assert_eq!(
        Client::system_messages(&app, token).await,
        ["conversation_created"]
    );
}

#[tokio::test]
async fn a_note_to_self_starts_with_its_picture_and_no_message_about_it() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;

    let room = alice.get("/room/note-to-self").await;
    room.expect(200);

    assert_eq!(room.data()["isCustomAvatar"], true);
    let token = room.data()["token"].as_str().unwrap();
    assert_eq!(
        Client::system_messages(&app, token).await,
        ["conversation_created"]
    );
}
