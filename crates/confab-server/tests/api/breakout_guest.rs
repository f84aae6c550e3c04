//! Guests in breakout rooms (extension `breakout-rooms-guests`): a guest who takes part in a
//! configured parent finds, enters and uses their breakout room like a user; anonymous callers
//! who take part in nothing keep upstream's answers.

use serde_json::{json, Value};

use crate::helpers::{Answer, Client, TestApp};

const BREAKOUT: &str = "/ocs/v2.php/apps/spreed/api/v1/breakout-rooms";

/// Alice's public conversation with a guest who joined it; the guest's join answer.
async fn open_class(app: &TestApp) -> (Client, String, Client, Value) {
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    let guest = app.guest();
    let joined = guest.join(&token, json!({})).await;
    joined.expect(200);
    let me = joined.data().clone();
    (alice, token, guest, me)
}

async fn breakout(client: &Client, method: reqwest::Method, path: &str, body: Value) -> Answer {
    client
        .send(method, &format!("{BREAKOUT}/{path}"), Some(body))
        .await
}

/// Configures and starts; returns the breakout room tokens by room number.
async fn configure_and_start(alice: &Client, token: &str, body: Value) -> Vec<String> {
    let post = reqwest::Method::POST;
    breakout(alice, post.clone(), token, body).await.expect(200);
    breakout(alice, post, &format!("{token}/rooms"), json!({}))
        .await
        .expect(200);
    let listed = alice.get(&format!("/room/{token}/breakout-rooms")).await;
    listed.expect(200);
    tokens(&listed)
}

fn tokens(answer: &Answer) -> Vec<String> {
    answer
        .data()
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["token"].as_str().expect("token").to_owned())
        .collect()
}

#[tokio::test]
async fn a_guest_finds_enters_and_uses_their_breakout_room() {
    // Arrange: the guest is mapped to Room 2.
    let app = TestApp::spawn().await;
    let (alice, token, guest, me) = open_class(&app).await;
    let map = json!({ me["attendeeId"].to_string(): 1 }).to_string();
    let post = reqwest::Method::POST;
    breakout(
        &alice,
        post.clone(),
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map}),
    )
    .await
    .expect(200);
    // Not started: students, guests included, see nothing yet.
    guest
        .get(&format!("/room/{token}/breakout-rooms"))
        .await
        .expect_error(400, "status");
    breakout(&alice, post.clone(), &format!("{token}/rooms"), json!({}))
        .await
        .expect(200);

    // Act and assert: the list holds their room only, seen as the member they are.
    let listed = guest.get(&format!("/room/{token}/breakout-rooms")).await;
    listed.expect(200);
    let rooms = listed.data().as_array().unwrap().clone();
    assert_eq!(rooms.len(), 1, "{rooms:?}");
    assert_eq!(rooms[0]["name"], "Room 2");
    assert_eq!(rooms[0]["actorType"], "guests");
    assert_eq!(rooms[0]["actorId"], me["actorId"]);
    assert_eq!(rooms[0]["participantType"], 4);
    let room = rooms[0]["token"].as_str().unwrap().to_owned();

    let entered = guest.join(&room, json!({})).await;
    entered.expect(200);
    assert_eq!(entered.data()["actorId"], me["actorId"]);
    assert_ne!(entered.data()["sessionId"], "0");

    let asked = breakout(
        &guest,
        post.clone(),
        &format!("{room}/request-assistance"),
        json!({}),
    )
    .await;
    asked.expect(200);
    assert_eq!(asked.data()["breakoutRoomStatus"], 2);
    let reset = breakout(
        &guest,
        reqwest::Method::DELETE,
        &format!("{room}/request-assistance"),
        json!({}),
    )
    .await;
    reset.expect(200);
    assert_eq!(reset.data()["breakoutRoomStatus"], 0);

    // The participant list of the parent and their own room, each entry with its room. Guests
    // are listed where they are connected: in their room now, no longer in the parent.
    let people = guest
        .get(&format!("/room/{token}/breakout-rooms/participants"))
        .await;
    people.expect(200);
    let mine: Vec<&Value> = people
        .data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["actorId"] == me["actorId"])
        .collect();
    let rooms_of_mine: Vec<&Value> = mine.iter().map(|p| &p["roomToken"]).collect();
    assert_eq!(rooms_of_mine, [&json!(room)]);
    let everyone: Vec<&Value> = people.data().as_array().unwrap().iter().collect();
    assert!(everyone
        .iter()
        .any(|p| p["actorId"] == "alice" && p["roomToken"] == token));
}

#[tokio::test]
async fn a_guest_switches_rooms_in_free_mode() {
    let app = TestApp::spawn().await;
    let (alice, token, guest, me) = open_class(&app).await;
    let rooms = configure_and_start(&alice, &token, json!({"mode": 3, "amount": 2})).await;

    // In free mode a student sees every room before choosing one.
    let listed = guest.get(&format!("/room/{token}/breakout-rooms")).await;
    listed.expect(200);
    assert_eq!(tokens(&listed), rooms);

    for target in [&rooms[1], &rooms[0]] {
        let switched = breakout(
            &guest,
            reqwest::Method::POST,
            &format!("{token}/switch"),
            json!({"target": target}),
        )
        .await;
        switched.expect(200);
        assert_eq!(switched.data()["token"], target.as_str());
        assert_eq!(switched.data()["actorId"], me["actorId"]);
    }
    let store = &app.services.context.store;
    for (room, expected) in rooms.iter().zip([true, false]) {
        let room = store.room_by_token(room).await.unwrap().unwrap();
        let there = store
            .attendees(room.id)
            .await
            .unwrap()
            .iter()
            .any(|a| a.actor_id == me["actorId"].as_str().unwrap());
        assert_eq!(there, expected, "guest in {}", room.name);
    }
    guest.join(&rooms[0], json!({})).await.expect(200);
}

#[tokio::test]
async fn anonymous_callers_who_take_part_in_nothing_keep_upstreams_answers() {
    let app = TestApp::spawn().await;
    let (alice, token, guest, _) = open_class(&app).await;
    let post = reqwest::Method::POST;

    // A guest of a conversation without breakout rooms gets upstream's statuses.
    guest
        .get(&format!("/room/{token}/breakout-rooms"))
        .await
        .expect(401);
    guest
        .get(&format!("/room/{token}/breakout-rooms/participants"))
        .await
        .expect_error(403, "participant");
    breakout(
        &guest,
        post.clone(),
        &format!("{token}/request-assistance"),
        json!({}),
    )
    .await
    .expect(401);

    let rooms = configure_and_start(&alice, &token, json!({"mode": 3, "amount": 1})).await;
    let stranger = app.guest();
    stranger
        .get(&format!("/room/{token}/breakout-rooms"))
        .await
        .expect(401);
    stranger
        .get(&format!("/room/{token}/breakout-rooms/participants"))
        .await
        .expect(404);
    breakout(
        &stranger,
        post.clone(),
        &format!("{token}/switch"),
        json!({"target": rooms[0]}),
    )
    .await
    .expect(401);
    breakout(
        &stranger,
        post.clone(),
        &format!("{}/request-assistance", rooms[0]),
        json!({}),
    )
    .await
    .expect(401);
    stranger.join(&rooms[0], json!({})).await.expect(404);
    // Managing breakout rooms stays with logged-in moderators, taking part or not.
    for client in [&guest, &stranger] {
        breakout(client, post.clone(), &format!("{token}/rooms"), json!({}))
            .await
            .expect(401);
    }
    // None of this put a guest in the breakout room.
    let store = &app.services.context.store;
    let room = store.room_by_token(&rooms[0]).await.unwrap().unwrap();
    let guests = store
        .attendees(room.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.actor_type.is_guest())
        .count();
    assert_eq!(guests, 0);
}

#[tokio::test]
async fn a_guest_who_leaves_and_comes_back_keeps_their_identity_and_room() {
    // Arrange: the guest is in Room 2 of started breakout rooms, connected there.
    let app = TestApp::spawn().await;
    let (alice, token, guest, me) = open_class(&app).await;
    let map = json!({ me["attendeeId"].to_string(): 1 }).to_string();
    let rooms = configure_and_start(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map}),
    )
    .await;
    guest.join(&rooms[1], json!({})).await.expect(200);

    // Act: a reload closes every session of the guest, then the same browser comes back.
    for room in [&rooms[1], &token] {
        guest
            .delete(&format!("/room/{room}/participants/active"), json!({}))
            .await
            .expect(200);
        assert_eq!(guest.room(room).await["sessionId"], "0");
    }
    let back = guest.join(&token, json!({})).await;

    // Assert: the same attendee, still in Room 2, which they can enter again.
    back.expect(200);
    for field in ["attendeeId", "actorType", "actorId"] {
        assert_eq!(back.data()[field], me[field], "{field}");
    }
    let listed = guest.get(&format!("/room/{token}/breakout-rooms")).await;
    listed.expect(200);
    assert_eq!(tokens(&listed), [rooms[1].clone()]);
    let entered = guest.join(&rooms[1], json!({})).await;
    entered.expect(200);
    assert_eq!(entered.data()["actorId"], me["actorId"]);
    assert_eq!(entered.data()["name"], "Room 2");

    // Removing the guest ends their identity: the same browser comes back as someone new.
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": me["attendeeId"]}),
        )
        .await
        .expect(200);
    guest.join(&rooms[1], json!({})).await.expect(404);
    let stranger = guest.join(&token, json!({})).await;
    stranger.expect(200);
    assert_ne!(stranger.data()["attendeeId"], me["attendeeId"]);
    assert_ne!(stranger.data()["actorId"], me["actorId"]);
}

/// Invites eve@example.com to `token`; returns her attendee id and invitation (`email`, `access`).
async fn invite_eve(alice: &Client, token: &str) -> (i64, Value) {
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "eve@example.com", "source": "emails"}),
        )
        .await
        .expect(200);
    let eve = alice
        .participants(token)
        .await
        .into_iter()
        .find(|p| p["actorType"] == "emails")
        .expect("eve is listed");
    let id = eve["attendeeId"].as_i64().unwrap();
    let invitation = alice
        .get(&format!(
            "/room/{token}/attendees/invitation?attendeeId={id}"
        ))
        .await;
    invitation.expect(200);
    (id, invitation.data().clone())
}

#[tokio::test]
async fn an_email_guest_joins_with_their_invitation_and_keeps_their_breakout_room() {
    // Arrange: eve is invited and mapped to Room 2.
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open class").await;
    let (eve_id, invitation) = invite_eve(&alice, &token).await;
    assert_eq!(invitation["email"], "eve@example.com");
    assert_eq!(invitation["actorType"], "emails");
    let access = invitation["access"].as_str().unwrap().to_owned();
    assert_eq!(access.len(), 64);
    // Reading it again gives the same invitation.
    let again = alice
        .get(&format!(
            "/room/{token}/attendees/invitation?attendeeId={eve_id}"
        ))
        .await;
    assert_eq!(again.data()["access"], access.as_str());
    let map = json!({ eve_id.to_string(): 1 }).to_string();
    let rooms = configure_and_start(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map}),
    )
    .await;

    // Act: eve's browser joins with the invitation.
    let browser = app.guest();
    let joined = browser
        .join(
            &token,
            json!({"email": "Eve@Example.com", "access": access}),
        )
        .await;

    // Assert: she is the invited attendee, finds Room 2, enters it, and stays herself after
    // closing every session.
    joined.expect(200);
    assert_eq!(joined.data()["attendeeId"], eve_id);
    assert_eq!(joined.data()["actorType"], "emails");
    assert_eq!(joined.data()["actorId"], invitation["actorId"]);
    let listed = browser.get(&format!("/room/{token}/breakout-rooms")).await;
    listed.expect(200);
    assert_eq!(tokens(&listed), [rooms[1].clone()]);
    let entered = browser.join(&rooms[1], json!({})).await;
    entered.expect(200);
    assert_eq!(entered.data()["actorType"], "emails");
    assert_eq!(entered.data()["actorId"], invitation["actorId"]);
    for room in [&rooms[1], &token] {
        browser
            .delete(&format!("/room/{room}/participants/active"), json!({}))
            .await
            .expect(200);
    }
    let back = browser.join(&token, json!({})).await;
    back.expect(200);
    assert_eq!(back.data()["attendeeId"], eve_id);
    browser.join(&rooms[1], json!({})).await.expect(200);
}

#[tokio::test]
async fn an_invitation_must_match_and_only_moderators_read_it() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Open class").await;
    alice.add(&token, "bob").await;
    let (eve_id, invitation) = invite_eve(&alice, &token).await;
    let access = invitation["access"].as_str().unwrap();

    // A wrong secret, another address or half a pair is refused and joins no one.
    let browser = app.guest();
    for body in [
        json!({"email": "eve@example.com", "access": "x".repeat(64)}),
        json!({"email": "mallory@example.com", "access": access}),
        json!({"email": "eve@example.com"}),
        json!({"access": access}),
    ] {
        browser
            .join(&token, body.clone())
            .await
            .expect_error(403, "invitation");
    }
    let people = alice.participants(&token).await;
    assert_eq!(people.len(), 3, "{people:?}");
    let eve = people.iter().find(|p| p["attendeeId"] == eve_id).unwrap();
    assert_eq!(eve["sessionIds"], json!([]));
    // Logged-in users join as themselves.
    bob.join(
        &token,
        json!({"email": "eve@example.com", "access": access}),
    )
    .await
    .expect_error(400, "invitation");

    let path = format!("/room/{token}/attendees/invitation");
    bob.get(&format!("{path}?attendeeId={eve_id}"))
        .await
        .expect(403);
    browser
        .get(&format!("{path}?attendeeId={eve_id}"))
        .await
        .expect(401);
    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .get(&format!("{path}?attendeeId={bob_id}"))
        .await
        .expect_error(400, "participant");
    alice
        .get(&format!("{path}?attendeeId=999999"))
        .await
        .expect_error(404, "participant");

    // Removing eve ends her invitation.
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": eve_id}),
        )
        .await
        .expect(200);
    browser
        .join(
            &token,
            json!({"email": "eve@example.com", "access": access}),
        )
        .await
        .expect_error(403, "invitation");
}

#[tokio::test]
async fn a_guests_name_follows_them_between_the_parent_and_their_breakout_room() {
    let app = TestApp::spawn().await;
    let (alice, token, guest, me) = open_class(&app).await;
    let map = json!({ me["attendeeId"].to_string(): 0 }).to_string();
    let rooms = configure_and_start(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map}),
    )
    .await;
    let name_in = |room: &str, name: &str| {
        let (guest, room, name) = (&guest, room.to_owned(), name.to_owned());
        async move {
            guest
                .post(
                    &format!("/ocs/v2.php/apps/spreed/api/v1/guest/{room}/name"),
                    json!({"displayName": name}),
                )
                .await
                .expect(200);
        }
    };
    // Guests show in participant lists only while connected; their messages carry the name.
    let says = |room: &str| {
        let (guest, room) = (&guest, room.to_owned());
        async move {
            guest.join(&room, json!({})).await.expect(200);
            let said = crate::chat_support::say(guest, &room, "hello").await;
            said["actorDisplayName"].clone()
        }
    };

    name_in(&token, "Gus").await;
    assert_eq!(says(&rooms[0]).await, json!("Gus"));
    name_in(&rooms[0], "Gus the Great").await;
    assert_eq!(says(&token).await, json!("Gus the Great"));
    assert_eq!(says(&rooms[0]).await, json!("Gus the Great"));
}
