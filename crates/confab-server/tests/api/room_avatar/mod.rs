//! Conversation pictures (v1): an emoji picture given at creation or set later by a
//! moderator, an uploaded PNG or JPEG, removing the picture, serving it (custom or default),
//! `avatarVersion` and `isCustomAvatar`, the system messages, and every refusal.

mod create;
mod emoji;
mod serve;
mod upload;

use serde_json::json;

use crate::helpers::{Client, TestApp};

pub const V1: &str = "/ocs/v2.php/apps/spreed/api/v1";

pub async fn create_with(client: &Client, extra: serde_json::Value) -> serde_json::Value {
    let mut body = json!({"roomType": 2, "roomName": "Pictures"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let answer = client.post("/room", body).await;
    answer.expect(201);
    answer.data().clone()
}

/// The rendered chat messages of a conversation as `client` sees them, oldest first.
pub async fn chat_texts(client: &Client, token: &str) -> Vec<(String, String)> {
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

pub fn emoji_path(token: &str) -> String {
    format!("{V1}/room/{token}/avatar/emoji")
}

pub fn avatar_path(token: &str) -> String {
    format!("{V1}/room/{token}/avatar")
}

/// Alice's group conversation with bob as a plain member; carol is a user outside it.
pub async fn room_with_member(app: &TestApp) -> (Client, Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let token = alice.create_room("Pictures").await;
    alice.add(&token, "bob").await;
    (alice, bob, carol, token)
}

/// Reads a picture and checks it is served as an SVG image with upstream's caching.
pub async fn picture(client: &Client, path: &str) -> String {
    let answer = client.get(path).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.raw);
    assert_eq!(answer.header("content-type"), Some("image/svg+xml"));
    assert_eq!(
        answer.header("cache-control"),
        Some("private, max-age=86400, immutable")
    );
    assert!(answer.raw.contains("<svg"), "{}", answer.raw);
    answer.raw.clone()
}
