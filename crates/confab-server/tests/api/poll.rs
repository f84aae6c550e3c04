//! Polls API (v1).

use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};

async fn room_with_bob(app: &TestApp) -> (Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Polls").await;
    alice.add(&token, "bob").await;
    (alice, bob, token)
}

fn poll_path(token: &str) -> String {
    format!("/ocs/v2.php/apps/spreed/api/v1/poll/{token}")
}

async fn create(client: &Client, token: &str, body: Value) -> Value {
    let answer = client.post(&poll_path(token), body).await;
    answer.expect(201);
    answer.data().clone()
}

#[tokio::test]
async fn creating_a_poll_posts_it_to_the_chat() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = room_with_bob(&app).await;
    let poll = create(&alice, &token, json!({"question": "Lunch?", "options": ["pizza", "pasta"], "resultMode": "0", "maxVotes": "1"})).await;
    assert_eq!(poll["question"], "Lunch?");
    assert_eq!(poll["options"], json!(["pizza", "pasta"]));
    assert_eq!(poll["status"], 0);
    assert_eq!(poll["votedSelf"], json!([]));
    assert_eq!(poll["votes"], json!([]));
    assert_eq!(poll["actorId"], "alice");

    let chat = bob
        .get(&format!(
            "/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=0&limit=1"
        ))
        .await;
    chat.expect(200);
    let message = &chat.data()[0];
    assert_eq!(message["message"], "{object}");
    assert_eq!(message["messageParameters"]["object"]["type"], "talk-poll");
    assert_eq!(
        message["messageParameters"]["object"]["id"],
        poll["id"].as_i64().unwrap().to_string()
    );
}

#[tokio::test]
async fn invalid_polls_are_rejected_with_their_key() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = room_with_bob(&app).await;
    let cases = [
        (json!({"question": " ", "options": ["a", "b"]}), "question"),
        (json!({"question": "Q", "options": ["a"]}), "options"),
        (json!({"question": "Q", "options": ["a", ""]}), "options"),
        (
            json!({"question": "Q", "options": ["a", "b"], "maxVotes": 5}),
            "options",
        ),
    ];
    for (body, key) in cases {
        alice
            .post(&poll_path(&token), body)
            .await
            .expect_error(400, key);
    }
    let one_to_one = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let direct = one_to_one.data()["token"].as_str().unwrap().to_owned();
    alice
        .post(
            &poll_path(&direct),
            json!({"question": "Q", "options": ["a", "b"]}),
        )
        .await
        .expect_error(400, "room");
}

#[tokio::test]
async fn public_results_show_after_voting_and_votes_respect_max_votes() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = room_with_bob(&app).await;
    let poll = create(
        &alice,
        &token,
        json!({"question": "Q", "options": ["a", "b", "c"], "maxVotes": 1}),
    )
    .await;
    let path = format!("{}/{}", poll_path(&token), poll["id"]);

    bob.post(&path, json!({"optionIds": [0, 1]}))
        .await
        .expect(400);
    bob.post(&path, json!({"optionIds": [7]})).await.expect(400);
    let voted = bob.post(&path, json!({"optionIds": [2]})).await;
    voted.expect(200);
    assert_eq!(voted.data()["votedSelf"], json!([2]));
    assert_eq!(voted.data()["votes"], json!({"option-2": 1}));
    assert_eq!(voted.data()["numVoters"], 1);
    assert!(
        voted.data().get("details").is_none(),
        "who voted what shows only once closed"
    );

    // Alice has not voted: results stay hidden from her until she votes or the poll closes;
    // as its author she sees how many voted.
    let seen = alice.get(&path).await;
    assert_eq!(seen.data()["votes"], json!([]));
    assert_eq!(seen.data()["numVoters"], 1);
    assert_eq!(
        Client::system_messages(&app, &token).await.last().unwrap(),
        "poll_voted"
    );
}

#[tokio::test]
async fn hidden_results_appear_only_when_closed_and_closed_polls_refuse_votes() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = room_with_bob(&app).await;
    let poll = create(
        &alice,
        &token,
        json!({"question": "Q", "options": ["a", "b"], "resultMode": 1}),
    )
    .await;
    let path = format!("{}/{}", poll_path(&token), poll["id"]);

    let voted = bob.post(&path, json!({"optionIds": [0]})).await;
    voted.expect(200);
    assert_eq!(voted.data()["votes"], json!([]));
    assert_eq!(voted.data()["numVoters"], 0);

    bob.delete(&path, json!({})).await.expect(403);
    let closed = alice.delete(&path, json!({})).await;
    closed.expect(200);
    assert_eq!(closed.data()["status"], 1);
    assert_eq!(closed.data()["votes"], json!({"option-0": 1}));
    assert!(
        closed.data().get("details").is_none(),
        "hidden polls never show who voted"
    );

    bob.post(&path, json!({"optionIds": [1]})).await.expect(400);
    alice.delete(&path, json!({})).await.expect(400);
    assert_eq!(
        Client::system_messages(&app, &token).await.last().unwrap(),
        "poll_closed"
    );
}

#[tokio::test]
async fn drafts_are_for_moderators_and_are_not_posted() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = room_with_bob(&app).await;
    bob.post(
        &poll_path(&token),
        json!({"question": "Q", "options": ["a", "b"], "draft": true}),
    )
    .await
    .expect_error(400, "draft");
    let draft = alice
        .post(
            &poll_path(&token),
            json!({"question": "Q", "options": ["a", "b"], "draft": true}),
        )
        .await;
    draft.expect(200);
    assert_eq!(draft.data()["status"], 2);
    let id = draft.data()["id"].clone();

    let drafts = alice.get(&format!("{}/drafts", poll_path(&token))).await;
    drafts.expect(200);
    assert_eq!(drafts.data().as_array().unwrap().len(), 1);
    bob.get(&format!("{}/drafts", poll_path(&token)))
        .await
        .expect(403);
    bob.get(&format!("{}/{id}", poll_path(&token)))
        .await
        .expect(404);

    let edited = alice
        .post(
            &format!("{}/draft/{id}", poll_path(&token)),
            json!({"question": "Q2", "options": ["x", "y", "z"]}),
        )
        .await;
    edited.expect(200);
    assert_eq!(edited.data()["question"], "Q2");

    alice
        .delete(&format!("{}/{id}", poll_path(&token)), json!({}))
        .await
        .expect(202);
    alice
        .get(&format!("{}/{id}", poll_path(&token)))
        .await
        .expect(404);
    assert!(!Client::system_messages(&app, &token)
        .await
        .iter()
        .any(|m| m.starts_with("poll")));
}

#[tokio::test]
async fn unknown_and_malformed_poll_ids_are_404() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = room_with_bob(&app).await;
    alice
        .get(&format!("{}/999", poll_path(&token)))
        .await
        .expect_error(404, "poll");
    alice
        .get(&format!("{}/abc", poll_path(&token)))
        .await
        .expect(404);
}
