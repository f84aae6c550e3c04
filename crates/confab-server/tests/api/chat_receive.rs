//! Chat (v1): receiving — history and long polling, ordering under concurrent senders,
//! system messages in the list and expired messages.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::chat_support::{
    all_messages, chat, history, id, ids, last_given, message, poll, say, say_id, shared_room,
    texts,
};
use crate::helpers::TestApp;

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
