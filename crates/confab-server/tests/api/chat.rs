//! Chat (v1): sending messages — replies, reference ids, silent messages, guests, and who
//! may post.

use reqwest::Method;
use serde_json::{json, Value};

use crate::chat_support::{
    all_messages, chat, history, id, message, reaction, say, say_id, shared_room, system_message_id,
};
use crate::helpers::TestApp;

#[tokio::test]
async fn send_answers_201_with_the_full_message() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;

    let answer = alice
        .post(
            &chat(&token),
            json!({"message": "Hello <team> & \"friends\""}),
        )
        .await;
    answer.expect(201);
    let m = answer.data();
    assert!(id(m) > 0);
    assert_eq!(m["token"], token.as_str());
    assert_eq!(m["actorType"], "users");
    assert_eq!(m["actorId"], "alice");
    assert_eq!(m["actorDisplayName"], "alice display");
    assert!(m["timestamp"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(m["message"], "Hello <team> & \"friends\"");
    assert_eq!(m["messageParameters"], json!([]));
    assert_eq!(m["systemMessage"], "");
    assert_eq!(m["messageType"], "comment");
    assert_eq!(m["isReplyable"], true);
    assert_eq!(m["referenceId"], "");
    assert_eq!(m["reactions"], json!({}));
    assert!(answer.raw.contains("\"reactions\":{}"), "{}", answer.raw);
    assert_eq!(m["expirationTimestamp"], 0);
    assert_eq!(m["markdown"], true);
    assert!(m.get("parent").is_none(), "{m}");
    assert!(m.get("silent").is_none(), "{m}");
    assert!(m.get("deleted").is_none(), "{m}");

    // Bob reads the same message, and it is the room's last message.
    assert_eq!(message(&bob, &token, id(m)).await["message"], m["message"]);
    assert_eq!(bob.room(&token).await["lastMessage"]["id"], m["id"]);
    assert_eq!(app.messages(&token).await.last().unwrap().id, id(m));
}

#[tokio::test]
async fn send_accepts_a_form_body() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let answer = alice
        .send_form(
            Method::POST,
            &chat(&token),
            &[("message", "form sent ✓"), ("silent", "1")],
        )
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["message"], "form sent ✓");
    assert_eq!(answer.data()["silent"], true);
}

#[tokio::test]
async fn blank_message_is_400_message_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = app.messages(&token).await;
    for body in [
        json!({"message": ""}),
        json!({"message": "  \n\t "}),
        json!({}),
    ] {
        alice
            .post(&chat(&token), body)
            .await
            .expect_error(400, "message");
    }
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn message_of_32000_characters_fits_and_32001_is_413_message() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    // Characters, not bytes: "é" is two bytes in UTF-8.
    let longest = "é".repeat(32_000);
    let answer = alice.post(&chat(&token), json!({"message": longest})).await;
    answer.expect(201);
    assert_eq!(
        answer.data()["message"].as_str().unwrap().chars().count(),
        32_000
    );

    let before = app.messages(&token).await;
    alice
        .post(&chat(&token), json!({"message": "é".repeat(32_001)}))
        .await
        .expect_error(413, "message");
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn reply_embeds_the_parent_in_the_answer_and_the_history() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let question = say(&alice, &token, "Lunch?").await;

    let answer = bob
        .post(
            &chat(&token),
            json!({"message": "Yes!", "replyTo": id(&question)}),
        )
        .await;
    answer.expect(201);
    let parent = &answer.data()["parent"];
    assert_eq!(parent["id"], question["id"]);
    assert_eq!(parent["message"], "Lunch?");
    assert_eq!(parent["actorId"], "alice");
    assert_eq!(parent["messageType"], "comment");

    let reply = message(&alice, &token, id(answer.data())).await;
    assert_eq!(reply["parent"]["id"], question["id"]);
    assert_eq!(reply["parent"]["message"], "Lunch?");
    // The parent itself carries no parent.
    assert!(message(&alice, &token, id(&question))
        .await
        .get("parent")
        .is_none());
}

#[tokio::test]
async fn reply_to_an_unknown_system_or_foreign_message_is_400_reply_to() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let other_room = alice.create_room("Elsewhere").await;
    let foreign = say_id(&alice, &other_room, "over there").await;
    let system = system_message_id(&app, &token, "user_added").await;
    let before = app.messages(&token).await;

    for reply_to in [999_999, system, foreign] {
        alice
            .post(&chat(&token), json!({"message": "Re", "replyTo": reply_to}))
            .await
            .expect_error(400, "reply-to");
    }
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn reference_id_is_echoed_cut_to_64_characters_and_not_a_dedup_key() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let long: String = ('a'..='z').cycle().take(100).collect();

    let first = alice
        .post(
            &chat(&token),
            json!({"message": "once", "referenceId": long}),
        )
        .await;
    first.expect(201);
    assert_eq!(first.data()["referenceId"], long[..64]);

    let second = alice
        .post(
            &chat(&token),
            json!({"message": "once", "referenceId": long}),
        )
        .await;
    second.expect(201);
    assert_ne!(id(first.data()), id(second.data()));
    assert_eq!(second.data()["referenceId"], long[..64]);

    let seen: Vec<Value> = all_messages(&bob, &token)
        .await
        .into_iter()
        .filter(|m| m["message"] == "once")
        .collect();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|m| m["referenceId"] == long[..64]));
}

#[tokio::test]
async fn silent_messages_are_marked_silent() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let answer = alice
        .post(&chat(&token), json!({"message": "psst", "silent": true}))
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["silent"], true);
    assert_eq!(
        message(&bob, &token, id(answer.data())).await["silent"],
        true
    );

    let loud = say(&alice, &token, "HELLO").await;
    assert!(loud.get("silent").is_none(), "{loud}");
}

#[tokio::test]
async fn guests_post_with_their_display_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);

    let answer = guest
        .post(
            &chat(&token),
            json!({"message": "hi from outside", "actorDisplayName": "Gus"}),
        )
        .await;
    answer.expect(201);
    let m = answer.data();
    assert_eq!(m["actorType"], "guests");
    assert_eq!(m["actorDisplayName"], "Gus");
    let actor_id = m["actorId"].as_str().unwrap();
    assert_eq!(actor_id.len(), 40);
    assert!(
        actor_id.chars().all(|c| c.is_ascii_hexdigit()),
        "{actor_id}"
    );

    let seen = message(&alice, &token, id(m)).await;
    assert_eq!(seen["actorType"], "guests");
    assert_eq!(seen["actorDisplayName"], "Gus");
    assert_eq!(
        alice.participant(&token, actor_id).await["displayName"],
        "Gus"
    );
}

#[tokio::test]
async fn guests_without_a_session_cannot_post() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let before = app.messages(&token).await;
    app.guest()
        .post(&chat(&token), json!({"message": "drive-by"}))
        .await
        .expect_empty(404);
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn read_only_room_refuses_messages_with_403() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    let before = app.messages(&token).await;
    for client in [&alice, &bob] {
        client
            .post(&chat(&token), json!({"message": "locked?"}))
            .await
            .expect_empty(403);
    }
    assert_eq!(app.messages(&token).await, before);
}

#[tokio::test]
async fn member_without_the_chat_permission_gets_403() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    // Everything a member has by default except chat (128).
    let answer = alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 2 | 4 | 16 | 32 | 64}),
        )
        .await;
    answer.expect(200);
    assert_eq!(
        bob.room(&token).await["permissions"].as_i64().unwrap() & 128,
        0
    );

    let before = app.messages(&token).await;
    bob.post(&chat(&token), json!({"message": "muted?"}))
        .await
        .expect_empty(403);
    assert_eq!(app.messages(&token).await, before);
    // Reading still works.
    history(&bob, &token, "limit=1").await.expect(200);
}

#[tokio::test]
async fn lobby_keeps_non_moderators_out_of_the_chat_with_412() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
    let before = app.messages(&token).await;
    bob.post(&chat(&token), json!({"message": "let me in"}))
        .await
        .expect_empty(412);
    history(&bob, &token, "limit=5").await.expect_empty(412);
    assert_eq!(app.messages(&token).await, before);
    // The moderator still chats.
    say(&alice, &token, "moderators only").await;
}

#[tokio::test]
async fn non_members_get_404_on_every_chat_endpoint() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let carol = app.user("carol").await;
    let m = say_id(&alice, &token, "private").await;
    let before = app.messages(&token).await;

    carol
        .post(&chat(&token), json!({"message": "intruder"}))
        .await
        .expect_empty(404);
    history(&carol, &token, "limit=5").await.expect_empty(404);
    carol
        .put(&format!("{}/{m}", chat(&token)), json!({"message": "x"}))
        .await
        .expect_empty(404);
    carol
        .delete(&format!("{}/{m}", chat(&token)), json!({}))
        .await
        .expect_empty(404);
    carol
        .post(&reaction(&token, m), json!({"reaction": "👍"}))
        .await
        .expect_empty(404);
    carol
        .get(&format!("{}/mentions?search=", chat(&token)))
        .await
        .expect_empty(404);
    assert_eq!(app.messages(&token).await, before);
    // Unknown rooms look the same.
    alice
        .post(&chat("zzzzzzzz"), json!({"message": "void"}))
        .await
        .expect_empty(404);
}

#[tokio::test]
async fn mentions_become_parameters_and_flag_the_mentioned_user() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let carol = app.user("carol").await;
    alice.add(&token, "carol").await;
    // Bob and carol have read everything so far.
    for client in [&bob, &carol] {
        client
            .post(&format!("{}/read", chat(&token)), json!({}))
            .await
            .expect(200);
    }

    let m = say(&alice, &token, "@bob look at this").await;
    assert_eq!(m["message"], "{mention-user1} look at this");
    assert_eq!(
        m["messageParameters"]["mention-user1"],
        json!({"type": "user", "id": "bob", "name": "bob display", "mention-id": "bob"})
    );
    let bob_view = bob.room(&token).await;
    assert_eq!(bob_view["unreadMention"], true);
    assert_eq!(bob_view["unreadMentionDirect"], true);
    let carol_view = carol.room(&token).await;
    assert_eq!(carol_view["unreadMention"], false);
    assert_eq!(carol_view["unreadMentionDirect"], false);
    // The author is not mentioned by their own message.
    assert_eq!(alice.room(&token).await["unreadMention"], false);
}

#[tokio::test]
async fn at_all_flags_a_mention_but_not_a_direct_one() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    bob.post(&format!("{}/read", chat(&token)), json!({}))
        .await
        .expect(200);

    let m = say(&alice, &token, "@all meeting now").await;
    let parameter = &m["messageParameters"]["mention-call1"];
    assert_eq!(parameter["type"], "call");
    assert_eq!(parameter["id"], token.as_str());
    assert_eq!(m["message"], "{mention-call1} meeting now");

    let view = bob.room(&token).await;
    assert_eq!(view["unreadMention"], true);
    assert_eq!(view["unreadMentionDirect"], false);

    // Reading the message clears the flag.
    bob.post(&format!("{}/read", chat(&token)), json!({}))
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["unreadMention"], false);
}
