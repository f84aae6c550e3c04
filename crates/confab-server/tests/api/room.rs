//! Conversations API (v4): listing, reading, creating and deleting conversations.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};

/// Fields every `TalkRoom` carries (TALK-BEHAVIOR 3.4, "always present").
const ROOM_FIELDS: &[&str] = &[
    "id",
    "token",
    "type",
    "name",
    "displayName",
    "objectType",
    "objectId",
    "participantType",
    "participantFlags",
    "readOnly",
    "hasPassword",
    "hasCall",
    "callStartTime",
    "callRecording",
    "canStartCall",
    "lastActivity",
    "lastReadMessage",
    "unreadMessages",
    "unreadMention",
    "unreadMentionDirect",
    "isFavorite",
    "canLeaveConversation",
    "canDeleteConversation",
    "notificationLevel",
    "notificationCalls",
    "lobbyState",
    "lobbyTimer",
    "lastPing",
    "sessionId",
    "sipEnabled",
    "actorType",
    "actorId",
    "attendeeId",
    "permissions",
    "attendeePermissions",
    "callPermissions",
    "defaultPermissions",
    "canEnableSIP",
    "attendeePin",
    "description",
    "lastCommonReadMessage",
    "listable",
    "callFlag",
    "messageExpiration",
    "avatarVersion",
    "isCustomAvatar",
    "breakoutRoomMode",
    "breakoutRoomStatus",
    "recordingConsent",
    "mentionPermissions",
    "liveTranscriptionLanguageId",
    "isArchived",
    "isImportant",
    "isSensitive",
];

#[track_caller]
fn assert_talk_room(room: &Value) {
    for field in ROOM_FIELDS {
        assert!(room.get(field).is_some(), "missing {field} in {room}");
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

// ---------------------------------------------------------------- create

#[tokio::test]
async fn create_group_room_returns_201_with_owner_view() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice
        .post("/room", json!({"roomType": 2, "roomName": "Team"}))
        .await;
    answer.expect(201);
    let room = answer.data();
    assert_talk_room(room);
    assert_eq!(room["type"], 2);
    assert_eq!(room["name"], "Team");
    assert_eq!(room["displayName"], "Team");
    assert_eq!(room["participantType"], 1);
    assert_eq!(room["permissions"], 254);
    assert_eq!(room["actorType"], "users");
    assert_eq!(room["actorId"], "alice");
    assert_eq!(room["hasPassword"], false);
    assert_eq!(room["canDeleteConversation"], true);
    assert_eq!(room["canLeaveConversation"], true);
    assert_eq!(room["sessionId"], "0");
    assert!(room["attendeeId"].as_i64().unwrap() > 0);
    let token = room["token"].as_str().unwrap();
    assert_eq!(token.len(), 8);
    assert!(token
        .bytes()
        .all(|b| b"abcdefghijkmnopqrstuvwxyz23456789".contains(&b)));
    assert_eq!(
        Client::system_messages(&app, token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn create_room_defaults_to_a_group_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice.post("/room", json!({"roomName": "Plain"})).await;
    answer.expect(201);
    assert_eq!(answer.data()["type"], 2);
}

#[tokio::test]
async fn create_public_room_returns_type_3() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice
        .post("/room", json!({"roomType": 3, "roomName": "Open"}))
        .await;
    answer.expect(201);
    assert_talk_room(answer.data());
    assert_eq!(answer.data()["type"], 3);
    assert_eq!(answer.data()["hasPassword"], false);
}

#[tokio::test]
async fn create_room_as_anonymous_is_401() {
    let app = TestApp::spawn().await;
    app.guest()
        .post("/room", json!({"roomType": 2, "roomName": "Nope"}))
        .await
        .expect(401);
}

#[tokio::test]
async fn one_to_one_is_created_once_then_returned_with_200() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;

    let first = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    first.expect(201);
    let room = first.data();
    assert_talk_room(room);
    assert_eq!(room["type"], 1);
    assert_eq!(room["name"], "bob");
    assert_eq!(room["displayName"], "bob display");
    assert_eq!(room["participantType"], 1);
    assert_eq!(room["canDeleteConversation"], false);
    let token = room["token"].as_str().unwrap().to_owned();

    let again = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    again.expect(200);
    assert_eq!(again.data()["token"], token.as_str());

    let from_bob = bob
        .post("/room", json!({"roomType": 1, "invite": "alice"}))
        .await;
    from_bob.expect(200);
    assert_eq!(from_bob.data()["token"], token.as_str());
    assert_eq!(from_bob.data()["name"], "alice");
    assert_eq!(from_bob.data()["displayName"], "alice display");
    assert_eq!(from_bob.data()["participantType"], 1);

    assert_eq!(alice.room_tokens().await, vec![token.clone()]);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn one_to_one_with_unknown_user_is_404_invite_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post("/room", json!({"roomType": 1, "invite": "ghost"}))
        .await
        .expect_error(404, "invite");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn one_to_one_with_yourself_is_403_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post("/room", json!({"roomType": 1, "invite": "alice"}))
        .await
        .expect_error(403, "invite");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn create_refuses_changelog_former_one_to_one_and_unknown_types_with_400_type() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for room_type in [4, 5, 9, 0, -1] {
        alice
            .post("/room", json!({"roomType": room_type, "roomName": "X"}))
            .await
            .expect_error(400, "type");
    }
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn create_refuses_blank_and_overlong_names_with_400_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for name in [String::new(), "   ".to_owned(), "x".repeat(256)] {
        alice
            .post("/room", json!({"roomType": 2, "roomName": name}))
            .await
            .expect_error(400, "name");
    }
    alice
        .post("/room", json!({"roomType": 2}))
        .await
        .expect_error(400, "name");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn create_accepts_names_of_255_characters_and_trims_them() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let long = "é".repeat(255);
    let answer = alice
        .post("/room", json!({"roomType": 2, "roomName": long}))
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["name"], long.as_str());
    let answer = alice
        .post("/room", json!({"roomType": 2, "roomName": "  Padded  "}))
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["name"], "Padded");
}

#[tokio::test]
async fn note_to_self_is_created_with_type_6_once_and_reused() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let first = alice.post("/room", json!({"roomType": 6})).await;
    first.expect(201);
    assert_talk_room(first.data());
    assert_eq!(first.data()["type"], 6);
    assert_eq!(first.data()["canLeaveConversation"], false);
    let token = first.data()["token"].as_str().unwrap().to_owned();

    let again = alice.post("/room", json!({"roomType": 6})).await;
    again.expect(200);
    assert_eq!(again.data()["token"], token.as_str());

    let fetched = alice.get("/room/note-to-self").await;
    fetched.expect(200);
    assert_eq!(fetched.data()["token"], token.as_str());
    assert_eq!(fetched.data()["type"], 6);
    assert_eq!(fetched.data()["participantType"], 1);
    assert_eq!(alice.room_tokens().await, vec![token]);
}

#[tokio::test]
async fn note_to_self_is_created_on_first_get() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice.get("/room/note-to-self").await;
    answer.expect(200);
    assert_talk_room(answer.data());
    assert_eq!(answer.data()["type"], 6);
    assert_eq!(answer.data()["objectType"], "note_to_self");
    let token = answer.data()["token"].as_str().unwrap();
    assert_eq!(alice.room_tokens().await, vec![token.to_owned()]);
    // Every user has their own.
    let bobs = bob.get("/room/note-to-self").await;
    bobs.expect(200);
    assert_ne!(bobs.data()["token"], token);
    bob.get(&format!("/room/{token}")).await.expect(404);
}

#[tokio::test]
async fn note_to_self_needs_a_user() {
    let app = TestApp::spawn().await;
    app.guest().get("/room/note-to-self").await.expect(401);
}

#[tokio::test]
async fn legacy_group_invite_adds_members_and_names_the_room_after_the_group() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.user("carol").await;
    app.group("team", &["alice", "bob", "carol"]).await;

    let answer = alice
        .post(
            "/room",
            json!({"roomType": 2, "invite": "team", "source": "groups"}),
        )
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["name"], "team group");
    let token = answer.data()["token"].as_str().unwrap().to_owned();

    let participants = alice.participants(&token).await;
    let mut roles: Vec<(String, i64)> = participants
        .iter()
        .map(|p| {
            (
                p["actorId"].as_str().unwrap().to_owned(),
                p["participantType"].as_i64().unwrap(),
            )
        })
        .collect();
    roles.sort();
    assert_eq!(
        roles,
        vec![
            ("alice".to_owned(), 1),
            ("bob".to_owned(), 3),
            ("carol".to_owned(), 3)
        ]
    );
    assert!(bob.room_tokens().await.contains(&token));
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec![
            "conversation_created",
            "group_added",
            "user_added",
            "user_added"
        ]
    );
}

#[tokio::test]
async fn legacy_group_invite_keeps_an_explicit_room_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    app.group("team", &["bob"]).await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Named", "invite": "team", "source": "groups"}),
        )
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["name"], "Named");
}

#[tokio::test]
async fn legacy_group_invite_to_unknown_group_is_404_invite() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post(
            "/room",
            json!({"roomType": 2, "invite": "nogroup", "source": "groups"}),
        )
        .await
        .expect_error(404, "invite");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn participants_map_adds_users_with_user_added_messages() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Invited", "participants": {"users": ["bob", "carol", "alice"]}}),
        )
        .await;
    answer.expect(201);
    assert!(answer.data().get("invalidParticipants").is_none());
    let token = answer.data()["token"].as_str().unwrap().to_owned();
    assert_eq!(bob.room(&token).await["participantType"], 3);
    assert_eq!(carol.room(&token).await["participantType"], 3);
    assert_eq!(alice.participants(&token).await.len(), 3);

    let messages = app.messages(&token).await;
    let names: Vec<&str> = messages.iter().map(|m| m.system_message.as_str()).collect();
    assert_eq!(
        names,
        vec!["conversation_created", "user_added", "user_added"]
    );
    assert_eq!(messages[1].parameters["user"]["id"], "bob");
    assert_eq!(messages[1].parameters["actor"]["id"], "alice");
    assert_eq!(messages[2].parameters["user"]["id"], "carol");
}

#[tokio::test]
async fn participants_map_with_a_group_adds_its_members() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.group("team", &["bob"]).await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Grouped", "participants": {"groups": ["team"]}}),
        )
        .await;
    answer.expect(201);
    let token = answer.data()["token"].as_str().unwrap().to_owned();
    assert_eq!(bob.room(&token).await["participantType"], 3);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created", "group_added", "user_added"]
    );
}

#[tokio::test]
async fn unknown_invitees_are_reported_as_invalid_participants_with_202() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice
        .post(
            "/room",
            json!({
                "roomType": 2,
                "roomName": "Partly",
                "participants": {"users": ["bob", "ghost"], "groups": ["nogroup"]}
            }),
        )
        .await;
    answer.expect(202);
    assert_eq!(answer.body["ocs"]["meta"]["status"], "ok");
    assert_talk_room(answer.data());
    assert_eq!(
        answer.data()["invalidParticipants"],
        json!({"users": ["ghost"], "groups": ["nogroup"]})
    );
    let token = answer.data()["token"].as_str().unwrap();
    assert_eq!(bob.room(token).await["participantType"], 3);
    assert_eq!(alice.participants(token).await.len(), 2);
}

#[tokio::test]
async fn participants_map_in_form_brackets_is_understood() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice
        .send_form(
            reqwest::Method::POST,
            "/room",
            &[
                ("roomType", "2"),
                ("roomName", "Form"),
                ("participants[users][]", "bob"),
            ],
        )
        .await;
    answer.expect(201);
    let token = answer.data()["token"].as_str().unwrap();
    assert_eq!(bob.room(token).await["participantType"], 3);
}

#[tokio::test]
async fn create_with_only_unknown_invitees_is_404_invite_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Nobody", "participants": {"users": ["ghost"], "emails": ["not an address"]}}),
        )
        .await
        .expect_error(404, "invite");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn emails_in_the_participants_map_make_a_public_room_with_email_guests() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Mailed", "participants": {"emails": ["Guest@Example.com"]}}),
        )
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["type"], 3);
    let token = answer.data()["token"].as_str().unwrap();
    let participants = alice.participants(token).await;
    let guest = participants
        .iter()
        .find(|p| p["actorType"] == "emails")
        .expect("email guest");
    assert_eq!(guest["participantType"], 4);
    assert_eq!(guest["invitedActorId"], "Guest@Example.com");
    assert_eq!(
        Client::system_messages(&app, token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn legacy_invite_without_a_source_names_a_group() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.group("team", &["bob"]).await;
    let answer = alice
        .post("/room", json!({"roomType": 2, "invite": "team"}))
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["name"], "team group");
    let token = answer.data()["token"].as_str().unwrap();
    assert_eq!(bob.room(token).await["participantType"], 3);
    // A user id is not a group.
    alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "X", "invite": "bob"}),
        )
        .await
        .expect_error(404, "invite");
}

#[tokio::test]
async fn password_on_a_group_room_is_400_password_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Locked", "password": "secret123"}),
        )
        .await
        .expect_error(400, "password");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn public_room_created_with_a_password_has_one() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 3, "roomName": "Locked", "password": "secret123"}),
        )
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["hasPassword"], true);
    let token = answer.data()["token"].as_str().unwrap();
    let guest = app.guest();
    guest
        .join(token, json!({"password": "wrong"}))
        .await
        .expect_error(403, "password");
    guest
        .join(token, json!({"password": "secret123"}))
        .await
        .expect(200);
}

#[tokio::test]
async fn description_over_2000_characters_is_400_description() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Long", "description": "d".repeat(2001)}),
        )
        .await
        .expect_error(400, "description");
    assert!(alice.room_tokens().await.is_empty());
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Fits", "description": "ü".repeat(2000)}),
        )
        .await;
    answer.expect(201);
    assert_eq!(answer.data()["description"], "ü".repeat(2000));
}

#[tokio::test]
async fn listable_outside_0_to_2_is_400_listable() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "L", "listable": 5}),
        )
        .await
        .expect_error(400, "listable");
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn creation_settings_are_reflected_in_the_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice
        .post(
            "/room",
            json!({
                "roomType": 2,
                "roomName": "Configured",
                "readOnly": 1,
                "listable": 2,
                "lobbyState": 1,
                "messageExpiration": 3600,
                "permissions": 128,
                "description": "About",
                "participants": {"users": ["bob"]},
            }),
        )
        .await;
    answer.expect(201);
    let room = answer.data();
    assert_eq!(room["readOnly"], 1);
    assert_eq!(room["listable"], 2);
    assert_eq!(room["lobbyState"], 1);
    assert_eq!(room["messageExpiration"], 3600);
    assert_eq!(room["defaultPermissions"], 129);
    assert_eq!(room["description"], "About");
    let token = room["token"].as_str().unwrap();

    // A re-read shows the same, and the non-moderator gets the room default.
    let stored = alice.room(token).await;
    assert_eq!(stored["readOnly"], 1);
    assert_eq!(stored["lobbyState"], 1);
    let bobs = bob.room(token).await;
    assert_eq!(bobs["permissions"], 129);
    assert_eq!(bobs["lobbyState"], 1);
}

#[tokio::test]
async fn creation_settings_out_of_range_are_refused_with_their_key() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let cases = [
        (json!({"readOnly": 2}), "read-only"),
        (json!({"lobbyState": 3}), "lobby"),
        (json!({"messageExpiration": -1}), "message-expiration"),
        (
            json!({"messageExpiration": 2_147_483_648_i64}),
            "message-expiration",
        ),
        (json!({"messageExpiration": i64::MAX}), "message-expiration"),
        (json!({"permissions": 256}), "permissions"),
    ];
    for (extra, key) in cases {
        let mut body = json!({"roomType": 2, "roomName": "Bad"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        alice.post("/room", body).await.expect_error(400, key);
    }
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn creation_validates_the_avatar_emoji_and_color() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let create = |extra: serde_json::Value| {
        let mut body = json!({"roomType": 2, "roomName": "Avatar"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        alice.post("/room", body)
    };
    for extra in [
        json!({"emoji": "ab"}),
        json!({"emoji": "\u{1F600}\u{1F600}"}),
        json!({"emoji": "\u{1F600}", "avatarColor": "zzzzzz"}),
        json!({"emoji": "\u{1F600}", "avatarColor": "#00ff00"}),
        json!({"emoji": "\u{1F600}", "avatarColor": "00ff0"}),
    ] {
        create(extra.clone()).await.expect_error(400, "avatar");
    }
    assert!(alice.room_tokens().await.is_empty());
    // Upstream reads the color only with an emoji.
    create(json!({"emoji": "", "avatarColor": "00ff00"}))
        .await
        .expect(201);
}

// ---------------------------------------------------------------- list

#[tokio::test]
async fn room_list_shows_the_callers_rooms_with_hash_and_modified_before() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let a = alice.create_room("A").await;
    let b = alice.create_public_room("B").await;
    let c = bob.create_room("C").await;

    let before = unix_now();
    let answer = alice.get("/room").await;
    let after = unix_now();
    answer.expect(200);
    let rooms = answer.data().as_array().unwrap();
    let mut tokens: Vec<&str> = rooms.iter().map(|r| r["token"].as_str().unwrap()).collect();
    tokens.sort_unstable();
    let mut expected = vec![a.as_str(), b.as_str()];
    expected.sort_unstable();
    assert_eq!(tokens, expected);
    assert!(!tokens.contains(&c.as_str()));
    for room in rooms {
        assert_talk_room(room);
        assert_eq!(room["participantType"], 1);
    }

    let hash = answer.header("x-nextcloud-talk-hash").expect("talk hash");
    assert_eq!(hash.len(), 40);
    let capabilities = alice.get("/ocs/v2.php/cloud/capabilities").await;
    assert_eq!(capabilities.header("x-nextcloud-talk-hash"), Some(hash));
    let modified_before: i64 = answer
        .header("x-nextcloud-talk-modified-before")
        .expect("modified-before")
        .parse()
        .unwrap();
    assert!((before..=after).contains(&modified_before));
}

#[tokio::test]
async fn room_list_needs_a_user() {
    let app = TestApp::spawn().await;
    app.guest().get("/room").await.expect(401);
}

#[tokio::test]
async fn room_list_carries_last_message_unless_include_last_message_is_0() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Chatty").await;

    let with = alice.get("/room").await;
    with.expect(200);
    let last = &with.data()[0]["lastMessage"];
    assert_eq!(last["systemMessage"], "conversation_created");
    assert_eq!(last["token"], token.as_str());
    assert_eq!(last["messageType"], "system");
    assert_eq!(last["message"], "You created the conversation");

    for query in ["includeLastMessage=0", "includeLastMessage=false"] {
        let without = alice.get(&format!("/room?{query}")).await;
        without.expect(200);
        let room = &without.data()[0];
        assert_eq!(room["token"], token.as_str());
        assert!(room.get("lastMessage").is_none(), "{query}: {room}");
    }
}

#[tokio::test]
async fn modified_since_lists_only_rooms_changed_since() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let quiet = alice.create_room("Quiet").await;
    let busy = alice.create_room("Busy").await;

    // Arrange: a cursor, then let the clock pass it so later changes are strictly newer.
    let listed = alice.get("/room").await;
    let cursor: i64 = listed
        .header("x-nextcloud-talk-modified-before")
        .unwrap()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while unix_now() <= cursor {
        assert!(Instant::now() < deadline, "clock did not advance");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    alice
        .put(&format!("/room/{busy}"), json!({"roomName": "Busier"}))
        .await
        .expect(200);

    // Act and assert.
    let since = alice
        .get(&format!("/room?modifiedSince={}", cursor + 1))
        .await;
    since.expect(200);
    let tokens: Vec<&str> = since
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["token"].as_str().unwrap())
        .collect();
    assert_eq!(tokens, vec![busy.as_str()]);

    let all = alice.get("/room?modifiedSince=0").await;
    assert_eq!(all.data().as_array().unwrap().len(), 2);
    let future = alice
        .get(&format!("/room?modifiedSince={}", unix_now() + 3600))
        .await;
    future.expect(200);
    assert_eq!(future.data(), &json!([]));
    assert!(alice.room_tokens().await.contains(&quiet));
}

// ---------------------------------------------------------------- single room

#[tokio::test]
async fn member_reads_a_single_room_with_the_talk_hash() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Mine").await;
    let answer = alice.get(&format!("/room/{token}")).await;
    answer.expect(200);
    assert_talk_room(answer.data());
    assert_eq!(answer.data()["token"], token.as_str());
    assert_eq!(answer.data()["participantType"], 1);
    assert_eq!(
        answer.data()["lastMessage"]["systemMessage"],
        "conversation_created"
    );
    assert_eq!(
        answer.header("x-nextcloud-talk-hash").map(str::len),
        Some(40)
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/json; charset=utf-8")
    );
}

#[tokio::test]
async fn non_participant_gets_404_for_a_group_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Secret").await;
    bob.get(&format!("/room/{token}")).await.expect_empty(404);
    app.guest()
        .get(&format!("/room/{token}"))
        .await
        .expect_empty(404);
}

#[tokio::test]
async fn unknown_room_is_404_with_empty_data() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice.get("/room/abcdefgh").await.expect_empty(404);
}

#[tokio::test]
async fn public_room_shows_non_members_only_that_it_exists() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 3, "roomName": "Open", "description": "About", "readOnly": 1, "permissions": 128}),
        )
        .await;
    let token = answer.data()["token"].as_str().unwrap().to_owned();

    for viewer in [&bob, &app.guest()] {
        let answer = viewer.get(&format!("/room/{token}")).await;
        answer.expect(200);
        let room = answer.data();
        assert_talk_room(room);
        assert_eq!(room["token"], token.as_str());
        assert_eq!(room["type"], 3);
        assert_eq!(room["hasPassword"], false);
        // Not listable: nothing beyond existence (upstream's formatter defaults).
        assert_eq!(room["name"], "");
        assert_eq!(room["displayName"], "");
        assert_eq!(room["description"], "");
        assert_eq!(room["readOnly"], 0);
        assert_eq!(room["participantType"], 4);
        assert_eq!(room["attendeeId"], 0);
        assert_eq!(room["sessionId"], "0");
        assert_eq!(room["permissions"], 1);
        assert_eq!(room["defaultPermissions"], 1);
        assert_eq!(room["notificationLevel"], 3);
        assert_eq!(room["canDeleteConversation"], false);
        assert!(room.get("lastMessage").is_none());
    }
    // Looking does not make anyone a member.
    assert!(bob.room_tokens().await.is_empty());
    assert_eq!(alice.participants(&token).await.len(), 1);
}

#[tokio::test]
async fn listable_room_is_visible_to_users_with_its_listing_but_not_to_anonymous_guests() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    for scope in [1, 2] {
        let answer = alice
            .post(
                "/room",
                json!({
                    "roomType": 2,
                    "roomName": format!("Listed {scope}"),
                    "listable": scope,
                    "description": "About",
                    "lobbyState": 1,
                    "messageExpiration": 60,
                }),
            )
            .await;
        answer.expect(201);
        let token = answer.data()["token"].as_str().unwrap();

        let seen = bob.get(&format!("/room/{token}")).await;
        seen.expect(200);
        let room = seen.data();
        assert_eq!(room["listable"], scope);
        assert_eq!(room["name"], format!("Listed {scope}"));
        assert_eq!(room["description"], "About");
        assert_eq!(room["lobbyState"], 1);
        assert_eq!(room["participantType"], 4);
        assert_eq!(room["messageExpiration"], 0);
        assert!(room.get("lastMessage").is_none());
        app.guest()
            .get(&format!("/room/{token}"))
            .await
            .expect_empty(404);
    }
}

// ---------------------------------------------------------------- delete

#[tokio::test]
async fn moderator_deletes_a_room_and_it_is_gone_for_everyone() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Doomed").await;
    alice.add(&token, "bob").await;

    let answer = alice.delete(&format!("/room/{token}"), json!({})).await;
    answer.expect(200);
    assert_eq!(answer.data(), &Value::Null);

    alice.get(&format!("/room/{token}")).await.expect_empty(404);
    bob.get(&format!("/room/{token}")).await.expect_empty(404);
    assert!(alice.room_tokens().await.is_empty());
    assert!(bob.room_tokens().await.is_empty());
    assert!(app.stored_room(&token).await.is_none());
    alice
        .delete(&format!("/room/{token}"), json!({}))
        .await
        .expect(404);
}

#[tokio::test]
async fn promoted_moderator_may_delete_a_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Shared").await;
    alice.add(&token, "bob").await;
    let bob_attendee = alice.attendee_id(&token, "bob").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob_attendee}),
        )
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["canDeleteConversation"], true);
    bob.delete(&format!("/room/{token}"), json!({}))
        .await
        .expect(200);
    assert!(app.stored_room(&token).await.is_none());
}

#[tokio::test]
async fn normal_member_cannot_delete_a_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Kept").await;
    alice.add(&token, "bob").await;
    assert_eq!(bob.room(&token).await["canDeleteConversation"], false);
    bob.delete(&format!("/room/{token}"), json!({}))
        .await
        .expect(403);
    assert_eq!(alice.room(&token).await["name"], "Kept");
    assert_eq!(alice.participants(&token).await.len(), 2);
}

#[tokio::test]
async fn non_member_delete_is_404_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Kept").await;
    bob.delete(&format!("/room/{token}"), json!({}))
        .await
        .expect_empty(404);
    app.guest()
        .delete(&format!("/room/{token}"), json!({}))
        .await
        .expect(404);
    assert_eq!(alice.room(&token).await["name"], "Kept");
}

#[tokio::test]
async fn one_to_one_room_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let answer = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let token = answer.data()["token"].as_str().unwrap();
    alice
        .delete(&format!("/room/{token}"), json!({}))
        .await
        .expect_error(400, "type");
    assert_eq!(alice.room(token).await["type"], 1);
}

// ---------------------------------------------------------------- listed rooms

#[tokio::test]
async fn listed_rooms_are_listable_rooms_the_user_is_not_in() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let mut tokens = Vec::new();
    for (name, listable) in [("Users only", 1), ("Hidden", 0), ("Everyone", 2)] {
        let answer = alice
            .post(
                "/room",
                json!({"roomType": 2, "roomName": name, "listable": listable}),
            )
            .await;
        answer.expect(201);
        tokens.push(answer.data()["token"].as_str().unwrap().to_owned());
    }

    let answer = bob.get("/listed-room").await;
    answer.expect(200);
    let listed = answer.data().as_array().unwrap();
    let mut found: Vec<&str> = listed
        .iter()
        .map(|r| r["token"].as_str().unwrap())
        .collect();
    found.sort_unstable();
    let mut expected = vec![tokens[0].as_str(), tokens[2].as_str()];
    expected.sort_unstable();
    assert_eq!(found, expected);
    for room in listed {
        assert_talk_room(room);
        assert_eq!(room["participantType"], 4);
    }

    let searched = bob.get("/listed-room?searchTerm=every").await;
    searched.expect(200);
    assert_eq!(searched.data().as_array().unwrap().len(), 1);
    assert_eq!(searched.data()[0]["name"], "Everyone");

    // Members do not see their own rooms as "listed".
    let own = alice.get("/listed-room").await;
    own.expect(200);
    assert_eq!(own.data(), &json!([]));
}

#[tokio::test]
async fn listed_rooms_need_a_user() {
    let app = TestApp::spawn().await;
    app.guest().get("/listed-room").await.expect(401);
}
