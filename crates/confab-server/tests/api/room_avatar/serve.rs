//! Who gets a conversation's picture, and the default picture of each kind of conversation.

use serde_json::json;

use super::{avatar_path, picture};
use crate::helpers::TestApp;

#[tokio::test]
async fn listed_rooms_show_their_picture_to_users_but_public_ones_not_to_strangers() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    let path = avatar_path(&token);

    carol.get(&path).await.expect(404);
    app.guest().get(&path).await.expect(404);
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    picture(&guest, &path).await;

    alice
        .put(&format!("/room/{token}/listable"), json!({"scope": 1}))
        .await
        .expect(200);
    picture(&carol, &path).await;
    app.guest().get(&path).await.expect(404);
}

#[tokio::test]
async fn the_default_picture_follows_the_name_and_the_kind_of_conversation() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let group = alice.create_room("Team").await;
    let public = alice.create_public_room("Team").await;
    let group_svg = picture(&alice, &avatar_path(&group)).await;
    assert_ne!(group_svg, picture(&alice, &avatar_path(&public)).await);
    let version = alice.room(&group).await["avatarVersion"].clone();

    alice
        .put(
            &format!("/room/{group}"),
            json!({"roomName": "\u{1F499}Team"}),
        )
        .await
        .expect(200);

    let renamed = alice.room(&group).await;
    assert_eq!(renamed["isCustomAvatar"], false);
    assert_ne!(renamed["avatarVersion"], version);
    let svg = picture(&alice, &avatar_path(&group)).await;
    assert!(svg.contains("\u{1F499}") && svg.contains("6B6B6B"), "{svg}");
    assert!(picture(&alice, &format!("{}/dark", avatar_path(&group)))
        .await
        .contains("3B3B3B"));

    alice
        .put(&format!("/room/{group}"), json!({"roomName": "Team"}))
        .await
        .expect(200);
    assert_eq!(alice.room(&group).await["avatarVersion"], version);
    assert_eq!(picture(&alice, &avatar_path(&group)).await, group_svg);
}
