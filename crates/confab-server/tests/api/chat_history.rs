//! Clearing the history (read-only and one-to-one rules), the context of a message (headers,
//! 304, 404, 412), mention suggestions (who may ask) and mention permissions for `@all`.

use reqwest::Method;
use serde_json::json;

use crate::chat_support::{chat, ids, last_given, say, say_id, shared_room};
use crate::helpers::{Answer, Client, TestApp};

async fn clear(client: &Client, token: &str) -> Answer {
    client.send(Method::DELETE, &chat(token), None).await
}

async fn context(client: &Client, token: &str, id: impl std::fmt::Display, query: &str) -> Answer {
    client
        .get(&format!("{}/{id}/context?{query}", chat(token)))
        .await
}

async fn suggestions(client: &Client, token: &str, search: &str) -> Answer {
    client
        .get(&format!("{}/mentions?search={search}", chat(token)))
        .await
}

async fn lock(client: &Client, token: &str) {
    client
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
}

async fn lobby(client: &Client, token: &str) {
    client
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
}

#[tokio::test]
async fn read_only_rooms_keep_their_history() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    say_id(&alice, &token, "keep me").await;
    lock(&alice, &token).await;
    let before = app.messages(&token).await;
    clear(&alice, &token).await.expect_empty(403);
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn one_to_one_histories_are_cleared_only_when_the_server_allows_it() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let created = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let token = created.data()["token"].as_str().unwrap().to_owned();
    say_id(&alice, &token, "private").await;
    let before = app.messages(&token).await;
    clear(&alice, &token).await.expect_empty(403);
    assert_eq!(app.messages(&token).await, before);

    app.services
        .set_app_config("delete_one_to_one_conversations", "yes")
        .await
        .unwrap();
    let answer = clear(&alice, &token).await;
    answer.expect(200);
    assert_eq!(answer.data()["systemMessage"], "history_cleared");
}

#[tokio::test]
async fn context_sends_the_chat_headers_and_needs_no_existing_id() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let sent: Vec<i64> = [
        say_id(&alice, &token, "m1").await,
        say_id(&alice, &token, "m2").await,
        say_id(&alice, &token, "m3").await,
    ]
    .to_vec();

    let answer = context(&bob, &token, sent[1], "limit=1").await;
    answer.expect(200);
    assert_eq!(ids(&answer), vec![sent[0], sent[1], sent[2]]);
    assert_eq!(last_given(&answer), sent[2]);
    assert!(answer.header("x-chat-last-common-read").is_some());

    // An id between messages (a message of another room) still has a context here.
    let elsewhere = alice.create_room("Elsewhere").await;
    let foreign = say_id(&alice, &elsewhere, "far away").await;
    let m4 = say_id(&alice, &token, "m4").await;
    let answer = context(&bob, &token, foreign, "limit=1").await;
    answer.expect(200);
    assert_eq!(ids(&answer), vec![sent[1], sent[2], m4]);
    assert!(!answer.raw.contains("far away"));

    // Nothing around: 304 without a body.
    let answer = context(&bob, &token, 0, "").await;
    answer.expect(304);
    assert!(answer.raw.is_empty());
    assert_eq!(context(&bob, &token, "x7", "").await.status, 404);
}

#[tokio::test]
async fn context_is_404_for_strangers_and_412_behind_the_lobby() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "m").await;
    let carol = app.user("carol").await;
    context(&carol, &token, m, "").await.expect_empty(404);
    lobby(&alice, &token).await;
    context(&bob, &token, m, "").await.expect_empty(412);
    context(&alice, &token, m, "").await.expect(200);
}

#[tokio::test]
async fn mention_suggestions_need_a_writable_room_the_chat_permission_and_no_lobby() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    suggestions(&bob, &token, "").await.expect(200);
    let carol = app.user("carol").await;
    suggestions(&carol, &token, "").await.expect_empty(404);

    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 2 | 4 | 16 | 32 | 64}),
        )
        .await
        .expect(200);
    suggestions(&bob, &token, "").await.expect_empty(403);

    lobby(&alice, &token).await;
    let dave = app.user("dave").await;
    alice.add(&token, "dave").await;
    suggestions(&dave, &token, "").await.expect_empty(412);
    lock(&alice, &token).await;
    suggestions(&alice, &token, "").await.expect_empty(403);
}

#[tokio::test]
async fn with_mention_permissions_only_moderators_mention_everyone() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let created = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Announcements", "mentionPermissions": 1}),
        )
        .await;
    created.expect(201);
    let token = created.data()["token"].as_str().unwrap().to_owned();
    assert_eq!(created.data()["mentionPermissions"], 1);
    alice.add(&token, "bob").await;
    alice.add(&token, "carol").await;

    let sent = say(&bob, &token, "@all lunch!").await;
    assert_eq!(sent["message"], "@all lunch!");
    assert_eq!(sent["messageParameters"], json!([]));
    assert_eq!(carol.room(&token).await["unreadMention"], false);
    let offered = suggestions(&bob, &token, "").await;
    offered.expect(200);
    assert!(!offered.raw.contains("\"calls\""), "{}", offered.raw);

    let sent = say(&alice, &token, "@all meeting").await;
    assert_eq!(sent["message"], "{mention-call1} meeting");
    assert_eq!(carol.room(&token).await["unreadMention"], true);
    assert_eq!(carol.room(&token).await["unreadMentionDirect"], false);
    let offered = suggestions(&alice, &token, "all").await;
    assert_eq!(offered.data()[0]["id"], "all");
}
