//! Creating a conversation with an emoji picture, or with the picture upstream gives it.

use serde_json::json;

use super::{chat_texts, create_with};
use crate::helpers::{Client, TestApp};

#[tokio::test]
async fn creating_with_an_emoji_gives_the_room_that_picture() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;

    let room = create_with(
        &alice,
        json!({"emoji": "\u{1F9EA}", "avatarColor": "00FF00"}),
    )
    .await;

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
