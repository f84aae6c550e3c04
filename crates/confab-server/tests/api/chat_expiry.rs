//! Message expiration with a clock the tests move: expired messages are gone from every
//! endpoint at once (replies, the room's last message, edits, reactions, pins) and leave
//! storage in the background, also when they expired while the server was stopped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use confab_core::clock::{Clock, ManualClock, SystemClock};
use reqwest::Method;
use serde_json::json;

use crate::chat_support::{all_messages, chat, history, id, message, reaction, say, shared_room};
use crate::helpers::{Client, TestApp, PASSWORD};
use crate::pin::pin;

async fn expire_after(client: &Client, token: &str, seconds: i64) {
    client
        .post(
            &format!("/room/{token}/message-expiration"),
            json!({"seconds": seconds}),
        )
        .await
        .expect(200);
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(SystemClock.now()))
}

#[tokio::test]
async fn an_expired_message_is_gone_from_every_endpoint() {
    let clock = clock();
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (alice, bob, token) = shared_room(&app).await;
    expire_after(&alice, &token, 3600).await;
    let parent = id(&say(&alice, &token, "soon gone").await);
    clock.advance(1800);
    let reply = bob
        .post(
            &chat(&token),
            json!({"message": "still here", "replyTo": parent}),
        )
        .await;
    reply.expect(201);
    let reply = id(reply.data());
    clock.advance(1801);

    // Act / Assert: the parent is gone, and the reply shows it as deleted.
    let listed: Vec<i64> = all_messages(&bob, &token).await.iter().map(id).collect();
    assert!(!listed.contains(&parent), "{listed:?}");
    assert_eq!(
        message(&bob, &token, reply).await["parent"],
        json!({"id": parent, "deleted": true})
    );
    let path = format!("{}/{parent}", chat(&token));
    alice
        .put(&path, json!({"message": "rewrite"}))
        .await
        .expect_error(404, "message");
    alice
        .send(Method::DELETE, &path, None)
        .await
        .expect_error(404, "message");
    bob.post(&reaction(&token, parent), json!({"reaction": "👍"}))
        .await
        .expect_error(404, "message");
    pin(&alice, &token, parent, json!({}))
        .await
        .expect_error(404, "message");
    let around = bob.get(&format!("{}/{parent}/context", chat(&token))).await;
    around.expect(200);
    assert!(!around.raw.contains("soon gone"));
}

#[tokio::test]
async fn the_room_does_not_show_an_expired_last_message() {
    let clock = clock();
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (alice, bob, token) = shared_room(&app).await;
    expire_after(&alice, &token, 60).await;
    say(&alice, &token, "fleeting").await;
    assert_eq!(bob.room(&token).await["lastMessage"]["message"], "fleeting");

    clock.advance(61);
    assert!(bob.room(&token).await.get("lastMessage").is_none());
    let list = bob.get("/room").await;
    list.expect(200);
    let listed = list
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["token"] == token.as_str())
        .unwrap()
        .clone();
    assert!(listed.get("lastMessage").is_none(), "{listed}");
}

#[tokio::test]
async fn messages_that_expired_while_stopped_leave_storage_at_start() {
    // Arrange: a message that expires after a minute, then two minutes pass while stopped.
    let clock = clock();
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (alice, _bob, token) = shared_room(&app).await;
    expire_after(&alice, &token, 60).await;
    let kept_before = app.messages(&token).await.len();
    let gone = id(&say(&alice, &token, "fleeting").await);
    clock.advance(120);

    // Act: start again on the same data.
    let app = app.restart(clock.clone()).await;

    // Assert: the background task deleted the row without any request.
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.messages(&token).await.iter().any(|m| m.id == gone) {
        assert!(
            Instant::now() < deadline,
            "the expired message stayed stored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.messages(&token).await.len(), kept_before);
    // Back before its expiry, an endpoint would show it again had it only been hidden.
    clock.advance(-120);
    let bob = app.login("bob", PASSWORD);
    let answer = history(&bob, &token, "limit=200").await;
    answer.expect(200);
    assert!(!answer.raw.contains("fleeting"), "{}", answer.raw);
}
