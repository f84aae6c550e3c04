//! Setting an emoji picture and removing the picture: who may, what is refused, the versions
//! and the system messages.

use serde_json::json;

use super::{avatar_path, chat_texts, emoji_path, picture, room_with_member};
use crate::helpers::{Client, TestApp};

#[tokio::test]
async fn a_moderator_sets_an_emoji_picture_that_every_participant_gets() {
    let app = TestApp::spawn().await;
    let (alice, bob, _, token) = room_with_member(&app).await;
    let before = alice.room(&token).await;

    let answer = alice
        .post(
            &emoji_path(&token),
            json!({"emoji": "\u{1F469}\u{1F3FD}\u{200D}\u{1F680}", "color": "123456"}),
        )
        .await;

    answer.expect(200);
    assert_eq!(answer.data()["token"], token.as_str());
    assert_eq!(answer.data()["isCustomAvatar"], true);
    assert_ne!(answer.data()["avatarVersion"], before["avatarVersion"]);
    assert_eq!(
        answer.header("x-nextcloud-talk-hash"),
        alice
            .get(&format!("/room/{token}"))
            .await
            .header("x-nextcloud-talk-hash")
    );
    assert_eq!(bob.room(&token).await["isCustomAvatar"], true);
    for path in [
        avatar_path(&token),
        format!("{}/dark", avatar_path(&token)),
        // nc-py-api asks for JSON and still needs the image itself.
        format!("{}?format=json", avatar_path(&token)),
    ] {
        let svg = picture(&bob, &path).await;
        assert!(svg.contains("\u{1F469}\u{1F3FD}\u{200D}\u{1F680}"), "{svg}");
        assert!(svg.contains("123456"), "{svg}");
    }
    assert_eq!(
        chat_texts(&alice, &token).await.last().unwrap(),
        &(
            "avatar_set".to_owned(),
            "You set the conversation picture".to_owned()
        )
    );
    assert_eq!(
        chat_texts(&bob, &token).await.last().unwrap().1,
        "{actor} set the conversation picture"
    );
}

#[tokio::test]
async fn every_new_picture_gets_a_new_version_and_without_a_color_follows_the_theme() {
    let app = TestApp::spawn().await;
    let (alice, _, _, token) = room_with_member(&app).await;
    let first = alice
        .post(
            &emoji_path(&token),
            json!({"emoji": "\u{1F44B}", "color": "123456"}),
        )
        .await;
    first.expect(200);

    let second = alice
        .post(
            &emoji_path(&token),
            json!({"emoji": "\u{1F34F}", "color": null}),
        )
        .await;

    second.expect(200);
    assert_ne!(
        second.data()["avatarVersion"],
        first.data()["avatarVersion"]
    );
    let bright = picture(&alice, &avatar_path(&token)).await;
    assert!(bright.contains("\u{1F34F}") && !bright.contains("\u{1F44B}"));
    assert!(bright.contains("6B6B6B") && !bright.contains("3B3B3B"));
    for dark_path in [
        format!("{}/dark", avatar_path(&token)),
        format!("{}?darkTheme=1", avatar_path(&token)),
    ] {
        let dark = picture(&alice, &dark_path).await;
        assert!(dark.contains("\u{1F34F}"));
        assert!(dark.contains("3B3B3B") && !dark.contains("6B6B6B"));
    }
    assert_eq!(
        Client::system_messages(&app, &token).await,
        [
            "conversation_created",
            "user_added",
            "avatar_set",
            "avatar_set"
        ]
    );
}

#[tokio::test]
async fn bad_emoji_and_colors_are_400_with_the_reason_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (alice, _, _, token) = room_with_member(&app).await;
    let before = alice.room(&token).await;

    for (body, key, message) in [
        (
            json!({"emoji": "\u{1F44B}\u{1F680}", "color": "123456"}),
            "emoji",
            "Invalid emoji character",
        ),
        (json!({"emoji": "a"}), "emoji", "Invalid emoji character"),
        (
            json!({"color": "123456"}),
            "emoji",
            "Invalid emoji character",
        ),
        (
            json!({"emoji": "\u{1F44B}", "color": "1234567"}),
            "color",
            "Invalid background color",
        ),
        (
            json!({"emoji": "\u{1F44B}", "color": "GGGGGG"}),
            "color",
            "Invalid background color",
        ),
        (
            json!({"emoji": "\u{1F44B}", "color": "#12345"}),
            "color",
            "Invalid background color",
        ),
        (
            json!({"emoji": "\u{1F44B}", "color": ""}),
            "color",
            "Invalid background color",
        ),
    ] {
        let answer = alice.post(&emoji_path(&token), body.clone()).await;
        answer.expect_error(400, key);
        assert_eq!(answer.data()["message"], message, "{body}");
    }

    let after = alice.room(&token).await;
    assert_eq!(after["isCustomAvatar"], false);
    assert_eq!(after["avatarVersion"], before["avatarVersion"]);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        ["conversation_created", "user_added"]
    );
}

#[tokio::test]
async fn only_moderators_change_the_picture_and_non_participants_learn_nothing() {
    let app = TestApp::spawn().await;
    let (alice, bob, carol, token) = room_with_member(&app).await;
    alice
        .post(&emoji_path(&token), json!({"emoji": "\u{1F44B}"}))
        .await
        .expect(200);
    let before = alice.room(&token).await;
    let body = json!({"emoji": "\u{1F34F}", "color": "123456"});

    bob.post(&emoji_path(&token), body.clone())
        .await
        .expect(403);
    bob.delete(&avatar_path(&token), json!({}))
        .await
        .expect(403);
    carol
        .post(&emoji_path(&token), body.clone())
        .await
        .expect(404);
    carol
        .delete(&avatar_path(&token), json!({}))
        .await
        .expect(404);
    carol.get(&avatar_path(&token)).await.expect(404);
    let anonymous = app.guest();
    anonymous.post(&emoji_path(&token), body).await.expect(404);
    anonymous.get(&avatar_path(&token)).await.expect(404);
    alice
        .post(&emoji_path("unknowntoken"), json!({"emoji": "\u{1F44B}"}))
        .await
        .expect(404);

    let after = alice.room(&token).await;
    assert_eq!(after["avatarVersion"], before["avatarVersion"]);
    assert_eq!(after["isCustomAvatar"], true);
    assert!(picture(&bob, &avatar_path(&token))
        .await
        .contains("\u{1F44B}"));
}

#[tokio::test]
async fn removing_the_picture_brings_back_the_default_once() {
    let app = TestApp::spawn().await;
    let (alice, bob, _, token) = room_with_member(&app).await;
    let default = alice.room(&token).await["avatarVersion"].clone();
    let default_svg = picture(&alice, &avatar_path(&token)).await;
    alice
        .post(&emoji_path(&token), json!({"emoji": "\u{1F44B}"}))
        .await
        .expect(200);

    let removed = alice.delete(&avatar_path(&token), json!({})).await;

    removed.expect(200);
    assert_eq!(removed.data()["isCustomAvatar"], false);
    assert_eq!(removed.data()["avatarVersion"], default);
    assert_eq!(picture(&bob, &avatar_path(&token)).await, default_svg);
    assert_eq!(
        chat_texts(&alice, &token).await.last().unwrap(),
        &(
            "avatar_removed".to_owned(),
            "You removed the conversation picture".to_owned()
        )
    );
    // Nothing left to remove: 200 and no second message, as upstream.
    alice
        .delete(&avatar_path(&token), json!({}))
        .await
        .expect(200);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        [
            "conversation_created",
            "user_added",
            "avatar_set",
            "avatar_removed"
        ]
    );
}

#[tokio::test]
async fn one_to_one_conversations_keep_showing_the_other_user() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let created = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    created.expect(201);
    let token = created.data()["token"].as_str().unwrap().to_owned();

    let answer = alice
        .post(
            &emoji_path(&token),
            json!({"emoji": "\u{1F44B}", "color": "123456"}),
        )
        .await;

    answer.expect_error(400, "type");
    assert_eq!(
        answer.data()["message"],
        "One-to-one rooms always need to show the other users avatar"
    );
    assert_eq!(alice.room(&token).await["isCustomAvatar"], false);
    assert!(!picture(&alice, &avatar_path(&token))
        .await
        .contains("\u{1F44B}"));
    alice
        .delete(&avatar_path(&token), json!({}))
        .await
        .expect(200);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        ["conversation_created"]
    );
}
