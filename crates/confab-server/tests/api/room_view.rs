//! The `TalkRoom` as one caller sees it: what a sensitive room withholds, the caller's own session
//! in the list, and what an email guest is shown.

use confab_core::participant::NewSession;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_sensitive_room_omits_its_last_message_in_the_list_and_the_single_room() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Secret").await;
    alice.add(&token, "bob").await;

    assert!(bob.room(&token).await.get("lastMessage").is_some());
    bob.post(&format!("/room/{token}/sensitive"), json!({}))
        .await
        .expect(200);
    let single = bob.room(&token).await;
    assert_eq!(single["isSensitive"], true);
    assert!(single.get("lastMessage").is_none(), "{single}");
    let list = bob.get("/room").await;
    assert!(list.data()[0].get("lastMessage").is_none(), "{}", list.raw);
    // Only bob marked it: alice still sees the preview.
    assert!(alice.room(&token).await.get("lastMessage").is_some());

    bob.delete(&format!("/room/{token}/sensitive"), json!({}))
        .await
        .expect(200);
    assert!(bob.get("/room").await.data()[0]
        .get("lastMessage")
        .is_some());
}

#[tokio::test]
async fn the_room_list_shows_the_session_this_client_joined_with() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let joined_room = alice.create_room("Joined").await;
    let other_room = alice.create_room("Other").await;
    let joined = alice.join(&joined_room, json!({})).await;
    joined.expect(200);
    let session = joined.data()["sessionId"].as_str().unwrap().to_owned();

    let list = alice.get("/room").await;
    list.expect(200);
    let session_of = |token: &str| {
        list.data()
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["token"] == token)
            .map(|r| r["sessionId"].clone())
            .unwrap()
    };
    assert_eq!(session_of(&joined_room), session.as_str());
    assert_eq!(session_of(&other_room), "0");
    assert_eq!(
        alice.room(&joined_room).await["sessionId"],
        session.as_str()
    );

    // The same account on another device has no session of its own yet.
    let other_device = app.login("alice", crate::helpers::PASSWORD);
    let list = other_device.get("/room").await;
    assert!(list
        .data()
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["sessionId"] == "0"));
}

#[tokio::test]
async fn an_email_guest_sees_the_address_they_were_invited_with() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Mailed").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "Guest@Example.com", "source": "emails"}),
        )
        .await
        .expect(200);
    let attendee_id = alice
        .participants(&token)
        .await
        .iter()
        .find(|p| p["actorType"] == "emails")
        .and_then(|p| p["attendeeId"].as_i64())
        .unwrap();

    // Arrange what following the invitation does: the guest's browser holds a session of the
    // email attendee (confab has no invitation links, so the session is opened in the store).
    let guest = app.guest();
    let first = guest.get("/ocs/v2.php/cloud/capabilities").await;
    let cookie = first.header("set-cookie").unwrap();
    let client = cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, value)| value.to_owned())
        .unwrap();
    let room = app.stored_room(&token).await.unwrap();
    app.services
        .context
        .store
        .open_session(
            room.id,
            attendee_id,
            &NewSession {
                id: "email-guest-session".into(),
                client_session: client,
                last_ping: app.services.context.now(),
            },
        )
        .await
        .unwrap();

    let seen = guest.room(&token).await;
    assert_eq!(seen["actorType"], "emails");
    assert_eq!(seen["invitedActorId"], "Guest@Example.com");
    assert_eq!(seen["sessionId"], "email-guest-session");
    assert!(alice.room(&token).await.get("invitedActorId").is_none());
}
