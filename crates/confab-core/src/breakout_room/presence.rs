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
        let mine = Some((attendee.actor_type, attendee.actor_id.as_str()));
        for other in ctx.store.breakout_sessions(parent, mine).await? {
            if other.room_id != room.id {
                elsewhere.push(other.session.id);
                left.insert(other.room_id);
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
    let leaving: HashSet<i64> = children.iter().map(|c| c.id).collect();
    let connections = ctx.store.breakout_sessions(&parent.token, None).await?;
    let (mut in_parent, mut inside) = (HashSet::new(), Vec::new());
    for c in connections {
        if c.room_id == parent.id {
            in_parent.insert(c.session.client_session);
        } else if leaving.contains(&c.room_id) {
            inside.push(c);
        }
    }
    if inside.is_empty() {
        return Ok(());
    }
    let parent_members: HashMap<(ActorType, String), i64> = ctx
        .store
        .attendees(parent.id)
        .await?
        .into_iter()
        .map(|a| ((a.actor_type, a.actor_id), a.id))
        .collect();
    let now = ctx.now();
    let mut open = Vec::new();
    for c in &inside {
        let back = parent_members.get(&(c.actor_type, c.actor_id.clone()));
        if let Some(back) = back {
            if in_parent.insert(c.session.client_session.clone()) {
                let new = NewSession {
                    id: crate::token::session_id(),
                    client_session: c.session.client_session.clone(),
                    last_ping: now,
                };
                open.push((parent.id, *back, new));
            }
        }
    }
    let close: Vec<String> = inside.into_iter().map(|c| c.session.id).collect();
    ctx.store.switch_sessions(&close, &open).await?;
    ctx.feed.changed(parent.id);
    for child in children {
        ctx.feed.changed(child.id);
    }
    Ok(())
}
