//! A user's own settings (`POST /settings/user`): what each key takes, the caller's values in
//! the capabilities, and read privacy: a private user's read marker does not count for the
//! common read marker, and they are not told it.

use serde_json::{json, Value};

use crate::chat_support::{chat, history, say, say_id, shared_room};
use crate::helpers::{Client, TestApp};

const SETTINGS: &str = "/ocs/v2.php/apps/spreed/api/v1/settings/user";

async fn chat_capabilities(client: &Client) -> (Value, String) {
    let answer = client.get("/ocs/v2.php/cloud/capabilities").await;
    answer.expect(200);
    let hash = answer.header("x-nextcloud-talk-hash").unwrap().to_owned();
    (
        answer.data()["capabilities"]["spreed"]["config"]["chat"].clone(),
        hash,
    )
}

async fn mark_read(client: &Client, token: &str, id: i64) -> crate::helpers::Answer {
    let answer = client
        .post(
            &format!("{}/read", chat(token)),
            json!({"lastReadMessage": id}),
        )
        .await;
    answer.expect(200);
    answer
}

#[tokio::test]
async fn each_key_takes_only_its_values_and_bad_ones_change_nothing() {
    let app = TestApp::spawn().await;
    let bob = app.user("bob").await;
    let refused = [
        (json!({"key": "read_status_privacy", "value": 2}), 400),
        (
            json!({"key": "read_status_privacy", "value": "private"}),
            400,
        ),
        (json!({"key": "read_status_privacy"}), 400),
        (json!({"key": "typing_privacy", "value": -1}), 400),
        (json!({"key": "play_sounds", "value": "maybe"}), 400),
        (json!({"key": "play_sounds", "value": 1}), 400),
        (json!({"key": "theme", "value": "dark"}), 400),
        (json!({"value": 1}), 400),
        // confab keeps no files, so there is no folder for attachments.
        (json!({"key": "attachment_folder", "value": "/Talk"}), 501),
    ];
    let (before, _) = chat_capabilities(&bob).await;
    for (body, status) in refused {
        let answer = bob.post(SETTINGS, body.clone()).await;
        assert_eq!(answer.status.as_u16(), status, "{body}");
        answer.expect_failure_envelope(i64::from(status));
    }
    assert_eq!(chat_capabilities(&bob).await.0, before);

    for body in [
        json!({"key": "read_status_privacy", "value": 1}),
        json!({"key": "typing_privacy", "value": "1"}),
        json!({"key": "play_sounds", "value": "no"}),
    ] {
        let answer = bob.post(SETTINGS, body).await;
        answer.expect(200);
        assert_eq!(answer.data(), &Value::Null);
    }
    app.guest()
        .post(SETTINGS, json!({"key": "play_sounds", "value": "no"}))
        .await
        .expect(401);
}

#[tokio::test]
async fn the_capabilities_show_each_users_own_privacy_under_one_hash() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    for key in ["read_status_privacy", "typing_privacy"] {
        bob.post(SETTINGS, json!({"key": key, "value": 1}))
            .await
            .expect(200);
    }
    let (bobs, bobs_hash) = chat_capabilities(&bob).await;
    let (alices, alices_hash) = chat_capabilities(&alice).await;
    assert_eq!(
        (&bobs["read-privacy"], &bobs["typing-privacy"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(
        (&alices["read-privacy"], &alices["typing-privacy"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(
        bobs_hash, alices_hash,
        "settings of one user leave the hash alone"
    );
}

#[tokio::test]
async fn a_private_read_marker_neither_counts_nor_sees_the_common_one() {
    for app in TestApp::on_each_backend().await {
        let (alice, bob, token) = shared_room(&app).await;
        let first = say_id(&alice, &token, "one").await;
        let second = say_id(&alice, &token, "two").await;
        // Bob read less than alice: he holds the common marker back.
        let answer = mark_read(&bob, &token, first).await;
        assert_eq!(
            answer.header("x-chat-last-common-read"),
            Some(first.to_string().as_str())
        );

        bob.post(SETTINGS, json!({"key": "read_status_privacy", "value": 1}))
            .await
            .expect(200);
        // Alice now sees only her own marker; bob is told nothing, wherever he looks.
        let answer = mark_read(&alice, &token, second).await;
        assert_eq!(
            answer.header("x-chat-last-common-read"),
            Some(second.to_string().as_str())
        );
        assert_eq!(alice.room(&token).await["lastCommonReadMessage"], second);
        let answer = mark_read(&bob, &token, first).await;
        assert_eq!(answer.header("x-chat-last-common-read"), None);
        assert_eq!(bob.room(&token).await["lastCommonReadMessage"], 0);
        let answer = history(&bob, &token, "limit=5").await;
        answer.expect(200);
        assert_eq!(answer.header("x-chat-last-common-read"), None);
        let sent = bob.post(&chat(&token), json!({"message": "hi"})).await;
        sent.expect(201);
        assert_eq!(sent.header("x-chat-last-common-read"), None);
        let sent = alice.post(&chat(&token), json!({"message": "hello"})).await;
        assert!(sent.header("x-chat-last-common-read").is_some());

        // A room bob joins later knows his choice too.
        let other = alice.create_room("Later").await;
        alice.add(&other, "bob").await;
        let later = say(&alice, &other, "news").await["id"].as_i64().unwrap();
        let answer = mark_read(&alice, &other, later).await;
        assert_eq!(
            answer.header("x-chat-last-common-read"),
            Some(later.to_string().as_str()),
            "bob's unread marker does not hold the room back"
        );

        // Public again: his marker counts and he sees the common one.
        bob.post(
            SETTINGS,
            json!({"key": "read_status_privacy", "value": "0"}),
        )
        .await
        .expect(200);
        let answer = mark_read(&bob, &token, first).await;
        assert_eq!(
            answer.header("x-chat-last-common-read"),
            Some(first.to_string().as_str())
        );
        app.close().await;
    }
}
