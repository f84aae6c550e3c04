//! Reactions API: adding, listing and removing reactions and their errors; the `reaction` note
//! a reaction leaves, rewritten to `reaction_deleted` when it is removed, and the
//! `reaction_revoked` note; deleting a message drops its reactions.

use reqwest::Method;
use serde_json::json;

use crate::chat_support::{
    all_messages, chat, history, id, message, reaction, say_id, shared_room, system_message_id,
};
use crate::helpers::{Client, TestApp};

async fn react(client: &Client, token: &str, id: i64, emoji: &str) {
    let answer = client
        .post(&reaction(token, id), json!({"reaction": emoji}))
        .await;
    answer.expect(201);
}

async fn unreact(client: &Client, token: &str, id: i64, emoji: &str) {
    let answer = client
        .delete(&reaction(token, id), json!({"reaction": emoji}))
        .await;
    answer.expect(200);
}

/// The reaction notes of the history, newest first: (systemMessage, actorId, message, parent).
async fn reaction_notes(client: &Client, token: &str) -> Vec<(String, String, String, i64)> {
    all_messages(client, token)
        .await
        .into_iter()
        .filter(|m| m["systemMessage"].as_str().unwrap().starts_with("reaction"))
        .map(|m| {
            (
                m["systemMessage"].as_str().unwrap().to_owned(),
                m["actorId"].as_str().unwrap().to_owned(),
                m["message"].as_str().unwrap().to_owned(),
                m["parent"]["id"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

#[tokio::test]
async fn removing_a_reaction_rewrites_its_note_and_posts_reaction_revoked() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "lunch?").await;
    react(&bob, &token, m, "👍").await;
    react(&alice, &token, m, "🎉").await;
    assert_eq!(
        reaction_notes(&alice, &token).await,
        vec![
            ("reaction".into(), "alice".into(), "🎉".into(), m),
            ("reaction".into(), "bob".into(), "👍".into(), m),
        ]
    );

    unreact(&bob, &token, m, "👍").await;
    assert_eq!(
        reaction_notes(&alice, &token).await,
        vec![
            (
                "reaction_revoked".into(),
                "bob".into(),
                "{actor} deleted a reaction".into(),
                m
            ),
            ("reaction".into(), "alice".into(), "🎉".into(), m),
            (
                "reaction_deleted".into(),
                "bob".into(),
                "Reaction deleted by author".into(),
                m
            ),
        ]
    );
    // Nothing in the rewritten note tells which emoji it was.
    let history = all_messages(&alice, &token).await;
    let deleted = history
        .iter()
        .find(|n| n["systemMessage"] == "reaction_deleted")
        .unwrap();
    assert!(!deleted.to_string().contains('👍'), "{deleted}");
    assert_eq!(
        message(&alice, &token, m).await["reactions"],
        json!({"🎉": 1})
    );
}

#[tokio::test]
async fn a_guest_removing_a_reaction_leaves_the_same_notes() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let m = say_id(&alice, &token, "hello").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    react(&guest, &token, m, "👋").await;
    unreact(&guest, &token, m, "👋").await;

    let notes = reaction_notes(&alice, &token).await;
    let names: Vec<&str> = notes.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(names, vec!["reaction_revoked", "reaction_deleted"]);
    assert_eq!(notes[0].1, notes[1].1, "both by the guest");
    let revoked = &all_messages(&alice, &token).await[0];
    assert_eq!(revoked["actorType"], "guests");
    assert_eq!(message(&alice, &token, m).await["reactions"], json!({}));
}

#[tokio::test]
async fn deleting_a_message_drops_its_reactions() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "react to me").await;
    react(&bob, &token, m, "👍").await;

    let answer = alice
        .send(Method::DELETE, &format!("{}/{m}", chat(&token)), None)
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["parent"]["reactions"], json!({}));
    let placeholder = message(&bob, &token, m).await;
    assert_eq!(placeholder["reactions"], json!({}));
    assert!(placeholder.get("reactionsSelf").is_none());
    bob.get(&reaction(&token, m))
        .await
        .expect_error(404, "message");
}

// ---------------------------------------------------------------- reactions

#[tokio::test]
async fn reactions_are_added_listed_and_removed() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "react to me").await;
    let path = reaction(&token, m);

    let added = bob.post(&path, json!({"reaction": "👍"})).await;
    added.expect(201);
    let entries = added.data()["👍"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actorType"], "users");
    assert_eq!(entries[0]["actorId"], "bob");
    assert_eq!(entries[0]["actorDisplayName"], "bob display");
    assert!(entries[0]["timestamp"].as_i64().unwrap() > 0);

    let again = bob.post(&path, json!({"reaction": "👍"})).await;
    again.expect(200);
    assert_eq!(again.data(), added.data());

    alice
        .post(&path, json!({"reaction": "❤️"}))
        .await
        .expect(201);
    bob.post(&path, json!({"reaction": "❤️"})).await.expect(201);

    let reacted = message(&alice, &token, m).await;
    assert_eq!(reacted["reactions"], json!({"👍": 1, "❤️": 2}));

    let all = alice.get(&path).await;
    all.expect(200);
    assert_eq!(all.data()["👍"].as_array().unwrap().len(), 1);
    assert_eq!(all.data()["❤️"].as_array().unwrap().len(), 2);
    let filtered = alice
        .get(&format!("{path}?reaction=%E2%9D%A4%EF%B8%8F"))
        .await;
    filtered.expect(200);
    let keys: Vec<&String> = filtered.data().as_object().unwrap().keys().collect();
    assert_eq!(keys, ["❤️"]);

    let removed = bob.delete(&path, json!({"reaction": "👍"})).await;
    removed.expect(200);
    assert!(removed.data().get("👍").is_none(), "{}", removed.raw);
    assert_eq!(removed.data()["❤️"].as_array().unwrap().len(), 2);
    assert_eq!(
        message(&alice, &token, m).await["reactions"],
        json!({"❤️": 2})
    );
}

#[tokio::test]
async fn without_reactions_the_map_is_an_empty_object() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "quiet").await;
    let path = reaction(&token, m);

    let none = bob.get(&path).await;
    none.expect(200);
    assert_eq!(none.data(), &json!({}));
    assert!(none.raw.contains("\"data\":{}"), "{}", none.raw);

    bob.post(&path, json!({"reaction": "🎉"})).await.expect(201);
    let removed = bob.delete(&path, json!({"reaction": "🎉"})).await;
    removed.expect(200);
    assert!(removed.raw.contains("\"data\":{}"), "{}", removed.raw);
    let seen = message(&bob, &token, m).await;
    assert_eq!(seen["reactions"], json!({}));
}

#[tokio::test]
async fn removing_a_reaction_that_is_not_there_is_404() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "hm").await;
    let path = reaction(&token, m);
    alice
        .post(&path, json!({"reaction": "👍"}))
        .await
        .expect(201);
    let before = app.messages(&token).await;

    // Bob never reacted; alice's reaction stays.
    bob.delete(&path, json!({"reaction": "👍"}))
        .await
        .expect(404);
    assert_eq!(app.messages(&token).await, before);
    assert_eq!(
        message(&bob, &token, m).await["reactions"],
        json!({"👍": 1})
    );
}

#[tokio::test]
async fn invalid_reactions_are_400_reaction_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "pick one").await;
    let path = reaction(&token, m);
    let before = app.messages(&token).await;

    for bad in [
        json!({"reaction": "ab"}),
        json!({"reaction": "👍👍"}),
        json!({}),
    ] {
        bob.post(&path, bad).await.expect_error(400, "reaction");
    }
    assert_eq!(app.messages(&token).await, before);
    assert_eq!(bob.get(&path).await.data(), &json!({}));
}

#[tokio::test]
async fn reactions_on_unknown_or_system_messages_are_404() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let system = system_message_id(&app, &token, "user_added").await;
    let before = app.messages(&token).await;

    for id in [999_999, system] {
        let path = reaction(&token, id);
        alice
            .post(&path, json!({"reaction": "👍"}))
            .await
            .expect(404);
        alice.get(&path).await.expect(404);
        alice
            .delete(&path, json!({"reaction": "👍"}))
            .await
            .expect(404);
    }
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn reactions_need_the_chat_permission_and_a_writable_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "locked soon").await;
    let path = reaction(&token, m);
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    let before = app.messages(&token).await;

    bob.post(&path, json!({"reaction": "👍"}))
        .await
        .expect_empty(403);
    assert_eq!(app.messages(&token).await, before);
    // Reading reactions is still allowed.
    bob.get(&path).await.expect(200);
}

#[tokio::test]
async fn messages_carry_the_viewers_own_reactions() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let reacted = say_id(&alice, &token, "react to me").await;
    bob.post(&reaction(&token, reacted), json!({"reaction": "👍"}))
        .await
        .expect(201);
    alice
        .post(&reaction(&token, reacted), json!({"reaction": "🎉"}))
        .await
        .expect(201);

    let seen_by_bob = history(&bob, &token, "limit=10").await;
    let message = seen_by_bob
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| id(m) == reacted)
        .unwrap()
        .clone();
    assert_eq!(message["reactions"], json!({"👍": 1, "🎉": 1}));
    assert_eq!(message["reactionsSelf"], json!(["👍"]));
    let plain = say_id(&alice, &token, "no reactions").await;
    let seen = history(&bob, &token, "limit=10").await;
    let unreacted = seen
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| id(m) == plain)
        .unwrap()
        .clone();
    assert!(unreacted.get("reactionsSelf").is_none());
}

#[tokio::test]
async fn the_room_reports_the_lowest_read_marker_of_its_users() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let first = say_id(&alice, &token, "one").await;
    let second = say_id(&alice, &token, "two").await;
    bob.post(
        &format!("{}/read", chat(&token)),
        json!({"lastReadMessage": first}),
    )
    .await
    .expect(200);
    let room = alice.get(&format!("/room/{token}")).await;
    assert_eq!(room.data()["lastCommonReadMessage"], first);
    bob.post(
        &format!("{}/read", chat(&token)),
        json!({"lastReadMessage": second}),
    )
    .await
    .expect(200);
    let room = alice.get(&format!("/room/{token}")).await;
    assert_eq!(room.data()["lastCommonReadMessage"], second);
}
