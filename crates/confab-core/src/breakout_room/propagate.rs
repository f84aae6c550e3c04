//! What happens in breakout rooms when their parent changes (TALK-BEHAVIOR §1.12): roles and
//! memberships follow the parent, a guest's name follows them through the family, and the
//! rooms go when the parent goes.

use super::{least_filled, MODE_AUTOMATIC};
use crate::chat::SystemMessage;
use crate::error::Result;
use crate::participant::{Attendee, NewAttendee};
use crate::room::{user_added_by, Room, OBJECT_TYPE_BREAKOUT};
use crate::services::Context;

async fn children(ctx: &Context, parent: &Room) -> Result<Vec<Room>> {
    if parent.breakout_room_mode == 0 {
        return Ok(Vec::new());
    }
    Ok(ctx
        .store
        .rooms_by_object(OBJECT_TYPE_BREAKOUT, &parent.token)
        .await?)
}

/// The parent promoted or demoted `attendee`: a new moderator joins every breakout room as
/// moderator; a demoted one leaves them all.
pub(crate) async fn role_changed(
    ctx: &Context,
    parent: &Room,
    attendee: &Attendee,
    by: &SystemMessage,
) -> Result<()> {
    let now = ctx.now();
    let promoted = attendee.participant_type.is_moderator();
    let children = children(ctx, parent).await?;
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    let banned = ctx.banned_actors(&ids).await?;
    for child in children {
        let present = ctx
            .store
            .attendee_by_actor(child.id, attendee.actor_type, &attendee.actor_id)
            .await?;
        match (present, promoted) {
            (Some(mut member), true) if !member.participant_type.is_moderator() => {
                member.participant_type = attendee.participant_type;
                let name = if attendee.actor_type.is_guest() {
                    "guest_moderator_promoted"
                } else {
                    "moderator_promoted"
                };
                let note = by.about(child.id, name, &member, now);
                ctx.store.update_attendee(&member, &[note]).await?;
            }
            (None, true)
                if !banned.contains(&(
                    child.id,
                    attendee.actor_type,
                    attendee.actor_id.clone(),
                )) =>
            {
                let new = NewAttendee {
                    actor_type: attendee.actor_type,
                    actor_id: attendee.actor_id.clone(),
                    display_name: attendee.display_name.clone(),
                    participant_type: attendee.participant_type,
                    invited_cloud_id: attendee.invited_cloud_id.clone(),
                };
                let note = user_added_by(by, &new, child.id, now);
                ctx.store.add_attendees(child.id, &[new], &[note]).await?;
            }
            (Some(member), false) => {
                let note = by.about(child.id, "user_removed", &member, now);
                ctx.store
                    .remove_attendees(child.id, &[member.id], &[note])
                    .await?;
            }
            _ => continue,
        }
        ctx.feed.changed(child.id);
    }
    Ok(())
}

/// A guest named themselves in `room`: they carry that name in the whole family of rooms
/// (the parent and its breakout rooms), wherever they are an attendee.
pub(crate) async fn renamed(ctx: &Context, room: &Room, guest: &Attendee) -> Result<()> {
    let parent = if room.is_breakout_room() {
        match ctx.store.room_by_token(&room.object_id).await? {
            Some(parent) => parent,
            None => return Ok(()),
        }
    } else {
        room.clone()
    };
    let mut family = children(ctx, &parent).await?;
    family.push(parent);
    for other in family.iter().filter(|r| r.id != room.id) {
        let present = ctx
            .store
            .attendee_by_actor(other.id, guest.actor_type, &guest.actor_id)
            .await?;
        if let Some(mut same) = present.filter(|a| a.display_name != guest.display_name) {
            same.display_name.clone_from(&guest.display_name);
            ctx.store.update_attendee(&same, &[]).await?;
        }
    }
    Ok(())
}

/// `attendee` left or was removed from the parent: they leave every breakout room too.
pub(crate) async fn removed(
    ctx: &Context,
    parent: &Room,
    attendee: &Attendee,
    by: &SystemMessage,
) -> Result<()> {
    let now = ctx.now();
    for child in children(ctx, parent).await? {
        if let Some(member) = ctx
            .store
            .attendee_by_actor(child.id, attendee.actor_type, &attendee.actor_id)
            .await?
        {
            let note = by.about(child.id, "user_removed", &member, now);
            ctx.store
                .remove_attendees(child.id, &[member.id], &[note])
                .await?;
            ctx.feed.changed(child.id);
        }
    }
    Ok(())
}

/// Deletes a conversation; a parent takes its breakout rooms with it, and the people inside a
/// deleted breakout room are returned to its parent.
pub(crate) async fn delete_room(ctx: &Context, room: &Room) -> Result<()> {
    if room.breakout_room_mode != 0 {
        ctx.store.replace_breakout_rooms(room, &[]).await?;
    }
    if room.is_breakout_room() {
        if let Some(parent) = ctx.store.room_by_token(&room.object_id).await? {
            super::presence::return_to_parent(ctx, &parent, std::slice::from_ref(room)).await?;
        }
    }
    ctx.store.delete_room(room.id).await?;
    ctx.feed.changed(room.id);
    Ok(())
}

/// Moves attendees of the parent into breakout rooms (`children[target]`): out of every other
/// breakout room, into the target unless already there; nothing for those already in place.
/// As upstream adds people, someone banned from the target is not added to it (they still
/// leave the others). Reads each room's members once and writes every change in one
/// transaction.
pub(crate) async fn move_into(
    ctx: &Context,
    children: &[Room],
    moves: &[(Attendee, usize)],
    by: &SystemMessage,
) -> Result<()> {
    let now = ctx.now();
    let mut members = Vec::with_capacity(children.len());
    for child in children {
        members.push(ctx.store.attendees(child.id).await?);
    }
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    let banned = ctx.banned_actors(&ids).await?;
    let (mut removals, mut additions, mut messages) = (Vec::new(), Vec::new(), Vec::new());
    for (attendee, target) in moves {
        for (i, child) in children.iter().enumerate() {
            let present = members[i]
                .iter()
                .find(|a| a.actor_type == attendee.actor_type && a.actor_id == attendee.actor_id);
            match (present, i == *target) {
                (Some(current), false) => {
                    messages.push(by.about(child.id, "user_removed", current, now));
                    removals.push((child.id, current.id));
                }
                (None, true)
                    if !banned.contains(&(
                        child.id,
                        attendee.actor_type,
                        attendee.actor_id.clone(),
                    )) =>
                {
                    let new = NewAttendee {
                        actor_type: attendee.actor_type,
                        actor_id: attendee.actor_id.clone(),
                        display_name: attendee.display_name.clone(),
                        participant_type: attendee.participant_type,
                        invited_cloud_id: attendee.invited_cloud_id.clone(),
                    };
                    messages.push(user_added_by(by, &new, child.id, now));
                    additions.push((child.id, new));
                }
                _ => {}
            }
        }
    }
    if messages.is_empty() {
        return Ok(());
    }
    ctx.store
        .change_memberships(&removals, &additions, &messages)
        .await?;
    for child in children {
        if messages.iter().any(|m| m.room_id == child.id) {
            ctx.feed.changed(child.id);
        }
    }
    Ok(())
}

/// New attendees of a parent whose automatic breakout rooms run join the least-filled room,
/// when the app setting `breakout_rooms_place_late_joiners` asks for it.
pub(crate) async fn place_late_joiners(
    ctx: &Context,
    parent: &Room,
    joiners: &[Attendee],
    by: &SystemMessage,
) -> Result<()> {
    if parent.breakout_room_mode != MODE_AUTOMATIC || !ctx.config().place_late_joiners() {
        return Ok(());
    }
    let children = children(ctx, parent).await?;
    if children.is_empty() {
        return Ok(());
    }
    let mut sizes = Vec::with_capacity(children.len());
    for child in &children {
        let members = ctx.store.attendees(child.id).await?;
        sizes.push(
            members
                .iter()
                .filter(|a| !a.participant_type.is_moderator())
                .count(),
        );
    }
    let mut moves = Vec::new();
    for joiner in joiners
        .iter()
        .filter(|a| !a.participant_type.is_moderator())
    {
        if let Some(target) = least_filled(&sizes) {
            sizes[target] += 1;
            moves.push((joiner.clone(), target));
        }
    }
    move_into(ctx, &children, &moves, by).await
}
