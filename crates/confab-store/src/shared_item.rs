//! The shared-items index behind [`ChatStore::shared_items`](confab_core::store::ChatStore):
//! the `attachments` table, filled in the transaction that appends a message sharing an
//! object and read per room and item type along its index. Pinned messages are read through
//! the pin order the messages carry (`pin_seq`, indexed for pinned messages only).
//!
//! Messages that expired but are not deleted yet are left out by the reads; deleted
//! messages have no row, and pins end when their message is deleted.

use confab_core::chat::{Message, SharedItemType};
use confab_core::store::StoreResult;
use sqlx::{Any, Row, Transaction};

use crate::chat::{placeholders, BULK_ROWS};
use crate::error::OrStore;
use crate::rows;
use crate::SqlStore;

/// The message is visible at `$N` (not expired).
fn unexpired(now: &str) -> String {
    format!("(m.expires_at = 0 OR m.expires_at > {now})")
}

/// Lists the messages of `shared` under their item types inside `tx`.
pub(crate) async fn index(
    tx: &mut Transaction<'_, Any>,
    shared: &[(SharedItemType, &Message)],
) -> Result<(), sqlx::Error> {
    for chunk in shared.chunks(BULK_ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(1 + i * 6, 6)))
            .collect();
        let sql = format!(
            "INSERT INTO attachments (message_id, room_id, object_type, actor_type, actor_id, message_time) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (item_type, m) in chunk {
            query = query
                .bind(m.id)
                .bind(m.room_id)
                .bind(item_type.as_str())
                .bind(&m.actor_type)
                .bind(&m.actor_id)
                .bind(m.created_at);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Drops message `message_id` from the shared items inside `tx`.
pub(crate) async fn unindex(
    tx: &mut Transaction<'_, Any>,
    message_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM attachments WHERE message_id = $1")
        .bind(message_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One type's items, as [`ChatStore::shared_items`](confab_core::store::ChatStore) lists them.
pub(crate) async fn list(
    store: &SqlStore,
    room_id: i64,
    item_type: SharedItemType,
    before: i64,
    limit: i64,
    now: i64,
) -> StoreResult<Vec<Message>> {
    let before = if before <= 0 { i64::MAX } else { before };
    let columns = rows::message_columns_of("m");
    let found = if item_type == SharedItemType::Pinned {
        let sql = format!(
            "SELECT {columns} FROM messages m WHERE m.room_id = $1 AND m.pin_seq > 0 AND m.id < $2 \
             AND {} AND (m.pinned_until = 0 OR m.pinned_until > $3) ORDER BY m.pin_seq DESC LIMIT $4",
            unexpired("$3")
        );
        sqlx::query(&sql)
            .bind(room_id)
            .bind(before)
            .bind(now)
            .bind(limit)
            .fetch_all(&store.reader)
            .await
    } else {
        let sql = format!(
            "SELECT {columns} FROM attachments a JOIN messages m ON m.id = a.message_id \
             WHERE a.room_id = $1 AND a.object_type = $2 AND a.message_id < $3 AND {} \
             ORDER BY a.message_id DESC LIMIT $5",
            unexpired("$4")
        );
        sqlx::query(&sql)
            .bind(room_id)
            .bind(item_type.as_str())
            .bind(before)
            .bind(now)
            .bind(limit)
            .fetch_all(&store.reader)
            .await
    };
    rows::all(&found.or_store()?, rows::message).or_store()
}

/// Every type's first items in one statement: one limited branch per type (each reads its
/// index), ordered by type and then as [`list`] orders them.
pub(crate) async fn overview(
    store: &SqlStore,
    room_id: i64,
    limit: i64,
    now: i64,
) -> StoreResult<Vec<(SharedItemType, Message)>> {
    let columns = rows::message_columns_of("m");
    let visible = unexpired("$2");
    let branches: Vec<String> = SharedItemType::ALL
        .iter()
        .enumerate()
        .map(|(i, item_type)| {
            // The type names are constants of ours, never input.
            let name = item_type.as_str();
            let select = if *item_type == SharedItemType::Pinned {
                format!(
                    "SELECT '{name}' AS item_type, m.pin_seq AS seq, {columns} FROM messages m \
                     WHERE m.room_id = $1 AND m.pin_seq > 0 AND {visible} \
                     AND (m.pinned_until = 0 OR m.pinned_until > $2) ORDER BY m.pin_seq DESC LIMIT $3"
                )
            } else {
                format!(
                    "SELECT '{name}' AS item_type, a.message_id AS seq, {columns} FROM attachments a \
                     JOIN messages m ON m.id = a.message_id WHERE a.room_id = $1 \
                     AND a.object_type = '{name}' AND {visible} ORDER BY a.message_id DESC LIMIT $3"
                )
            };
            format!("SELECT * FROM ({select}) AS branch{i}")
        })
        .collect();
    let sql = format!(
        "{} ORDER BY item_type, seq DESC",
        branches.join(" UNION ALL ")
    );
    let found = sqlx::query(&sql)
        .bind(room_id)
        .bind(now)
        .bind(limit)
        .fetch_all(&store.reader)
        .await
        .or_store()?;
    found
        .iter()
        .filter_map(|row| {
            let item_type = row
                .try_get::<String, _>("item_type")
                .map(|t| SharedItemType::parse(&t));
            match item_type {
                Ok(Some(item_type)) => Some(rows::message(row).map(|m| (item_type, m))),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            }
        })
        .collect::<Result<_, _>>()
        .or_store()
}
