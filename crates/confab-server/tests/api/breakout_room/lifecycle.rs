//! Start, stop, broadcast, reassign, assistance and switch (TALK-BEHAVIOR §1.6–§1.10, §1.13).

use serde_json::{json, Value};

use super::{breakout_rooms, children, class, configure, parent_of, rendered, BREAKOUT};
use crate::helpers::{Client, TestApp};

#[tokio::test]
async fn start_and_stop_drive_lobby_status_and_system_messages_idempotently() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    let rooms_path = format!("{BREAKOUT}/{token}/rooms");

    for _ in 0..2 {
        let started = alice.post(&rooms_path, json!({})).await;
        started.expect(200);
        assert_eq!(parent_of(started.data(), &token)["breakoutRoomStatus"], 1);
        assert!(breakout_rooms(started.data())
            .iter()
            .all(|r| r["lobbyState"] == 0));
    }
    let child = breakout_rooms(
        alice
            .get(&format!("/room/{token}/breakout-rooms"))
            .await
            .data(),
    )[0]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let started_messages = Client::system_messages(&app, &child).await;
    assert_eq!(
        started_messages
            .iter()
            .filter(|m| *m == "breakout_rooms_started")
            .count(),
        1
    );

    for _ in 0..2 {
        let stopped = alice.delete(&rooms_path, json!({})).await;
        stopped.expect(200);
        assert_eq!(parent_of(stopped.data(), &token)["breakoutRoomStatus"], 0);
        assert!(breakout_rooms(stopped.data())
            .iter()
            .all(|r| r["lobbyState"] == 1));
    }
    let messages = Client::system_messages(&app, &child).await;
    assert_eq!(
        messages
            .iter()
            .filter(|m| *m == "breakout_rooms_stopped")
            .count(),
        1
    );
    assert!(!Client::system_messages(&app, &token)
        .await
        .iter()
        .any(|m| m.starts_with("breakout")));
}

#[tokio::test]
async fn start_stop_and_remove_need_a_configured_parent_and_a_moderator() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect_error(400, "mode");
    alice
        .delete(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect_error(400, "mode");
    alice
        .get(&format!("/room/{token}/breakout-rooms"))
        .await
        .expect_error(400, "mode");
    students[0]
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(403);
    students[0]
        .delete(&format!("{BREAKOUT}/{token}"), json!({}))
        .await
        .expect(403);

    configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    let removed = alice
        .delete(&format!("{BREAKOUT}/{token}"), json!({}))
        .await;
    removed.expect(200);
    assert_eq!(removed.data()["token"], token.as_str());
    assert_eq!(removed.data()["breakoutRoomMode"], 0);
    alice
        .get(&format!("/room/{token}/breakout-rooms"))
        .await
        .expect_error(400, "mode");
    let listed = alice.get("/room").await;
    assert!(!listed
        .data()
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["objectType"] == "room"));
}

#[tokio::test]
async fn reassign_moves_only_the_named_attendees_and_refuses_moderators() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let bob = alice.attendee_id(&token, "bob").await;
    let carol = alice.attendee_id(&token, "carol").await;
    let me = alice.attendee_id(&token, "alice").await;
    let map = json!({ bob.to_string(): 0, carol.to_string(): 0 }).to_string();
    let answer = configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map}),
    )
    .await;
    let rooms = breakout_rooms(&answer);
    let (first, second) = (
        rooms[0]["token"].as_str().unwrap().to_owned(),
        rooms[1]["token"].as_str().unwrap().to_owned(),
    );
    let path = format!("{BREAKOUT}/{token}/attendees");

    alice
        .post(
            &path,
            json!({"attendeeMap": json!({ me.to_string(): 1 }).to_string()}),
        )
        .await
        .expect_error(400, "moderator");
    alice
        .post(&path, json!({"attendeeMap": "{\"1\":9}"}))
        .await
        .expect_error(400, "attendeeMap");

    let before = Client::system_messages(&app, &first).await.len();
    alice
        .post(
            &path,
            json!({"attendeeMap": json!({ bob.to_string(): 1 }).to_string()}),
        )
        .await
        .expect(200);
    let ids = |people: Vec<Value>| {
        people
            .iter()
            .map(|p| p["actorId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(alice.participants(&first).await),
        vec!["alice", "carol"]
    );
    assert_eq!(ids(alice.participants(&second).await), vec!["alice", "bob"]);
    // Carol was not named: she was neither removed nor re-added.
    let first_messages = Client::system_messages(&app, &first).await;
    assert_eq!(first_messages.len(), before + 1);
    assert_eq!(first_messages.last().unwrap(), "user_removed");

    // Moving bob where he already is changes nothing.
    let settled = Client::system_messages(&app, &second).await.len();
    alice
        .post(
            &path,
            json!({"attendeeMap": json!({ bob.to_string(): 1 }).to_string()}),
        )
        .await
        .expect(200);
    assert_eq!(Client::system_messages(&app, &second).await.len(), settled);
    assert_eq!(ids(alice.participants(&second).await), vec!["alice", "bob"]);
}

#[tokio::test]
async fn assistance_needs_a_started_breakout_room() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let answer = configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let child = breakout_rooms(&answer)[0]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("{BREAKOUT}/{child}/request-assistance");
    students[0]
        .post(&path, json!({}))
        .await
        .expect_error(400, "room");
    alice
        .post(&format!("{BREAKOUT}/{token}/request-assistance"), json!({}))
        .await
        .expect_error(400, "room");

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let requested = students[0].post(&path, json!({})).await;
    requested.expect(200);
    assert_eq!(requested.data()["breakoutRoomStatus"], 2);
    students[0].delete(&path, json!({})).await.expect(200);
    students[0].post(&path, json!({})).await.expect(200);
    let stopped = alice
        .delete(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await;
    assert!(
        breakout_rooms(stopped.data())
            .iter()
            .all(|r| r["breakoutRoomStatus"] == 0),
        "stop resets assistance"
    );
}

#[tokio::test]
async fn switch_moves_a_student_in_free_mode_only() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let answer = configure(&alice, &token, json!({"mode": 3, "amount": 2})).await;
    let rooms = breakout_rooms(&answer);
    let (first, second) = (
        rooms[0]["token"].as_str().unwrap().to_owned(),
        rooms[1]["token"].as_str().unwrap().to_owned(),
    );
    let path = format!("{BREAKOUT}/{token}/switch");
    students[0]
        .post(&path, json!({"target": first}))
        .await
        .expect_error(400, "status");
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    alice
        .post(&path, json!({"target": first}))
        .await
        .expect_error(400, "moderator");
    students[0]
        .post(&path, json!({"target": "nonexist"}))
        .await
        .expect_error(400, "target");

    let joined = students[0].post(&path, json!({"target": first})).await;
    joined.expect(200);
    assert_eq!(joined.data()["token"], first.as_str());
    students[0]
        .post(&path, json!({"target": second}))
        .await
        .expect(200);
    let in_first = alice.participants(&first).await;
    assert!(!in_first.iter().any(|p| p["actorId"] == "bob"));
    assert!(alice
        .participants(&second)
        .await
        .iter()
        .any(|p| p["actorId"] == "bob"));

    // Free mode lets students see every room.
    assert_eq!(
        students[1]
            .get(&format!("/room/{token}/breakout-rooms"))
            .await
            .data()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let automatic = alice.create_room("Auto").await;
    alice.add(&automatic, "bob").await;
    configure(&alice, &automatic, json!({"mode": 1, "amount": 1})).await;
    students[0]
        .post(
            &format!("{BREAKOUT}/{automatic}/switch"),
            json!({"target": first}),
        )
        .await
        .expect_error(400, "mode");
}

#[tokio::test]
async fn started_and_stopped_messages_read_as_upstreams_texts() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let dave = alice.attendee_id(&token, "dave").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": dave}),
        )
        .await
        .expect(200);
    let bob = alice.attendee_id(&token, "bob").await;
    configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 1, "attendeeMap": json!({ bob.to_string(): 0 }).to_string()}),
    )
    .await;
    let room = children(&alice, &token).await.remove(0);
    let rooms_path = format!("{BREAKOUT}/{token}/rooms");
    alice.post(&rooms_path, json!({})).await.expect(200);

    let own = rendered(&alice, &room, "breakout_rooms_started").await;
    assert_eq!(own[0]["message"], "You started breakout rooms");
    assert_eq!(own[0]["messageParameters"]["actor"]["id"], "alice");
    let student = rendered(&students[0], &room, "breakout_rooms_started").await;
    assert_eq!(student[0]["message"], "{actor} started breakout rooms");

    alice.delete(&rooms_path, json!({})).await.expect(200);
    let own = rendered(&alice, &room, "breakout_rooms_stopped").await;
    assert_eq!(own[0]["message"], "You stopped breakout rooms");
    // Students are behind the lobby again; another moderator reads it.
    let other = rendered(&students[2], &room, "breakout_rooms_stopped").await;
    assert_eq!(other[0]["message"], "{actor} stopped breakout rooms");
}

#[tokio::test]
async fn switching_posts_removed_and_joined_as_the_student() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 3, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let path = format!("{BREAKOUT}/{token}/switch");
    students[0]
        .post(&path, json!({"target": rooms[0]}))
        .await
        .expect(200);
    let before_parent = Client::system_messages(&app, &token).await;
    students[0]
        .post(&path, json!({"target": rooms[1]}))
        .await
        .expect(200);

    let left = rendered(&alice, &rooms[0], "user_removed").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["actorId"], "bob", "the student is the actor");
    assert_eq!(left[0]["messageParameters"]["user"]["id"], "bob");
    assert_eq!(left[0]["message"], "{user} left the conversation");
    let joined = rendered(&alice, &rooms[1], "user_added").await;
    let bob_joined: Vec<&Value> = joined
        .iter()
        .filter(|m| m["messageParameters"]["user"]["id"] == "bob")
        .collect();
    assert_eq!(bob_joined.len(), 1);
    assert_eq!(bob_joined[0]["actorId"], "bob");
    assert_eq!(bob_joined[0]["message"], "{actor} joined the conversation");
    let own = rendered(&students[0], &rooms[1], "user_added").await;
    assert!(own
        .iter()
        .any(|m| m["message"] == "You joined the conversation"));
    assert_eq!(
        Client::system_messages(&app, &token).await,
        before_parent,
        "nothing in the parent"
    );
}
