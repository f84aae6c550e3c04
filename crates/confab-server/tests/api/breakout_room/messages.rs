//! System messages each breakout operation leaves, room by room (TALK-BEHAVIOR §1.15).

use serde_json::json;

use super::{children, class, configure, BREAKOUT};
use crate::helpers::TestApp;

/// A system message as (name, actor id, id of the `user` parameter or "").
type Note = (String, String, String);

fn note(name: &str, actor: &str, user: &str) -> Note {
    (name.to_owned(), actor.to_owned(), user.to_owned())
}

/// The system messages of `token`, oldest first.
async fn notes(app: &TestApp, token: &str) -> Vec<Note> {
    app.messages(token)
        .await
        .into_iter()
        .filter(|m| !m.system_message.is_empty())
        .map(|m| {
            let user = m.parameters["user"]["id"].as_str().unwrap_or("").to_owned();
            (m.system_message, m.actor_id, user)
        })
        .collect()
}

/// The system messages of `token` posted after `before` was taken.
async fn since(app: &TestApp, token: &str, before: &[Note]) -> Vec<Note> {
    notes(app, token).await[before.len()..].to_vec()
}

#[tokio::test]
async fn reassigning_posts_removed_in_the_source_and_added_in_the_target() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let bob = alice.attendee_id(&token, "bob").await;
    configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": json!({ bob.to_string(): 0 }).to_string()}),
    )
    .await;
    let rooms = children(&alice, &token).await;
    let (first, second, parent) = (
        notes(&app, &rooms[0]).await,
        notes(&app, &rooms[1]).await,
        notes(&app, &token).await,
    );
    alice
        .post(
            &format!("{BREAKOUT}/{token}/attendees"),
            json!({"attendeeMap": json!({ bob.to_string(): 1 }).to_string()}),
        )
        .await
        .expect(200);
    assert_eq!(
        since(&app, &rooms[0], &first).await,
        vec![note("user_removed", "alice", "bob")]
    );
    assert_eq!(
        since(&app, &rooms[1], &second).await,
        vec![note("user_added", "alice", "bob")]
    );
    assert!(since(&app, &token, &parent).await.is_empty());
}

#[tokio::test]
async fn a_direct_add_posts_in_both_breakout_rooms_and_joins_the_parent() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    app.user("erin").await;
    let bob = alice.attendee_id(&token, "bob").await;
    configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": json!({ bob.to_string(): 0 }).to_string()}),
    )
    .await;
    let rooms = children(&alice, &token).await;
    let (first, second, parent) = (
        notes(&app, &rooms[0]).await,
        notes(&app, &rooms[1]).await,
        notes(&app, &token).await,
    );

    alice.add(&rooms[1], "bob").await;
    assert_eq!(
        since(&app, &rooms[0], &first).await,
        vec![note("user_removed", "alice", "bob")]
    );
    assert_eq!(
        since(&app, &rooms[1], &second).await,
        vec![note("user_added", "alice", "bob")]
    );
    assert!(since(&app, &token, &parent).await.is_empty());

    let first = notes(&app, &rooms[0]).await;
    alice.add(&rooms[0], "erin").await;
    assert_eq!(
        since(&app, &token, &parent).await,
        vec![note("user_added", "alice", "erin")]
    );
    assert_eq!(
        since(&app, &rooms[0], &first).await,
        vec![note("user_added", "alice", "erin")]
    );
}

#[tokio::test]
async fn demotion_removal_and_leaving_post_user_removed_in_the_breakout_rooms() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let id = |name: &'static str| {
        let alice = &alice;
        let token = &token;
        async move { alice.attendee_id(token, name).await }
    };
    let (bob, carol, dave) = (id("bob").await, id("carol").await, id("dave").await);
    let map = json!({ bob.to_string(): 0, carol.to_string(): 1, dave.to_string(): 1 });
    configure(
        &alice,
        &token,
        json!({"mode": 2, "amount": 2, "attendeeMap": map.to_string()}),
    )
    .await;
    let rooms = children(&alice, &token).await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob}),
        )
        .await
        .expect(200);

    let before = [notes(&app, &rooms[0]).await, notes(&app, &rooms[1]).await];
    alice
        .delete(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": bob}),
        )
        .await
        .expect(200);
    for (room, before) in rooms.iter().zip(&before) {
        assert_eq!(
            since(&app, room, before).await,
            vec![note("user_removed", "alice", "bob")],
            "a demoted moderator leaves every room, the one he was assigned to included"
        );
    }

    let second = notes(&app, &rooms[1]).await;
    alice
        .delete(
            &format!("/room/{token}/attendees"),
            json!({"attendeeId": carol}),
        )
        .await
        .expect(200);
    students[2]
        .delete(&format!("/room/{token}/participants/self"), json!({}))
        .await
        .expect(200);
    assert_eq!(
        since(&app, &rooms[1], &second).await,
        vec![
            note("user_removed", "alice", "carol"),
            note("user_removed", "dave", "dave"),
        ]
    );
}

#[tokio::test]
async fn an_extra_room_announces_itself_and_adds_only_the_other_moderators() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let dave = alice.attendee_id(&token, "dave").await;
    alice
        .post(
            &format!("/room/{token}/moderators"),
            json!({"attendeeId": dave}),
        )
        .await
        .expect(200);
    configure(&alice, &token, json!({"mode": 1, "amount": 1})).await;
    let extra = alice
        .post(
            "/room",
            json!({"roomType": 2, "roomName": "Extra", "objectType": "room", "objectId": token}),
        )
        .await;
    extra.expect(201);
    let extra = extra.data()["token"].as_str().unwrap().to_owned();
    assert_eq!(
        notes(&app, &extra).await,
        vec![
            note("conversation_created", "alice", ""),
            note("user_added", "alice", "dave"),
        ]
    );
    let people: Vec<(String, i64)> = alice
        .participants(&extra)
        .await
        .iter()
        .map(|p| {
            (
                p["actorId"].as_str().unwrap().to_owned(),
                p["participantType"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(people, vec![("alice".into(), 1), ("dave".into(), 2)]);
}

#[tokio::test]
async fn nothing_is_posted_in_the_parent_by_breakout_operations() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let before = app.messages(&token).await.len();
    configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    let rooms_path = format!("{BREAKOUT}/{token}/rooms");
    alice.post(&rooms_path, json!({})).await.expect(200);
    alice
        .post(
            &format!("{BREAKOUT}/{token}/broadcast"),
            json!({"message": "Five minutes left"}),
        )
        .await
        .expect(201);
    alice.delete(&rooms_path, json!({})).await.expect(200);
    alice
        .delete(&format!("{BREAKOUT}/{token}"), json!({}))
        .await
        .expect(200);
    assert_eq!(app.messages(&token).await.len(), before);
}
