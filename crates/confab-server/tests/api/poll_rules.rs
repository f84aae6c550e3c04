//! Polls: who sees results, voters and details while open and once closed; guests voting;
//! votes withdrawn; the poll message as a shared object; where polls may be made.

use serde_json::{json, Value};

use crate::chat_support::{all_messages, chat, reaction, shared_room};
use crate::helpers::{Client, TestApp};

fn polls(token: &str) -> String {
    format!("/ocs/v2.php/apps/spreed/api/v1/poll/{token}")
}

/// Creates a poll as `client` and returns its path.
async fn poll_by(client: &Client, token: &str, result_mode: i64) -> String {
    let answer = client
        .post(
            &polls(token),
            json!({"question": "Lunch?", "options": ["pizza", "pasta"], "resultMode": result_mode}),
        )
        .await;
    answer.expect(201);
    format!("{}/{}", polls(token), answer.data()["id"])
}

async fn vote(client: &Client, path: &str, options: Value) -> Value {
    let answer = client.post(path, json!({"optionIds": options})).await;
    answer.expect(200);
    answer.data().clone()
}

async fn seen_by(client: &Client, path: &str) -> Value {
    let answer = client.get(path).await;
    answer.expect(200);
    answer.data().clone()
}

/// Alice (owner) with bob and carol as plain members.
async fn three(app: &TestApp) -> (Client, Client, Client, String) {
    let (alice, bob, token) = shared_room(app).await;
    let carol = app.user("carol").await;
    alice.add(&token, "carol").await;
    (alice, bob, carol, token)
}

#[tokio::test]
async fn open_public_polls_show_results_to_voters_and_the_count_to_author_and_moderators() {
    let app = TestApp::spawn().await;
    let (alice, bob, carol, token) = three(&app).await;
    let path = poll_by(&bob, &token, 0).await;

    let voted = vote(&carol, &path, json!([0])).await;
    assert_eq!(voted["votes"], json!({"option-0": 1}));
    assert_eq!(voted["numVoters"], 1);
    assert!(voted.get("details").is_none());

    // Bob wrote it, alice moderates: both see the count but not the results.
    for viewer in [&bob, &alice] {
        let seen = seen_by(viewer, &path).await;
        assert_eq!(seen["votes"], json!([]), "{}", viewer.id);
        assert_eq!(seen["numVoters"], 1, "{}", viewer.id);
    }
    let dave = app.user("dave").await;
    alice.add(&token, "dave").await;
    let seen = seen_by(&dave, &path).await;
    assert_eq!(
        (seen["votes"].clone(), seen["numVoters"].clone()),
        (json!([]), json!(0))
    );

    // Closed: everything, with who voted what, for everyone.
    bob.delete(&path, json!({})).await.expect(200);
    let seen = seen_by(&dave, &path).await;
    assert_eq!(seen["votes"], json!({"option-0": 1}));
    assert_eq!(seen["numVoters"], 1);
    assert_eq!(
        seen["details"],
        json!([{"actorType": "users", "actorId": "carol", "actorDisplayName": "carol display", "optionId": 0}])
    );
}

#[tokio::test]
async fn hidden_polls_show_only_the_count_to_author_and_moderators_until_closed() {
    let app = TestApp::spawn().await;
    let (alice, bob, carol, token) = three(&app).await;
    let path = poll_by(&bob, &token, 1).await;
    let voted = vote(&carol, &path, json!([1])).await;
    assert_eq!(
        (voted["votes"].clone(), voted["numVoters"].clone()),
        (json!([]), json!(0))
    );
    assert_eq!(voted["votedSelf"], json!([1]));
    for viewer in [&bob, &alice] {
        let seen = seen_by(viewer, &path).await;
        assert_eq!(seen["votes"], json!([]));
        assert_eq!(seen["numVoters"], 1);
    }
    // No poll_voted note tells the others how people vote.
    assert!(!Client::system_messages(&app, &token)
        .await
        .iter()
        .any(|m| m == "poll_voted"));

    let closed = bob.delete(&path, json!({})).await;
    closed.expect(200);
    let seen = seen_by(&carol, &path).await;
    assert_eq!(seen["votes"], json!({"option-1": 1}));
    assert_eq!(seen["numVoters"], 1);
    assert!(
        seen.get("details").is_none(),
        "hidden polls never show who voted"
    );
}

#[tokio::test]
async fn withdrawing_votes_posts_poll_voted_on_public_polls() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = poll_by(&alice, &token, 0).await;
    vote(&bob, &path, json!([0])).await;
    let withdrawn = vote(&bob, &path, json!([])).await;
    assert_eq!(withdrawn["votedSelf"], json!([]));
    assert_eq!(withdrawn["votes"], json!([]));
    assert_eq!(withdrawn["numVoters"], 0);
    let voted: Vec<String> = Client::system_messages(&app, &token)
        .await
        .into_iter()
        .filter(|m| m == "poll_voted")
        .collect();
    assert_eq!(voted.len(), 2);
    assert_eq!(seen_by(&alice, &path).await["numVoters"], 0);
}

#[tokio::test]
async fn guests_vote_and_cannot_close_other_peoples_polls() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let path = poll_by(&alice, &token, 0).await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);

    let voted = vote(&guest, &path, json!([1])).await;
    assert_eq!(voted["votedSelf"], json!([1]));
    assert_eq!(voted["votes"], json!({"option-1": 1}));
    let note = &all_messages(&alice, &token).await[0];
    assert_eq!(note["systemMessage"], "poll_voted");
    assert_eq!(note["actorType"], "guests");
    guest.delete(&path, json!({})).await.expect(403);

    let closed = alice.delete(&path, json!({})).await;
    closed.expect(200);
    assert_eq!(closed.data()["details"][0]["actorType"], "guests");
    guest
        .post(&path, json!({"optionIds": [0]}))
        .await
        .expect(400);
}

#[tokio::test]
async fn voting_and_closing_need_neither_chat_permission_nor_a_writable_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = poll_by(&bob, &token, 0).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 2 | 4 | 16 | 32 | 64}),
        )
        .await
        .expect(200);
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    vote(&bob, &path, json!([0])).await;
    bob.delete(&path, json!({})).await.expect(200);
    // Creating one is writing to the chat, though.
    bob.post(
        &polls(&token),
        json!({"question": "Q", "options": ["a", "b"]}),
    )
    .await
    .expect(403);
}

#[tokio::test]
async fn the_poll_message_reads_like_a_comment_but_cannot_be_edited() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    poll_by(&alice, &token, 0).await;
    let shared = all_messages(&bob, &token).await[0].clone();
    assert_eq!(shared["message"], "{object}");
    assert_eq!(shared["messageType"], "comment");
    assert_eq!(shared["systemMessage"], "");
    assert_eq!(shared["isReplyable"], true);
    assert_eq!(shared["messageParameters"]["object"]["type"], "talk-poll");
    assert_eq!(shared["messageParameters"]["actor"]["id"], "alice");
    let id = shared["id"].as_i64().unwrap();
    assert_eq!(bob.room(&token).await["unreadMessages"], 1);

    let before = app.messages(&token).await;
    alice
        .put(
            &format!("{}/{id}", chat(&token)),
            json!({"message": "rigged"}),
        )
        .await
        .expect_error(405, "message");
    assert_eq!(app.messages(&token).await, before);

    let reply = bob
        .post(&chat(&token), json!({"message": "pizza!", "replyTo": id}))
        .await;
    reply.expect(201);
    assert_eq!(reply.data()["parent"]["id"], id);
    bob.post(&reaction(&token, id), json!({"reaction": "🍕"}))
        .await
        .expect(201);
    let deleted = alice
        .delete(&format!("{}/{id}", chat(&token)), json!({}))
        .await;
    deleted.expect(200);
    assert_eq!(deleted.data()["parent"]["messageType"], "comment_deleted");
}

#[tokio::test]
async fn polls_are_for_group_and_public_rooms_and_drafts_for_moderators() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let note = alice.get("/room/note-to-self").await;
    note.expect(200);
    let own = note.data()["token"].as_str().unwrap().to_owned();
    alice
        .post(
            &polls(&own),
            json!({"question": "Q", "options": ["a", "b"]}),
        )
        .await
        .expect_error(400, "room");

    let draft = alice
        .post(
            &polls(&token),
            json!({"question": "Q", "options": ["a", "b"], "draft": true}),
        )
        .await;
    draft.expect(200);
    let path = format!("{}/{}", polls(&token), draft.data()["id"]);
    bob.delete(&path, json!({})).await.expect(404);
    bob.post(&path, json!({"optionIds": [0]})).await.expect(404);
    alice
        .post(&path, json!({"optionIds": [0]}))
        .await
        .expect(404);
    alice.delete(&path, json!({})).await.expect(202);
}
