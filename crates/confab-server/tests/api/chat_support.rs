//! Helpers the chat test modules share: a room to talk in, paths, and reading the chat.

use serde_json::{json, Value};

use crate::helpers::{Answer, Client, TestApp};

pub const V1: &str = "/ocs/v2.php/apps/spreed/api/v1";

/// A group room of alice's with bob as a normal member.
pub async fn shared_room(app: &TestApp) -> (Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    (alice, bob, token)
}

pub fn chat(token: &str) -> String {
    format!("{V1}/chat/{token}")
}

pub fn reaction(token: &str, id: i64) -> String {
    format!("{V1}/reaction/{token}/{id}")
}

/// Posts `text` as `client` and returns the message.
pub async fn say(client: &Client, token: &str, text: &str) -> Value {
    let answer = client.post(&chat(token), json!({"message": text})).await;
    answer.expect(201);
    answer.data().clone()
}

/// Posts `text` and returns the new message's id.
pub async fn say_id(client: &Client, token: &str, text: &str) -> i64 {
    id(&say(client, token, text).await)
}

pub fn id(message: &Value) -> i64 {
    message["id"].as_i64().expect("message id")
}

/// `GET /chat/{token}?lookIntoFuture=0&…` (history, newest first).
pub async fn history(client: &Client, token: &str, query: &str) -> Answer {
    client
        .get(&format!("{}?lookIntoFuture=0&{query}", chat(token)))
        .await
}

/// `GET /chat/{token}?lookIntoFuture=1&…` (new messages, oldest first, waiting).
pub async fn poll(client: &Client, token: &str, query: &str) -> Answer {
    client
        .get(&format!("{}?lookIntoFuture=1&{query}", chat(token)))
        .await
}

/// The whole history as `client` sees it, newest first.
pub async fn all_messages(client: &Client, token: &str) -> Vec<Value> {
    let answer = history(client, token, "limit=200").await;
    answer.expect(200);
    answer.data().as_array().cloned().expect("message list")
}

pub fn ids(answer: &Answer) -> Vec<i64> {
    answer
        .data()
        .as_array()
        .expect("message list")
        .iter()
        .map(id)
        .collect()
}

pub fn texts(answer: &Answer) -> Vec<String> {
    answer
        .data()
        .as_array()
        .expect("message list")
        .iter()
        .map(|m| m["message"].as_str().expect("text").to_owned())
        .collect()
}

pub fn last_given(answer: &Answer) -> i64 {
    answer
        .header("x-chat-last-given")
        .expect("X-Chat-Last-Given")
        .parse()
        .expect("numeric X-Chat-Last-Given")
}

/// The message `id` as `client` reads it in the history.
pub async fn message(client: &Client, token: &str, id: i64) -> Value {
    all_messages(client, token)
        .await
        .into_iter()
        .find(|m| m["id"] == id)
        .expect("message in history")
}

/// A stored system message of the room by name (its id).
pub async fn system_message_id(app: &TestApp, token: &str, name: &str) -> i64 {
    app.messages(token)
        .await
        .iter()
        .find(|m| m.system_message == name)
        .map(|m| m.id)
        .expect("system message")
}
