//! [`RoomAvatarStore`]: the custom picture of a conversation (an emoji, or an uploaded image
//! with its bytes), one row per room at most.
//!
//! The room's rows carry the picture's version (a subquery in the room columns), so listing
//! conversations never reads the pictures themselves.

use async_trait::async_trait;
use confab_core::chat::NewMessage;
use confab_core::room::{AvatarImage, PictureFormat, Room, RoomAvatar};
use confab_core::store::{RoomAvatarStore, StoreResult};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::chat::append;
use crate::error::OrStore;
use crate::room::room_by_id;
use crate::SqlStore;

/// `kind` of an emoji picture and of an uploaded one.
const EMOJI: &str = "emoji";
const PICTURE: &str = "picture";

const UPSERT: &str = "INSERT INTO room_avatars (room_id, version, kind, emoji, color, mime_type, content) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (room_id) DO UPDATE SET version = excluded.version, \
    kind = excluded.kind, emoji = excluded.emoji, color = excluded.color, \
    mime_type = excluded.mime_type, content = excluded.content";

/// Writes `avatar` as the picture of room `room_id`, replacing any other.
pub(crate) async fn write_avatar(
    tx: &mut Transaction<'_, Any>,
    room_id: i64,
    avatar: &RoomAvatar,
) -> Result<(), sqlx::Error> {
    let query = sqlx::query(UPSERT).bind(room_id).bind(&avatar.version);
    let query = match &avatar.image {
        AvatarImage::Emoji { emoji, color } => query
            .bind(EMOJI)
            .bind(emoji)
            .bind(color.as_deref().unwrap_or(""))
            .bind("")
            .bind(None::<Vec<u8>>),
        AvatarImage::Picture { format, content } => query
            .bind(PICTURE)
            .bind("")
            .bind("")
            .bind(format.mime_type())
            .bind(content.clone()),
    };
    query.execute(&mut **tx).await?;
    Ok(())
}

fn corrupt(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unexpected value {value:?}").into(),
    }
}

fn avatar(row: &AnyRow) -> Result<RoomAvatar, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let image = match kind.as_str() {
        EMOJI => {
            let color: String = row.try_get("color")?;
            AvatarImage::Emoji {
                emoji: row.try_get("emoji")?,
                color: Some(color).filter(|c| !c.is_empty()),
            }
        }
        PICTURE => {
            let mime_type: String = row.try_get("mime_type")?;
            AvatarImage::Picture {
                format: PictureFormat::from_mime_type(&mime_type)
                    .ok_or_else(|| corrupt("mime_type", &mime_type))?,
                content: row.try_get("content")?,
            }
        }
        _ => return Err(corrupt("kind", &kind)),
    };
    Ok(RoomAvatar {
        version: row.try_get("version")?,
        image,
    })
}

#[async_trait]
impl RoomAvatarStore for SqlStore {
    async fn set_room_avatar(
        &self,
        room_id: i64,
        avatar: &RoomAvatar,
        messages: &[NewMessage],
    ) -> StoreResult<Room> {
        let mut tx = self.begin().await.or_store()?;
        room_by_id(&mut tx, room_id).await.or_store()?;
        write_avatar(&mut tx, room_id, avatar).await.or_store()?;
        append(&mut tx, self.backend, messages).await.or_store()?;
        let stored = room_by_id(&mut tx, room_id).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn remove_room_avatar(&self, room_id: i64, messages: &[NewMessage]) -> StoreResult<Room> {
        let mut tx = self.begin().await.or_store()?;
        room_by_id(&mut tx, room_id).await.or_store()?;
        let removed = sqlx::query("DELETE FROM room_avatars WHERE room_id = $1")
            .bind(room_id)
            .execute(&mut **tx)
            .await
            .or_store()?
            .rows_affected();
        if removed > 0 {
            append(&mut tx, self.backend, messages).await.or_store()?;
        }
        let stored = room_by_id(&mut tx, room_id).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn room_avatar(&self, room_id: i64) -> StoreResult<Option<RoomAvatar>> {
        let row =
            sqlx::query("SELECT version, kind, emoji, color, mime_type, content FROM room_avatars WHERE room_id = $1")
                .bind(room_id)
                .fetch_optional(&self.reader)
                .await
                .or_store()?;
        row.as_ref().map(avatar).transpose().or_store()
    }
}
