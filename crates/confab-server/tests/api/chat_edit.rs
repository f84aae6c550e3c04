//! Chat (v1): editing and deleting messages, and who may.

use reqwest::Method;
use serde_json::json;

use crate::chat_support::{chat, id, message, say_id, shared_room, system_message_id};
use crate::helpers::TestApp;

// ---------------------------------------------------------------- edit

#[tokio::test]
async fn editing_an_own_message_answers_message_edited_with_the_parent() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "frist").await;

    let answer = alice
        .put(
            &format!("{}/{m}", chat(&token)),
            json!({"message": "first"}),
        )
        .await;
    answer.expect(200);
    let note = answer.data();
    assert_eq!(note["systemMessage"], "message_edited");
    assert_eq!(note["messageType"], "system");
    assert_eq!(note["message"], "You edited a message");
    let parent = &note["parent"];
    assert_eq!(parent["id"], m);
    assert_eq!(parent["message"], "first");
    assert_eq!(parent["lastEditActorType"], "users");
    assert_eq!(parent["lastEditActorId"], "alice");
    assert_eq!(parent["lastEditActorDisplayName"], "alice display");
    assert!(parent["lastEditTimestamp"].as_i64().unwrap() > 0);

    let seen = message(&bob, &token, m).await;
    assert_eq!(seen["message"], "first");
    assert_eq!(seen["lastEditActorId"], "alice");
    let note_seen = message(&bob, &token, id(note)).await;
    assert_eq!(note_seen["message"], "{actor} edited a message");
}

#[tokio::test]
async fn editing_someone_elses_message_needs_a_moderator() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let from_alice = say_id(&alice, &token, "alice wrote this").await;
    let from_bob = say_id(&bob, &token, "bob wrote this").await;
    let before = app.messages(&token).await;

    bob.put(
        &format!("{}/{from_alice}", chat(&token)),
        json!({"message": "bob was here"}),
    )
    .await
    .expect_error(403, "permission");
    assert_eq!(app.messages(&token).await, before);

    let answer = alice
        .put(
            &format!("{}/{from_bob}", chat(&token)),
            json!({"message": "moderated"}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["parent"]["actorId"], "bob");
    assert_eq!(answer.data()["parent"]["lastEditActorId"], "alice");
    assert_eq!(
        message(&bob, &token, from_bob).await["message"],
        "moderated"
    );
}

#[tokio::test]
async fn edit_errors_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "original").await;
    let system = system_message_id(&app, &token, "user_added").await;
    let before = app.messages(&token).await;
    let path = |id: &str| format!("{}/{id}", chat(&token));

    alice
        .put(
            &path(&system.to_string()),
            json!({"message": "rewrite history"}),
        )
        .await
        .expect_error(405, "message");
    alice
        .put(&path("999999"), json!({"message": "ghost"}))
        .await
        .expect_error(404, "message");
    let answer = alice.put(&path("abc"), json!({"message": "nan"})).await;
    assert_eq!(answer.status, 404);
    for blank in ["", "   "] {
        alice
            .put(&path(&m.to_string()), json!({"message": blank}))
            .await
            .expect_error(400, "message");
    }
    alice
        .put(
            &path(&m.to_string()),
            json!({"message": "x".repeat(32_001)}),
        )
        .await
        .expect_error(413, "message");
    assert_eq!(app.messages(&token).await, before);
}

// ---------------------------------------------------------------- delete

#[tokio::test]
async fn deleting_an_own_message_leaves_a_placeholder() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&bob, &token, "oops").await;

    let answer = bob
        .send(Method::DELETE, &format!("{}/{m}", chat(&token)), None)
        .await;
    answer.expect(200);
    let note = answer.data();
    assert_eq!(note["systemMessage"], "message_deleted");
    assert_eq!(note["message"], "You deleted a message");
    let parent = &note["parent"];
    assert_eq!(parent["id"], m);
    assert_eq!(parent["messageType"], "comment_deleted");
    assert_eq!(parent["message"], "Message deleted by you");
    assert_eq!(parent["deleted"], true);
    assert_eq!(parent["isReplyable"], false);

    let seen = message(&alice, &token, m).await;
    assert_eq!(seen["messageType"], "comment_deleted");
    assert_eq!(seen["message"], "Message deleted by {actor}");
    assert_eq!(seen["messageParameters"]["actor"]["id"], "bob");
    assert_eq!(seen["deleted"], true);
    assert!(!answer.raw.contains("oops"), "{}", answer.raw);
}

#[tokio::test]
async fn deleting_needs_author_or_moderator_and_a_real_message() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let from_alice = say_id(&alice, &token, "mine").await;
    let from_bob = say_id(&bob, &token, "his").await;
    let system = system_message_id(&app, &token, "user_added").await;
    let before = app.messages(&token).await;
    let path = |id: i64| format!("{}/{id}", chat(&token));

    bob.send(Method::DELETE, &path(from_alice), None)
        .await
        .expect_error(403, "permission");
    alice
        .send(Method::DELETE, &path(system), None)
        .await
        .expect_error(405, "message");
    alice
        .send(Method::DELETE, &path(999_999), None)
        .await
        .expect_error(404, "message");
    assert_eq!(app.messages(&token).await, before);

    // A moderator deletes other people's messages.
    let answer = alice.send(Method::DELETE, &path(from_bob), None).await;
    answer.expect(200);
    assert_eq!(answer.data()["parent"]["messageType"], "comment_deleted");
}

#[tokio::test]
async fn one_to_one_partners_cannot_change_each_others_messages() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    answer.expect(201);
    let token = answer.data()["token"].as_str().unwrap().to_owned();
    let m = say_id(&bob, &token, "only mine").await;
    let before = app.messages(&token).await;
    alice
        .put(&format!("{}/{m}", chat(&token)), json!({"message": "ours"}))
        .await
        .expect_error(403, "permission");
    alice
        .send(Method::DELETE, &format!("{}/{m}", chat(&token)), None)
        .await
        .expect_error(403, "permission");
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn read_only_room_refuses_edits_and_deletes_even_from_moderators() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let from_alice = say_id(&alice, &token, "set in stone").await;
    let from_bob = say_id(&bob, &token, "mine too").await;
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    let before = app.messages(&token).await;
    let path = |id: i64| format!("{}/{id}", chat(&token));

    alice
        .put(&path(from_alice), json!({"message": "changed"}))
        .await
        .expect_empty(403);
    alice
        .send(Method::DELETE, &path(from_bob), None)
        .await
        .expect_empty(403);
    bob.send(Method::DELETE, &path(from_bob), None)
        .await
        .expect_empty(403);
    assert_eq!(app.messages(&token).await, before);
}
