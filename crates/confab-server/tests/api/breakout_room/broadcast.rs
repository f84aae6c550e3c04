//! Broadcasting a message to every breakout room (TALK-BEHAVIOR §1.10).

use serde_json::json;

use super::{breakout_rooms, children, class, configure, BREAKOUT};
use crate::helpers::TestApp;

#[tokio::test]
async fn broadcast_posts_in_every_breakout_room_and_answers_201() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let path = format!("{BREAKOUT}/{token}/broadcast");
    alice
        .post(&path, json!({"message": "hi"}))
        .await
        .expect_error(400, "mode");
    let answer = configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    students[0]
        .post(&path, json!({"message": "hi"}))
        .await
        .expect(403);
    alice
        .post(&path, json!({"message": "x".repeat(32001)}))
        .await
        .expect_error(413, "message");

    let sent = alice
        .post(&path, json!({"message": "Five minutes left"}))
        .await;
    sent.expect(201);
    for room in breakout_rooms(&answer) {
        let chat = alice
            .get(&format!(
                "/ocs/v2.php/apps/spreed/api/v1/chat/{}?lookIntoFuture=0&limit=1",
                room["token"].as_str().unwrap()
            ))
            .await;
        assert_eq!(chat.data()[0]["message"], "Five minutes left");
        assert_eq!(chat.data()[0]["messageType"], "comment");
        assert_eq!(chat.data()[0]["actorId"], "alice");
    }
    let parent_chat = alice
        .get(&format!(
            "/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=0&limit=1"
        ))
        .await;
    assert_ne!(parent_chat.data()[0]["message"], "Five minutes left");
}

#[tokio::test]
async fn broadcast_text_is_trimmed_and_blank_text_is_posted_as_upstream_does() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    configure(&alice, &token, json!({"mode": 1, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    let path = format!("{BREAKOUT}/{token}/broadcast");
    let newest = |room: &str| {
        let alice = &alice;
        let chat = format!("/ocs/v2.php/apps/spreed/api/v1/chat/{room}?lookIntoFuture=0&limit=1");
        async move { alice.get(&chat).await.data()[0].clone() }
    };

    alice
        .post(&path, json!({}))
        .await
        .expect_error(400, "message");
    alice
        .post(&path, json!({"message": "  Back in five \n"}))
        .await
        .expect(201);
    for room in &rooms {
        assert_eq!(newest(room).await["message"], "Back in five");
    }
    // Only the trimmed text counts towards the limit.
    let longest = format!(" {} ", "x".repeat(32000));
    alice
        .post(&path, json!({"message": longest}))
        .await
        .expect(201);
    // Blank text: upstream's broadcast has no blank check and posts an empty comment.
    alice
        .post(&path, json!({"message": " \t "}))
        .await
        .expect(201);
    for room in &rooms {
        let posted = newest(room).await;
        assert_eq!(posted["message"], "");
        assert_eq!(posted["messageType"], "comment");
        assert_eq!(posted["actorId"], "alice");
    }
}
