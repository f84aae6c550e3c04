//! Participants API (v4): the participant list, adding and removing attendees, leaving,
//! sessions, moderators, attendee permissions and guest names.

use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use crate::helpers::{Client, TestApp};

/// Fields of every participant list entry (upstream's `Participant` schema).
const PARTICIPANT_FIELDS: &[&str] = &[
    "roomToken",
    "inCall",
    "lastPing",
    "sessionIds",
    "participantType",
    "attendeeId",
    "actorId",
    "actorType",
    "displayName",
    "permissions",
    "attendeePermissions",
    "attendeePin",
    "phoneNumber",
    "callId",
];

const GUEST_NAME: &str = "/ocs/v2.php/apps/spreed/api/v1/guest";

/// A group room of alice's with bob as a normal member.
async fn shared_room(app: &TestApp) -> (Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    (alice, bob, token)
}

async fn actor_ids(client: &Client, token: &str) -> Vec<String> {
    let mut ids: Vec<String> = client
        .participants(token)
        .await
        .iter()
        .map(|p| p["actorId"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sha1_hex(s: &str) -> String {
    hex::encode(Sha1::digest(s.as_bytes()))
}

// ---------------------------------------------------------------- list

#[tokio::test]
async fn participant_list_describes_every_attendee() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let answer = alice.get(&format!("/room/{token}/participants")).await;
    answer.expect(200);
    let entries = answer.data().as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for entry in entries {
        for field in PARTICIPANT_FIELDS {
            assert!(entry.get(field).is_some(), "missing {field} in {entry}");
        }
        assert_eq!(entry["roomToken"], token.as_str());
        assert_eq!(entry["actorType"], "users");
        assert_eq!(entry["inCall"], 0);
        assert_eq!(entry["sessionIds"], json!([]));
        assert_eq!(entry["attendeePermissions"], 0);
        assert!(entry["attendeeId"].as_i64().unwrap() > 0);
    }
    let alice_entry = entries.iter().find(|e| e["actorId"] == "alice").unwrap();
    assert_eq!(alice_entry["participantType"], 1);
    assert_eq!(alice_entry["permissions"], 254);
    assert_eq!(alice_entry["displayName"], "alice display");
    let bob_entry = entries.iter().find(|e| e["actorId"] == "bob").unwrap();
    assert_eq!(bob_entry["participantType"], 3);
    assert_eq!(bob_entry["permissions"], 246);
    assert_eq!(bob_entry["displayName"], "bob display");
}

#[tokio::test]
async fn joined_sessions_show_in_the_participant_list() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let joined = bob.join(&token, json!({})).await;
    joined.expect(200);
    let session = joined.data()["sessionId"].as_str().unwrap().to_owned();
    let entry = alice.participant(&token, "bob").await;
    assert_eq!(entry["sessionIds"], json!([session]));
    assert!(entry["lastPing"].as_i64().unwrap() > 0);
    assert_eq!(
        alice.participant(&token, "alice").await["sessionIds"],
        json!([])
    );
}

#[tokio::test]
async fn lobby_keeps_normal_members_out_of_the_participant_list() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
    bob.get(&format!("/room/{token}/participants"))
        .await
        .expect_empty(412);
    alice.participants(&token).await;

    // Permission to ignore the lobby lets them in again.
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "add", "permissions": 8}),
        )
        .await
        .expect(200);
    assert_eq!(bob.participants(&token).await.len(), 2);
}

#[tokio::test]
async fn lobby_still_lets_members_join_and_see_the_room() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
    let joined = bob.join(&token, json!({})).await;
    joined.expect(200);
    assert_eq!(joined.data()["lobbyState"], 1);
    assert_ne!(joined.data()["sessionId"], "0");
    assert!(bob.room_tokens().await.contains(&token));
}

#[tokio::test]
async fn non_member_participant_list_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    carol
        .get(&format!("/room/{token}/participants"))
        .await
        .expect_empty(404);
    app.guest()
        .get(&format!("/room/{token}/participants"))
        .await
        .expect_empty(404);
}

#[tokio::test]
async fn guests_may_not_list_participants() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    guest
        .get(&format!("/room/{token}/participants"))
        .await
        .expect(403);
}

// ---------------------------------------------------------------- add

#[tokio::test]
async fn moderator_adds_a_user_with_user_added() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    let answer = alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "bob", "source": "users"}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data(), &json!([]));
    assert_eq!(bob.room(&token).await["participantType"], 3);

    let messages = app.messages(&token).await;
    let added = messages.last().unwrap();
    assert_eq!(added.system_message, "user_added");
    assert_eq!(added.actor_id, "alice");
    assert_eq!(added.parameters["user"]["id"], "bob");
    assert_eq!(added.parameters["user"]["type"], "user");
    assert_eq!(
        bob.room(&token).await["lastMessage"]["message"],
        "{actor} added you"
    );
}

#[tokio::test]
async fn source_defaults_to_users() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "bob"}),
        )
        .await
        .expect(200);
    bob.room(&token).await;
}

#[tokio::test]
async fn re_adding_a_member_changes_nothing() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    alice.add(&token, "bob").await;
    alice.add(&token, "alice").await;
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
    assert_eq!(
        alice.participant(&token, "alice").await["participantType"],
        1
    );
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn adding_a_self_joined_user_makes_them_a_regular_user() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    bob.join(&token, json!({})).await.expect(200);
    assert_eq!(alice.participant(&token, "bob").await["participantType"], 5);
    alice.add(&token, "bob").await;
    assert_eq!(alice.participant(&token, "bob").await["participantType"], 3);
    assert_eq!(alice.participants(&token).await.len(), 2);
}

#[tokio::test]
async fn adding_an_unknown_user_is_404_new_participant() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "ghost", "source": "users"}),
        )
        .await
        .expect_error(404, "new-participant");
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn adding_a_group_adds_its_members_with_group_added() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    app.user("carol").await;
    app.user("dave").await;
    app.group("team", &["bob", "carol", "dave"]).await;
    let setup = Client::system_messages(&app, &token).await.len();

    let answer = alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "team", "source": "groups"}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data(), &json!([]));
    assert_eq!(
        actor_ids(&alice, &token).await,
        vec!["alice", "bob", "carol", "dave"]
    );
    let messages = app.messages(&token).await.split_off(setup);
    let names: Vec<&str> = messages.iter().map(|m| m.system_message.as_str()).collect();
    assert_eq!(names, vec!["group_added", "user_added", "user_added"]);
    assert_eq!(messages[0].parameters["group"]["id"], "team");
    assert_eq!(messages[0].parameters["group"]["type"], "user-group");
}

#[tokio::test]
async fn adding_an_unknown_group_is_404_new_participant() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "nogroup", "source": "groups"}),
        )
        .await
        .expect_error(404, "new-participant");
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn adding_an_email_makes_a_group_room_public_and_invites_a_guest() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let setup = Client::system_messages(&app, &token).await.len();
    let answer = alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "Guest@Example.com", "source": "emails"}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data(), &json!({"type": 3}));
    assert_eq!(alice.room(&token).await["type"], 3);

    let participants = alice.participants(&token).await;
    let guest = participants
        .iter()
        .find(|p| p["actorType"] == "emails")
        .expect("email guest listed");
    assert_eq!(guest["participantType"], 4);
    assert_eq!(guest["actorId"].as_str().unwrap().len(), 64);
    assert_eq!(guest["invitedActorId"], "Guest@Example.com");
    // Only moderators see the address.
    let seen_by_bob = bob.participants(&token).await;
    let guest_for_bob = seen_by_bob
        .iter()
        .find(|p| p["actorType"] == "emails")
        .unwrap();
    assert!(guest_for_bob.get("invitedActorId").is_none());
    assert_eq!(
        new_messages(&app, &token, setup).await,
        vec!["guests_allowed"]
    );

    // A public room stays as it is, and the same address is not added twice.
    let again = alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "guest@example.com", "source": "emails"}),
        )
        .await;
    again.expect(200);
    assert_eq!(again.data(), &json!([]));
    assert_eq!(alice.participants(&token).await.len(), 3);
}

async fn new_messages(app: &TestApp, token: &str, setup: usize) -> Vec<String> {
    Client::system_messages(app, token).await.split_off(setup)
}

#[tokio::test]
async fn adding_a_circle_is_400_source() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    for source in ["circles", "teams", "federated_users", "phones", "bogus"] {
        alice
            .post(
                &format!("/room/{token}/participants"),
                json!({"newParticipant": "x", "source": source}),
            )
            .await
            .expect_error(400, "source");
    }
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
}

#[tokio::test]
async fn one_to_one_room_refuses_new_participants_with_400_room_type() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    app.user("carol").await;
    let answer = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let token = answer.data()["token"].as_str().unwrap();
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "carol", "source": "users"}),
        )
        .await
        .expect_error(400, "room-type");
    assert_eq!(actor_ids(&alice, token).await, vec!["alice", "bob"]);
}

#[tokio::test]
async fn normal_member_cannot_add_participants() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    app.user("carol").await;
    bob.post(
        &format!("/room/{token}/participants"),
        json!({"newParticipant": "carol", "source": "users"}),
    )
    .await
    .expect_empty(403);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
}

// ---------------------------------------------------------------- remove

#[tokio::test]
async fn moderator_removes_a_user_with_user_removed() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let answer = alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": bob_id}),
        )
        .await;
    answer.expect(200);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    bob.get(&format!("/room/{token}")).await.expect(404);
    let messages = app.messages(&token).await;
    let removed = messages.last().unwrap();
    assert_eq!(removed.system_message, "user_removed");
    assert_eq!(removed.parameters["user"]["id"], "bob");
    assert_eq!(removed.actor_id, "alice");
}

#[tokio::test]
async fn removing_the_owner_is_403_owner() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob_id}),
        )
        .await
        .expect(200);
    let alice_id = alice.attendee_id(&token, "alice").await;
    let before = Client::system_messages(&app, &token).await;
    bob.delete(
        &format!("/room/{token}/attendees"),
        json!({"attendeeId": alice_id}),
    )
    .await
    .expect_error(403, "owner");
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn removing_an_unknown_attendee_is_404_participant() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": 999_999}),
        )
        .await
        .expect_error(404, "participant");
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
}

#[tokio::test]
async fn attendees_of_other_rooms_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let other = bob.create_room("Bob's").await;
    let bob_elsewhere = bob.attendee_id(&other, "bob").await;
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": bob_elsewhere}),
        )
        .await
        .expect_error(404, "participant");
    assert_eq!(actor_ids(&bob, &other).await, vec!["bob"]);
}

#[tokio::test]
async fn one_to_one_attendees_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let created = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let token = created.data()["token"].as_str().unwrap();
    let path = format!("/room/{token}/attendees");
    for actor in ["bob", "alice"] {
        let id = alice.attendee_id(token, actor).await;
        alice
            .delete(&path, json!({"attendeeId": id}))
            .await
            .expect_error(400, "room-type");
    }
    alice
        .delete(&path, json!({"attendeeId": 999_999}))
        .await
        .expect_error(404, "participant");
    assert_eq!(actor_ids(&alice, token).await, vec!["alice", "bob"]);
}

#[tokio::test]
async fn normal_member_cannot_remove_others() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    app.user("carol").await;
    alice.add(&token, "carol").await;
    let carol_id = alice.attendee_id(&token, "carol").await;
    bob.delete(
        &format!("/room/{token}/attendees"),
        json!({"attendeeId": carol_id}),
    )
    .await
    .expect(403);
    assert_eq!(
        actor_ids(&alice, &token).await,
        vec!["alice", "bob", "carol"]
    );
}

// ---------------------------------------------------------------- leave

#[tokio::test]
async fn last_moderator_cannot_leave_while_other_users_stay() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let before = Client::system_messages(&app, &token).await;
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect_error(400, "last-moderator");
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn normal_member_leaves_with_user_removed() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let answer = bob
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await;
    answer.expect(200);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    assert!(bob.room_tokens().await.is_empty());
    let messages = app.messages(&token).await;
    let left = messages.last().unwrap();
    assert_eq!(left.system_message, "user_removed");
    assert_eq!(left.actor_id, "bob");
    assert_eq!(left.parameters["user"]["id"], "bob");
    assert_eq!(
        alice.room(&token).await["lastMessage"]["message"],
        "{user} left the conversation"
    );
}

#[tokio::test]
async fn moderator_may_leave_when_another_moderator_stays() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob_id}),
        )
        .await
        .expect(200);
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert_eq!(actor_ids(&bob, &token).await, vec!["bob"]);
}

#[tokio::test]
async fn last_user_leaving_deletes_the_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Solo").await;
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert!(app.stored_room(&token).await.is_none());
    alice.get(&format!("/room/{token}")).await.expect(404);
}

#[tokio::test]
async fn last_invited_user_leaving_deletes_the_room_despite_visitors() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    bob.join(&token, json!({})).await.expect(200);
    app.guest().join(&token, json!({})).await.expect(200);
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert!(app.stored_room(&token).await.is_none());
    bob.get(&format!("/room/{token}")).await.expect(404);
}

#[tokio::test]
async fn visitors_do_not_keep_the_last_moderator_from_leaving_a_room_with_users() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    alice.add(&token, "bob").await;
    app.user("carol").await;
    app.login("carol", crate::helpers::PASSWORD)
        .join(&token, json!({}))
        .await
        .expect(200);
    // alice is the last moderator and bob stays: refused, whatever visitors there are.
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect_error(400, "last-moderator");
    // bob (a user) may leave; then alice is the only invited user and may go too.
    bob.delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    alice
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert!(app.stored_room(&token).await.is_none());
}

#[tokio::test]
async fn self_joined_user_leaves_silently() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    bob.join(&token, json!({})).await.expect(200);
    let before = Client::system_messages(&app, &token).await;
    bob.delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn removing_yourself_through_attendees_is_leaving() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let alice_id = alice.attendee_id(&token, "alice").await;
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": alice_id}),
        )
        .await
        .expect_error(400, "last-moderator");
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
}

#[tokio::test]
async fn leaving_a_room_you_are_not_in_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    carol
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(404);
    assert!(app.stored_room(&token).await.is_some());
}

// ---------------------------------------------------------------- join

#[tokio::test]
async fn member_joins_and_gets_a_session() {
    let app = TestApp::spawn().await;
    let (_alice, bob, token) = shared_room(&app).await;
    let answer = bob.join(&token, json!({})).await;
    answer.expect(200);
    let room = answer.data();
    assert_eq!(room["token"], token.as_str());
    assert_eq!(room["participantType"], 3);
    let session = room["sessionId"].as_str().unwrap();
    assert_ne!(session, "0");
    assert_eq!(session.len(), 255);
    assert!(room["lastPing"].as_i64().unwrap() > 0);
    // The same client keeps seeing its session.
    assert_eq!(bob.room(&token).await["sessionId"], session);
}

#[tokio::test]
async fn joining_again_from_the_same_client_replaces_the_session() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let first = bob.join(&token, json!({})).await;
    let second = bob.join(&token, json!({})).await;
    second.expect(200);
    assert_ne!(first.data()["sessionId"], second.data()["sessionId"]);
    assert_eq!(
        alice.participant(&token, "bob").await["sessionIds"],
        json!([second.data()["sessionId"]])
    );
}

#[tokio::test]
async fn guest_joins_a_public_room_and_keeps_the_identity_with_the_cookie() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();

    let answer = guest.join(&token, json!({})).await;
    answer.expect(200);
    let room = answer.data();
    assert_eq!(room["participantType"], 4);
    assert_eq!(room["actorType"], "guests");
    let session = room["sessionId"].as_str().unwrap();
    assert_eq!(session.len(), 255);
    assert_eq!(room["actorId"], sha1_hex(session));
    let attendee = room["attendeeId"].as_i64().unwrap();

    let again = guest.get(&format!("/room/{token}")).await;
    again.expect(200);
    assert_eq!(again.data()["attendeeId"], attendee);
    assert_eq!(again.data()["sessionId"], session);

    // Another browser is another guest.
    let other = app.guest();
    let theirs = other.join(&token, json!({})).await;
    theirs.expect(200);
    assert_ne!(theirs.data()["attendeeId"], attendee);

    let guests: Vec<Value> = alice
        .participants(&token)
        .await
        .into_iter()
        .filter(|p| p["actorType"] == "guests")
        .collect();
    assert_eq!(guests.len(), 2);
    assert!(guests.iter().all(|g| g["participantType"] == 4));
}

#[tokio::test]
async fn guests_cannot_join_group_rooms() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    app.guest().join(&token, json!({})).await.expect_empty(404);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
}

#[tokio::test]
async fn joining_an_unknown_room_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice.join("abcdefgh", json!({})).await.expect_empty(404);
    app.guest().join("abcdefgh", json!({})).await.expect(404);
}

#[tokio::test]
async fn wrong_room_password_is_403_and_throttles_the_next_attempt() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Locked").await;
    alice
        .put(
            &format!("/room/{token}/password"),
            json!({"password": "secret123"}),
        )
        .await
        .expect(200);
    let guest = app.guest();

    let wrong = guest.join(&token, json!({"password": "wrong"})).await;
    wrong.expect_error(403, "password");
    assert!(wrong.header("x-nextcloud-bruteforce-throttled").is_none());
    guest
        .join(&token, json!({}))
        .await
        .expect_error(403, "password");
    assert_eq!(alice.participants(&token).await.len(), 1);

    let right = guest.join(&token, json!({"password": "secret123"})).await;
    right.expect(200);
    assert!(right.header("x-nextcloud-bruteforce-throttled").is_some());
    assert_eq!(right.data()["participantType"], 4);

    // A successful join forgets the failures.
    let later = app
        .guest()
        .join(&token, json!({"password": "secret123"}))
        .await;
    later.expect(200);
    assert!(later.header("x-nextcloud-bruteforce-throttled").is_none());
}

#[tokio::test]
async fn guest_rejoins_a_password_room_from_the_same_browser_without_the_password() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let created = alice
        .post(
            "/room",
            json!({"roomType": 3, "roomName": "Locked", "password": "secret123"}),
        )
        .await;
    let token = created.data()["token"].as_str().unwrap();
    let guest = app.guest();
    let first = guest.join(token, json!({"password": "secret123"})).await;
    first.expect(200);
    let again = guest.join(token, json!({})).await;
    again.expect(200);
    assert_eq!(again.data()["attendeeId"], first.data()["attendeeId"]);
    // Another browser still needs it.
    app.guest()
        .join(token, json!({}))
        .await
        .expect_error(403, "password");
}

#[tokio::test]
async fn members_join_a_password_room_without_the_password() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Locked").await;
    alice.add(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/password"),
            json!({"password": "secret123"}),
        )
        .await
        .expect(200);
    alice.join(&token, json!({})).await.expect(200);
    bob.join(&token, json!({})).await.expect(200);
}

#[tokio::test]
async fn users_self_join_public_rooms_as_type_5_silently() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    let answer = bob.join(&token, json!({})).await;
    answer.expect(200);
    assert_eq!(answer.data()["participantType"], 5);
    assert_eq!(answer.data()["actorId"], "bob");
    assert_eq!(bob.room_tokens().await, vec![token.clone()]);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
}

#[tokio::test]
async fn users_self_join_a_public_room_with_its_password_only() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let answer = alice
        .post(
            "/room",
            json!({"roomType": 3, "roomName": "Locked", "password": "secret123"}),
        )
        .await;
    let token = answer.data()["token"].as_str().unwrap();
    bob.join(token, json!({"password": "nope"}))
        .await
        .expect_error(403, "password");
    assert!(bob.room_tokens().await.is_empty());
    bob.join(token, json!({"password": "secret123"}))
        .await
        .expect(200);
    assert_eq!(alice.participant(token, "bob").await["participantType"], 5);
}

#[tokio::test]
async fn users_self_join_listable_rooms_as_type_3_with_user_added() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let created = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Listed", "listable": 1}),
        )
        .await;
    let token = created.data()["token"].as_str().unwrap().to_owned();
    let answer = bob.join(&token, json!({})).await;
    answer.expect(200);
    assert_eq!(answer.data()["participantType"], 3);
    let messages = app.messages(&token).await;
    let added = messages.last().unwrap();
    assert_eq!(added.system_message, "user_added");
    assert_eq!(added.actor_id, "bob");
    assert_eq!(added.parameters["user"]["id"], "bob");
}

#[tokio::test]
async fn users_join_a_listable_public_room_as_type_3_without_its_password() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let created = alice
        .post(
            "/room",
            json!({"roomType": 3, "roomName": "Listed", "listable": 1, "password": "secret123"}),
        )
        .await;
    let token = created.data()["token"].as_str().unwrap();
    let answer = bob.join(token, json!({})).await;
    answer.expect(200);
    assert_eq!(answer.data()["participantType"], 3);
    // Guests still need the password.
    app.guest()
        .join(token, json!({}))
        .await
        .expect_error(403, "password");
}

#[tokio::test]
async fn users_cannot_join_unlisted_group_rooms() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    bob.join(&token, json!({})).await.expect_empty(404);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
}

// ---------------------------------------------------------------- leave session, state

#[tokio::test]
async fn leaving_the_session_keeps_the_membership() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    bob.join(&token, json!({})).await.expect(200);
    let answer = bob
        .delete(&format!("/room/{token}/participants/active"), json!({}))
        .await;
    answer.expect(200);
    let room = bob.room(&token).await;
    assert_eq!(room["sessionId"], "0");
    assert_eq!(room["participantType"], 3);
    assert_eq!(
        alice.participant(&token, "bob").await["sessionIds"],
        json!([])
    );
}

#[tokio::test]
async fn leaving_a_session_always_answers_200() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .delete("/room/abcdefgh/participants/active", json!({}))
        .await
        .expect(200);
    let token = alice.create_room("Team").await;
    alice
        .delete(&format!("/room/{token}/participants/active"), json!({}))
        .await
        .expect(200);
}

#[tokio::test]
async fn self_joined_user_leaves_the_room_with_their_last_session() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    bob.join(&token, json!({})).await.expect(200);
    assert_eq!(bob.room_tokens().await, vec![token.clone()]);
    let before = Client::system_messages(&app, &token).await;

    bob.delete(&format!("/room/{token}/participants/active"), json!({}))
        .await
        .expect(200);
    assert!(bob.room_tokens().await.is_empty());
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    assert_eq!(Client::system_messages(&app, &token).await, before);
    // They can still look at the public room, as any visitor.
    assert_eq!(bob.room(&token).await["participantType"], 4);
}

#[tokio::test]
async fn guest_without_a_session_disappears_from_the_list() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    assert_eq!(alice.participants(&token).await.len(), 2);
    guest
        .delete(&format!("/room/{token}/participants/active"), json!({}))
        .await
        .expect(200);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
}

#[tokio::test]
async fn session_state_is_set_and_answered_with_the_room() {
    let app = TestApp::spawn().await;
    let (_alice, bob, token) = shared_room(&app).await;
    let joined = bob.join(&token, json!({})).await;
    let path = format!("/room/{token}/participants/state");
    let answer = bob.put(&path, json!({"state": 0})).await;
    answer.expect(200);
    assert_eq!(answer.data()["token"], token.as_str());
    assert_eq!(answer.data()["sessionId"], joined.data()["sessionId"]);
    bob.put(&path, json!({"state": 1})).await.expect(200);
    bob.put(&path, json!({"state": 5})).await.expect(400);
}

#[tokio::test]
async fn session_state_without_a_session_is_404() {
    let app = TestApp::spawn().await;
    let (_alice, bob, token) = shared_room(&app).await;
    for state in [1, 5] {
        bob.put(
            &format!("/room/{token}/participants/state"),
            json!({"state": state}),
        )
        .await
        .expect(404);
    }
}

// ---------------------------------------------------------------- moderators

#[tokio::test]
async fn moderator_promotes_and_demotes_a_user() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let path = format!("/room/{token}/moderators");
    let setup = Client::system_messages(&app, &token).await.len();

    alice
        .post(&path, json!({"attendeeId": bob_id}))
        .await
        .expect(200);
    let entry = alice.participant(&token, "bob").await;
    assert_eq!(entry["participantType"], 2);
    assert_eq!(entry["permissions"], 254);
    assert_eq!(bob.room(&token).await["canDeleteConversation"], true);

    alice
        .delete(&path, json!({"attendeeId": bob_id}))
        .await
        .expect(200);
    assert_eq!(alice.participant(&token, "bob").await["participantType"], 3);
    let messages = app.messages(&token).await.split_off(setup);
    let names: Vec<&str> = messages.iter().map(|m| m.system_message.as_str()).collect();
    assert_eq!(names, vec!["moderator_promoted", "moderator_demoted"]);
    assert_eq!(messages[0].parameters["user"]["id"], "bob");
}

#[tokio::test]
async fn promoting_yourself_is_403() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let alice_id = alice.attendee_id(&token, "alice").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": alice_id}),
        )
        .await
        .expect(403);
    assert_eq!(
        alice.participant(&token, "alice").await["participantType"],
        1
    );
}

#[tokio::test]
async fn promoting_a_moderator_or_demoting_a_user_is_400() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let path = format!("/room/{token}/moderators");
    alice
        .delete(&path, json!({"attendeeId": bob_id}))
        .await
        .expect(400);
    alice
        .post(&path, json!({"attendeeId": bob_id}))
        .await
        .expect(200);
    let before = Client::system_messages(&app, &token).await;
    alice
        .post(&path, json!({"attendeeId": bob_id}))
        .await
        .expect(400);
    assert_eq!(alice.participant(&token, "bob").await["participantType"], 2);
    assert_eq!(Client::system_messages(&app, &token).await, before);
}

#[tokio::test]
async fn promoting_an_unknown_attendee_is_404() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": 999_999}),
        )
        .await
        .expect(404);
}

#[tokio::test]
async fn normal_member_cannot_promote() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    bob.post(
        &format!("/room/{token}/moderators"),
        json!({"attendeeId": bob_id}),
    )
    .await
    .expect(403);
    assert_eq!(alice.participant(&token, "bob").await["participantType"], 3);
}

#[tokio::test]
async fn promoting_a_guest_makes_a_guest_moderator() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
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
    assert_eq!(guest.room(&token).await["participantType"], 6);
    let messages = Client::system_messages(&app, &token).await;
    assert_eq!(messages.last().unwrap(), "guest_moderator_promoted");

    // Rendered as upstream does: the guest is the `user` parameter, a rich object of type guest.
    let chat = format!("/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=0&limit=1");
    let seen_by_alice = alice.get(&chat).await;
    let promoted = &seen_by_alice.data()[0];
    assert_eq!(promoted["message"], "You promoted {user} to moderator");
    let guest_actor = joined.data()["actorId"].as_str().unwrap();
    assert_eq!(promoted["messageParameters"]["user"]["type"], "guest");
    assert_eq!(
        promoted["messageParameters"]["user"]["id"],
        format!("guest/{guest_actor}")
    );
    let seen_by_guest = guest.get(&chat).await;
    assert_eq!(
        seen_by_guest.data()[0]["message"],
        "{actor} promoted you to moderator"
    );
}

#[tokio::test]
async fn promotion_resets_custom_permissions() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 128}),
        )
        .await
        .expect(200);
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob_id}),
        )
        .await
        .expect(200);
    alice
        .delete(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob_id}),
        )
        .await
        .expect(200);
    let entry = alice.participant(&token, "bob").await;
    assert_eq!(entry["attendeePermissions"], 0);
    assert_eq!(entry["permissions"], 246);
}

// ---------------------------------------------------------------- attendee permissions

#[tokio::test]
async fn attendee_permissions_are_set_added_and_removed() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let path = format!("/room/{token}/attendees/permissions");
    let steps = [("set", 128, 129), ("add", 4, 133), ("remove", 128, 5)];
    for (method, value, expected) in steps {
        alice
            .put(
                &path,
                json!({"attendeeId": bob_id, "method": method, "permissions": value}),
            )
            .await
            .expect(200);
        let entry = alice.participant(&token, "bob").await;
        assert_eq!(entry["permissions"], expected, "{method} {value}");
        assert_eq!(entry["attendeePermissions"], expected, "{method} {value}");
        assert_eq!(bob.room(&token).await["permissions"], expected);
    }
    alice
        .put(
            &path,
            json!({"attendeeId": bob_id, "method": "set", "permissions": 0}),
        )
        .await
        .expect(200);
    assert_eq!(alice.participant(&token, "bob").await["permissions"], 246);
}

#[tokio::test]
async fn attendee_permissions_answer_the_updated_participant_entry() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let answer = alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 128}),
        )
        .await;
    answer.expect(200);
    let entries = answer.data().as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    for field in PARTICIPANT_FIELDS {
        assert!(entry.get(field).is_some(), "missing {field} in {entry}");
    }
    assert_eq!(entry["attendeeId"], bob_id);
    assert_eq!(entry["actorId"], "bob");
    assert_eq!(entry["permissions"], 129);
    assert_eq!(entry["attendeePermissions"], 129);
}

#[tokio::test]
async fn moderator_permissions_cannot_be_changed() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob_id}),
        )
        .await
        .expect(200);
    let alice_id = alice.attendee_id(&token, "alice").await;
    let path = format!("/room/{token}/attendees/permissions");
    alice
        .put(
            &path,
            json!({"attendeeId": bob_id, "method": "set", "permissions": 128}),
        )
        .await
        .expect_error(403, "moderator");
    bob.put(
        &path,
        json!({"attendeeId": alice_id, "method": "set", "permissions": 128}),
    )
    .await
    .expect_error(403, "moderator");
    assert_eq!(alice.participant(&token, "bob").await["permissions"], 254);
}

#[tokio::test]
async fn unknown_permission_method_is_400_method() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "toggle", "permissions": 128}),
        )
        .await
        .expect_error(400, "method");
    assert_eq!(
        alice.participant(&token, "bob").await["attendeePermissions"],
        0
    );
}

#[tokio::test]
async fn attendee_permissions_need_a_moderator_and_a_known_attendee() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    let path = format!("/room/{token}/attendees/permissions");
    bob.put(
        &path,
        json!({"attendeeId": bob_id, "method": "set", "permissions": 254}),
    )
    .await
    .expect(403);
    alice
        .put(
            &path,
            json!({"attendeeId": 999_999, "method": "set", "permissions": 128}),
        )
        .await
        .expect_error(404, "participant");
    assert_eq!(
        alice.participant(&token, "bob").await["attendeePermissions"],
        0
    );
}

// ---------------------------------------------------------------- guest names

#[tokio::test]
async fn guest_sets_a_display_name_seen_in_the_participant_list() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    let joined = guest.join(&token, json!({})).await;
    let guest_actor = joined.data()["actorId"].as_str().unwrap().to_owned();

    let answer = guest
        .post(
            &format!("{GUEST_NAME}/{token}/name"),
            json!({"displayName": "  Visitor  "}),
        )
        .await;
    answer.expect(200);
    assert_eq!(
        alice.participant(&token, &guest_actor).await["displayName"],
        "Visitor"
    );
}

#[tokio::test]
async fn users_cannot_set_a_guest_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    alice
        .post(
            &format!("{GUEST_NAME}/{token}/name"),
            json!({"displayName": "Not a guest"}),
        )
        .await
        .expect(403);
    assert_eq!(
        alice.participant(&token, "alice").await["displayName"],
        "alice display"
    );
}

#[tokio::test]
async fn guest_name_needs_a_joined_guest() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    app.guest()
        .post(
            &format!("{GUEST_NAME}/{token}/name"),
            json!({"displayName": "Stranger"}),
        )
        .await
        .expect(404);
}
