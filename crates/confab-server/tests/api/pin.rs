//! Pinned messages: pinning and unpinning by moderators, the room's `lastPinnedId`, hiding a
//! pin for oneself, the pin's `metaData` on the message, and the error rules.

use reqwest::Method;
use serde_json::{json, Value};

use crate::chat_support::{all_messages, chat, message, say_id, shared_room, system_message_id};
use crate::helpers::{Answer, Client, TestApp};

pub fn pin_path(token: &str, id: impl std::fmt::Display) -> String {
    format!("{}/{id}/pin", chat(token))
}

pub async fn pin(client: &Client, token: &str, id: i64, body: Value) -> Answer {
    client.post(&pin_path(token, id), body).await
}

pub async fn unpin(client: &Client, token: &str, id: i64) -> Answer {
    client
        .send(Method::DELETE, &pin_path(token, id), None)
        .await
}

async fn unpin_raw(client: &Client, path: &str) -> u16 {
    client
        .send(Method::DELETE, path, None)
        .await
        .status
        .as_u16()
}

async fn hide(client: &Client, token: &str, id: impl std::fmt::Display) -> Answer {
    client
        .send(
            Method::DELETE,
            &format!("{}/self", pin_path(token, id)),
            None,
        )
        .await
}

/// `(lastPinnedId, hiddenPinnedId)` of the room as `client` sees it.
pub async fn pins_of(client: &Client, token: &str) -> (i64, i64) {
    let room = client.room(token).await;
    (
        room["lastPinnedId"].as_i64().expect("lastPinnedId"),
        room["hiddenPinnedId"].as_i64().expect("hiddenPinnedId"),
    )
}

async fn count(app: &TestApp, token: &str, name: &str) -> usize {
    Client::system_messages(app, token)
        .await
        .iter()
        .filter(|m| *m == name)
        .count()
}

#[tokio::test]
async fn moderators_pin_a_message_for_everyone() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&bob, &token, "lunch at noon").await;
    let m2 = say_id(&bob, &token, "room 4").await;
    assert_eq!(pins_of(&bob, &token).await, (0, 0));

    pin(&bob, &token, m2, json!({})).await.expect_empty(403);
    let answer = pin(&alice, &token, m2, json!({})).await;
    answer.expect(200);
    let note = answer.data();
    assert_eq!(note["systemMessage"], "message_pinned");
    assert_eq!(note["actorType"], "users");
    assert_eq!(note["actorId"], "alice");
    assert_eq!(note["message"], "You pinned a message");
    assert_eq!(note["parent"]["id"], m2);
    let meta = &note["parent"]["metaData"];
    assert_eq!(meta["pinnedActorType"], "users");
    assert_eq!(meta["pinnedActorId"], "alice");
    assert_eq!(meta["pinnedActorDisplayName"], "alice display");
    assert!(meta["pinnedAt"].as_i64().unwrap() > 0);
    assert!(meta.get("pinnedUntil").is_none(), "{meta}");

    assert_eq!(pins_of(&bob, &token).await, (m2, 0));
    let list = bob.get("/room").await;
    let listed = &list.data().as_array().unwrap()[0];
    assert_eq!(listed["lastPinnedId"], m2);
    assert_eq!(listed["hiddenPinnedId"], 0);
    // The pinned message carries its pin in the history; other messages do not.
    assert_eq!(message(&bob, &token, m2).await["metaData"], *meta);
    assert!(message(&bob, &token, m1).await.get("metaData").is_none());
    let seen = all_messages(&bob, &token).await;
    assert_eq!(seen[0]["systemMessage"], "message_pinned");
    assert_eq!(seen[0]["message"], "{actor} pinned a message");
    assert_eq!(seen[0]["parent"]["id"], m2);
}

#[tokio::test]
async fn the_room_shows_the_most_recent_pin_and_unpinning_falls_back() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    pin(&alice, &token, m2, json!({})).await.expect(200);
    pin(&alice, &token, m1, json!({})).await.expect(200);
    assert_eq!(pins_of(&bob, &token).await, (m1, 0));

    // Pinning a pinned message changes nothing.
    let again = pin(&alice, &token, m2, json!({})).await;
    again.expect(200);
    assert_eq!(again.data(), &Value::Null);
    assert_eq!(pins_of(&bob, &token).await, (m1, 0));
    assert_eq!(count(&app, &token, "message_pinned").await, 2);

    unpin(&bob, &token, m1).await.expect_empty(403);
    let answer = unpin(&alice, &token, m1).await;
    answer.expect(200);
    assert_eq!(answer.data()["systemMessage"], "message_unpinned");
    assert_eq!(answer.data()["message"], "You unpinned a message");
    assert_eq!(answer.data()["parent"]["id"], m1);
    assert!(answer.data()["parent"].get("metaData").is_none());
    assert_eq!(pins_of(&bob, &token).await, (m2, 0));
    assert!(message(&bob, &token, m1).await.get("metaData").is_none());

    // Unpinning what is not pinned changes nothing either.
    let again = unpin(&alice, &token, m1).await;
    again.expect(200);
    assert_eq!(again.data(), &Value::Null);
    assert_eq!(count(&app, &token, "message_unpinned").await, 1);
    unpin(&alice, &token, m2).await.expect(200);
    assert_eq!(pins_of(&bob, &token).await, (0, 0));
}

#[tokio::test]
async fn hiding_a_pin_is_personal_and_a_new_pin_shows_it_again() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    pin(&alice, &token, m1, json!({})).await.expect(200);

    let answer = hide(&bob, &token, m1).await;
    answer.expect(200);
    assert_eq!(answer.data(), &Value::Null);
    assert_eq!(pins_of(&bob, &token).await, (m1, m1));
    assert_eq!(pins_of(&alice, &token).await, (m1, 0));

    // Unpinning keeps what bob hid; the next pin shows to him again.
    unpin(&alice, &token, m1).await.expect(200);
    assert_eq!(pins_of(&bob, &token).await, (0, m1));
    pin(&alice, &token, m2, json!({})).await.expect(200);
    assert_eq!(pins_of(&bob, &token).await, (m2, 0));
}

#[tokio::test]
async fn deleting_a_pinned_message_unpins_it() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    pin(&alice, &token, m1, json!({})).await.expect(200);
    pin(&alice, &token, m2, json!({})).await.expect(200);

    let answer = alice
        .send(Method::DELETE, &format!("{}/{m2}", chat(&token)), None)
        .await;
    answer.expect(200);
    assert!(answer.data()["parent"].get("metaData").is_none());
    assert_eq!(pins_of(&bob, &token).await, (m1, 0));
    assert!(message(&bob, &token, m2).await.get("metaData").is_none());
}

#[tokio::test]
async fn pin_errors_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let elsewhere = alice.create_room("Elsewhere").await;
    let foreign = say_id(&alice, &elsewhere, "not here").await;
    let system = system_message_id(&app, &token, "user_added").await;
    let now = confab_core::clock::Clock::now(&confab_core::clock::SystemClock);
    let before = app.messages(&token).await;

    for id in [999_999, foreign] {
        pin(&alice, &token, id, json!({}))
            .await
            .expect_error(404, "message");
        unpin(&alice, &token, id).await.expect_error(404, "message");
        hide(&bob, &token, id).await.expect_error(404, "message");
    }
    assert_eq!(
        alice.post(&pin_path(&token, "abc"), json!({})).await.status,
        404
    );
    assert_eq!(unpin_raw(&alice, &pin_path(&token, "abc")).await, 404);
    assert_eq!(hide(&bob, &token, "x1").await.status, 404);
    pin(&alice, &token, system, json!({}))
        .await
        .expect_error(405, "message");
    for until in [now - 10, -5] {
        pin(&alice, &token, m1, json!({"pinUntil": until}))
            .await
            .expect_error(400, "until");
    }
    let carol = app.user("carol").await;
    pin(&carol, &token, m1, json!({})).await.expect_empty(404);
    hide(&carol, &token, m1).await.expect_empty(404);
    assert_eq!(app.messages(&token).await, before);
    assert_eq!(pins_of(&bob, &token).await, (0, 0));

    // A read-only room takes no pins, but people may still hide one for themselves.
    pin(&alice, &token, m1, json!({})).await.expect(200);
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    let before = app.messages(&token).await;
    unpin(&alice, &token, m1).await.expect_empty(403);
    hide(&bob, &token, m1).await.expect(200);
    assert_eq!(app.messages(&token).await, before);
    assert_eq!(pins_of(&bob, &token).await, (m1, m1));
}

#[tokio::test]
async fn capabilities_announce_pinned_messages() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice.get("/ocs/v2.php/cloud/capabilities").await;
    answer.expect(200);
    let features = &answer.data()["capabilities"]["spreed"]["features"];
    assert!(
        features
            .as_array()
            .unwrap()
            .contains(&json!("pinned-messages")),
        "{features}"
    );
}
