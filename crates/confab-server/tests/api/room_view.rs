//! The `TalkRoom` as one caller sees it: what a sensitive room withholds, the caller's own session
//! in the list, what an email guest is shown, and the values app settings decide
//! (`notificationLevel`, `canStartCall`).

use confab_core::participant::NewSession;
use reqwest::Method;
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

const CONFIG: &str = "/ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed";

async fn set_app_config(admin: &crate::helpers::Client, key: &str, value: Option<&str>) {
    let path = format!("{CONFIG}/{key}");
    let answer = match value {
        Some(value) => {
            admin
                .send_form(Method::POST, &path, &[("value", value)])
                .await
        }
        None => admin.send_form(Method::DELETE, &path, &[]).await,
    };
    answer.expect(200);
}

#[tokio::test]
async fn default_group_notification_sets_the_level_of_members_who_chose_none() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let group = alice.create_public_room("Team").await;
    alice.add(&group, "bob").await;
    let direct = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let direct = direct.data()["token"].as_str().unwrap().to_owned();
    alice
        .post(&format!("/room/{group}/notify"), json!({"level": 3}))
        .await
        .expect(200);
    let guest = app.guest();
    guest.join(&group, json!({})).await.expect(200);
    assert_eq!(bob.room(&group).await["notificationLevel"], 2);

    for level in ["1", "3"] {
        set_app_config(&root, "default_group_notification", Some(level)).await;
        let expected: i64 = level.parse().unwrap();
        assert_eq!(bob.room(&group).await["notificationLevel"], expected);
        // A level chosen by the member, one-to-one rooms and guests keep theirs.
        assert_eq!(alice.room(&group).await["notificationLevel"], 3);
        assert_eq!(bob.room(&direct).await["notificationLevel"], 1);
        assert_eq!(guest.room(&group).await["notificationLevel"], 3);
    }
    set_app_config(&root, "default_group_notification", None).await;
    assert_eq!(bob.room(&group).await["notificationLevel"], 2);
}

#[tokio::test]
async fn start_calls_decides_who_can_start_a_call() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_public_room("Calls").await;
    alice.add(&token, "bob").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);

    // start_calls → (owner, member, guest, config.call.enabled)
    for (value, expected) in [
        ("0", (true, true, true, true)),
        ("1", (true, true, false, true)),
        ("2", (true, false, false, true)),
        ("3", (false, false, false, false)),
    ] {
        set_app_config(&root, "start_calls", Some(value)).await;
        let can_start = |room: serde_json::Value| room["canStartCall"].as_bool().unwrap();
        let capabilities = root.get("/ocs/v2.php/cloud/capabilities").await;
        let enabled = capabilities.data()["capabilities"]["spreed"]["config"]["call"]["enabled"]
            .as_bool()
            .unwrap();
        let seen = (
            can_start(alice.room(&token).await),
            can_start(bob.room(&token).await),
            can_start(guest.room(&token).await),
            enabled,
        );
        assert_eq!(seen, expected, "start_calls = {value}");
    }
}
