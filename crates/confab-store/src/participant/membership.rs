//! Attendee rows written inside a transaction: inserting (one by one when the ids are needed
//! back, in bulk otherwise), removing them with their sessions, and reading them back by id.
//! Room creation shares the inserts.

use std::collections::HashSet;

use confab_core::participant::{Attendee, NewAttendee};
use sqlx::{Any, Row, Transaction};

use crate::chat::placeholders;
use crate::rows;

const INSERT_ATTENDEE: &str =
    "INSERT INTO attendees (room_id, actor_type, actor_id, display_name, \
    participant_type, invited_cloud_id, read_privacy) VALUES ($1, $2, $3, $4, $5, $6, \
    COALESCE((SELECT CAST(s.value AS INTEGER) FROM user_settings s \
    WHERE $2 = 'users' AND s.user_id = $3 AND s.key = 'read_status_privacy'), 0)) RETURNING id";

/// One row of a multi-row attendee insert whose six parameters start at `$first`; a user's
/// attendee takes their read privacy setting.
fn attendee_row(first: usize) -> String {
    let (actor_type, actor_id) = (first + 1, first + 2);
    format!(
        "({}, COALESCE((SELECT CAST(s.value AS INTEGER) FROM user_settings s \
         WHERE ${actor_type} = 'users' AND s.user_id = ${actor_id} AND s.key = 'read_status_privacy'), 0))",
        placeholders(first, 6)
    )
}

/// Inserts attendees into room `room_id` inside `tx`; returns their ids in order.
pub(crate) async fn insert_attendees(
    tx: &mut Transaction<'_, Any>,
    room_id: i64,
    attendees: &[NewAttendee],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(attendees.len());
    for a in attendees {
        let id: i64 = sqlx::query(INSERT_ATTENDEE)
            .bind(room_id)
            .bind(a.actor_type.as_str())
            .bind(&a.actor_id)
            .bind(&a.display_name)
            .bind(a.participant_type.as_i64())
            .bind(&a.invited_cloud_id)
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
        ids.push(id);
    }
    Ok(ids)
}

/// Inserts attendees into room `room_id` with multi-row inserts, when no ids are needed back.
pub(crate) async fn insert_attendees_bulk(
    tx: &mut Transaction<'_, Any>,
    room_id: i64,
    attendees: &[NewAttendee],
) -> Result<(), sqlx::Error> {
    for chunk in attendees.chunks(100) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| attendee_row(1 + i * 6)).collect();
        let sql = format!(
            "INSERT INTO attendees (room_id, actor_type, actor_id, display_name, participant_type, invited_cloud_id, read_privacy) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for a in chunk {
            query = query
                .bind(room_id)
                .bind(a.actor_type.as_str())
                .bind(&a.actor_id)
                .bind(&a.display_name)
                .bind(a.participant_type.as_i64())
                .bind(&a.invited_cloud_id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Removes the `(room, attendee)` pairs inside `tx`, each attendee with its sessions, client
/// bindings and invitation, with multi-row statements. A pair whose attendee is not in that
/// room removes nothing.
pub(crate) async fn delete_attendees(
    tx: &mut Transaction<'_, Any>,
    removals: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    let wanted: HashSet<(i64, i64)> = removals.iter().copied().collect();
    let ids: Vec<i64> = removals.iter().map(|(_, id)| *id).collect();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT id, room_id FROM attendees WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        let mut found = Vec::with_capacity(chunk.len());
        for row in query.fetch_all(&mut **tx).await? {
            let (id, room_id): (i64, i64) = (row.try_get("id")?, row.try_get("room_id")?);
            if wanted.contains(&(room_id, id)) {
                found.push(id);
            }
        }
        if found.is_empty() {
            continue;
        }
        for table in [
            "sessions WHERE attendee_id",
            "client_bindings WHERE attendee_id",
            "attendee_invitations WHERE attendee_id",
            "attendees WHERE id",
        ] {
            let sql = format!("DELETE FROM {table} IN ({})", placeholders(1, found.len()));
            let mut query = sqlx::query(&sql);
            for id in &found {
                query = query.bind(*id);
            }
            query.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// Reads attendees by id inside `tx`, ordered by id.
pub(super) async fn attendees_by_ids(
    tx: &mut Transaction<'_, Any>,
    ids: &[i64],
) -> Result<Vec<Attendee>, sqlx::Error> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {} FROM attendees a WHERE a.id IN ({}) ORDER BY a.id",
            rows::ATTENDEE_COLUMNS,
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        found.extend(rows::all(
            &query.fetch_all(&mut **tx).await?,
            rows::attendee,
        )?);
    }
    Ok(found)
}
