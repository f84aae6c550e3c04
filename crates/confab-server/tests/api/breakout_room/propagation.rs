//! Changes in the parent that follow into breakout rooms, and rooms created on the fly (TALK-BEHAVIOR §1.11, §1.12).

use serde_json::{json, Value};

use super::{children, class, configure, member_ids, rendered, BREAKOUT};
use crate::helpers::{Client, TestApp};

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

#[tokio::test]
async fn a_guest_removed_from_the_parent_reads_as_removed_in_their_breakout_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    let guest = app.guest();
    let joined = guest.join(&token, json!({})).await;
    joined.expect(200);
    let guest_actor = joined.data()["actorId"].as_str().unwrap().to_owned();
    let guest_attendee = joined.data()["attendeeId"].as_i64().unwrap();
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let room = children(&alice, &token).await.remove(0);

    let added = rendered(&alice, &room, "user_added").await;
    assert_eq!(added[0]["message"], "You added {user}");
    assert_eq!(added[0]["messageParameters"]["user"]["type"], "guest");

    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": guest_attendee}),
        )
        .await
        .expect(200);
    let removed = rendered(&alice, &room, "user_removed").await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["message"], "You removed {user}");
    let user = &removed[0]["messageParameters"]["user"];
    assert_eq!(user["type"], "guest");
    assert_eq!(user["id"], format!("guest/{guest_actor}"));
}

#[tokio::test]
async fn an_extra_room_needs_a_moderator_of_the_parent_and_opens_when_started() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let erin = app.user("erin").await;
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let request =
        json!({"roomType": 2, "roomName": "Extra", "objectType": "room", "objectId": token});
    erin.post("/room", request.clone())
        .await
        .expect_error(400, "permissions");
    assert_eq!(children(&alice, &token).await.len(), 1);

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let extra = alice.post("/room", request).await;
    extra.expect(201);
    assert_eq!(extra.data()["lobbyState"], 0, "started parent: open");
    assert_eq!(extra.data()["objectType"], "room");
    assert_eq!(extra.data()["objectId"], token.as_str());
}

#[tokio::test]
async fn room_numbers_follow_the_remaining_rooms_after_one_is_deleted() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 2, "amount": 3})).await;
    let rooms = children(&alice, &token).await;
    alice
        .delete(&format!("/room/{}", rooms[1]), json!({}))
        .await
        .expect(200);
    let bob = alice.attendee_id(&token, "bob").await;
    let path = format!("{BREAKOUT}/{token}/attendees");
    alice
        .post(
            &path,
            json!({"attendeeMap": json!({ bob.to_string(): 2 }).to_string()}),
        )
        .await
        .expect_error(400, "attendeeMap");
    alice
        .post(
            &path,
            json!({"attendeeMap": json!({ bob.to_string(): 1 }).to_string()}),
        )
        .await
        .expect(200);
    assert_eq!(alice.room(&rooms[2]).await["name"], "Room 3");
    assert_eq!(member_ids(&alice, &rooms[2]).await, vec!["alice", "bob"]);
    assert_eq!(member_ids(&alice, &rooms[0]).await, vec!["alice"]);
}

#[tokio::test]
async fn the_last_user_leaving_the_parent_deletes_it_with_its_breakout_rooms() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Solo").await;
    configure(&alice, &token, json!({"mode": 3, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert!(app.stored_room(&token).await.is_none());
    for room in rooms {
        assert!(app.stored_room(&room).await.is_none(), "{room} deleted");
    }
}

#[tokio::test]
async fn removing_breakout_rooms_of_an_unconfigured_parent_is_fine() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let removed = alice
        .delete(&format!("{BREAKOUT}/{token}"), json!({}))
        .await;
    removed.expect(200);
    assert_eq!(removed.data()["token"], token.as_str());
    assert_eq!(removed.data()["breakoutRoomMode"], 0);
    assert_eq!(removed.data()["breakoutRoomStatus"], 0);
}
