//! Chat (v1): sending, history and long polling, read markers, editing and deleting, clearing
//! the history, context, mention suggestions and reactions.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::chat_support::{
    all_messages, chat, history, id, ids, last_given, message, poll, reaction, say, say_id,
    shared_room, system_message_id, texts,
};
use crate::helpers::TestApp;

// ---------------------------------------------------------------- send

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

// ---------------------------------------------------------------- receive

#[tokio::test]
async fn history_is_newest_first_and_pages_with_last_known_message_id() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let mut sent = Vec::new();
    for n in 1..=5 {
        sent.push(say_id(&alice, &token, &format!("m{n}")).await);
    }

    let page = history(&bob, &token, "limit=2").await;
    page.expect(200);
    assert_eq!(texts(&page), ["m5", "m4"]);
    assert_eq!(last_given(&page), sent[3]);
    assert!(page.header("x-chat-last-common-read").is_some());

    let page = history(
        &bob,
        &token,
        &format!("limit=2&lastKnownMessageId={}", sent[3]),
    )
    .await;
    page.expect(200);
    assert_eq!(texts(&page), ["m3", "m2"]);
    assert_eq!(last_given(&page), sent[1]);

    let page = history(
        &bob,
        &token,
        &format!("limit=2&lastKnownMessageId={}", sent[1]),
    )
    .await;
    page.expect(200);
    assert_eq!(texts(&page)[0], "m1");
    let rest = ids(&page);
    assert!(rest.windows(2).all(|w| w[0] > w[1]), "{rest:?}");

    // Below the oldest message there is nothing.
    let oldest = app.messages(&token).await[0].id;
    let empty = history(&bob, &token, &format!("lastKnownMessageId={oldest}")).await;
    empty.expect(304);
    assert!(empty.raw.is_empty(), "{}", empty.raw);
}

#[tokio::test]
async fn polling_is_oldest_first_and_include_last_known_adds_the_offset() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let mut sent = Vec::new();
    for n in 1..=4 {
        sent.push(say_id(&alice, &token, &format!("m{n}")).await);
    }

    let page = poll(
        &bob,
        &token,
        &format!("lastKnownMessageId={}&limit=2&timeout=1", sent[0]),
    )
    .await;
    page.expect(200);
    assert_eq!(texts(&page), ["m2", "m3"]);
    assert_eq!(last_given(&page), sent[2]);

    let page = poll(
        &bob,
        &token,
        &format!(
            "lastKnownMessageId={}&includeLastKnown=1&timeout=1",
            sent[1]
        ),
    )
    .await;
    page.expect(200);
    assert_eq!(texts(&page), ["m2", "m3", "m4"]);
    assert_eq!(last_given(&page), sent[3]);

    let page = history(
        &bob,
        &token,
        &format!("lastKnownMessageId={}&includeLastKnown=1&limit=2", sent[2]),
    )
    .await;
    page.expect(200);
    assert_eq!(texts(&page), ["m3", "m2"]);
}

#[tokio::test]
async fn poll_without_news_answers_304_with_an_empty_body_after_the_timeout() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let last = say_id(&alice, &token, "the last word").await;

    let started = Instant::now();
    let answer = poll(
        &bob,
        &token,
        &format!("lastKnownMessageId={last}&timeout=1"),
    )
    .await;
    answer.expect(304);
    assert!(
        answer.raw.is_empty(),
        "304 must have no body: {}",
        answer.raw
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_waiting_poll_wakes_up_for_a_new_message() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let last = say_id(&alice, &token, "before").await;

    let poller = app.login("bob", crate::helpers::PASSWORD);
    let path = format!(
        "{}?lookIntoFuture=1&lastKnownMessageId={last}&timeout=30",
        chat(&token)
    );
    let started = Instant::now();
    let waiting = tokio::spawn(async move { poller.get(&path).await });
    // Give the poll a moment to start waiting. The test stays correct without this pause: a
    // message posted before the poll starts is returned at once as well.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!waiting.is_finished(), "the poll answered with nothing new");

    let sent = say(&alice, &token, "wake up").await;
    let answer = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("poll answered in time")
        .expect("poll task");
    answer.expect(200);
    assert_eq!(ids(&answer), [id(&sent)]);
    assert_eq!(last_given(&answer), id(&sent));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_senders_keep_ids_increasing_and_lose_nothing() {
    const SENDERS: usize = 8;
    const EACH: usize = 5;
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Busy").await;
    let mut senders = Vec::new();
    for n in 0..SENDERS {
        let id = format!("sender{n}");
        senders.push(app.user(&id).await);
        alice.add(&token, &id).await;
    }
    let start = app.messages(&token).await.last().unwrap().id;

    // A poller follows X-Chat-Last-Given while everybody sends.
    let reader = app.login("alice", crate::helpers::PASSWORD);
    let follow_token = token.clone();
    let follower = tokio::spawn(async move {
        let mut seen: Vec<(i64, String)> = Vec::new();
        let mut cursor = start;
        let deadline = Instant::now() + Duration::from_mins(1);
        while seen.iter().filter(|(_, t)| t.starts_with("from ")).count() < SENDERS * EACH {
            assert!(Instant::now() < deadline, "poller saw only {seen:?}");
            let answer = poll(
                &reader,
                &follow_token,
                &format!("lastKnownMessageId={cursor}&timeout=5&limit=7"),
            )
            .await;
            if answer.status == 304 {
                continue;
            }
            answer.expect(200);
            for m in answer.data().as_array().unwrap() {
                seen.push((id(m), m["message"].as_str().unwrap().to_owned()));
            }
            cursor = last_given(&answer);
        }
        seen
    });

    let mut tasks = Vec::new();
    for (n, client) in senders.into_iter().enumerate() {
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            for k in 0..EACH {
                say(&client, &token, &format!("from {n} #{k}")).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    let expected: HashSet<String> = (0..SENDERS)
        .flat_map(|n| (0..EACH).map(move |k| format!("from {n} #{k}")))
        .collect();
    let follow_result = tokio::time::timeout(Duration::from_mins(1), follower)
        .await
        .expect("poller finished")
        .unwrap();
    let followed_ids: Vec<i64> = follow_result.iter().map(|(id, _)| *id).collect();
    assert!(
        followed_ids.windows(2).all(|w| w[0] < w[1]),
        "poll order: {followed_ids:?}"
    );
    let followed_texts: Vec<&String> = follow_result.iter().map(|(_, t)| t).collect();
    assert_eq!(followed_texts.len(), expected.len(), "{followed_texts:?}");
    assert_eq!(
        followed_texts.into_iter().cloned().collect::<HashSet<_>>(),
        expected
    );

    // The history agrees: newest first, every message exactly once.
    let stored = history(&alice, &token, "limit=200").await;
    stored.expect(200);
    let stored_ids = ids(&stored);
    assert!(stored_ids.windows(2).all(|w| w[0] > w[1]), "{stored_ids:?}");
    let stored_texts: Vec<String> = texts(&stored)
        .into_iter()
        .filter(|t| t.starts_with("from "))
        .collect();
    assert_eq!(stored_texts.len(), expected.len());
    assert_eq!(stored_texts.into_iter().collect::<HashSet<_>>(), expected);
}

#[tokio::test]
async fn system_messages_are_listed_with_names_and_rendered_text() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;

    let seen_by_alice = all_messages(&alice, &token).await;
    let added = seen_by_alice
        .iter()
        .find(|m| m["systemMessage"] == "user_added")
        .expect("user_added listed");
    assert_eq!(added["messageType"], "system");
    assert_eq!(added["actorType"], "users");
    assert_eq!(added["actorId"], "alice");
    assert_eq!(added["isReplyable"], false);
    assert_eq!(added["markdown"], false);
    assert_eq!(added["message"], "You added {user}");
    assert_eq!(added["messageParameters"]["user"]["id"], "bob");
    assert_eq!(added["messageParameters"]["user"]["type"], "user");
    assert_eq!(added["messageParameters"]["actor"]["id"], "alice");
    let created = seen_by_alice.last().unwrap();
    assert_eq!(created["systemMessage"], "conversation_created");
    assert_eq!(created["message"], "You created the conversation");

    let seen_by_bob = message(&bob, &token, id(added)).await;
    assert_eq!(seen_by_bob["message"], "{actor} added you");
    let created = all_messages(&bob, &token).await.pop().unwrap();
    assert_eq!(created["message"], "{actor} created the conversation");
}

#[tokio::test]
async fn expired_messages_disappear_from_the_chat() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let kept = say_id(&alice, &token, "kept").await;
    alice
        .post(
            &format!("/room/{token}/message-expiration"),
            json!({"seconds": 1}),
        )
        .await
        .expect(200);

    let fleeting = say(&alice, &token, "fleeting").await;
    let expires = fleeting["expirationTimestamp"].as_i64().unwrap();
    assert!(expires > 0);
    assert!(expires > fleeting["timestamp"].as_i64().unwrap());

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listed: Vec<i64> = all_messages(&bob, &token).await.iter().map(id).collect();
        if !listed.contains(&id(&fleeting)) {
            assert!(listed.contains(&kept), "{listed:?}");
            break;
        }
        assert!(Instant::now() < deadline, "message did not expire");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Nor can it be replied to any more.
    alice
        .post(
            &chat(&token),
            json!({"message": "late", "replyTo": id(&fleeting)}),
        )
        .await
        .expect_error(400, "reply-to");
}

// ---------------------------------------------------------------- read markers

#[tokio::test]
async fn read_marker_moves_and_reports_the_common_read() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    let m3 = say_id(&alice, &token, "three").await;
    assert!(bob.room(&token).await["unreadMessages"].as_i64().unwrap() >= 3);

    let answer = bob
        .post(
            &format!("{}/read", chat(&token)),
            json!({"lastReadMessage": m2}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["token"], token.as_str());
    assert_eq!(answer.data()["lastReadMessage"], m2);
    assert_eq!(answer.data()["unreadMessages"], 1);
    // Alice read everything by writing it; bob is the lowest.
    assert_eq!(
        answer.header("x-chat-last-common-read"),
        Some(m2.to_string().as_str())
    );
    let view = bob.room(&token).await;
    assert_eq!(view["lastReadMessage"], m2);
    assert_eq!(view["unreadMessages"], 1);

    // Without a value the marker moves to the newest message.
    let answer = bob.post(&format!("{}/read", chat(&token)), json!({})).await;
    answer.expect(200);
    assert_eq!(answer.data()["lastReadMessage"], m3);
    assert_eq!(answer.data()["unreadMessages"], 0);
    assert_eq!(
        answer.header("x-chat-last-common-read"),
        Some(m3.to_string().as_str())
    );

    // Form bodies work the same.
    bob.send_form(
        Method::POST,
        &format!("{}/read", chat(&token)),
        &[("lastReadMessage", &m1.to_string())],
    )
    .await
    .expect(200);
    assert_eq!(bob.room(&token).await["unreadMessages"], 2);
}

#[tokio::test]
async fn mark_unread_moves_the_marker_before_the_newest_comment() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    say_id(&alice, &token, "three").await;
    bob.post(&format!("{}/read", chat(&token)), json!({}))
        .await
        .expect(200);

    let answer = bob
        .send(Method::DELETE, &format!("{}/read", chat(&token)), None)
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["lastReadMessage"], m2);
    assert_eq!(answer.data()["unreadMessages"], 1);
    assert!(answer.header("x-chat-last-common-read").is_some());
    let view = bob.room(&token).await;
    assert_eq!(view["lastReadMessage"], m2);
    assert_eq!(view["unreadMessages"], 1);
}

#[tokio::test]
async fn read_marker_of_a_room_you_are_not_in_is_404() {
    let app = TestApp::spawn().await;
    let (_alice, _bob, token) = shared_room(&app).await;
    let carol = app.user("carol").await;
    carol
        .post(&format!("{}/read", chat(&token)), json!({}))
        .await
        .expect_empty(404);
    carol
        .send(Method::DELETE, &format!("{}/read", chat(&token)), None)
        .await
        .expect_empty(404);
}

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
