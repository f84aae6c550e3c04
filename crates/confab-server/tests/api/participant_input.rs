//! Participant requests with bad input: invalid email guests, over-long guest names, broken
//! form bodies; and taking guest moderation back.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Client, TestApp};

#[tokio::test]
async fn an_invalid_email_guest_is_400_email_and_adds_nobody() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    for address in [
        "not-an-email",
        "@example.org",
        "a@localhost",
        "a b@example.org",
    ] {
        alice
            .post(
                &format!("/room/{token}/participants"),
                json!({"newParticipant": address, "source": "emails"}),
            )
            .await
            .expect_error(400, "email");
    }
    assert_eq!(alice.participants(&token).await.len(), 1);
    assert_eq!(
        alice.room(&token).await["type"],
        2,
        "the room stays a group room"
    );
}

#[tokio::test]
async fn a_guest_name_longer_than_64_characters_is_400_and_keeps_the_old_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    let path = format!("/ocs/v2.php/apps/spreed/api/v1/guest/{token}/name");
    guest
        .post(&path, json!({"displayName": "é".repeat(64)}))
        .await
        .expect(200);
    guest
        .post(&path, json!({"displayName": "é".repeat(65)}))
        .await
        .expect_error(400, "displayName");
    let entry = alice
        .participants(&token)
        .await
        .into_iter()
        .find(|p| p["actorType"] == "guests")
        .unwrap();
    assert_eq!(entry["displayName"], "é".repeat(64));
}

#[tokio::test]
async fn broken_form_bodies_are_read_as_php_reads_them_and_never_fail_the_server() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let form = "application/x-www-form-urlencoded";
    // Stray percent signs stay as they are; bytes that are not UTF-8 become U+FFFD.
    let created = alice
        .send_raw(
            Method::POST,
            "/room",
            form,
            "roomType=2&roomName=50%25+%zz%",
        )
        .await;
    created.expect(201);
    assert_eq!(created.data()["name"], "50% %zz%");
    let created = alice
        .send_raw(
            Method::POST,
            "/room",
            form,
            b"roomType=2&roomName=%ff%fe".to_vec(),
        )
        .await;
    created.expect(201);
    assert_eq!(created.data()["name"], "\u{FFFD}\u{FFFD}");
    // A key without a value, brackets that do not close, raw binary: parameters are simply
    // missing or unusable, and the answer is a clear 400.
    for body in [
        b"roomType&roomName".to_vec(),
        b"roomType=2&roomName[=x".to_vec(),
        vec![0xff, 0xfe, b'=', 0x01],
    ] {
        let answer = alice.send_raw(Method::POST, "/room", form, body).await;
        assert_eq!(answer.status, 400, "{}", answer.raw);
        assert!(answer.error().is_some(), "{}", answer.raw);
    }
    alice
        .send_raw(
            Method::POST,
            "/room",
            form,
            b"roomType=2&roomName=a%00".to_vec(),
        )
        .await
        .expect_error(400, "nul-character");
}

#[tokio::test]
async fn demoting_a_guest_moderator_makes_them_a_guest_again() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    let joined = guest.join(&token, json!({})).await;
    let guest_id = joined.data()["attendeeId"].as_i64().unwrap();
    let path = format!("/room/{token}/moderators");
    alice
        .post(&path, json!({"attendeeId": guest_id}))
        .await
        .expect(200);
    assert_eq!(guest.room(&token).await["participantType"], 6);
    alice
        .delete(&path, json!({"attendeeId": guest_id}))
        .await
        .expect(200);
    assert_eq!(guest.room(&token).await["participantType"], 4);
    let messages = Client::system_messages(&app, &token).await;
    assert_eq!(
        messages[messages.len() - 2..],
        ["guest_moderator_promoted", "guest_moderator_demoted"]
    );
    // Demoting again is not a change: 400, nothing posted.
    alice
        .delete(&path, json!({"attendeeId": guest_id}))
        .await
        .expect_error(400, "participant");
    assert_eq!(Client::system_messages(&app, &token).await, messages);
}
