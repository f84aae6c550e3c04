//! Where people are connected in a conversation with breakout rooms: in one room of the family
//! (the parent and its breakout rooms) at a time, and back in the parent when their breakout
//! room stops or goes ("nobody stranded", DESIGN "Breakout lifecycle").

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::participant::{ActorType, Attendee, NewSession, Session};
use crate::room::Room;
use crate::services::Context;

/// The token of the parent of `room`'s family, when it has one.
fn family_of(room: &Room) -> Option<&str> {
    if room.is_breakout_room() {
        Some(&room.object_id)
    } else if room.breakout_room_mode != super::MODE_NOT_CONFIGURED {
        Some(&room.token)
    } else {
        None
    }
}

/// Opens a session of `attendee` in `room`. In a family, the sessions the same person holds in
/// its other rooms close in the same step: entering a breakout room leaves the parent, going
/// back leaves the breakout room (upstream's signaling server moves sessions the same way).
pub(crate) async fn connect(
    ctx: &Context,
    room: &Room,
    attendee: &Attendee,
    session: NewSession,
) -> Result<Session> {
    let mut elsewhere = Vec::new();
    let mut left = HashSet::new();
    if let Some(parent) = family_of(room) {
        for (room_id, other) in ctx
            .store
            .breakout_sessions_of_actor(parent, attendee.actor_type, &attendee.actor_id)
            .await?
        {
            if room_id != room.id {
                elsewhere.push(other.id);
                left.insert(room_id);
            }
        }
    }
    let opened = ctx
        .store
        .switch_sessions(&elsewhere, &[(room.id, attendee.id, session)])
        .await?;
    for room_id in left {
        ctx.feed.changed(room_id);
    }
    opened
        .into_iter()
        .next()
        .ok_or(crate::Error::NotFound("session"))
}

/// Nobody is stranded: every session in one of `children` closes, and its client gets a
/// session in the parent as the same person (unless it has one there), in one step.
pub(crate) async fn return_to_parent(
    ctx: &Context,
    parent: &Room,
    children: &[Room],
) -> Result<()> {
    let parent_members: HashMap<(ActorType, String), i64> = ctx
        .store
        .attendees(parent.id)
        .await?
        .into_iter()
        .map(|a| ((a.actor_type, a.actor_id), a.id))
        .collect();
    let mut in_parent: HashSet<String> = ctx
        .store
        .sessions_of_room(parent.id)
        .await?
        .into_iter()
        .map(|s| s.client_session)
        .collect();
    let now = ctx.now();
    let (mut close, mut open) = (Vec::new(), Vec::new());
    for child in children {
        let sessions = ctx.store.sessions_of_room(child.id).await?;
        if sessions.is_empty() {
            continue;
        }
        let members: HashMap<i64, Attendee> = ctx
            .store
            .attendees(child.id)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        for session in sessions {
            let back = members.get(&session.attendee_id).and_then(|person| {
                parent_members.get(&(person.actor_type, person.actor_id.clone()))
            });
            if let Some(back) = back {
                if in_parent.insert(session.client_session.clone()) {
                    let new = NewSession {
                        id: crate::token::session_id(),
                        client_session: session.client_session.clone(),
                        last_ping: now,
                    };
                    open.push((parent.id, *back, new));
                }
            }
            close.push(session.id);
        }
    }
    if close.is_empty() {
        return Ok(());
    }
    ctx.store.switch_sessions(&close, &open).await?;
    ctx.feed.changed(parent.id);
    for child in children {
        ctx.feed.changed(child.id);
    }
    Ok(())
}
