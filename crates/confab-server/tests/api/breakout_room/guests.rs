//! Guests in breakout rooms and sessions that return to the parent (beyond upstream).

use serde_json::json;

use super::{breakout_rooms, children, class, configure, BREAKOUT};
use crate::helpers::{Client, TestApp};

#[tokio::test]
async fn guests_of_public_conversations_are_distributed_too() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    let guest = app.guest();
    guest
        .post(&format!("/room/{token}/participants/active"), json!({}))
        .await
        .expect(200);
    let answer = configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let child = breakout_rooms(&answer)[0]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Guests without a session in the room are not listed (as upstream), so look at the store.
    let store = &app.services.context.store;
    let room = store.room_by_token(&child).await.unwrap().unwrap();
    let attendees = store.attendees(room.id).await.unwrap();
    assert!(
        attendees.iter().any(|a| a.actor_type.is_guest()),
        "the guest was assigned: {attendees:?}"
    );
}

#[tokio::test]
async fn a_guest_keeps_their_identity_in_their_breakout_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    let guest = app.guest();
    let joined = guest
        .post(&format!("/room/{token}/participants/active"), json!({}))
        .await;
    joined.expect(200);
    let identity = joined.data()["actorId"].as_str().unwrap().to_owned();
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let room = children(&alice, &token).await.remove(0);

    let entered = guest
        .post(&format!("/room/{room}/participants/active"), json!({}))
        .await;
    entered.expect(200);
    assert_eq!(entered.data()["actorType"], "guests");
    assert_eq!(entered.data()["actorId"], identity.as_str());
    assert_eq!(entered.data()["participantType"], 4);

    // A stranger cannot walk into a breakout room.
    app.guest()
        .post(&format!("/room/{room}/participants/active"), json!({}))
        .await
        .expect(404);
}

/// Whether `client` (by its cookie) holds a session in `token`.
async fn connected(client: &Client, token: &str) -> bool {
    client.get(&format!("/room/{token}")).await.data()["sessionId"] != "0"
}

#[tokio::test]
async fn nobody_is_stranded_when_breakout_rooms_stop_or_go() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 3})).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let rooms = children(&alice, &token).await;

    // Every student is in their breakout room only (no parent session).
    let mut inside = Vec::new();
    for student in &students {
        let mine = student.get(&format!("/room/{token}/breakout-rooms")).await;
        let room = mine.data()[0]["token"].as_str().unwrap().to_owned();
        student
            .post(&format!("/room/{room}/participants/active"), json!({}))
            .await
            .expect(200);
        assert!(!connected(student, &token).await);
        inside.push(room);
    }

    // Deleting one room returns its people to the parent at once.
    alice
        .delete(&format!("/room/{}", inside[0]), json!({}))
        .await
        .expect(200);
    assert!(connected(&students[0], &token).await);
    assert!(!connected(&students[1], &token).await);

    // Stopping returns everyone else.
    alice
        .delete(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    for student in &students {
        assert!(
            connected(student, &token).await,
            "{} is back in the parent",
            student.id
        );
    }
    assert_eq!(rooms.len(), 3);
}
