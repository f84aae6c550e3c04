//! What a student sees of their breakout room and of the parent (TALK-BEHAVIOR §1.7).

use std::time::{Duration, Instant};

use confab_core::clock::{Clock, SystemClock};
use serde_json::{json, Value};

use super::{children, class, configure, BREAKOUT};
use crate::helpers::{Client, TestApp};

/// The room `token` in the caller's conversation list.
async fn listed(client: &Client, token: &str) -> Value {
    let list = client.get("/room").await;
    list.expect(200);
    list.data()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["token"] == token)
        .cloned()
        .expect("room in the list")
}

#[tokio::test]
async fn a_stopped_breakout_room_is_listed_behind_the_lobby() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);
    alice
        .post(
            &format!("{BREAKOUT}/{token}/broadcast"),
            json!({"message": "Read the task first"}),
        )
        .await
        .expect(201);
    let bob = &students[0];

    let stopped = listed(bob, &room).await;
    assert_eq!(stopped["lobbyState"], 1);
    assert_eq!(stopped["participantType"], 3);
    assert_eq!(stopped["unreadMessages"], 0);
    assert_eq!(stopped["unreadMention"], false);
    assert_eq!(stopped["hasCall"], false);
    assert_eq!(stopped["canStartCall"], false);
    assert!(stopped.get("lastMessage").is_none());
    let chat = format!("/ocs/v2.php/apps/spreed/api/v1/chat/{room}?lookIntoFuture=0");
    bob.get(&chat).await.expect(412);
    bob.get(&format!("/room/{room}/participants"))
        .await
        .expect(412);
    // Joining is still allowed; the lobby only hides the content.
    bob.join(&room, json!({})).await.expect(200);

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let started = listed(bob, &room).await;
    assert_eq!(started["lobbyState"], 0);
    assert!(started["unreadMessages"].as_i64().unwrap() > 0);
    assert_eq!(started["canStartCall"], true);
    assert_eq!(
        started["lastMessage"]["systemMessage"],
        "breakout_rooms_started"
    );
    bob.get(&chat).await.expect(200);
}

/// The parent's `breakoutRoomMode` and `breakoutRoomStatus` as `client` sees them.
async fn parent(client: &Client, token: &str) -> (Value, Value) {
    let room = client.room(token).await;
    (
        room["breakoutRoomMode"].clone(),
        room["breakoutRoomStatus"].clone(),
    )
}

#[tokio::test]
async fn students_follow_the_parents_breakout_status() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let bob = &students[0];
    assert_eq!(parent(bob, &token).await, (json!(0), json!(0)));
    configure(&alice, &token, json!({"mode": 2, "amount": 2})).await;
    assert_eq!(parent(bob, &token).await, (json!(2), json!(0)));
    let rooms_path = format!("{BREAKOUT}/{token}/rooms");
    alice.post(&rooms_path, json!({})).await.expect(200);
    assert_eq!(parent(bob, &token).await, (json!(2), json!(1)));
    assert_eq!(listed(bob, &token).await["breakoutRoomStatus"], 1);
    alice.delete(&rooms_path, json!({})).await.expect(200);
    assert_eq!(parent(bob, &token).await, (json!(2), json!(0)));
    alice
        .delete(&format!("{BREAKOUT}/{token}"), json!({}))
        .await
        .expect(200);
    assert_eq!(parent(bob, &token).await, (json!(0), json!(0)));
}

/// Waits until the wall clock is past `t`: timestamps are whole seconds, so a bump is only
/// visible once the second has turned.
async fn clock_past(t: i64) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while SystemClock.now() <= t {
        assert!(Instant::now() < deadline, "the clock did not move");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn asking_for_assistance_bumps_the_rooms_last_activity() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let room = children(&alice, &token).await.remove(0);
    let before = students[0].room(&room).await["lastActivity"]
        .as_i64()
        .unwrap();
    clock_past(before).await;

    let path = format!("{BREAKOUT}/{room}/request-assistance");
    let requested = students[0].post(&path, json!({})).await;
    requested.expect(200);
    let bumped = requested.data()["lastActivity"].as_i64().unwrap();
    assert!(bumped > before, "lastActivity {bumped} after {before}");
    assert_eq!(alice.room(&room).await["lastActivity"], bumped);
    assert_eq!(
        Client::system_messages(&app, &room).await.last().unwrap(),
        "breakout_rooms_started",
        "no chat message for assistance"
    );

    clock_past(bumped).await;
    let reset = students[0].delete(&path, json!({})).await;
    reset.expect(200);
    assert!(reset.data()["lastActivity"].as_i64().unwrap() > bumped);
    assert_eq!(reset.data()["breakoutRoomStatus"], 0);
}
