//! Clearing the history (moderators, read-only and one-to-one rules), the context of a message
//! (ordering, headers, 304, 404, 412), mention suggestions (what they list, who may ask) and
//! mention permissions for `@all`.

use reqwest::Method;
use serde_json::json;

use crate::chat_support::{all_messages, chat, ids, last_given, say, say_id, shared_room};
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

    // A non-moderator's @all still renders (upstream's parser) but notifies nobody.
    let sent = say(&bob, &token, "@all lunch!").await;
    assert_eq!(sent["message"], "{mention-call1} lunch!");
    assert_eq!(
        sent["messageParameters"]["mention-call1"]["mention-id"],
        "all"
    );
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

// ---------------------------------------------------------------- clear history

#[tokio::test]
async fn moderators_clear_the_history() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    say_id(&alice, &token, "one").await;
    say_id(&bob, &token, "two").await;

    let before = app.messages(&token).await;
    bob.send(Method::DELETE, &chat(&token), None)
        .await
        .expect_empty(403);
    assert_eq!(app.messages(&token).await, before);

    let answer = alice.send(Method::DELETE, &chat(&token), None).await;
    answer.expect(200);
    assert_eq!(answer.data()["systemMessage"], "history_cleared");
    assert_eq!(
        answer.data()["message"],
        "You cleared the history of the conversation"
    );

    let left = all_messages(&bob, &token).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["systemMessage"], "history_cleared");
    assert_eq!(
        left[0]["message"],
        "{actor} cleared the history of the conversation"
    );
    assert_eq!(bob.room(&token).await["unreadMessages"], 0);
}

// ---------------------------------------------------------------- context and mentions

#[tokio::test]
async fn context_lists_the_messages_around_one_oldest_first() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let mut sent = Vec::new();
    for n in 1..=5 {
        sent.push(say_id(&alice, &token, &format!("m{n}")).await);
    }

    let answer = bob
        .get(&format!("{}/{}/context", chat(&token), sent[2]))
        .await;
    answer.expect(200);
    let listed = ids(&answer);
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "{listed:?}");
    for id in &sent {
        assert!(listed.contains(id), "{id} missing from {listed:?}");
    }
    assert_eq!(listed[0], app.messages(&token).await[0].id);

    // A small limit keeps the focused message in the middle.
    let answer = bob
        .get(&format!("{}/{}/context?limit=1", chat(&token), sent[2]))
        .await;
    answer.expect(200);
    let listed = ids(&answer);
    assert!(listed.contains(&sent[2]), "{listed:?}");
    assert!(
        listed.iter().all(|id| (sent[1]..=sent[3]).contains(id)),
        "{listed:?}"
    );
}

#[tokio::test]
async fn mention_suggestions_list_members_and_all() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    app.user("bobby").await;
    alice.add(&token, "bobby").await;

    let answer = alice
        .get(&format!("{}/mentions?search=bob", chat(&token)))
        .await;
    answer.expect(200);
    let found = answer.data().as_array().unwrap();
    let ids: Vec<&str> = found.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{found:?}");
    assert!(ids.contains(&"bob") && ids.contains(&"bobby"), "{ids:?}");
    let bob = found.iter().find(|s| s["id"] == "bob").unwrap();
    assert_eq!(
        bob,
        &json!({"id": "bob", "label": "bob display", "source": "users", "mentionId": "bob"})
    );

    let answer = alice
        .get(&format!("{}/mentions?search=all", chat(&token)))
        .await;
    answer.expect(200);
    let all = &answer.data()[0];
    assert_eq!(all["id"], "all");
    assert_eq!(all["source"], "calls");
    assert_eq!(all["mentionId"], "all");
    assert_eq!(all["label"], "Team");

    let answer = alice
        .get(&format!(
            "{}/mentions?search=nobody-like-this",
            chat(&token)
        ))
        .await;
    answer.expect(200);
    assert_eq!(answer.data(), &json!([]));
}
