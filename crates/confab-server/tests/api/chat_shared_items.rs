//! Listing shared items (`GET /chat/{token}/share` and `/share/overview`): a type's items keyed
//! by message id, newest first, with `X-Chat-Last-Given`; polls, pinned messages, locations
//! and other objects under their types; deleted and expired messages gone; access rules.

use std::sync::Arc;

use confab_core::clock::{Clock, ManualClock, SystemClock};
use reqwest::Method;
use serde_json::json;

use crate::chat_share::{share, share_call, share_path};
use crate::chat_support::{chat, id, last_given, say_id, shared_room};
use crate::helpers::{Answer, Client, TestApp};
use crate::pin::{pin, unpin};

const TYPES: [&str; 10] = [
    "audio",
    "deckcard",
    "file",
    "location",
    "media",
    "other",
    "pinned",
    "poll",
    "recording",
    "voice",
];

async fn items(client: &Client, token: &str, query: &str) -> Answer {
    client.get(&format!("{}?{query}", share_path(token))).await
}

async fn overview(client: &Client, token: &str, query: &str) -> Answer {
    client
        .get(&format!("{}/overview?{query}", share_path(token)))
        .await
}

/// The ids of a type's items in the order the answer lists them (the keys of its object).
fn listed_ids(answer: &Answer) -> Vec<i64> {
    let data = answer.data().as_object().expect("items keyed by id");
    let mut keyed: Vec<(usize, i64)> = data
        .iter()
        .map(|(key, message)| {
            let id = key.parse::<i64>().expect("numeric key");
            assert_eq!(message["id"], id, "keyed by its own id");
            let at = answer
                .raw
                .find(&format!("\"{key}\":{{"))
                .expect("key in body");
            (at, id)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// The number of items per type in an overview.
fn counts(answer: &Answer) -> Vec<(String, usize)> {
    answer
        .data()
        .as_object()
        .expect("overview object")
        .iter()
        .map(|(t, list)| (t.clone(), list.as_array().expect("a list per type").len()))
        .collect()
}

fn expect_nothing(answer: &Answer) {
    answer.expect(200);
    assert_eq!(answer.data(), &json!([]), "{}", answer.raw);
    assert!(answer.header("x-chat-last-given").is_none());
}

#[tokio::test]
async fn a_types_items_are_keyed_by_id_newest_first_and_page_backwards() {
    for app in TestApp::on_each_backend().await {
        let (alice, bob, token) = shared_room(&app).await;
        let mut shared = Vec::new();
        for name in ["one", "two", "three"] {
            shared.push(id(&share_call(&alice, &token, name).await));
            say_id(&bob, &token, "chatter").await;
        }

        let all = items(&bob, &token, "objectType=other").await;
        all.expect(200);
        assert_eq!(listed_ids(&all), [shared[2], shared[1], shared[0]]);
        assert_eq!(last_given(&all), shared[0]);
        let newest = &all.data()[shared[2].to_string()];
        assert_eq!(newest["message"], "{object}");
        assert_eq!(newest["messageParameters"]["object"]["name"], "three");
        assert_eq!(newest["token"], token.as_str());

        let page = items(&bob, &token, "objectType=other&limit=2").await;
        page.expect(200);
        assert_eq!(listed_ids(&page), [shared[2], shared[1]]);
        assert_eq!(last_given(&page), shared[1]);
        let rest = items(
            &bob,
            &token,
            &format!("objectType=other&limit=2&lastKnownMessageId={}", shared[1]),
        )
        .await;
        rest.expect(200);
        assert_eq!(listed_ids(&rest), [shared[0]]);
        let end = format!("objectType=other&lastKnownMessageId={}", shared[0]);
        expect_nothing(&items(&bob, &token, &end).await);
        app.close().await;
    }
}

#[tokio::test]
async fn types_without_items_and_unknown_types_list_nothing() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    share_call(&alice, &token, "a call").await;
    for query in [
        "objectType=file",
        "objectType=media",
        "objectType=audio",
        "objectType=voice",
        "objectType=recording",
        "objectType=poll",
        "objectType=pinned",
        "objectType=spaceship",
        "objectType=Other",
        "",
    ] {
        expect_nothing(&items(&bob, &token, query).await);
    }
}

#[tokio::test]
async fn objects_are_listed_under_upstreams_item_types() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let location = share(
        &alice,
        &token,
        "geo-location",
        "geo:52.5,13.3",
        &json!({"name": "Office", "latitude": "52.5", "longitude": "13.3"}),
    )
    .await;
    location.expect(201);
    let link = format!("{}/index.php/apps/deck/#/board/1/card/7", app.base);
    let card = share(
        &bob,
        &token,
        "deck-card",
        "7",
        &json!({"name": "Card", "boardname": "Board", "stackname": "To do", "link": link}),
    )
    .await;
    card.expect(201);
    let poll = alice
        .post(
            &format!("/ocs/v2.php/apps/spreed/api/v1/poll/{token}"),
            json!({"question": "Lunch?", "options": ["pizza", "pasta"], "resultMode": 0, "maxVotes": 1}),
        )
        .await;
    poll.expect(201);
    let poll_message = app.messages(&token).await.last().unwrap().id;

    let listed = |answer: Answer| {
        answer.expect(200);
        listed_ids(&answer)
    };
    assert_eq!(
        listed(items(&bob, &token, "objectType=location").await),
        [id(location.data())]
    );
    assert_eq!(
        listed(items(&bob, &token, "objectType=deckcard").await),
        [id(card.data())]
    );
    let polls = items(&bob, &token, "objectType=poll").await;
    assert_eq!(listed(polls), [poll_message]);
    let polls = items(&bob, &token, "objectType=poll").await;
    let object = &polls.data()[poll_message.to_string()]["messageParameters"]["object"];
    assert_eq!(object["type"], "talk-poll");
    assert_eq!(object["name"], "Lunch?");
    expect_nothing(&items(&bob, &token, "objectType=other").await);
}

#[tokio::test]
async fn pinned_messages_are_listed_most_recently_pinned_first() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "Message 1").await;
    let m2 = say_id(&alice, &token, "Message 2").await;
    pin(&alice, &token, m2, json!({})).await.expect(200);
    pin(&alice, &token, m1, json!({})).await.expect(200);
    pin(&alice, &token, m2, json!({})).await.expect(200);

    let pinned = items(&bob, &token, "objectType=pinned").await;
    pinned.expect(200);
    assert_eq!(listed_ids(&pinned), [m1, m2]);
    assert_eq!(last_given(&pinned), m1);
    let first = &pinned.data()[m1.to_string()];
    assert_eq!(first["message"], "Message 1");
    assert_eq!(first["messageParameters"], json!([]));
    assert_eq!(first["metaData"]["pinnedActorDisplayName"], "alice display");
    assert!(first["metaData"].get("pinnedUntil").is_none());

    unpin(&alice, &token, m1).await.expect(200);
    let pinned = items(&bob, &token, "objectType=pinned").await;
    pinned.expect(200);
    assert_eq!(listed_ids(&pinned), [m2]);
    let over = overview(&bob, &token, "").await;
    over.expect(200);
    assert_eq!(over.data()["pinned"][0]["id"], m2);
}

#[tokio::test]
async fn deleted_messages_leave_the_shared_items() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let kept = id(&share_call(&alice, &token, "kept").await);
    let gone = id(&share_call(&bob, &token, "gone").await);
    pin(&alice, &token, gone, json!({})).await.expect(200);

    bob.send(Method::DELETE, &format!("{}/{gone}", chat(&token)), None)
        .await
        .expect(200);

    let others = items(&alice, &token, "objectType=other").await;
    others.expect(200);
    assert_eq!(listed_ids(&others), [kept]);
    expect_nothing(&items(&alice, &token, "objectType=pinned").await);
    let over = overview(&alice, &token, "").await;
    over.expect(200);
    assert_eq!(over.data()["other"].as_array().unwrap().len(), 1);
    assert_eq!(over.data()["pinned"], json!([]));

    alice
        .send(Method::DELETE, &chat(&token), None)
        .await
        .expect(200);
    expect_nothing(&items(&alice, &token, "objectType=other").await);
}

#[tokio::test]
async fn expired_objects_are_gone_at_once() {
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (alice, bob, token) = shared_room(&app).await;
    alice
        .post(
            &format!("/room/{token}/message-expiration"),
            json!({"seconds": 3600}),
        )
        .await
        .expect(200);
    let shared = share_call(&alice, &token, "soon gone").await;
    assert!(shared["expirationTimestamp"].as_i64().unwrap() > 0);
    let listed = items(&bob, &token, "objectType=other").await;
    listed.expect(200);
    assert_eq!(listed_ids(&listed), [id(&shared)]);

    clock.advance(3600);
    expect_nothing(&items(&bob, &token, "objectType=other").await);
    let over = overview(&bob, &token, "").await;
    over.expect(200);
    assert!(counts(&over).iter().all(|(_, n)| *n == 0), "{}", over.raw);
}

#[tokio::test]
async fn the_overview_names_every_type_with_its_newest_items() {
    for app in TestApp::on_each_backend().await {
        let (alice, bob, token) = shared_room(&app).await;
        let empty = overview(&bob, &token, "").await;
        empty.expect(200);
        assert!(empty.header("x-chat-last-given").is_none());
        let expected: Vec<(String, usize)> = TYPES.iter().map(|t| ((*t).to_owned(), 0)).collect();
        assert_eq!(counts(&empty), expected);
        assert!(
            empty.raw.contains(r#""data":{"audio":[],"deckcard":[],"#),
            "{}",
            empty.raw
        );

        let mut calls = Vec::new();
        for n in 0..8 {
            calls.push(id(&share_call(&alice, &token, &format!("call {n}")).await));
        }
        let message = say_id(&bob, &token, "pin me").await;
        pin(&alice, &token, message, json!({})).await.expect(200);

        let full = overview(&bob, &token, "").await;
        full.expect(200);
        let with = |other: usize, pinned: usize| -> Vec<(String, usize)> {
            TYPES
                .iter()
                .map(|t| {
                    let n = match *t {
                        "other" => other,
                        "pinned" => pinned,
                        _ => 0,
                    };
                    ((*t).to_owned(), n)
                })
                .collect()
        };
        assert_eq!(counts(&full), with(7, 1), "upstream's default limit is 7");
        let others: Vec<i64> = full.data()["other"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect();
        let newest_seven: Vec<i64> = calls.iter().rev().take(7).copied().collect();
        assert_eq!(others, newest_seven);
        assert_eq!(full.data()["pinned"][0]["message"], "pin me");

        let one = overview(&bob, &token, "limit=1").await;
        one.expect(200);
        assert_eq!(counts(&one), with(1, 1));
        assert_eq!(one.data()["other"][0]["id"], calls[7]);
        let capped = overview(&bob, &token, "limit=500").await;
        assert_eq!(counts(&capped), with(8, 1));
        app.close().await;
    }
}

#[tokio::test]
async fn listing_needs_membership_and_the_lobby_but_no_chat_permission() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let carol = app.user("carol").await;
    share_call(&alice, &token, "a call").await;

    items(&carol, &token, "objectType=other")
        .await
        .expect_empty(404);
    overview(&carol, &token, "").await.expect_empty(404);
    items(&carol, "nosuchroom", "objectType=other")
        .await
        .expect_empty(404);
    overview(&app.guest(), &token, "").await.expect_empty(404);

    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
    items(&bob, &token, "objectType=other")
        .await
        .expect_empty(412);
    overview(&bob, &token, "").await.expect_empty(412);
    items(&alice, &token, "objectType=other").await.expect(200);
    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 0}))
        .await
        .expect(200);

    // Reading needs neither a writable room nor the chat permission.
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 2 | 4 | 16 | 32 | 64}),
        )
        .await
        .expect(200);
    items(&bob, &token, "objectType=other").await.expect(200);
    overview(&bob, &token, "").await.expect(200);
}

#[tokio::test]
async fn unreadable_numbers_are_refused_with_their_name() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    items(&alice, &token, "objectType=other&limit=many")
        .await
        .expect_error(400, "limit");
    items(&alice, &token, "objectType=other&lastKnownMessageId=x")
        .await
        .expect_error(400, "lastKnownMessageId");
    overview(&alice, &token, "limit=x")
        .await
        .expect_error(400, "limit");
}
