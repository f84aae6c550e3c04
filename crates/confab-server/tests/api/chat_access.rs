//! Changes of access reach the chat at once: the chat endpoints answer members from memory
//! while nothing was written, so each test first has the member send and poll (filling that
//! memory), then changes the room or the member, and expects the very next request to obey.

use serde_json::json;

use crate::chat_support::{chat, poll, say, shared_room};
use crate::helpers::{Client, TestApp};

/// Bob sends and polls, so the server has his membership at hand.
async fn warm(bob: &Client, token: &str) {
    let sent = say(bob, token, "warming up").await["id"].as_i64().unwrap();
    poll(bob, token, &format!("timeout=0&lastKnownMessageId={sent}"))
        .await
        .expect(304);
}

#[tokio::test]
async fn a_removed_member_is_refused_on_the_next_send_and_poll() {
    for app in TestApp::on_each_backend().await {
        let (alice, bob, token) = shared_room(&app).await;
        warm(&bob, &token).await;
        let bob_id = alice.attendee_id(&token, "bob").await;
        alice
            .delete(
                &format!("/room/{token}/attendees"),
                json!({"attendeeId": bob_id}),
            )
            .await
            .expect(200);
        let before = app.messages(&token).await;
        bob.post(&chat(&token), json!({"message": "still here?"}))
            .await
            .expect_empty(404);
        poll(&bob, &token, "timeout=0").await.expect_empty(404);
        assert_eq!(app.messages(&token).await, before);
        app.close().await;
    }
}

#[tokio::test]
async fn read_only_lobby_and_permissions_apply_to_the_next_request() {
    for app in TestApp::on_each_backend().await {
        let (alice, bob, token) = shared_room(&app).await;

        warm(&bob, &token).await;
        alice
            .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
            .await
            .expect(200);
        bob.post(&chat(&token), json!({"message": "locked?"}))
            .await
            .expect_empty(403);
        alice
            .put(&format!("/room/{token}/read-only"), json!({"state": 0}))
            .await
            .expect(200);

        warm(&bob, &token).await;
        let bob_id = alice.attendee_id(&token, "bob").await;
        alice
            .put(
                &format!("/room/{token}/attendees/permissions"),
                json!({"attendeeId": bob_id, "method": "set", "permissions": 2 | 4 | 16 | 32 | 64}),
            )
            .await
            .expect(200);
        bob.post(&chat(&token), json!({"message": "muted?"}))
            .await
            .expect_empty(403);
        alice
            .put(
                &format!("/room/{token}/attendees/permissions"),
                json!({"attendeeId": bob_id, "method": "add", "permissions": 128}),
            )
            .await
            .expect(200);

        warm(&bob, &token).await;
        alice
            .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
            .await
            .expect(200);
        poll(&bob, &token, "timeout=0").await.expect_empty(412);
        bob.post(&chat(&token), json!({"message": "in the lobby?"}))
            .await
            .expect_empty(412);
        app.close().await;
    }
}

#[tokio::test]
async fn a_promoted_member_moderates_at_once() {
    for app in TestApp::on_each_backend().await {
        let (alice, bob, token) = shared_room(&app).await;
        let alices = say(&alice, &token, "mine").await["id"].as_i64().unwrap();
        warm(&bob, &token).await;
        bob.delete(&format!("{}/{alices}", chat(&token)), json!({}))
            .await
            .expect_error(403, "permission");
        let bob_id = alice.attendee_id(&token, "bob").await;
        alice
            .post(
                &format!("/room/{token}/moderators"),
                json!({"attendeeId": bob_id}),
            )
            .await
            .expect(200);
        bob.delete(&format!("{}/{alices}", chat(&token)), json!({}))
            .await
            .expect(200);
        app.close().await;
    }
}

#[tokio::test]
async fn a_guest_who_renames_themselves_posts_under_the_new_name_at_once() {
    for app in TestApp::on_each_backend().await {
        let alice = app.user("alice").await;
        let token = alice.create_public_room("Open").await;
        let guest = app.guest();
        guest.join(&token, json!({})).await.expect(200);
        say(&guest, &token, "first").await;
        guest
            .post(
                &format!("/ocs/v2.php/apps/spreed/api/v1/guest/{token}/name"),
                json!({"displayName": "Gus"}),
            )
            .await
            .expect(200);
        let message = say(&guest, &token, "second").await;
        assert_eq!(message["actorDisplayName"], "Gus");
        app.close().await;
    }
}
