//! Listing breakout rooms and their participants (TALK-BEHAVIOR §1.9).

use serde_json::json;

use super::{children, class, configure, BREAKOUT};
use crate::helpers::TestApp;

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
async fn a_student_in_free_mode_sees_other_rooms_in_the_listing_format() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 3, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    // Not listable: the listing must not reveal it.
    alice
        .put(
            &format!("/room/{}/description", rooms[1]),
            json!({"description": "Group two's plan"}),
        )
        .await
        .expect(200);
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let switch = format!("{BREAKOUT}/{token}/switch");
    students[0]
        .post(&switch, json!({"target": rooms[0]}))
        .await
        .expect(200);
    students[1]
        .post(&switch, json!({"target": rooms[1]}))
        .await
        .expect(200);
    students[1]
        .post(
            &format!("{BREAKOUT}/{}/request-assistance", rooms[1]),
            json!({}),
        )
        .await
        .expect(200);

    let listed = students[0]
        .get(&format!("/room/{token}/breakout-rooms"))
        .await;
    listed.expect(200);
    let listed = listed.data().as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    let (mine, other) = (&listed[0], &listed[1]);
    assert_eq!(mine["token"], rooms[0].as_str());
    assert_eq!(mine["participantType"], 3, "own room: the member's view");
    assert_eq!(mine["actorId"], "bob");

    // The room bob is not in: its real public state…
    assert_eq!(other["token"], rooms[1].as_str());
    assert_eq!(other["name"], "Room 2");
    assert_eq!(other["displayName"], "Room 2");
    assert_eq!(other["objectType"], "room");
    assert_eq!(other["objectId"], token.as_str());
    assert_eq!(other["lobbyState"], 0);
    assert_eq!(other["breakoutRoomMode"], 0);
    assert_eq!(other["breakoutRoomStatus"], 2);
    let seen_by_moderator = alice.room(&rooms[1]).await;
    for key in [
        "id",
        "type",
        "readOnly",
        "hasCall",
        "lastActivity",
        "callFlag",
        "lobbyTimer",
        "sipEnabled",
        "listable",
        "callStartTime",
        "callRecording",
        "hasPassword",
    ] {
        assert_eq!(other[key], seen_by_moderator[key], "{key}");
    }
    assert!(other["lastActivity"].as_i64().unwrap() > 0);
    // …and every participant-derived value at its non-member default.
    let defaults = json!({
        "description": "",
        "participantType": 4,
        "participantFlags": 0,
        "sessionId": "0",
        "attendeeId": 0,
        "actorType": "",
        "actorId": "",
        "attendeePin": "",
        "permissions": 1,
        "attendeePermissions": 1,
        "callPermissions": 1,
        "defaultPermissions": 1,
        "canStartCall": false,
        "canLeaveConversation": false,
        "canDeleteConversation": false,
        "isFavorite": false,
        "lastReadMessage": 0,
        "unreadMessages": 0,
        "unreadMention": false,
        "unreadMentionDirect": false,
        "lastCommonReadMessage": 0,
        "notificationLevel": 3,
        "notificationCalls": 0,
        "messageExpiration": 0,
        "mentionPermissions": 0,
    });
    for (key, value) in defaults.as_object().unwrap() {
        assert_eq!(&other[key], value, "{key}");
    }
    assert!(other.get("lastMessage").is_none());
}
