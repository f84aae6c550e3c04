//! Listing breakout rooms and their participants (TALK-BEHAVIOR §1.9).

use serde_json::json;

use super::{class, configure, BREAKOUT};
use crate::helpers::TestApp;

#[tokio::test]
async fn students_see_their_room_only_once_started() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 3})).await;
    let list = format!("/room/{token}/breakout-rooms");
    students[0].get(&list).await.expect_error(400, "status");
    assert_eq!(alice.get(&list).await.data().as_array().unwrap().len(), 3);

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let mine = students[0].get(&list).await;
    mine.expect(200);
    let mine = mine.data().as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["participantType"], 3);
    app.guest().get(&list).await.expect(401);
}

#[tokio::test]
async fn breakout_participants_list_the_parent_and_visible_rooms_with_room_tokens() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let path = format!("/room/{token}/breakout-rooms/participants");
    alice.get(&path).await.expect_error(400, "mode");
    configure(&alice, &token, json!({"mode": 1, "amount": 3})).await;
    students[0].get(&path).await.expect_error(400, "status");

    let all = alice.get(&path).await;
    all.expect(200);
    let entries = all.data().as_array().unwrap();
    // Parent: 4 people; each of the 3 rooms: alice plus one student.
    assert_eq!(entries.len(), 4 + 3 * 2);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["roomToken"] == token.as_str())
            .count(),
        4
    );

    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let mine = students[0].get(&path).await;
    mine.expect(200);
    let rooms: std::collections::BTreeSet<&str> = mine
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["roomToken"].as_str().unwrap())
        .collect();
    assert_eq!(rooms.len(), 2, "the parent and the student's own room");
}
