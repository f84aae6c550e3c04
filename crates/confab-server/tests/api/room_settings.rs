//! Conversation settings (v4): name, description, guests, password, read-only, listable, lobby,
//! default permissions, message expiration, and the caller's own flags and notification levels.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};

/// A group room of alice's with bob as a normal member.
async fn shared_room(app: &TestApp) -> (Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    (alice, bob, token)
}

async fn one_to_one(alice: &Client, other: &str) -> String {
    let answer = alice
        .post("/room", json!({"roomType": 1, "invite": other}))
        .await;
    answer.expect(201);
    answer.data()["token"].as_str().unwrap().to_owned()
}

/// The system messages after the ones that set the room up.
async fn new_messages(app: &TestApp, token: &str, setup: usize) -> Vec<String> {
    Client::system_messages(app, token).await.split_off(setup)
}

// ---------------------------------------------------------------- rename

#[tokio::test]
async fn moderator_renames_a_room_and_it_is_recorded() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let answer = alice
        .put(
            &format!("/room/{token}"),
            json!({"roomName": "  Renamed  "}),
        )
        .await;
    answer.expect(200);
    assert_eq!(alice.room(&token).await["name"], "Renamed");
    assert_eq!(bob.room(&token).await["displayName"], "Renamed");

    let messages = app.messages(&token).await;
    let renamed = messages.last().unwrap();
    assert_eq!(renamed.system_message, "conversation_renamed");
    assert_eq!(renamed.parameters["oldName"], "Team");
    assert_eq!(renamed.parameters["newName"], "Renamed");
    assert_eq!(renamed.actor_id, "alice");
    let last = &bob.room(&token).await["lastMessage"];
    assert_eq!(
        last["message"],
        "{actor} renamed the conversation from \"Team\" to \"Renamed\""
    );
}

#[tokio::test]
async fn renaming_to_the_same_name_records_nothing() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    alice
        .put(&format!("/room/{token}"), json!({"roomName": "Team"}))
        .await
        .expect(200);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn rename_with_blank_name_is_400_value_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .put(&format!("/room/{token}"), json!({"roomName": "   "}))
        .await
        .expect_error(400, "value");
    alice
        .put(&format!("/room/{token}"), json!({}))
        .await
        .expect_error(400, "value");
    alice
        .put(
            &format!("/room/{token}"),
            json!({"roomName": "n".repeat(256)}),
        )
        .await
        .expect_error(400, "value");
    let room = alice.get(&format!("/room/{token}")).await;
    assert_eq!(room.data()["name"], "Team");
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn normal_member_cannot_rename_a_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    let answer = bob
        .put(&format!("/room/{token}"), json!({"roomName": "Mine now"}))
        .await;
    answer.expect_empty(403);
    assert_eq!(alice.room(&token).await["name"], "Team");
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn non_member_rename_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_room("Team").await;
    carol
        .put(&format!("/room/{token}"), json!({"roomName": "Hijack"}))
        .await
        .expect_empty(404);
    assert_eq!(alice.room(&token).await["name"], "Team");
}

#[tokio::test]
async fn one_to_one_room_cannot_be_renamed() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let token = one_to_one(&alice, "bob").await;
    alice
        .put(&format!("/room/{token}"), json!({"roomName": "Us"}))
        .await
        .expect_error(400, "type");
    assert_eq!(alice.room(&token).await["name"], "bob");
}

// ---------------------------------------------------------------- description

#[tokio::test]
async fn description_is_set_and_removed_with_system_messages() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    let path = format!("/room/{token}/description");

    alice
        .put(&path, json!({"description": "What we do"}))
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["description"], "What we do");
    alice
        .put(&path, json!({"description": ""}))
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["description"], "");
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["description_set", "description_removed"]
    );
}

#[tokio::test]
async fn description_of_2000_characters_fits_and_2001_is_400_value() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/description");
    alice
        .put(&path, json!({"description": "ä".repeat(2000)}))
        .await
        .expect(200);
    let setup = Client::system_messages(&app, &token).await;
    alice
        .put(&path, json!({"description": "x".repeat(2001)}))
        .await
        .expect_error(400, "value");
    assert_eq!(alice.room(&token).await["description"], "ä".repeat(2000));
    assert_eq!(Client::system_messages(&app, &token).await, setup);
}

#[tokio::test]
async fn normal_member_cannot_set_the_description() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    bob.put(
        &format!("/room/{token}/description"),
        json!({"description": "Mine"}),
    )
    .await
    .expect(403);
    assert_eq!(alice.room(&token).await["description"], "");
}

// ---------------------------------------------------------------- public / private

#[tokio::test]
async fn room_is_made_public_and_private_again_with_system_messages() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    let path = format!("/room/{token}/public");

    alice.post(&path, json!({})).await.expect(200);
    assert_eq!(bob.room(&token).await["type"], 3);
    app.guest().get(&format!("/room/{token}")).await.expect(200);

    // Again: nothing changes and nothing is recorded.
    alice.post(&path, json!({})).await.expect(200);

    alice.delete(&path, json!({})).await.expect(200);
    assert_eq!(bob.room(&token).await["type"], 2);
    app.guest().get(&format!("/room/{token}")).await.expect(404);
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["guests_allowed", "guests_disallowed"]
    );
}

#[tokio::test]
async fn making_a_room_private_removes_guests_and_self_joined_users() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    alice.add(&token, "bob").await;
    carol.join(&token, json!({})).await.expect(200);
    let guest = app.guest();
    let joined = guest.join(&token, json!({})).await;
    let guest_id = joined.data()["attendeeId"].as_i64().unwrap();
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": guest_id}),
        )
        .await
        .expect(200);
    assert_eq!(alice.participants(&token).await.len(), 4);

    alice
        .delete(&format!("/room/{token}/public"), json!({}))
        .await
        .expect(200);
    let mut left: Vec<String> = alice
        .participants(&token)
        .await
        .iter()
        .map(|p| p["actorId"].as_str().unwrap().to_owned())
        .collect();
    left.sort();
    assert_eq!(left, vec!["alice", "bob"]);
    carol.get(&format!("/room/{token}")).await.expect(404);
    guest.get(&format!("/room/{token}")).await.expect(404);
    assert_eq!(bob.room(&token).await["type"], 2);
    let messages = Client::system_messages(&app, &token).await;
    assert_eq!(messages.last().unwrap(), "guests_disallowed");
}

#[tokio::test]
async fn room_is_made_public_with_a_password_in_one_step() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    alice
        .post(
            &format!("/room/{token}/public"),
            json!({"password": "secret123"}),
        )
        .await
        .expect(200);
    let room = alice.room(&token).await;
    assert_eq!(room["type"], 3);
    assert_eq!(room["hasPassword"], true);
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["guests_allowed", "password_set"]
    );
    let guest = app.guest();
    guest
        .join(&token, json!({"password": "wrong"}))
        .await
        .expect_error(403, "password");
    guest
        .join(&token, json!({"password": "secret123"}))
        .await
        .expect(200);
}

#[tokio::test]
async fn one_to_one_room_cannot_be_made_public() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let token = one_to_one(&alice, "bob").await;
    alice
        .post(&format!("/room/{token}/public"), json!({}))
        .await
        .expect_error(400, "type");
    assert_eq!(alice.room(&token).await["type"], 1);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn normal_member_cannot_make_a_room_public() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    bob.post(&format!("/room/{token}/public"), json!({}))
        .await
        .expect(403);
    assert_eq!(alice.room(&token).await["type"], 2);
}

#[tokio::test]
async fn guests_cannot_make_a_public_room_private() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    guest
        .delete(&format!("/room/{token}/public"), json!({}))
        .await
        .expect(401);
    assert_eq!(alice.room(&token).await["type"], 3);
}

// ---------------------------------------------------------------- password

#[tokio::test]
async fn password_is_set_and_removed_on_a_public_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let path = format!("/room/{token}/password");

    alice
        .put(&path, json!({"password": "secret123"}))
        .await
        .expect(200);
    assert_eq!(alice.room(&token).await["hasPassword"], true);
    assert_eq!(
        app.guest().get(&format!("/room/{token}")).await.data()["hasPassword"],
        true
    );
    alice.put(&path, json!({"password": ""})).await.expect(200);
    assert_eq!(alice.room(&token).await["hasPassword"], false);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created", "password_set", "password_removed"]
    );
}

#[tokio::test]
async fn password_on_a_group_room_is_400_type() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    alice
        .put(
            &format!("/room/{token}/password"),
            json!({"password": "secret123"}),
        )
        .await
        .expect_error(400, "type");
    assert_eq!(alice.room(&token).await["hasPassword"], false);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn normal_member_cannot_set_a_password() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    alice.add(&token, "bob").await;
    bob.put(
        &format!("/room/{token}/password"),
        json!({"password": "secret123"}),
    )
    .await
    .expect(403);
    assert_eq!(alice.room(&token).await["hasPassword"], false);
}

// ---------------------------------------------------------------- read-only

#[tokio::test]
async fn read_only_is_switched_on_and_off_with_system_messages() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    let path = format!("/room/{token}/read-only");
    alice.put(&path, json!({"state": 1})).await.expect(200);
    assert_eq!(bob.room(&token).await["readOnly"], 1);
    alice.put(&path, json!({"state": 0})).await.expect(200);
    assert_eq!(bob.room(&token).await["readOnly"], 0);
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["read_only", "read_only_off"]
    );
}

#[tokio::test]
async fn read_only_state_2_is_400_value() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    let path = format!("/room/{token}/read-only");
    alice
        .put(&path, json!({"state": 2}))
        .await
        .expect_error(400, "value");
    assert_eq!(alice.room(&token).await["readOnly"], 0);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn normal_member_cannot_lock_a_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    bob.put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(403);
    assert_eq!(alice.room(&token).await["readOnly"], 0);
}

// ---------------------------------------------------------------- listable

#[tokio::test]
async fn listable_scope_changes_are_recorded() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    let path = format!("/room/{token}/listable");
    for scope in [1, 2, 0] {
        alice.put(&path, json!({"scope": scope})).await.expect(200);
        assert_eq!(bob.room(&token).await["listable"], scope);
    }
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["listable_users", "listable_all", "listable_none"]
    );
}

#[tokio::test]
async fn listable_scope_3_is_400_value() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    alice
        .put(&format!("/room/{token}/listable"), json!({"scope": 3}))
        .await
        .expect_error(400, "value");
    assert_eq!(alice.room(&token).await["listable"], 0);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn normal_member_cannot_make_a_room_listable() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    bob.put(&format!("/room/{token}/listable"), json!({"scope": 2}))
        .await
        .expect(403);
    assert_eq!(alice.room(&token).await["listable"], 0);
}

// ---------------------------------------------------------------- own flags

#[tokio::test]
async fn favorite_archive_important_and_sensitive_are_per_participant() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let flags = [
        ("favorite", "isFavorite"),
        ("archive", "isArchived"),
        ("important", "isImportant"),
        ("sensitive", "isSensitive"),
    ];
    for (path, field) in flags {
        let path = format!("/room/{token}/{path}");
        assert_eq!(bob.room(&token).await[field], false);
        bob.post(&path, json!({})).await.expect(200);
        assert_eq!(bob.room(&token).await[field], true, "{field}");
        assert_eq!(alice.room(&token).await[field], false, "{field}");
        bob.delete(&path, json!({})).await.expect(200);
        assert_eq!(bob.room(&token).await[field], false, "{field}");
    }
}

#[tokio::test]
async fn archive_important_and_sensitive_answer_the_room() {
    let app = TestApp::spawn().await;
    let (_alice, bob, token) = shared_room(&app).await;
    for (path, field) in [
        ("archive", "isArchived"),
        ("important", "isImportant"),
        ("sensitive", "isSensitive"),
    ] {
        let answer = bob.post(&format!("/room/{token}/{path}"), json!({})).await;
        answer.expect(200);
        assert_eq!(answer.data()["token"], token.as_str());
        assert_eq!(answer.data()[field], true);
    }
}

#[tokio::test]
async fn favorite_shows_in_the_room_list() {
    let app = TestApp::spawn().await;
    let (_alice, bob, token) = shared_room(&app).await;
    bob.post(&format!("/room/{token}/favorite"), json!({}))
        .await
        .expect(200);
    let list = bob.get("/room").await;
    assert_eq!(list.data()[0]["isFavorite"], true);
}

#[tokio::test]
async fn flags_of_a_room_you_are_not_in_are_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    for path in ["favorite", "archive", "important", "sensitive"] {
        carol
            .post(&format!("/room/{token}/{path}"), json!({}))
            .await
            .expect(404);
    }
    app.guest()
        .post(&format!("/room/{token}/favorite"), json!({}))
        .await
        .expect(401);
}

// ---------------------------------------------------------------- notifications

#[tokio::test]
async fn notification_level_is_set_per_participant() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    assert_eq!(bob.room(&token).await["notificationLevel"], 2);
    for level in [1, 3, 2] {
        bob.post(&format!("/room/{token}/notify"), json!({"level": level}))
            .await
            .expect(200);
        assert_eq!(bob.room(&token).await["notificationLevel"], level);
    }
    bob.post(&format!("/room/{token}/notify"), json!({"level": 1}))
        .await
        .expect(200);
    assert_eq!(alice.room(&token).await["notificationLevel"], 2);
    // 0 means "default", which is 2 in group rooms.
    bob.post(&format!("/room/{token}/notify"), json!({"level": 0}))
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["notificationLevel"], 2);
}

#[tokio::test]
async fn notification_level_outside_0_to_3_is_400_level() {
    let app = TestApp::spawn().await;
    let (_alice, bob, token) = shared_room(&app).await;
    bob.post(&format!("/room/{token}/notify"), json!({"level": 1}))
        .await
        .expect(200);
    for level in [4, -1] {
        bob.post(&format!("/room/{token}/notify"), json!({"level": level}))
            .await
            .expect_error(400, "level");
    }
    assert_eq!(bob.room(&token).await["notificationLevel"], 1);
}

#[tokio::test]
async fn notification_level_of_a_room_you_are_not_in_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_room("Team").await;
    carol
        .post(&format!("/room/{token}/notify"), json!({"level": 9}))
        .await
        .expect(404);
}

#[tokio::test]
async fn call_notifications_are_switched_per_participant() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/notify-calls");
    assert_eq!(bob.room(&token).await["notificationCalls"], 1);
    bob.post(&path, json!({"level": 0})).await.expect(200);
    assert_eq!(bob.room(&token).await["notificationCalls"], 0);
    assert_eq!(alice.room(&token).await["notificationCalls"], 1);
    bob.post(&path, json!({"level": 2}))
        .await
        .expect_error(400, "level");
    assert_eq!(bob.room(&token).await["notificationCalls"], 0);
    bob.post(&path, json!({"level": 1})).await.expect(200);
    assert_eq!(bob.room(&token).await["notificationCalls"], 1);
}

// ---------------------------------------------------------------- lobby

#[tokio::test]
async fn lobby_is_switched_with_system_messages_and_answers_the_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    let path = format!("/room/{token}/webinar/lobby");

    let on = alice.put(&path, json!({"state": 1})).await;
    on.expect(200);
    assert_eq!(on.data()["token"], token.as_str());
    assert_eq!(on.data()["lobbyState"], 1);
    assert_eq!(on.data()["lobbyTimer"], 0);
    let seen = bob.room(&token).await;
    assert_eq!(seen["lobbyState"], 1);
    assert!(
        seen.get("lastMessage").is_none(),
        "lobby hides chat: {seen}"
    );

    let off = alice.put(&path, json!({"state": 0})).await;
    off.expect(200);
    assert_eq!(off.data()["lobbyState"], 0);
    assert!(bob.room(&token).await.get("lastMessage").is_some());
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["lobby_non_moderators", "lobby_none"]
    );
}

#[tokio::test]
async fn lobby_timer_is_kept_while_the_lobby_is_on() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let timer = 4_000_000_000_i64;
    let answer = alice
        .put(
            &format!("/room/{token}/webinar/lobby"),
            json!({"state": 1, "timer": timer}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["lobbyTimer"], timer);
    assert_eq!(alice.room(&token).await["lobbyTimer"], timer);
    let off = alice
        .put(
            &format!("/room/{token}/webinar/lobby"),
            json!({"state": 0, "timer": timer}),
        )
        .await;
    assert_eq!(off.data()["lobbyTimer"], 0);
}

#[tokio::test]
async fn lobby_rejects_bad_states_and_normal_members() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/webinar/lobby");
    alice
        .put(&path, json!({"state": 2}))
        .await
        .expect_error(400, "value");
    bob.put(&path, json!({"state": 1})).await.expect(403);
    assert_eq!(alice.room(&token).await["lobbyState"], 0);
}

// ---------------------------------------------------------------- default permissions

#[tokio::test]
async fn default_permissions_apply_to_members_and_answer_the_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    assert_eq!(bob.room(&token).await["permissions"], 246);
    let answer = alice
        .put(
            &format!("/room/{token}/permissions/default"),
            json!({"permissions": 128}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["token"], token.as_str());
    assert_eq!(answer.data()["defaultPermissions"], 129);
    assert_eq!(answer.data()["permissions"], 254);
    assert_eq!(bob.room(&token).await["permissions"], 129);
    assert_eq!(alice.participant(&token, "bob").await["permissions"], 129);

    alice
        .put(
            &format!("/room/{token}/permissions/default"),
            json!({"permissions": 0}),
        )
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["permissions"], 246);
    assert_eq!(bob.room(&token).await["defaultPermissions"], 0);
}

#[tokio::test]
async fn call_permissions_mode_is_400_mode() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    for mode in ["call", "other"] {
        alice
            .put(
                &format!("/room/{token}/permissions/{mode}"),
                json!({"permissions": 128}),
            )
            .await
            .expect_error(400, "mode");
    }
    assert_eq!(alice.room(&token).await["defaultPermissions"], 0);
}

#[tokio::test]
async fn default_permissions_refuse_out_of_range_values_and_normal_members() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/permissions/default");
    alice
        .put(&path, json!({"permissions": 256}))
        .await
        .expect_error(400, "value");
    bob.put(&path, json!({"permissions": 128}))
        .await
        .expect(403);
    assert_eq!(alice.room(&token).await["defaultPermissions"], 0);
}

#[tokio::test]
async fn changing_default_permissions_resets_custom_attendee_permissions() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 4}),
        )
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["permissions"], 5);
    alice
        .put(
            &format!("/room/{token}/permissions/default"),
            json!({"permissions": 128}),
        )
        .await
        .expect(200);
    let entry = alice.participant(&token, "bob").await;
    assert_eq!(entry["attendeePermissions"], 0);
    assert_eq!(entry["permissions"], 129);
}

// ---------------------------------------------------------------- message expiration

#[tokio::test]
async fn message_expiration_is_enabled_and_disabled_with_system_messages() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/message-expiration");
    alice
        .post(&path, json!({"seconds": 3600}))
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["messageExpiration"], 3600);
    alice.post(&path, json!({"seconds": 0})).await.expect(200);
    assert_eq!(bob.room(&token).await["messageExpiration"], 0);

    let messages = app.messages(&token).await;
    let tail: Vec<(&str, Value)> = messages
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(|m| (m.system_message.as_str(), m.parameters["seconds"].clone()))
        .collect();
    assert_eq!(
        tail,
        vec![
            ("message_expiration_enabled", json!(3600)),
            ("message_expiration_disabled", Value::Null)
        ]
    );
}

#[tokio::test]
async fn message_expiration_refuses_negative_seconds_and_normal_members() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/message-expiration");
    let before = Client::system_messages(&app, &token).await;
    alice
        .post(&path, json!({"seconds": -1}))
        .await
        .expect_error(400, "value");
    bob.post(&path, json!({"seconds": 60})).await.expect(403);
    assert_eq!(alice.room(&token).await["messageExpiration"], 0);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn message_expiration_is_bounded_and_the_longest_one_still_expires_messages() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let path = format!("/room/{token}/message-expiration");
    for seconds in [
        json!(i64::MAX),
        json!(2_147_483_648_i64),
        json!("9223372036854775807"),
    ] {
        alice
            .post(&path, json!({"seconds": seconds}))
            .await
            .expect_error(400, "value");
    }
    assert_eq!(alice.room(&token).await["messageExpiration"], 0);

    alice
        .post(&path, json!({"seconds": 2_147_483_647_i64}))
        .await
        .expect(200);
    let sent = alice
        .post(
            &format!("/ocs/v2.php/apps/spreed/api/v1/chat/{token}"),
            json!({"message": "far future"}),
        )
        .await;
    sent.expect(201);
    let data = sent.data();
    assert_eq!(
        data["expirationTimestamp"].as_i64().unwrap(),
        data["timestamp"].as_i64().unwrap() + 2_147_483_647
    );
}

// ---------------------------------------------------------------- form bodies

#[tokio::test]
async fn settings_accept_form_bodies() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    alice
        .send_form(
            Method::PUT,
            &format!("/room/{token}/description"),
            &[("description", "Formed description")],
        )
        .await
        .expect(200);
    alice
        .send_form(
            Method::PUT,
            &format!("/room/{token}/read-only"),
            &[("state", "1")],
        )
        .await
        .expect(200);
    bob.send_form(
        Method::POST,
        &format!("/room/{token}/notify"),
        &[("level", "3")],
    )
    .await
    .expect(200);
    let room = bob.room(&token).await;
    assert_eq!(room["description"], "Formed description");
    assert_eq!(room["readOnly"], 1);
    assert_eq!(room["notificationLevel"], 3);
}
