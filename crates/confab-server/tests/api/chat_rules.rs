//! Chat rules that need a moved clock, many concurrent polls or a shutdown: the 24-hour edit
//! window, the per-user cap on waiting polls, polls answered at shutdown, read markers moved
//! by polls, guest mentions, and message ids that are foreign or not numbers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use confab_core::clock::{Clock, ManualClock, SystemClock};
use reqwest::Method;
use serde_json::json;

use crate::chat_support::{chat, id, poll, reaction, say, say_id, shared_room};
use crate::helpers::TestApp;

const DAY: i64 = 24 * 3600;

#[tokio::test]
async fn comments_can_be_edited_for_24_hours_except_in_note_to_self() {
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (alice, _bob, token) = shared_room(&app).await;
    let m = say_id(&alice, &token, "draft").await;
    let path = format!("{}/{m}", chat(&token));

    clock.advance(DAY);
    alice
        .put(&path, json!({"message": "on the last second"}))
        .await
        .expect(200);
    clock.advance(1);
    let before = app.messages(&token).await;
    alice
        .put(&path, json!({"message": "too late"}))
        .await
        .expect_error(400, "age");
    assert_eq!(app.messages(&token).await, before);

    let note = alice.get("/room/note-to-self").await;
    let own = note.data()["token"].as_str().unwrap().to_owned();
    let m = say_id(&alice, &own, "to do").await;
    clock.advance(7 * DAY);
    alice
        .put(&format!("{}/{m}", chat(&own)), json!({"message": "done"}))
        .await
        .expect(200);
}

#[tokio::test]
async fn one_user_holds_at_most_32_waiting_polls() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let last = app.messages(&token).await.last().unwrap().id;
    let bob = Arc::new(bob);
    let mut polls: Vec<_> = (0..33)
        .map(|_| {
            let bob = bob.clone();
            let token = token.clone();
            tokio::spawn(async move {
                poll(
                    &bob,
                    &token,
                    &format!("lastKnownMessageId={last}&timeout=30"),
                )
                .await
            })
        })
        .collect();

    // Of 33 at once, exactly one is refused, and only while the other 32 wait.
    let deadline = Instant::now() + Duration::from_secs(10);
    let refused = loop {
        if let Some(i) = polls.iter().position(tokio::task::JoinHandle::is_finished) {
            break polls.remove(i).await.unwrap();
        }
        assert!(Instant::now() < deadline, "no poll was refused");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    refused.expect(429);
    // Other users are not limited by bob's polls.
    poll(
        &alice,
        &token,
        &format!("lastKnownMessageId={last}&timeout=0"),
    )
    .await
    .expect(304);

    let m = say_id(&alice, &token, "wake up").await;
    for task in polls {
        let answer = task.await.unwrap();
        answer.expect(200);
        assert_eq!(id(&answer.data()[0]), m);
    }
    // The slots are given back.
    poll(&bob, &token, &format!("lastKnownMessageId={m}&timeout=0"))
        .await
        .expect(304);
}

#[tokio::test]
async fn a_waiting_poll_is_answered_at_shutdown() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let last = app.messages(&token).await.last().unwrap().id;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let room_id = app.stored_room(&token).await.unwrap().id;
    let started = Instant::now();
    let query = format!("lastKnownMessageId={last}&timeout=30");
    let waiting = tokio::spawn(async move { poll(&bob, &token, &query).await });

    // A poll moves the read marker just before it waits: once moved, the poll is in.
    let context = &app.services.context;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stored = context
            .store
            .attendee_by_id(room_id, bob_id)
            .await
            .unwrap()
            .unwrap()
            .last_read_message;
        if context.read_markers.pending(bob_id) == Some(last) || stored == last {
            break;
        }
        assert!(Instant::now() < deadline, "the poll never arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    app.begin_shutdown();
    let answer = waiting.await.unwrap();
    answer.expect(304);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the poll waited out its timeout"
    );
}

#[tokio::test]
async fn polls_move_the_read_marker_unless_told_not_to() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    let m3 = say_id(&alice, &token, "three").await;
    let before = bob.room(&token).await["lastReadMessage"].clone();

    poll(
        &bob,
        &token,
        &format!("lastKnownMessageId={m1}&setReadMarker=0&timeout=0"),
    )
    .await
    .expect(200);
    assert_eq!(bob.room(&token).await["lastReadMessage"], before);

    poll(&bob, &token, &format!("lastKnownMessageId={m2}&timeout=0"))
        .await
        .expect(200);
    let view = bob.room(&token).await;
    assert_eq!(view["lastReadMessage"], m2);
    assert_eq!(view["unreadMessages"], 1);

    // It never moves back.
    poll(&bob, &token, &format!("lastKnownMessageId={m1}&timeout=0"))
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["lastReadMessage"], m2);
    // Polling from the newest message reads everything.
    poll(&bob, &token, &format!("lastKnownMessageId={m3}&timeout=0"))
        .await
        .expect(304);
    assert_eq!(bob.room(&token).await["unreadMessages"], 0);
}

#[tokio::test]
async fn guests_are_mentioned_by_their_guest_id() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    let hello = guest
        .post(
            &chat(&token),
            json!({"message": "hi", "actorDisplayName": "Gus"}),
        )
        .await;
    hello.expect(201);
    let guest_id = hello.data()["actorId"].as_str().unwrap().to_owned();
    let before = guest.room(&token).await;
    assert_eq!(before["unreadMention"], false);

    let sent = say(&alice, &token, &format!("welcome @\"guest/{guest_id}\"")).await;
    assert_eq!(sent["message"], "welcome {mention-guest1}");
    let mention_id = format!("guest/{guest_id}");
    assert_eq!(
        sent["messageParameters"]["mention-guest1"],
        json!({"type": "guest", "id": mention_id, "name": "Gus", "mention-id": mention_id})
    );
    let view = guest.room(&token).await;
    assert_eq!(view["unreadMention"], true);
    assert_eq!(view["unreadMentionDirect"], true);
    // Alice is not flagged by her own mention of someone else.
    assert_eq!(alice.room(&token).await["unreadMention"], false);
}

#[tokio::test]
async fn foreign_and_malformed_message_ids_are_404_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    say_id(&alice, &token, "mine").await;
    let elsewhere = alice.create_room("Elsewhere").await;
    let foreign = say_id(&alice, &elsewhere, "not here").await;
    let before = app.messages(&token).await;
    let there = app.messages(&elsewhere).await;

    let edit = format!("{}/{foreign}", chat(&token));
    alice
        .put(&edit, json!({"message": "hijack"}))
        .await
        .expect_error(404, "message");
    alice
        .send(Method::DELETE, &edit, None)
        .await
        .expect_error(404, "message");
    for method in [Method::POST, Method::DELETE, Method::GET] {
        bob.send(
            method,
            &reaction(&token, foreign),
            Some(json!({"reaction": "👍"})),
        )
        .await
        .expect_error(404, "message");
    }
    for bad in ["abc", "1e3", "-5", "12abc"] {
        let path = format!("{}/{bad}", chat(&token));
        assert_eq!(alice.put(&path, json!({"message": "x"})).await.status, 404);
        assert_eq!(alice.send(Method::DELETE, &path, None).await.status, 404);
        let path = format!("/ocs/v2.php/apps/spreed/api/v1/reaction/{token}/{bad}");
        assert_eq!(bob.post(&path, json!({"reaction": "👍"})).await.status, 404);
        assert_eq!(
            bob.get(&format!("{}/{bad}/context", chat(&token)))
                .await
                .status,
            404
        );
    }
    assert_eq!(app.messages(&token).await, before);
    assert_eq!(app.messages(&elsewhere).await, there);
}

#[tokio::test]
async fn the_largest_message_ids_are_answered_not_overflowed() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let newest = say_id(&alice, &token, "newest").await;
    let max = i64::MAX;
    // The context of an id past the newest message: the messages before it.
    let answer = alice.get(&format!("{}/{max}/context", chat(&token))).await;
    answer.expect(200);
    let ids: Vec<i64> = answer.data().as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids.last(), Some(&newest));
    poll(
        &alice,
        &token,
        &format!("lastKnownMessageId={max}&includeLastKnown=1&timeout=0"),
    )
    .await
    .expect(304);
    let answer = alice
        .get(&format!(
            "{}?lookIntoFuture=0&lastKnownMessageId={max}&includeLastKnown=1",
            chat(&token)
        ))
        .await;
    answer.expect(200);
    assert_eq!(answer.data()[0]["id"], newest);
    let min = i64::MIN;
    let answer = poll(
        &alice,
        &token,
        &format!("lastKnownMessageId={min}&includeLastKnown=1&timeout=0"),
    )
    .await;
    assert!(answer.status.as_u16() < 500, "{}", answer.status);
}
