//! Sessions (connections) inside a transaction: opening many at once, closing many at once,
//! and binding guests' clients. [`crate::participant`] builds the `ParticipantStore` methods on
//! these.

use std::collections::BTreeMap;

use confab_core::participant::{NewSession, Session};
use sqlx::{Any, Transaction};

use crate::chat::placeholders;

/// Rows per multi-row statement: a few thousand parameters, below either backend's limit
/// (32,766 for SQLite, 65,535 for PostgreSQL); fewer statements mean fewer round trips.
const CHUNK: usize = 500;

/// One session to open: (room id, attendee id, session).
pub(crate) type Opening<'a> = (i64, i64, &'a NewSession);

/// Opens sessions inside `tx`, each replacing the session its client held in its room, with
/// multi-row statements. A guest's (`guests`, `emails`) client gets bound to them in that room.
/// At most one opening per room and client.
pub(crate) async fn open_sessions(
    tx: &mut Transaction<'_, Any>,
    openings: &[Opening<'_>],
) -> Result<Vec<Session>, sqlx::Error> {
    let mut by_room: BTreeMap<i64, Vec<&NewSession>> = BTreeMap::new();
    for (room_id, _, session) in openings {
        by_room.entry(*room_id).or_default().push(session);
    }
    for (room_id, sessions) in by_room {
        for chunk in sessions.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM sessions WHERE room_id = $1 AND client_session IN ({})",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(room_id);
            for session in chunk {
                query = query.bind(&session.client_session);
            }
            query.execute(&mut **tx).await?;
        }
    }
    for chunk in openings.chunks(CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({}, 0, 1)", placeholders(1 + i * 5, 5)))
            .collect();
        let sql = format!(
            "INSERT INTO sessions (id, attendee_id, room_id, client_session, last_ping, in_call, state) \
             VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (room_id, attendee_id, session) in chunk {
            query = query
                .bind(&session.id)
                .bind(*attendee_id)
                .bind(*room_id)
                .bind(&session.client_session)
                .bind(session.last_ping);
        }
        query.execute(&mut **tx).await?;
        bind_guest_clients(tx, chunk).await?;
    }
    Ok(openings
        .iter()
        .map(|(_, attendee_id, session)| Session {
            id: session.id.clone(),
            attendee_id: *attendee_id,
            client_session: session.client_session.clone(),
            in_call: 0,
            last_ping: session.last_ping,
            state: 1,
        })
        .collect())
}

/// Binds the clients of the just opened sessions of guests to their attendee (see
/// `ParticipantStore::open_session`).
async fn bind_guest_clients(
    tx: &mut Transaction<'_, Any>,
    opened: &[Opening<'_>],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO client_bindings (room_id, client_session, attendee_id) \
         SELECT s.room_id, s.client_session, s.attendee_id FROM sessions s \
         JOIN attendees a ON a.id = s.attendee_id \
         WHERE s.id IN ({}) AND a.actor_type IN ('guests', 'emails') \
         ON CONFLICT (room_id, client_session) DO UPDATE SET attendee_id = excluded.attendee_id",
        placeholders(1, opened.len())
    );
    let mut query = sqlx::query(&sql);
    for (_, _, session) in opened {
        query = query.bind(&session.id);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Closes the sessions with the given ids inside `tx`.
pub(crate) async fn close_sessions(
    tx: &mut Transaction<'_, Any>,
    ids: &[String],
) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(CHUNK * 2) {
        let sql = format!(
            "DELETE FROM sessions WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
