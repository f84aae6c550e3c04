//! `RoomAvatarStore`: setting, replacing and removing a room's custom picture with its notes;
//! the picture's version on every room read; pictures given at creation; rooms deleted with
//! their picture.

use anyhow::ensure;
use confab_core::room::{AvatarImage, NewRoom, PictureFormat, RoomAvatar, RoomType};
use confab_core::store::{ChatStore, RoomAvatarStore, RoomStore};
use confab_core::StoreError;
use confab_store::SqlStore;

use crate::support::{each_backend, new_room, owner, room_with, system, NOW};

fn emoji(version: &str, emoji: &str, color: Option<&str>) -> RoomAvatar {
    RoomAvatar {
        version: version.to_owned(),
        image: AvatarImage::Emoji {
            emoji: emoji.to_owned(),
            color: color.map(str::to_owned),
        },
    }
}

async fn system_names(store: &SqlStore, room_id: i64) -> anyhow::Result<Vec<String>> {
    Ok(store
        .messages_after(room_id, 0, 100)
        .await?
        .into_iter()
        .map(|m| m.system_message)
        .collect())
}

#[tokio::test]
async fn setting_a_picture_stores_it_shows_its_version_and_appends_the_note() {
    each_backend(|store| async move {
        let room = room_with(&store, "pic", &["alice"]).await?;
        ensure!(room.avatar_version.is_none());
        ensure!(store.room_avatar(room.id).await?.is_none());

        let avatar = emoji("v1", "\u{1F44B}", Some("123456"));
        let changed = store
            .set_room_avatar(room.id, &avatar, &[system(room.id, "avatar_set", NOW + 1)])
            .await?;
        ensure!(changed.avatar_version.as_deref() == Some("v1"));
        ensure!(store.room_avatar(room.id).await? == Some(avatar));
        ensure!(system_names(&store, room.id).await? == ["avatar_set"]);
        let read = store.room_by_token("pic").await?.expect("room exists");
        ensure!(read.avatar_version.as_deref() == Some("v1"));
        let listed = store
            .rooms_of_actor(confab_core::participant::ActorType::Users, "alice")
            .await?;
        ensure!(listed[0].0.avatar_version.as_deref() == Some("v1"));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_new_picture_replaces_the_old_one_and_a_missing_color_stays_missing() {
    each_backend(|store| async move {
        let room = room_with(&store, "pic", &["alice"]).await?;
        store
            .set_room_avatar(room.id, &emoji("v1", "\u{1F44B}", Some("123456")), &[])
            .await?;
        let second = emoji("v2", "\u{1F34F}", None);
        let changed = store.set_room_avatar(room.id, &second, &[]).await?;
        ensure!(changed.avatar_version.as_deref() == Some("v2"));
        ensure!(store.room_avatar(room.id).await? == Some(second));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn uploaded_pictures_keep_their_format_and_every_byte() {
    each_backend(|store| async move {
        let room = room_with(&store, "pic", &["alice"]).await?;
        // Bytes that are not text: NUL, high bytes, invalid UTF-8.
        let content: Vec<u8> = (0..=255u8).chain([0, 0xFF, 0xC3, 0x28]).collect();
        for format in [PictureFormat::Png, PictureFormat::Jpeg] {
            let avatar = RoomAvatar {
                version: format!("{format:?}"),
                image: AvatarImage::Picture {
                    format,
                    content: content.clone(),
                },
            };
            store.set_room_avatar(room.id, &avatar, &[]).await?;
            ensure!(store.room_avatar(room.id).await? == Some(avatar));
        }
        // An emoji replacing a picture leaves nothing of it behind.
        let emoji_avatar = emoji("v3", "\u{1F44B}", None);
        store.set_room_avatar(room.id, &emoji_avatar, &[]).await?;
        ensure!(store.room_avatar(room.id).await? == Some(emoji_avatar));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn removing_a_picture_appends_the_note_only_when_there_was_one() {
    each_backend(|store| async move {
        let room = room_with(&store, "pic", &["alice"]).await?;
        let note = |name: &str| system(room.id, name, NOW + 2);

        let unchanged = store
            .remove_room_avatar(room.id, &[note("avatar_removed")])
            .await?;
        ensure!(unchanged.avatar_version.is_none());
        ensure!(system_names(&store, room.id).await?.is_empty());

        store
            .set_room_avatar(room.id, &emoji("v1", "\u{1F44B}", None), &[])
            .await?;
        let removed = store
            .remove_room_avatar(room.id, &[note("avatar_removed")])
            .await?;
        ensure!(removed.avatar_version.is_none());
        ensure!(store.room_avatar(room.id).await?.is_none());
        ensure!(system_names(&store, room.id).await? == ["avatar_removed"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn pictures_of_missing_rooms_are_not_found_and_change_nothing() {
    each_backend(|store| async move {
        let avatar = emoji("v1", "\u{1F44B}", None);
        ensure!(matches!(
            store.set_room_avatar(999_999, &avatar, &[]).await,
            Err(StoreError::NotFound)
        ));
        ensure!(matches!(
            store.remove_room_avatar(999_999, &[]).await,
            Err(StoreError::NotFound)
        ));
        ensure!(store.room_avatar(999_999).await?.is_none());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_room_created_with_a_picture_has_it_and_deleting_the_room_drops_it() {
    each_backend(|store| async move {
        let avatar = emoji("start", "\u{1F4DD}", Some("0082c9"));
        let new = NewRoom {
            avatar: Some(avatar.clone()),
            ..new_room("pic", RoomType::NoteToSelf)
        };
        let room = store.create_room(&new, &[owner("alice")], &[]).await?;
        ensure!(room.avatar_version.as_deref() == Some("start"));
        ensure!(store.room_avatar(room.id).await? == Some(avatar));

        ensure!(store.delete_room(room.id).await?);
        ensure!(store.room_avatar(room.id).await?.is_none());
        Ok(())
    })
    .await;
}
