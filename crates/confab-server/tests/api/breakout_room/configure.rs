//! Configure: modes, names, validation order, limits and bad attendee maps (TALK-BEHAVIOR §1.3–§1.5).

use serde_json::{json, Value};

use super::{breakout_rooms, children, class, configure, member_ids, parent_of, BREAKOUT};
use crate::helpers::{Client, TestApp};

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
    // Upstream accepts 0 and leaves orphan rooms; confab refuses it (see the service).
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
