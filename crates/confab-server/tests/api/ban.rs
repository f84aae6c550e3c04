//! Bans API (v1, capability `ban-v1`): banning users, guests, email guests and addresses,
//! listing and lifting bans, every error in upstream's order, and bans kept when people join,
//! are added, or are placed into breakout rooms.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::helpers::{Answer, Client, TestApp};

const BAN: &str = "/ocs/v2.php/apps/spreed/api/v1/ban";
const BREAKOUT: &str = "/ocs/v2.php/apps/spreed/api/v1/breakout-rooms";

/// Fields of every ban (upstream's `Ban` schema), and no others.
const BAN_FIELDS: &[&str] = &[
    "id",
    "moderatorActorType",
    "moderatorActorId",
    "moderatorDisplayName",
    "bannedActorType",
    "bannedActorId",
    "bannedDisplayName",
    "bannedTime",
    "internalNote",
];

fn now() -> i64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(elapsed.as_secs()).unwrap()
}

async fn ban(client: &Client, token: &str, kind: &str, id: &str, note: &str) -> Answer {
    client
        .post(
            &format!("{BAN}/{token}"),
            json!({"actorType": kind, "actorId": id, "internalNote": note}),
        )
        .await
}

/// Bans and expects 200; returns the ban.
async fn banned(client: &Client, token: &str, kind: &str, id: &str) -> Value {
    let answer = ban(client, token, kind, id, "").await;
    answer.expect(200);
    answer.data().clone()
}

/// The conversation's bans as `client` lists them (which must answer 200).
async fn bans(client: &Client, token: &str) -> Vec<Value> {
    let answer = client.get(&format!("{BAN}/{token}")).await;
    answer.expect(200);
    answer.data().as_array().unwrap().clone()
}

async fn unban(client: &Client, token: &str, id: &Value) -> Answer {
    let id = id.as_str().map_or_else(|| id.to_string(), str::to_owned);
    client
        .delete(&format!("{BAN}/{token}/{id}"), json!({}))
        .await
}

async fn actor_ids(client: &Client, token: &str) -> Vec<String> {
    client
        .participants(token)
        .await
        .iter()
        .map(|p| p["actorId"].as_str().unwrap().to_owned())
        .collect()
}

/// Alice's group conversation with bob as a member.
async fn group_with_bob(app: &TestApp) -> (Client, Client, String) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    (alice, bob, token)
}

fn assert_ban_shape(ban: &Value) {
    let keys: BTreeSet<&str> = ban
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BAN_FIELDS.iter().copied().collect(), "{ban}");
    assert!(ban["id"].as_i64().unwrap() > 0, "{ban}");
}

// ---------------------------------------------------------------- banning

#[tokio::test]
async fn banning_a_member_answers_the_ban_and_removes_them_on_both_backends() {
    for app in TestApp::on_each_backend().await {
        // Arrange: bob is a connected member.
        let (alice, bob, token) = group_with_bob(&app).await;
        bob.join(&token, json!({})).await.expect(200);

        // Act
        let before = now();
        let answer = ban(&alice, &token, "users", "bob", "Spam \u{1F6AB}").await;

        // Assert: the ban, exactly.
        answer.expect(200);
        let made = answer.data().clone();
        assert_ban_shape(&made);
        assert_eq!(made["moderatorActorType"], "users", "{}", app.backend);
        assert_eq!(made["moderatorActorId"], "alice");
        assert_eq!(made["moderatorDisplayName"], "alice display");
        assert_eq!(made["bannedActorType"], "users");
        assert_eq!(made["bannedActorId"], "bob");
        assert_eq!(made["bannedDisplayName"], "bob display");
        assert_eq!(made["internalNote"], "Spam \u{1F6AB}");
        let time = made["bannedTime"].as_i64().unwrap();
        assert!((before..=now()).contains(&time), "{time}");
        assert_eq!(bans(&alice, &token).await, vec![made]);

        // Bob is gone, as a removal by a moderator leaves him, sessions and all.
        assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
        assert_eq!(
            Client::system_messages(&app, &token).await.last().unwrap(),
            "user_removed"
        );
        bob.get(&format!("/room/{token}")).await.expect_empty(404);
        bob.post(
            &format!("/ocs/v2.php/apps/spreed/api/v1/chat/{token}"),
            json!({"message": "still here?"}),
        )
        .await
        .expect_empty(404);
        app.close().await;
    }
}

#[tokio::test]
async fn bans_are_listed_oldest_first_with_the_names_known() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = group_with_bob(&app).await;
    let _carol = app.user("carol").await;
    banned(&alice, &token, "users", "bob").await;
    // Not in the room: a user's account name, else the id itself.
    banned(&alice, &token, "users", "carol").await;
    banned(&alice, &token, "users", "nobody").await;
    banned(&alice, &token, "guests", "0123abcd").await;
    banned(&alice, &token, "emails", "someone").await;
    banned(&alice, &token, "ip", "10.0.0.0/8").await;
    let listed = bans(&alice, &token).await;
    let summary: Vec<(&str, &str, &str)> = listed
        .iter()
        .map(|b| {
            assert_ban_shape(b);
            assert_eq!(b["internalNote"], "");
            (
                b["bannedActorType"].as_str().unwrap(),
                b["bannedActorId"].as_str().unwrap(),
                b["bannedDisplayName"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("users", "bob", "bob display"),
            ("users", "carol", "carol display"),
            ("users", "nobody", "nobody"),
            ("guests", "0123abcd", "0123abcd"),
            ("emails", "someone", "someone"),
            ("ip", "10.0.0.0/8", "10.0.0.0/8"),
        ]
    );
    let ids: Vec<i64> = listed.iter().map(|b| b["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}

#[tokio::test]
async fn only_moderators_manage_bans() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = group_with_bob(&app).await;
    let carol = app.user("carol").await;
    let ban_id = banned(&alice, &token, "users", "dave").await["id"].clone();
    for (client, status) in [(&bob, 403), (&carol, 404), (&app.guest(), 404)] {
        ban(client, &token, "users", "erin", "")
            .await
            .expect_empty(status);
        client
            .get(&format!("{BAN}/{token}"))
            .await
            .expect_empty(status);
        unban(client, &token, &ban_id).await.expect_empty(status);
    }
    // Unknown rooms and tokens that cannot be one are 404.
    for missing in ["nosuchroom", "BAD!"] {
        ban(&alice, missing, "users", "bob", "").await.expect(404);
        alice.get(&format!("{BAN}/{missing}")).await.expect(404);
    }
    assert_eq!(bans(&alice, &token).await.len(), 1);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
}

#[tokio::test]
async fn bad_requests_answer_upstreams_keys_in_its_order_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = group_with_bob(&app).await;
    let carol = app.user("carol").await;
    alice.add(&token, "carol").await;
    let carol_id = alice.attendee_id(&token, "carol").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": carol_id}),
        )
        .await
        .expect(200);
    banned(&alice, &token, "users", "dave").await;
    let before = (bans(&alice, &token).await, app.messages(&token).await);
    let long = "n".repeat(4001);
    let long = long.as_str();
    let cases: &[(&str, &str, &str, &str)] = &[
        ("groups", "everyone", "", "bannedActor"),
        ("federated_users", "x@y", "", "bannedActor"),
        ("", "bob", "", "bannedActor"),
        ("users", "", "", "bannedActor"),
        ("ip", "participant2", "", "bannedActor"),
        ("ip", "127.0.0.1/64", "", "bannedActor"),
        ("users", "bob", long, "internalNote"),
        ("users", "alice", long, "internalNote"),
        ("users", "alice", "", "self"),
        ("users", "carol", "", "moderator"),
        ("users", "dave", "again", "bannedActor"),
    ];
    for (kind, id, note, key) in cases {
        ban(&alice, &token, kind, id, note)
            .await
            .expect_error(400, key);
    }
    // A moderator cannot ban the owner either.
    ban(&carol, &token, "users", "alice", "")
        .await
        .expect_error(400, "moderator");
    // Missing parameters are an empty actor.
    alice
        .post(&format!("{BAN}/{token}"), json!({}))
        .await
        .expect_error(400, "bannedActor");

    assert_eq!(
        (bans(&alice, &token).await, app.messages(&token).await),
        before
    );
    assert_eq!(
        actor_ids(&alice, &token).await,
        vec!["alice", "bob", "carol"]
    );
    bob.join(&token, json!({})).await.expect(200);
}

#[tokio::test]
async fn one_to_one_and_note_to_self_conversations_have_no_bans() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let _bob = app.user("bob").await;
    let one = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let token = one.data()["token"].as_str().unwrap().to_owned();
    ban(&alice, &token, "users", "bob", "")
        .await
        .expect_error(400, "room");
    // The room is checked before anything else.
    ban(&alice, &token, "groups", "", "")
        .await
        .expect_error(400, "room");
    assert!(bans(&alice, &token).await.is_empty());
    assert_eq!(actor_ids(&alice, &token).await.len(), 2);

    let note = alice.get("/room/note-to-self").await;
    note.expect(200);
    let note = note.data()["token"].as_str().unwrap().to_owned();
    ban(&alice, &note, "users", "bob", "")
        .await
        .expect_error(400, "room");
}

#[tokio::test]
async fn guest_moderators_may_ban() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let _bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    alice.add(&token, "bob").await;
    let gus = app.guest();
    let joined = gus.join(&token, json!({})).await;
    joined.expect(200);
    let gus_id = joined.data()["actorId"].as_str().unwrap().to_owned();
    gus.post(
        &format!("/ocs/v2.php/apps/spreed/api/v1/guest/{token}/name"),
        json!({"displayName": "Gus"}),
    )
    .await
    .expect(200);
    let attendee = joined.data()["attendeeId"].clone();
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": attendee}),
        )
        .await
        .expect(200);

    let made = banned(&gus, &token, "users", "bob").await;
    assert_eq!(made["moderatorActorType"], "guests");
    assert_eq!(made["moderatorActorId"], gus_id.as_str());
    assert_eq!(made["moderatorDisplayName"], "Gus");
    assert_eq!(bans(&gus, &token).await, vec![made]);
    assert_eq!(
        actor_ids(&alice, &token).await,
        vec!["alice", gus_id.as_str()]
    );
    ban(&gus, &token, "guests", &gus_id, "")
        .await
        .expect_error(400, "self");
}

// ---------------------------------------------------------------- unbanning

#[tokio::test]
async fn unbanning_answers_an_empty_list_whatever_the_id() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = group_with_bob(&app).await;
    let other = alice.create_room("Other").await;
    let foreign = banned(&alice, &other, "users", "carol").await;
    let mine = banned(&alice, &token, "users", "carol").await;
    for id in [
        json!(i64::MAX),
        json!("abc"),
        foreign["id"].clone(),
        json!(-1),
    ] {
        let answer = unban(&alice, &token, &id).await;
        answer.expect(200);
        assert_eq!(answer.data(), &json!([]));
    }
    assert_eq!(bans(&alice, &other).await, vec![foreign]);
    assert_eq!(bans(&alice, &token).await, vec![mine.clone()]);
    for _ in 0..2 {
        unban(&alice, &token, &mine["id"]).await.expect(200);
    }
    assert!(bans(&alice, &token).await.is_empty());
}

// ---------------------------------------------------------------- enforcement

#[tokio::test]
async fn a_banned_user_cannot_be_added_until_unbanned() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let _bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    let ban_id = banned(&alice, &token, "users", "bob").await["id"].clone();
    let before = app.messages(&token).await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "bob", "source": "users"}),
        )
        .await
        .expect_error(400, "ban");
    // An unknown user is still 404 first.
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "nobody", "source": "users"}),
        )
        .await
        .expect_error(404, "new-participant");
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    assert_eq!(app.messages(&token).await, before);

    unban(&alice, &token, &ban_id).await.expect(200);
    alice.add(&token, "bob").await;
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "bob"]);
}

#[tokio::test]
async fn adding_a_group_passes_its_banned_members_over() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for name in ["bob", "carol"] {
        app.user(name).await;
    }
    app.group("team", &["bob", "carol"]).await;
    let token = alice.create_room("Team").await;
    banned(&alice, &token, "users", "bob").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "team", "source": "groups"}),
        )
        .await
        .expect(200);
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice", "carol"]);
}

#[tokio::test]
async fn a_banned_user_cannot_join_public_or_listed_rooms_until_unbanned() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let public = alice.create_public_room("Open").await;
    let listed = alice.create_room("Listed").await;
    alice
        .put(&format!("/room/{listed}/listable"), json!({"scope": 1}))
        .await
        .expect(200);
    let private = alice.create_room("Private").await;
    bob.join(&public, json!({})).await.expect(200);

    let mut ids = Vec::new();
    for token in [&public, &listed, &private] {
        ids.push(banned(&alice, token, "users", "bob").await["id"].clone());
    }
    for token in [&public, &listed] {
        bob.join(token, json!({})).await.expect_error(403, "ban");
    }
    // As upstream, a room bob could not see anyway stays unseen.
    bob.join(&private, json!({})).await.expect_empty(404);
    assert_eq!(actor_ids(&alice, &public).await, vec!["alice"]);
    assert_eq!(actor_ids(&alice, &listed).await, vec!["alice"]);

    for (token, id) in [&public, &listed].into_iter().zip(&ids) {
        unban(&alice, token, id).await.expect(200);
        bob.join(token, json!({})).await.expect(200);
    }
}

#[tokio::test]
async fn a_banned_guest_stays_out_and_their_address_is_banned_too() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    let joined = guest.join(&token, json!({})).await;
    joined.expect(200);
    let guest_id = joined.data()["actorId"].as_str().unwrap().to_owned();

    let answer = ban(&alice, &token, "guests", &guest_id, "Rude").await;
    answer.expect(200);
    let made = answer.data().clone();
    assert_eq!(made["bannedDisplayName"], guest_id.as_str());
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);

    // The same browser is recognised; its address is banned as the guest was.
    guest.join(&token, json!({})).await.expect_error(403, "ban");
    let listed = bans(&alice, &token).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], made);
    let copy = &listed[1];
    assert_ban_shape(copy);
    assert_eq!(copy["bannedActorType"], "ip");
    assert_eq!(copy["bannedActorId"], "127.0.0.1");
    assert_eq!(copy["bannedDisplayName"], "127.0.0.1");
    for field in [
        "moderatorActorId",
        "moderatorDisplayName",
        "bannedTime",
        "internalNote",
    ] {
        assert_eq!(copy[field], made[field], "{field}");
    }
    // Another try adds nothing; a fresh browser from there stays out; users do not.
    guest.join(&token, json!({})).await.expect_error(403, "ban");
    app.guest()
        .join(&token, json!({}))
        .await
        .expect_error(403, "ban");
    assert_eq!(bans(&alice, &token).await.len(), 2);
    bob.join(&token, json!({})).await.expect(200);

    // Lifting the address ban lets fresh browsers in; the banned one needs its own lifted.
    unban(&alice, &token, &copy["id"]).await.expect(200);
    app.guest().join(&token, json!({})).await.expect(200);
    unban(&alice, &token, &made["id"]).await.expect(200);
    guest.join(&token, json!({})).await.expect(200);
}

#[tokio::test]
async fn address_bans_keep_guests_out() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    for range in [
        "127.0.0.1",
        "127.0.0.1/24",
        "127.0.0.1/32",
        "::1",
        "::1/32",
        "::1/64",
    ] {
        banned(&alice, &token, "ip", range).await;
    }
    app.guest()
        .join(&token, json!({}))
        .await
        .expect_error(403, "ban");

    let elsewhere = alice.create_public_room("Elsewhere").await;
    let made = banned(&alice, &elsewhere, "ip", "192.0.2.0/24").await;
    assert_eq!(made["bannedDisplayName"], "192.0.2.0/24");
    app.guest().join(&elsewhere, json!({})).await.expect(200);
}

#[tokio::test]
async fn a_banned_email_guest_cannot_come_back_with_an_invitation() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let invite = || async {
        alice
            .post(
                &format!("/room/{token}/participants"),
                json!({"newParticipant": "eve@example.com", "source": "emails"}),
            )
            .await
            .expect(200);
        let eve = alice
            .participants(&token)
            .await
            .into_iter()
            .find(|p| p["actorType"] == "emails")
            .expect("eve is listed");
        let id = eve["attendeeId"].clone();
        let path = format!("/room/{token}/attendees/invitation?attendeeId={id}");
        let invitation = alice.get(&path).await;
        invitation.expect(200);
        let data = invitation.data().clone();
        (eve["actorId"].as_str().unwrap().to_owned(), data)
    };
    let (eve_id, invitation) = invite().await;
    let pair = json!({"email": invitation["email"], "access": invitation["access"]});
    let eve = app.guest();
    eve.join(&token, pair.clone()).await.expect(200);

    banned(&alice, &token, "emails", &eve_id).await;
    assert_eq!(actor_ids(&alice, &token).await, vec!["alice"]);
    eve.join(&token, pair).await.expect_error(403, "ban");

    // Invited again, a fresh browser with the new invitation is still eve, and banned.
    let (again_id, invitation) = invite().await;
    assert_eq!(again_id, eve_id);
    let pair = json!({"email": invitation["email"], "access": invitation["access"]});
    app.guest()
        .join(&token, pair)
        .await
        .expect_error(403, "ban");
}

#[tokio::test]
async fn deleting_a_room_deletes_its_bans() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = group_with_bob(&app).await;
    banned(&alice, &token, "users", "bob").await;
    let room = app.stored_room(&token).await.unwrap();
    alice
        .delete(&format!("/room/{token}"), json!({}))
        .await
        .expect(200);
    let store = &app.services.context.store;
    assert!(store.bans(&[room.id]).await.unwrap().is_empty());
}

// ---------------------------------------------------------------- breakout rooms

/// Alice's class (bob, carol, dave) with two manual breakout rooms, bob mapped to the first.
async fn class_with_rooms(app: &TestApp) -> (Client, String, Vec<String>) {
    let alice = app.user("alice").await;
    let token = alice.create_room("Class").await;
    for name in ["bob", "carol", "dave"] {
        app.user(name).await;
        alice.add(&token, name).await;
    }
    let bob = alice.attendee_id(&token, "bob").await;
    let map = json!({ bob.to_string(): 0 }).to_string();
    alice
        .post(
            &format!("{BREAKOUT}/{token}"),
            json!({"mode": 2, "amount": 2, "attendeeMap": map}),
        )
        .await
        .expect(200);
    let list = alice.get(&format!("/room/{token}/breakout-rooms")).await;
    let rooms = list
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["token"].as_str().unwrap().to_owned())
        .collect();
    (alice, token, rooms)
}

#[tokio::test]
async fn people_banned_from_a_breakout_room_are_not_placed_there() {
    let app = TestApp::spawn().await;
    let (alice, token, rooms) = class_with_rooms(&app).await;
    banned(&alice, &rooms[1], "users", "bob").await;
    banned(&alice, &rooms[1], "users", "dave").await;

    alice
        .post(
            &format!("/room/{}/participants", rooms[1]),
            json!({"newParticipant": "bob", "source": "users"}),
        )
        .await
        .expect_error(400, "ban");
    assert_eq!(actor_ids(&alice, &rooms[0]).await, vec!["alice", "bob"]);

    // Reassigned there, bob leaves his room as told but is not added to the one he is banned from.
    let bob = alice.attendee_id(&token, "bob").await;
    let carol = alice.attendee_id(&token, "carol").await;
    let map = json!({ bob.to_string(): 1, carol.to_string(): 1 }).to_string();
    alice
        .post(
            &format!("{BREAKOUT}/{token}/attendees"),
            json!({"attendeeMap": map}),
        )
        .await
        .expect(200);
    assert_eq!(actor_ids(&alice, &rooms[0]).await, vec!["alice"]);
    assert_eq!(actor_ids(&alice, &rooms[1]).await, vec!["alice", "carol"]);

    // A moderator of the parent joins every breakout room but the one banning them.
    let dave = alice.attendee_id(&token, "dave").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": dave}),
        )
        .await
        .expect(200);
    assert!(actor_ids(&alice, &rooms[0])
        .await
        .contains(&"dave".to_owned()));
    assert!(!actor_ids(&alice, &rooms[1])
        .await
        .contains(&"dave".to_owned()));
}

#[tokio::test]
async fn people_banned_from_the_parent_leave_its_breakout_rooms_and_stay_out() {
    let app = TestApp::spawn().await;
    let (alice, token, rooms) = class_with_rooms(&app).await;
    banned(&alice, &token, "users", "bob").await;
    assert_eq!(
        actor_ids(&alice, &token).await,
        vec!["alice", "carol", "dave"]
    );
    assert_eq!(actor_ids(&alice, &rooms[0]).await, vec!["alice"]);

    // Adding bob to a breakout room would bring him into the parent first.
    alice
        .post(
            &format!("/room/{}/participants", rooms[0]),
            json!({"newParticipant": "bob", "source": "users"}),
        )
        .await
        .expect_error(400, "ban");
    assert_eq!(
        actor_ids(&alice, &token).await,
        vec!["alice", "carol", "dave"]
    );
    assert_eq!(actor_ids(&alice, &rooms[0]).await, vec!["alice"]);
}

#[tokio::test]
async fn switching_into_a_breakout_room_one_is_banned_from_is_refused() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Class").await;
    alice.add(&token, "bob").await;
    alice
        .post(
            &format!("{BREAKOUT}/{token}"),
            json!({"mode": 3, "amount": 2}),
        )
        .await
        .expect(200);
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let list = alice.get(&format!("/room/{token}/breakout-rooms")).await;
    let target = list.data()[1]["token"].as_str().unwrap().to_owned();
    banned(&alice, &target, "users", "bob").await;
    bob.post(
        &format!("{BREAKOUT}/{token}/switch"),
        json!({"target": target}),
    )
    .await
    .expect_error(403, "ban");
    assert_eq!(actor_ids(&alice, &target).await, vec!["alice"]);
}
