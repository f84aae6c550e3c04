//! [`PollStore`]: polls and votes.

use async_trait::async_trait;
use confab_core::chat::{NewMessage, Poll, PollVote};
use confab_core::store::{PollStore, StoreResult};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::chat::append;
use crate::error::OrStore;
use crate::SqlStore;

const POLL_COLUMNS: &str =
    "id, room_id, question, options, result_mode, max_votes, status, actor_type, actor_id, \
    actor_display_name, created_at";

fn poll(row: &AnyRow) -> Result<Poll, sqlx::Error> {
    let options: String = row.try_get("options")?;
    Ok(Poll {
        id: row.try_get("id")?,
        room_id: row.try_get("room_id")?,
        question: row.try_get("question")?,
        options: serde_json::from_str(&options).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        result_mode: row.try_get("result_mode")?,
        max_votes: row.try_get("max_votes")?,
        status: row.try_get("status")?,
        actor_type: row.try_get("actor_type")?,
        actor_id: row.try_get("actor_id")?,
        actor_display_name: row.try_get("actor_display_name")?,
        created_at: row.try_get("created_at")?,
    })
}

fn options_json(options: &[String]) -> String {
    serde_json::Value::from(options.to_vec()).to_string()
}

#[async_trait]
impl PollStore for SqlStore {
    async fn create_poll(&self, p: &Poll) -> StoreResult<Poll> {
        const SQL: &str = "INSERT INTO polls (room_id, question, options, result_mode, max_votes, status, actor_type, \
            actor_id, actor_display_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let id: i64 = sqlx::query(SQL)
            .bind(p.room_id)
            .bind(&p.question)
            .bind(options_json(&p.options))
            .bind(p.result_mode)
            .bind(p.max_votes)
            .bind(p.status)
            .bind(&p.actor_type)
            .bind(&p.actor_id)
            .bind(&p.actor_display_name)
            .bind(p.created_at)
            .fetch_one(&*self.write())
            .await
            .or_store()?
            .try_get("id")
            .or_store()?;
        Ok(Poll { id, ..p.clone() })
    }

    async fn poll(&self, room_id: i64, poll_id: i64) -> StoreResult<Option<Poll>> {
        let sql = format!("SELECT {POLL_COLUMNS} FROM polls WHERE room_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(room_id)
            .bind(poll_id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(poll).transpose().or_store()
    }

    async fn poll_drafts(&self, room_id: i64) -> StoreResult<Vec<Poll>> {
        let sql = format!(
            "SELECT {POLL_COLUMNS} FROM polls WHERE room_id = $1 AND status = 2 ORDER BY id"
        );
        let rows = sqlx::query(&sql)
            .bind(room_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows.iter().map(poll).collect::<Result<_, _>>().or_store()
    }

    async fn update_poll(&self, p: &Poll, notes: &[NewMessage]) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE polls SET question = $2, options = $3, result_mode = $4, max_votes = $5, status = $6 WHERE id = $1";
        let mut tx = self.begin().await.or_store()?;
        let updated = sqlx::query(SQL)
            .bind(p.id)
            .bind(&p.question)
            .bind(options_json(&p.options))
            .bind(p.result_mode)
            .bind(p.max_votes)
            .bind(p.status)
            .execute(&mut **tx)
            .await
            .or_store()?;
        if updated.rows_affected() == 0 {
            return Err(confab_core::StoreError::NotFound);
        }
        append(&mut tx, self.backend, notes).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(())
    }

    async fn delete_poll(&self, poll_id: i64) -> StoreResult<bool> {
        let mut tx = self.begin().await.or_store()?;
        sqlx::query("DELETE FROM poll_votes WHERE poll_id = $1")
            .bind(poll_id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        let deleted = sqlx::query("DELETE FROM polls WHERE id = $1")
            .bind(poll_id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        tx.commit().await.or_store()?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn vote_poll(
        &self,
        poll_id: i64,
        voter: (&str, &str, &str),
        option_ids: &[i64],
        notes: &[NewMessage],
    ) -> StoreResult<()> {
        let (actor_type, actor_id, display_name) = voter;
        let mut tx = self.begin().await.or_store()?;
        sqlx::query(
            "DELETE FROM poll_votes WHERE poll_id = $1 AND actor_type = $2 AND actor_id = $3",
        )
        .bind(poll_id)
        .bind(actor_type)
        .bind(actor_id)
        .execute(&mut **tx)
        .await
        .or_store()?;
        for option in option_ids {
            sqlx::query(
                "INSERT INTO poll_votes (poll_id, actor_type, actor_id, actor_display_name, option_id) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(poll_id)
            .bind(actor_type)
            .bind(actor_id)
            .bind(display_name)
            .bind(option)
            .execute(&mut **tx)
            .await
            .or_store()?;
        }
        append(&mut tx, self.backend, notes).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(())
    }

    async fn poll_votes(&self, poll_id: i64) -> StoreResult<Vec<PollVote>> {
        let rows = sqlx::query(
            "SELECT actor_type, actor_id, actor_display_name, option_id FROM poll_votes WHERE poll_id = $1 ORDER BY id",
        )
        .bind(poll_id)
        .fetch_all(&self.reader)
        .await
        .or_store()?;
        rows.iter()
            .map(|r| {
                Ok(PollVote {
                    actor_type: r.try_get("actor_type")?,
                    actor_id: r.try_get("actor_id")?,
                    actor_display_name: r.try_get("actor_display_name")?,
                    option_id: r.try_get("option_id")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .or_store()
    }
}
