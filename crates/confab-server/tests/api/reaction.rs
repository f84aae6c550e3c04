//! Reactions in the history: the `reaction` note a reaction leaves, rewritten to
//! `reaction_deleted` when it is removed, and the `reaction_revoked` note; deleting a message
//! drops its reactions.

use reqwest::Method;
use serde_json::json;

use crate::chat_support::{all_messages, chat, message, reaction, say_id, shared_room};
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
