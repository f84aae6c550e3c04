//! Read markers: setting and unsetting them, 0 and −2 meaning "everything unread", the marker
//! without a value, the common read marker, and polls that report a moved common read marker
//! instead of 304.

use reqwest::Method;
use serde_json::json;

use crate::chat_support::{chat, history, last_given, poll, say_id, shared_room};
use crate::helpers::{Client, TestApp};

async fn mark_read(
    client: &Client,
    token: &str,
    body: serde_json::Value,
) -> crate::helpers::Answer {
    client.post(&format!("{}/read", chat(token)), body).await
}

#[tokio::test]
async fn read_marker_zero_or_minus_two_means_everything_unread() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    say_id(&alice, &token, "one").await;
    say_id(&alice, &token, "two").await;

    for value in [json!(0), json!(-2), json!("0")] {
        mark_read(&bob, &token, json!({})).await.expect(200);
        let answer = mark_read(&bob, &token, json!({"lastReadMessage": value})).await;
        answer.expect(200);
        assert_eq!(answer.data()["lastReadMessage"], -2, "for {value}");
        assert_eq!(answer.data()["unreadMessages"], 2, "for {value}");
        let view = bob.room(&token).await;
        assert_eq!(view["lastReadMessage"], -2);
        assert_eq!(view["unreadMessages"], 2);
    }

    // Below −2 there is no meaning: 400, and the marker stays.
    mark_read(&bob, &token, json!({"lastReadMessage": -3}))
        .await
        .expect_error(400, "lastReadMessage");
    assert_eq!(bob.room(&token).await["lastReadMessage"], -2);
}

#[tokio::test]
async fn read_marker_without_a_value_is_announced_as_chat_read_last() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let last = say_id(&alice, &token, "one").await;
    let answer = mark_read(&bob, &token, json!({})).await;
    answer.expect(200);
    assert_eq!(answer.data()["lastReadMessage"], last);
    let capabilities = bob.get("/ocs/v2.php/cloud/capabilities").await;
    let features = &capabilities.data()["capabilities"]["spreed"]["features"];
    assert!(
        features
            .as_array()
            .unwrap()
            .contains(&json!("chat-read-last")),
        "{features}"
    );
}

#[tokio::test]
async fn mark_unread_of_the_only_comment_leaves_it_unread() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Alone").await;
    say_id(&alice, &token, "only").await;
    mark_read(&alice, &token, json!({})).await.expect(200);
    let answer = alice
        .send(Method::DELETE, &format!("{}/read", chat(&token)), None)
        .await;
    answer.expect(200);
    // The marker sits on the system message before the comment, so one comment is unread.
    assert_eq!(answer.data()["unreadMessages"], 1);
}

#[tokio::test]
async fn a_moved_common_read_marker_answers_an_empty_list_instead_of_304() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    mark_read(&bob, &token, json!({"lastReadMessage": m1}))
        .await
        .expect(200);
    let query = |known: i64| {
        format!("lastKnownMessageId={m1}&timeout=0&setReadMarker=0&lastCommonReadId={known}")
    };

    // The client knows the common read marker: nothing new is a 304 as always.
    let answer = poll(&bob, &token, &query(m1)).await;
    answer.expect(304);
    assert!(answer.raw.is_empty());

    // It knows an older one: 200 with [] and the new marker, but no X-Chat-Last-Given.
    let answer = poll(&bob, &token, &query(m1 - 1)).await;
    answer.expect(200);
    assert_eq!(answer.data(), &json!([]));
    assert_eq!(
        answer.header("x-chat-last-common-read"),
        Some(m1.to_string().as_str())
    );
    assert!(answer.header("x-chat-last-given").is_none());

    // History with nothing older behaves the same.
    let first = app.messages(&token).await[0].id;
    let answer = history(
        &bob,
        &token,
        &format!("lastKnownMessageId={first}&lastCommonReadId={}", m1 - 1),
    )
    .await;
    answer.expect(200);
    assert_eq!(answer.data(), &json!([]));
    let answer = history(&bob, &token, &format!("lastKnownMessageId={first}")).await;
    answer.expect(304);

    // A message still answers normally, with both headers.
    let m2 = say_id(&alice, &token, "two").await;
    let answer = poll(&bob, &token, &query(m1 - 1)).await;
    answer.expect(200);
    assert_eq!(last_given(&answer), m2);
    assert!(answer.header("x-chat-last-common-read").is_some());
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
