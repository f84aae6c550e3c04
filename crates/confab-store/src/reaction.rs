//! [`ReactionStore`]: one reaction per actor, emoji and message, counted on the message, and
//! the `reaction` note each reaction left, rewritten when the reaction goes.

use async_trait::async_trait;
use confab_core::chat::{NewMessage, Reaction};
use confab_core::store::{ReactionStore, StoreResult};
use sqlx::{Any, Row, Transaction};

use crate::chat::{append, placeholders};
use crate::error::OrStore;
use crate::rows;
use crate::SqlStore;

/// One actor's reaction: `$1` message, `$2`/`$3` actor, `$4` emoji.
const REACTION_KEY: &str =
    "message_id = $1 AND actor_type = $2 AND actor_id = $3 AND reaction = $4";

/// Recomputes the reaction counts stored on a message.
async fn recount_reactions(
    tx: &mut Transaction<'_, Any>,
    message_id: i64,
) -> Result<(), sqlx::Error> {
    let counts = sqlx::query(
        "SELECT reaction, COUNT(*) AS n FROM reactions WHERE message_id = $1 GROUP BY reaction",
    )
    .bind(message_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut map = serde_json::Map::new();
    for row in &counts {
        map.insert(
            row.try_get("reaction")?,
            serde_json::Value::from(row.try_get::<i64, _>("n")?),
        );
    }
    sqlx::query("UPDATE messages SET reactions = $2 WHERE id = $1")
        .bind(message_id)
        .bind(serde_json::Value::Object(map).to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl ReactionStore for SqlStore {
    async fn add_reaction(&self, reaction: &Reaction, note: &NewMessage) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO reactions (message_id, actor_type, actor_id, actor_display_name, reaction, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
        let mut tx = self.begin().await.or_store()?;
        let inserted = sqlx::query(SQL)
            .bind(reaction.message_id)
            .bind(&reaction.actor_type)
            .bind(&reaction.actor_id)
            .bind(&reaction.actor_display_name)
            .bind(&reaction.reaction)
            .bind(reaction.created_at)
            .execute(&mut **tx)
            .await
            .or_store()?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        recount_reactions(&mut tx, reaction.message_id)
            .await
            .or_store()?;
        let note = append(&mut tx, self.backend, std::slice::from_ref(note))
            .await
            .or_store()?
            .remove(0);
        sqlx::query(&format!(
            "UPDATE reactions SET note_id = $5 WHERE {REACTION_KEY}"
        ))
        .bind(reaction.message_id)
        .bind(&reaction.actor_type)
        .bind(&reaction.actor_id)
        .bind(&reaction.reaction)
        .bind(note.id)
        .execute(&mut **tx)
        .await
        .or_store()?;
        tx.commit().await.or_store()?;
        Ok(true)
    }

    async fn remove_reaction(
        &self,
        reaction: &Reaction,
        retracted: &NewMessage,
        note: &NewMessage,
    ) -> StoreResult<bool> {
        const REWRITE: &str =
            "UPDATE messages SET message = $2, system_message = $3, parameters = $4 WHERE id = $1";
        let mut tx = self.begin().await.or_store()?;
        let deleted = sqlx::query(&format!(
            "DELETE FROM reactions WHERE {REACTION_KEY} RETURNING note_id"
        ))
        .bind(reaction.message_id)
        .bind(&reaction.actor_type)
        .bind(&reaction.actor_id)
        .bind(&reaction.reaction)
        .fetch_optional(&mut **tx)
        .await
        .or_store()?;
        let Some(deleted) = deleted else {
            return Ok(false);
        };
        let note_id: i64 = deleted.try_get("note_id").or_store()?;
        sqlx::query(REWRITE)
            .bind(note_id)
            .bind(&retracted.message)
            .bind(&retracted.system_message)
            .bind(retracted.parameters.to_string())
            .execute(&mut **tx)
            .await
            .or_store()?;
        recount_reactions(&mut tx, reaction.message_id)
            .await
            .or_store()?;
        append(&mut tx, self.backend, std::slice::from_ref(note))
            .await
            .or_store()?;
        tx.commit().await.or_store()?;
        Ok(true)
    }

    async fn reactions_of_actor(
        &self,
        message_ids: &[i64],
        actor_type: &str,
        actor_id: &str,
    ) -> StoreResult<Vec<(i64, String)>> {
        let mut found = Vec::new();
        for chunk in message_ids.chunks(500) {
            let sql = format!(
                "SELECT message_id, reaction FROM reactions WHERE actor_type = $1 AND actor_id = $2 \
                 AND message_id IN ({}) ORDER BY id",
                placeholders(3, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(actor_type).bind(actor_id);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.reader).await.or_store()? {
                found.push((
                    row.try_get("message_id").or_store()?,
                    row.try_get("reaction").or_store()?,
                ));
            }
        }
        Ok(found)
    }

    async fn reactions(&self, message_id: i64) -> StoreResult<Vec<Reaction>> {
        let sql = format!(
            "SELECT {} FROM reactions WHERE message_id = $1 ORDER BY id",
            rows::REACTION_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(message_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::reaction).or_store()
    }
}
