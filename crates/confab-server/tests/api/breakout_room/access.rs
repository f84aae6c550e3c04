//! Who may call what: every status of TALK-BEHAVIOR §1.16 for each breakout endpoint.

use reqwest::Method;
use serde_json::{json, Value};

use super::{children, class, configure, BREAKOUT};
use crate::helpers::{Client, TestApp};

/// Each breakout endpoint as (name, method, path, body) for parent `p` and breakout room `b`.
fn endpoints(p: &str, b: &str) -> Vec<(&'static str, Method, String, Value)> {
    vec![
        (
            "configure",
            Method::POST,
            format!("{BREAKOUT}/{p}"),
            json!({"mode": 1, "amount": 1}),
        ),
        (
            "remove",
            Method::DELETE,
            format!("{BREAKOUT}/{p}"),
            json!({}),
        ),
        (
            "start",
            Method::POST,
            format!("{BREAKOUT}/{p}/rooms"),
            json!({}),
        ),
        (
            "stop",
            Method::DELETE,
            format!("{BREAKOUT}/{p}/rooms"),
            json!({}),
        ),
        (
            "broadcast",
            Method::POST,
            format!("{BREAKOUT}/{p}/broadcast"),
            json!({"message": "hi"}),
        ),
        (
            "attendees",
            Method::POST,
            format!("{BREAKOUT}/{p}/attendees"),
            json!({"attendeeMap": "{}"}),
        ),
        (
            "request assistance",
            Method::POST,
            format!("{BREAKOUT}/{b}/request-assistance"),
            json!({}),
        ),
        (
            "reset assistance",
            Method::DELETE,
            format!("{BREAKOUT}/{b}/request-assistance"),
            json!({}),
        ),
        (
            "switch",
            Method::POST,
            format!("{BREAKOUT}/{p}/switch"),
            json!({"target": b}),
        ),
        (
            "list",
            Method::GET,
            format!("/room/{p}/breakout-rooms"),
            json!({}),
        ),
        (
            "participants",
            Method::GET,
            format!("/room/{p}/breakout-rooms/participants"),
            json!({}),
        ),
    ]
}

async fn call(
    client: &Client,
    method: &Method,
    path: &str,
    body: &Value,
) -> crate::helpers::Answer {
    let body = (*method != Method::GET).then(|| body.clone());
    client.send(method.clone(), path, body).await
}

/// A started free-mode parent with one breakout room: every call would succeed for a member.
async fn started_class(app: &TestApp) -> (Client, Vec<Client>, String, String) {
    let (alice, students, token) = class(app).await;
    configure(&alice, &token, json!({"mode": 3, "amount": 1})).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let room = children(&alice, &token).await.remove(0);
    (alice, students, token, room)
}

#[tokio::test]
async fn outsiders_and_unknown_tokens_get_404_everywhere() {
    let app = TestApp::spawn().await;
    let (alice, _, token, room) = started_class(&app).await;
    let erin = app.user("erin").await;
    for (name, method, path, body) in endpoints(&token, &room) {
        let answer = call(&erin, &method, &path, &body).await;
        assert_eq!(answer.status, 404, "{name} by an outsider: {}", answer.raw);
        answer.expect_empty(404);
    }
    for (name, method, path, body) in endpoints("zzzzzzzz", "yyyyyyyy") {
        let answer = call(&alice, &method, &path, &body).await;
        assert_eq!(
            answer.status, 404,
            "{name} of an unknown token: {}",
            answer.raw
        );
    }
    // Nothing changed on the way.
    let parent = alice.room(&token).await;
    assert_eq!(parent["breakoutRoomMode"], 3);
    assert_eq!(parent["breakoutRoomStatus"], 1);
    assert_eq!(children(&alice, &token).await, vec![room]);
}

#[tokio::test]
async fn anonymous_callers_get_401_on_every_user_only_endpoint() {
    let app = TestApp::spawn().await;
    let (_, _, token, room) = started_class(&app).await;
    let anonymous = app.guest();
    for (name, method, path, body) in endpoints(&token, &room) {
        let answer = call(&anonymous, &method, &path, &body).await;
        // The participant listing is public: a stranger is simply not a participant.
        let expected = if name == "participants" { 404 } else { 401 };
        assert_eq!(answer.status, expected, "{name}: {}", answer.raw);
        answer.expect(expected);
    }
}

/// The endpoints only logged-in moderators may use.
const MODERATOR_ONLY: [&str; 6] = [
    "configure",
    "remove",
    "start",
    "stop",
    "broadcast",
    "attendees",
];

#[tokio::test]
async fn guests_of_the_parent_get_401_on_the_moderator_endpoints() {
    // Upstream has no guests in breakout parents at all (parents are group rooms); confab's
    // extension `breakout-rooms-guests` lets a guest of the parent use the participant
    // endpoints (tests/api/breakout_guest.rs), while managing stays with logged-in moderators.
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    configure(&alice, &token, json!({"mode": 3, "amount": 1})).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let room = children(&alice, &token).await.remove(0);
    let moderator_endpoints = || {
        endpoints(&token, &room)
            .into_iter()
            .filter(|(name, ..)| MODERATOR_ONLY.contains(name))
    };
    for (name, method, path, body) in moderator_endpoints() {
        let answer = call(&guest, &method, &path, &body).await;
        assert_eq!(answer.status, 401, "{name}: {}", answer.raw);
    }

    // A guest moderator is still not logged in.
    let attendee = guest.room(&token).await["attendeeId"].as_i64().unwrap();
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": attendee}),
        )
        .await
        .expect(200);
    for (name, method, path, body) in moderator_endpoints() {
        let answer = call(&guest, &method, &path, &body).await;
        assert_eq!(
            answer.status, 401,
            "{name} by a guest moderator: {}",
            answer.raw
        );
    }
    // Nothing changed on the way.
    let parent = alice.room(&token).await;
    assert_eq!(parent["breakoutRoomMode"], 3);
    assert_eq!(parent["breakoutRoomStatus"], 1);
    assert_eq!(children(&alice, &token).await, vec![room]);
}

#[tokio::test]
async fn students_get_403_on_every_moderator_endpoint() {
    let app = TestApp::spawn().await;
    let (alice, students, token, room) = started_class(&app).await;
    for (name, method, path, body) in endpoints(&token, &room) {
        if !MODERATOR_ONLY.contains(&name) {
            continue;
        }
        let answer = call(&students[0], &method, &path, &body).await;
        assert_eq!(answer.status, 403, "{name}: {}", answer.raw);
    }
    assert_eq!(alice.room(&token).await["breakoutRoomStatus"], 1);
    assert!(Client::system_messages(&app, &room)
        .await
        .iter()
        .all(|m| m != "breakout_rooms_stopped"));
}

#[tokio::test]
async fn attendees_need_the_feature_and_a_configured_parent() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let path = format!("{BREAKOUT}/{token}/attendees");
    alice
        .post(&path, json!({"attendeeMap": "{}"}))
        .await
        .expect_error(400, "mode");
    configure(&alice, &token, json!({"mode": 2, "amount": 2})).await;
    app.services
        .set_app_config("breakout_rooms", "no")
        .await
        .unwrap();
    let bob = alice.attendee_id(&token, "bob").await;
    alice
        .post(
            &path,
            json!({"attendeeMap": json!({ bob.to_string(): 1 }).to_string()}),
        )
        .await
        .expect_error(400, "config");
    for room in children(&alice, &token).await {
        assert!(!alice
            .participants(&room)
            .await
            .iter()
            .any(|p| p["actorId"] == "bob"));
    }
}

#[tokio::test]
async fn resetting_assistance_needs_a_started_breakout_room() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);
    students[0]
        .delete(&format!("{BREAKOUT}/{room}/request-assistance"), json!({}))
        .await
        .expect_error(400, "room");
    alice
        .delete(&format!("{BREAKOUT}/{token}/request-assistance"), json!({}))
        .await
        .expect_error(400, "room");
}

#[tokio::test]
async fn the_parent_lobby_keeps_students_from_the_participant_listing() {
    let app = TestApp::spawn().await;
    let (alice, students, token, _) = started_class(&app).await;
    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
    let path = format!("/room/{token}/breakout-rooms/participants");
    students[0].get(&path).await.expect(412);
    alice.get(&path).await.expect(200);
}
