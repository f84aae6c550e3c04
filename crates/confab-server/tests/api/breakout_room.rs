//! Breakout Rooms API (v1): configure, start, stop, broadcast, reassign, assistance, switch,
//! listing, and each status and `error` key of TALK-BEHAVIOR §1.16.

use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};

const BREAKOUT: &str = "/ocs/v2.php/apps/spreed/api/v1/breakout-rooms";

/// Alice (owner) with students bob, carol and dave in a group conversation.
async fn class(app: &TestApp) -> (Client, Vec<Client>, String) {
    let alice = app.user("alice").await;
    let token = alice.create_room("Class").await;
    let mut students = Vec::new();
    for name in ["bob", "carol", "dave"] {
        students.push(app.user(name).await);
        alice.add(&token, name).await;
    }
    (alice, students, token)
}

fn breakout_rooms(answer: &Value) -> Vec<Value> {
    answer
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["objectType"] == "room")
        .cloned()
        .collect()
}

fn parent_of<'a>(answer: &'a Value, token: &str) -> &'a Value {
    answer
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["token"] == token)
        .expect("parent in the answer")
}

async fn configure(alice: &Client, token: &str, body: Value) -> Value {
    let answer = alice.post(&format!("{BREAKOUT}/{token}"), body).await;
    answer.expect(200);
    answer.data().clone()
}

#[tokio::test]
async fn configure_automatic_creates_balanced_rooms_behind_the_lobby() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let answer = configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;

    let rooms = breakout_rooms(&answer);
    assert_eq!(rooms.len(), 2);
    assert_eq!(rooms[0]["name"], "Room 1");
    assert_eq!(rooms[1]["name"], "Room 2");
    for room in &rooms {
        assert_eq!(room["objectId"], token.as_str());
        assert_eq!(room["type"], 2);
        assert_eq!(room["lobbyState"], 1);
        assert_eq!(room["breakoutRoomMode"], 0);
        assert_eq!(
            room["participantType"], 1,
            "the owner keeps their type in every room"
        );
    }
    let parent = parent_of(&answer, &token);
    assert_eq!(parent["breakoutRoomMode"], 1);
    assert_eq!(parent["breakoutRoomStatus"], 0);

    // Three students over two rooms: 2 and 1, plus the moderator in each.
    let mut sizes: Vec<usize> = Vec::new();
    for room in &rooms {
        let people = alice.participants(room["token"].as_str().unwrap()).await;
        sizes.push(people.len() - 1);
        let messages = Client::system_messages(&app, room["token"].as_str().unwrap()).await;
        assert_eq!(messages[0], "conversation_created");
        assert_eq!(
            messages.iter().filter(|m| *m == "user_added").count(),
            people.len() - 1,
            "no user_added for the actor"
        );
    }
    sizes.sort_unstable();
    assert_eq!(sizes, vec![1, 2]);
}

#[tokio::test]
async fn configure_manual_follows_the_attendee_map_and_names_rooms() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let bob = alice.attendee_id(&token, "bob").await;
    let carol = alice.attendee_id(&token, "carol").await;
    let map = json!({ bob.to_string(): 1, carol.to_string(): 0 }).to_string();
    let answer = configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map, "names": ["Reds", "Blues"]}),
    )
    .await;
    let rooms = breakout_rooms(&answer);
    assert_eq!(rooms[0]["name"], "Reds");
    assert_eq!(rooms[1]["name"], "Blues");
    let ids = |people: Vec<Value>| {
        people
            .iter()
            .map(|p| p["actorId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(alice
            .participants(rooms[0]["token"].as_str().unwrap())
            .await),
        vec!["alice", "carol"]
    );
    assert_eq!(
        ids(alice
            .participants(rooms[1]["token"].as_str().unwrap())
            .await),
        vec!["alice", "bob"]
    );
}

#[tokio::test]
async fn configure_errors_follow_upstream_order_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let path = format!("{BREAKOUT}/{token}");
    students[0]
        .post(&path, json!({"mode": 1, "amount": 2}))
        .await
        .expect(403);
    app.guest()
        .post(&path, json!({"mode": 1, "amount": 2}))
        .await
        .expect(401);
    alice
        .post(
            &format!("{BREAKOUT}/zzzzzzzz"),
            json!({"mode": 1, "amount": 2}),
        )
        .await
        .expect(404);
    alice
        .post(&path, json!({"mode": 4, "amount": 2}))
        .await
        .expect_error(400, "mode");
    alice
        .post(&path, json!({"mode": 0, "amount": 2}))
        .await
        .expect_error(400, "mode");
    alice
        .post(&path, json!({"mode": 1, "amount": 0}))
        .await
        .expect_error(400, "amount");
    alice
        .post(&path, json!({"mode": 1, "amount": 21}))
        .await
        .expect_error(400, "amount");
    alice
        .post(
            &path,
            json!({"mode": 2, "amount": 2, "attendeeMap": "{\"1\":5}"}),
        )
        .await
        .expect_error(400, "attendeeMap");
    alice
        .post(
            &path,
            json!({"mode": 2, "amount": 2, "attendeeMap": "[1,2]"}),
        )
        .await
        .expect_error(400, "attendeeMap");
    alice
        .post(&path, json!({"mode": 2, "amount": 2, "attendeeMap": "{{{"}))
        .await
        .expect_error(400, "attendeeMap");

    // Nothing was half-configured: the parent is untouched and configure still works.
    let parent = alice.get(&format!("/room/{token}")).await;
    assert_eq!(parent.data()["breakoutRoomMode"], 0);
    configure(&alice, &token, json!({"mode": 3, "amount": 2})).await;
    alice
        .post(&path, json!({"mode": 1, "amount": 2}))
        .await
        .expect_error(400, "room");

    let direct = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let direct = direct.data()["token"].as_str().unwrap().to_owned();
    alice
        .post(
            &format!("{BREAKOUT}/{direct}"),
            json!({"mode": 1, "amount": 1}),
        )
        .await
        .expect_error(400, "room");
}

#[tokio::test]
async fn breakout_rooms_cannot_be_parents_and_config_can_disable_them() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let answer = configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let child = breakout_rooms(&answer)[0]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    alice
        .post(
            &format!("{BREAKOUT}/{child}"),
            json!({"mode": 1, "amount": 1}),
        )
        .await
        .expect_error(400, "room");

    app.services
        .set_app_config("breakout_rooms", "no")
        .await
        .unwrap();
    let other = alice.create_room("Other").await;
    alice
        .post(
            &format!("{BREAKOUT}/{other}"),
            json!({"mode": 1, "amount": 1}),
        )
        .await
        .expect_error(400, "config");
}

#[tokio::test]
async fn the_room_limit_follows_breakout_rooms_max() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    app.services
        .set_app_config("breakout_rooms_max", "30")
        .await
        .unwrap();
    let caps = alice.get("/ocs/v2.php/cloud/capabilities").await;
    assert_eq!(
        caps.data()["capabilities"]["spreed"]["config"]["call"]["breakout-rooms-max"],
        30
    );
    let answer = configure(&alice, &token, json!({"mode": 3, "amount": 25})).await;
    assert_eq!(breakout_rooms(&answer).len(), 25);
}

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
async fn students_see_their_room_only_once_started() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 3})).await;
    let list = format!("/room/{token}/breakout-rooms");
    students[0].get(&list).await.expect_error(400, "status");
    assert_eq!(alice.get(&list).await.data().as_array().unwrap().len(), 3);

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let mine = students[0].get(&list).await;
    mine.expect(200);
    let mine = mine.data().as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["participantType"], 3);
    app.guest().get(&list).await.expect(401);
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
async fn broadcast_posts_in_every_breakout_room_and_answers_201() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let path = format!("{BREAKOUT}/{token}/broadcast");
    alice
        .post(&path, json!({"message": "hi"}))
        .await
        .expect_error(400, "mode");
    let answer = configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    students[0]
        .post(&path, json!({"message": "hi"}))
        .await
        .expect(403);
    alice
        .post(&path, json!({"message": "x".repeat(32001)}))
        .await
        .expect_error(413, "message");

    let sent = alice
        .post(&path, json!({"message": "Five minutes left"}))
        .await;
    sent.expect(201);
    for room in breakout_rooms(&answer) {
        let chat = alice
            .get(&format!(
                "/ocs/v2.php/apps/spreed/api/v1/chat/{}?lookIntoFuture=0&limit=1",
                room["token"].as_str().unwrap()
            ))
            .await;
        assert_eq!(chat.data()[0]["message"], "Five minutes left");
        assert_eq!(chat.data()[0]["messageType"], "comment");
        assert_eq!(chat.data()[0]["actorId"], "alice");
    }
    let parent_chat = alice
        .get(&format!(
            "/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=0&limit=1"
        ))
        .await;
    assert_ne!(parent_chat.data()[0]["message"], "Five minutes left");
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

/// The breakout rooms of a configured parent, by room number.
async fn children(alice: &Client, token: &str) -> Vec<String> {
    let list = alice.get(&format!("/room/{token}/breakout-rooms")).await;
    list.expect(200);
    list.data()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["token"].as_str().unwrap().to_owned())
        .collect()
}

async fn member_ids(alice: &Client, token: &str) -> Vec<String> {
    alice
        .participants(token)
        .await
        .iter()
        .map(|p| p["actorId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn promotion_and_demotion_in_the_parent_follow_into_breakout_rooms() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let bob = alice.attendee_id(&token, "bob").await;
    let map = json!({ bob.to_string(): 0 }).to_string();
    configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map}),
    )
    .await;
    let rooms = children(&alice, &token).await;

    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob}),
        )
        .await
        .expect(200);
    for room in &rooms {
        let bob_there = alice
            .participants(room)
            .await
            .into_iter()
            .find(|p| p["actorId"] == "bob")
            .expect("bob in every room");
        assert_eq!(bob_there["participantType"], 2);
    }
    assert_eq!(
        Client::system_messages(&app, &rooms[0])
            .await
            .last()
            .unwrap(),
        "moderator_promoted"
    );
    assert_eq!(
        Client::system_messages(&app, &rooms[1])
            .await
            .last()
            .unwrap(),
        "user_added"
    );

    alice
        .delete(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob}),
        )
        .await
        .expect(200);
    for room in &rooms {
        assert!(
            !member_ids(&alice, room).await.contains(&"bob".to_owned()),
            "a demoted moderator leaves every room"
        );
    }
}

#[tokio::test]
async fn leaving_or_being_removed_from_the_parent_leaves_breakout_rooms() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);

    students[0]
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    let carol = alice.attendee_id(&token, "carol").await;
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": carol}),
        )
        .await
        .expect(200);
    assert_eq!(member_ids(&alice, &room).await, vec!["alice", "dave"]);
}

#[tokio::test]
async fn deleting_the_parent_deletes_its_breakout_rooms_but_one_room_can_go_alone() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 3})).await;
    let rooms = children(&alice, &token).await;

    alice
        .delete(&format!("/room/{}", rooms[1]), json!({}))
        .await
        .expect(200);
    let remaining = children(&alice, &token).await;
    assert_eq!(remaining, vec![rooms[0].clone(), rooms[2].clone()]);
    assert_eq!(
        alice.get(&format!("/room/{token}")).await.data()["breakoutRoomMode"],
        1
    );

    alice
        .delete(&format!("/room/{token}"), json!({}))
        .await
        .expect(200);
    for room in rooms {
        alice.get(&format!("/room/{room}")).await.expect(404);
    }
}

#[tokio::test]
async fn adding_a_user_to_a_breakout_room_moves_them() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let _erin = app.user("erin").await;
    let bob = alice.attendee_id(&token, "bob").await;
    configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": json!({ bob.to_string(): 0 }).to_string()}),
    )
    .await;
    let rooms = children(&alice, &token).await;

    alice.add(&rooms[1], "bob").await;
    assert_eq!(member_ids(&alice, &rooms[0]).await, vec!["alice"]);
    assert_eq!(member_ids(&alice, &rooms[1]).await, vec!["alice", "bob"]);

    // Adding bob where he already is keeps him there (upstream would remove him).
    alice.add(&rooms[1], "bob").await;
    assert_eq!(member_ids(&alice, &rooms[1]).await, vec!["alice", "bob"]);

    // Someone not yet in the parent joins the parent too.
    alice.add(&rooms[0], "erin").await;
    assert!(member_ids(&alice, &token)
        .await
        .contains(&"erin".to_owned()));
    assert!(member_ids(&alice, &rooms[0])
        .await
        .contains(&"erin".to_owned()));

    let refused = alice
        .post(
            &format!("/room/{}/participants", rooms[0]),
            json!({"newParticipant": "admins", "source": "groups"}),
        )
        .await;
    refused.expect_error(400, "source");
    let me = alice
        .post(
            &format!("/room/{}/participants", rooms[0]),
            json!({"newParticipant": "alice", "source": "users"}),
        )
        .await;
    me.expect_error(400, "moderator");
}

#[tokio::test]
async fn an_extra_breakout_room_can_be_created_on_the_fly() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let create = |body: Value| {
        let alice = &alice;
        async move { alice.post("/room", body).await }
    };
    create(json!({"roomType": 2, "roomName": "Extra", "objectType": "room", "objectId": token}))
        .await
        .expect_error(400, "mode");
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    students[0]
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Extra", "objectType": "room", "objectId": token}),
        )
        .await
        .expect_error(400, "permissions");
    create(
        json!({"roomType": 2, "roomName": "Extra", "objectType": "room", "objectId": "nonexist"}),
    )
    .await
    .expect_error(400, "room");

    let extra = create(
        json!({"roomType": 3, "roomName": "Extra", "objectType": "room", "objectId": token}),
    )
    .await;
    extra.expect(201);
    assert_eq!(extra.data()["type"], 2, "the parent's type wins");
    assert_eq!(
        extra.data()["lobbyState"],
        1,
        "stopped parent: the lobby is closed"
    );
    assert_eq!(extra.data()["participantType"], 1);
    assert_eq!(children(&alice, &token).await.len(), 2);
}

#[tokio::test]
async fn breakout_rooms_refuse_settings_that_belong_to_the_parent() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);
    alice
        .put(&format!("/room/{room}/webinar/lobby"), json!({"state": 0}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(&format!("/room/{room}/listable"), json!({"scope": 1}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .post(&format!("/room/{room}/public"), json!({}))
        .await
        .expect_error(400, "breakout-room");
    alice
        .post(
            &format!("/room/{room}/message-expiration"),
            json!({"seconds": 60}),
        )
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(
            &format!("/room/{room}/permissions/default"),
            json!({"permissions": 128}),
        )
        .await
        .expect_error(400, "breakout-room");
    alice
        .put(
            &format!("/room/{room}/password"),
            json!({"password": "secret"}),
        )
        .await
        .expect(403);
    // The configured parent cannot change its type.
    alice
        .post(&format!("/room/{token}/public"), json!({}))
        .await
        .expect_error(400, "breakout-room");
}

#[tokio::test]
async fn breakout_participants_list_the_parent_and_visible_rooms_with_room_tokens() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let path = format!("/room/{token}/breakout-rooms/participants");
    alice.get(&path).await.expect_error(400, "mode");
    configure(&alice, &token, json!({"mode": 1, "amount": 3})).await;
    students[0].get(&path).await.expect_error(400, "status");

    let all = alice.get(&path).await;
    all.expect(200);
    let entries = all.data().as_array().unwrap();
    // Parent: 4 people; each of the 3 rooms: alice plus one student.
    assert_eq!(entries.len(), 4 + 3 * 2);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["roomToken"] == token.as_str())
            .count(),
        4
    );

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let mine = students[0].get(&path).await;
    mine.expect(200);
    let rooms: std::collections::BTreeSet<&str> = mine
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["roomToken"].as_str().unwrap())
        .collect();
    assert_eq!(rooms.len(), 2, "the parent and the student's own room");
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

#[tokio::test]
async fn late_joiners_go_to_the_least_filled_room_when_asked() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    for name in ["erin", "frank", "gina"] {
        app.user(name).await;
    }
    configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    let students = |people: Vec<String>| people.into_iter().filter(|p| p != "alice").count();

    // Off by default: a new attendee of the parent stays in the parent.
    alice.add(&token, "erin").await;
    let mut sizes = Vec::new();
    for room in &rooms {
        sizes.push(students(member_ids(&alice, room).await));
    }
    assert_eq!(sizes.iter().sum::<usize>(), 3);

    app.services
        .set_app_config("breakout_rooms_place_late_joiners", "yes")
        .await
        .unwrap();
    alice.add(&token, "frank").await;
    alice.add(&token, "gina").await;
    let mut sizes = Vec::new();
    for room in &rooms {
        sizes.push(students(member_ids(&alice, room).await));
    }
    assert_eq!(sizes.iter().sum::<usize>(), 5);
    assert!(
        sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
        "{sizes:?}"
    );
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

#[tokio::test]
async fn a_configured_group_parent_refuses_email_guests_that_would_make_it_public() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let refused = alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "guest@example.com", "source": "emails"}),
        )
        .await;
    refused.expect_error(400, "breakout-room");
    assert_eq!(alice.get(&format!("/room/{token}")).await.data()["type"], 2);
}

#[tokio::test]
async fn oversized_attendee_maps_are_refused_and_renamed_rooms_keep_their_number() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let huge: serde_json::Map<String, Value> =
        (1..40_000).map(|i| (i.to_string(), json!(0))).collect();
    let path = format!("{BREAKOUT}/{token}");
    alice
        .post(
            &path,
            json!({"mode": 2, "amount": 2, "attendeeMap": Value::Object(huge).to_string()}),
        )
        .await
        .expect_error(400, "attendeeMap");

    configure(&alice, &token, json!({"mode": 2, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    alice
        .put(
            &format!("/room/{}", rooms[1]),
            json!({"roomName": "Renamed"}),
        )
        .await
        .expect(200);
    let bob = alice.attendee_id(&token, "bob").await;
    alice
        .post(
            &format!("{BREAKOUT}/{token}/attendees"),
            json!({"attendeeMap": json!({ bob.to_string(): 1 }).to_string()}),
        )
        .await
        .expect(200);
    assert!(
        member_ids(&alice, &rooms[1])
            .await
            .contains(&"bob".to_owned()),
        "room 1 is still the renamed room"
    );
}
