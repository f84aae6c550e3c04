//! Who may touch a conversation: someone who is not a participant learns nothing (404, even
//! for a public room they could join), and anonymous callers get 401 (997) on user-only
//! endpoints even when they joined as guests.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Client, TestApp};

/// Every settings change a moderator can make, with a body that would be valid.
fn settings_changes(token: &str, attendee_id: i64) -> Vec<(Method, String, serde_json::Value)> {
    let r = |path: &str| format!("/room/{token}{path}");
    vec![
        (Method::PUT, r(""), json!({"roomName": "Taken"})),
        (
            Method::PUT,
            r("/description"),
            json!({"description": "Mine"}),
        ),
        (Method::PUT, r("/password"), json!({"password": "secret"})),
        (Method::PUT, r("/read-only"), json!({"state": 1})),
        (Method::PUT, r("/listable"), json!({"scope": 2})),
        (Method::PUT, r("/webinar/lobby"), json!({"state": 1})),
        (
            Method::PUT,
            r("/permissions/default"),
            json!({"permissions": 4}),
        ),
        (Method::POST, r("/public"), json!({})),
        (Method::DELETE, r("/public"), json!({})),
        (
            Method::POST,
            r("/message-expiration"),
            json!({"seconds": 60}),
        ),
        (Method::POST, r("/notify"), json!({"level": 1})),
        (Method::POST, r("/notify-calls"), json!({"level": 0})),
        (
            Method::PUT,
            r("/attendees/permissions"),
            json!({"attendeeId": attendee_id, "method": "set", "permissions": 4}),
        ),
        (
            Method::DELETE,
            r("/attendees"),
            json!({"attendeeId": attendee_id}),
        ),
        (
            Method::POST,
            r("/moderators"),
            json!({"attendeeId": attendee_id}),
        ),
        (Method::DELETE, r(""), json!({})),
    ]
}

async fn room_and_members(app: &TestApp, public: bool) -> (Client, String, i64) {
    let alice = app.user("alice").await;
    app.user("bob").await;
    let token = if public {
        alice.create_public_room("Open").await
    } else {
        alice.create_room("Closed").await
    };
    alice.add(&token, "bob").await;
    let bob_id = alice.attendee_id(&token, "bob").await;
    (alice, token, bob_id)
}

#[tokio::test]
async fn non_participants_get_404_for_every_settings_change_and_nothing_changes() {
    for public in [false, true] {
        let app = TestApp::spawn().await;
        let (alice, token, bob_id) = room_and_members(&app, public).await;
        let carol = app.user("carol").await;
        let before = alice.room(&token).await;
        let messages = Client::system_messages(&app, &token).await;
        for (method, path, body) in settings_changes(&token, bob_id) {
            let answer = carol.send(method.clone(), &path, Some(body)).await;
            assert_eq!(answer.status, 404, "{method} {path}: {}", answer.raw);
            answer.expect_empty(404);
        }
        let after = alice.room(&token).await;
        for field in [
            "name",
            "description",
            "hasPassword",
            "readOnly",
            "listable",
            "lobbyState",
            "defaultPermissions",
            "type",
            "messageExpiration",
        ] {
            assert_eq!(after[field], before[field], "{field} changed");
        }
        assert_eq!(Client::system_messages(&app, &token).await, messages);
        assert_eq!(alice.participant(&token, "bob").await["participantType"], 3);
    }
}

#[tokio::test]
async fn guests_who_joined_get_401_on_user_only_endpoints() {
    let app = TestApp::spawn().await;
    let (_alice, token, _) = room_and_members(&app, true).await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    for (method, path, body) in [
        (Method::POST, "favorite", json!({})),
        (Method::DELETE, "favorite", json!({})),
        (Method::POST, "archive", json!({})),
        (Method::DELETE, "archive", json!({})),
        (Method::POST, "important", json!({})),
        (Method::POST, "sensitive", json!({})),
        (Method::POST, "notify", json!({"level": 1})),
        (Method::POST, "notify-calls", json!({"level": 1})),
    ] {
        let answer = guest
            .send(method.clone(), &format!("/room/{token}/{path}"), Some(body))
            .await;
        answer.expect(401);
        assert_eq!(answer.statuscode(), 997, "{method} {path}");
    }
    // The guest still is a participant: the room itself answers.
    assert_eq!(guest.room(&token).await["participantType"], 4);
}
