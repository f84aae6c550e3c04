//! Membership and connections: listing, adding and removing participants, joining and leaving
//! sessions, roles and permissions.

use std::sync::Arc;

use super::model::{ActorType, Attendee, NewAttendee, ParticipantType, Session};
use super::permissions::effective_permissions;
use crate::access::Member;
use crate::actor::Actor;
use crate::breakout_room::propagate;
use crate::chat::SystemMessage;
use crate::error::{Error, Result};
use crate::room::{Room, RoomType};
use crate::services::Context;

/// A session that has not pinged for this long no longer counts as connected.
pub const SESSION_STALE_SECONDS: i64 = 100;
/// Longest guest display name.
pub(super) const MAX_GUEST_NAME_CHARS: usize = 64;

/// One line of the participant list: the attendee with their sessions merged.
#[derive(Debug, Clone)]
pub struct ParticipantEntry {
    pub attendee: Attendee,
    pub room_token: String,
    pub permissions: i64,
    pub in_call: i64,
    pub last_ping: i64,
    pub session_ids: Vec<String>,
}

/// What adding a participant changed beyond the membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    Added,
    /// Adding an email guest made a group conversation public (`{type: 3}` on the wire).
    RoomTypeChanged(RoomType),
}

#[derive(Clone)]
pub struct ParticipantService {
    pub(super) ctx: Arc<Context>,
}

pub(super) fn by(member: &Member) -> SystemMessage {
    SystemMessage::by(
        member.attendee.actor_type,
        &member.attendee.actor_id,
        &member.attendee.display_name,
    )
}

impl ParticipantService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// `GET /room/{token}/participants`: attendees with their sessions merged. Guests without a
    /// fresh session are left out.
    pub async fn list(&self, actor: &Actor, token: &str) -> Result<Vec<ParticipantEntry>> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        if member.attendee.participant_type == ParticipantType::Guest {
            return Err(Error::Forbidden("participant"));
        }
        self.entries(&member.room).await
    }

    /// The participant list of a room, without access checks.
    pub(crate) async fn entries(&self, room: &Room) -> Result<Vec<ParticipantEntry>> {
        let attendees = self.ctx.store.attendees(room.id).await?;
        let sessions = self.ctx.store.sessions_of_room(room.id).await?;
        Ok(attendees
            .into_iter()
            .map(|attendee| self.entry(room, attendee, &sessions))
            // Guests are listed only while connected.
            .filter(|e| e.attendee.actor_type != ActorType::Guests || !e.session_ids.is_empty())
            .collect())
    }

    /// The attendee's line of the participant list, merging their fresh sessions.
    pub(super) fn entry(
        &self,
        room: &Room,
        attendee: Attendee,
        sessions: &[Session],
    ) -> ParticipantEntry {
        let now = self.ctx.now();
        let mine: Vec<&Session> = sessions
            .iter()
            .filter(|s| s.attendee_id == attendee.id && now - s.last_ping <= SESSION_STALE_SECONDS)
            .collect();
        ParticipantEntry {
            permissions: effective_permissions(
                &attendee,
                room,
                self.ctx.config().default_permissions(),
            ),
            room_token: room.token.clone(),
            in_call: mine.iter().fold(0, |acc, s| acc | s.in_call),
            last_ping: mine.iter().map(|s| s.last_ping).max().unwrap_or(0),
            session_ids: mine.iter().map(|s| s.id.clone()).collect(),
            attendee,
        }
    }

    /// `POST /room/{token}/participants` (`newParticipant`, `source`).
    pub async fn add(
        &self,
        actor: &Actor,
        token: &str,
        new_participant: &str,
        source: &str,
    ) -> Result<AddOutcome> {
        let member = self.ctx.user_moderator(actor, token).await?;
        if member.room.room_type.has_fixed_members() || member.room.room_type == RoomType::Changelog
        {
            return Err(Error::Invalid("room-type"));
        }
        if member.room.is_breakout_room() {
            if source != "users" {
                return Err(Error::Invalid("source"));
            }
            let user = self
                .ctx
                .store
                .user(new_participant)
                .await?
                .ok_or(Error::NotFound("new-participant"))?;
            self.move_to_breakout_room(&member, user.id, user.display_name)
                .await?;
            return Ok(AddOutcome::Added);
        }
        match source {
            "users" => {
                let user = self
                    .ctx
                    .store
                    .user(new_participant)
                    .await?
                    .ok_or(Error::NotFound("new-participant"))?;
                self.add_users(&member, vec![(user.id, user.display_name)])
                    .await?;
                Ok(AddOutcome::Added)
            }
            "groups" => {
                let group = self
                    .ctx
                    .store
                    .group(new_participant)
                    .await?
                    .ok_or(Error::NotFound("new-participant"))?;
                let members = self.ctx.store.group_members(&group.id).await?;
                let mut extra = serde_json::Map::new();
                extra.insert(
                    "group".into(),
                    serde_json::json!({"type": "user-group", "id": group.id, "name": group.display_name}),
                );
                let message =
                    by(&member).message(member.room.id, "group_added", extra, self.ctx.now());
                self.ctx.store.post_messages(&[message]).await?;
                self.ctx.feed.changed(member.room.id);
                self.add_users(
                    &member,
                    members
                        .into_iter()
                        .map(|u| (u.id, u.display_name))
                        .collect(),
                )
                .await?;
                Ok(AddOutcome::Added)
            }
            "emails" => self.add_email(&member, new_participant).await,
            // circles, teams, federated_users and phones need services confab does not run.
            _ => Err(Error::Invalid("source")),
        }
    }

    /// Adding a user to a breakout room moves them there (TALK-BEHAVIOR §1.12): into the parent
    /// if needed, out of the sibling rooms, into this one. Already there: nothing changes.
    async fn move_to_breakout_room(
        &self,
        member: &Member,
        user_id: String,
        display_name: String,
    ) -> Result<()> {
        let parent = self.ctx.room(&member.room.object_id).await?;
        let by = by(member);
        let existing = self
            .ctx
            .store
            .attendee_by_actor(parent.id, ActorType::Users, &user_id)
            .await?;
        let in_parent = if let Some(attendee) = existing {
            attendee
        } else {
            let new = NewAttendee::user(&user_id, &display_name, ParticipantType::User);
            let note = crate::room::user_added_by(&by, &new, parent.id, self.ctx.now());
            let added = self
                .ctx
                .store
                .add_attendees(parent.id, &[new], &[note])
                .await?;
            self.ctx.feed.changed(parent.id);
            added
                .into_iter()
                .next()
                .ok_or(Error::NotFound("participant"))?
        };
        if in_parent.participant_type.is_moderator() {
            return Err(Error::Invalid("moderator"));
        }
        let children = self
            .ctx
            .store
            .rooms_by_object(crate::room::OBJECT_TYPE_BREAKOUT, &parent.token)
            .await?;
        let target = children
            .iter()
            .position(|c| c.id == member.room.id)
            .ok_or(Error::RoomNotFound)?;
        propagate::move_into(&self.ctx, &children, &[(in_parent, target)], &by).await
    }

    /// Adds users who are not members yet; a self-joined user (5) becomes a regular user (3).
    async fn add_users(&self, member: &Member, users: Vec<(String, String)>) -> Result<()> {
        let now = self.ctx.now();
        let existing = self.ctx.store.attendees(member.room.id).await?;
        let mut new = Vec::new();
        let mut messages = Vec::new();
        for (id, display_name) in users {
            let current = existing
                .iter()
                .find(|a| a.actor_type == ActorType::Users && a.actor_id == id);
            match current {
                Some(a) if a.participant_type == ParticipantType::UserSelfJoined => {
                    let mut a = a.clone();
                    a.participant_type = ParticipantType::User;
                    self.ctx.store.update_attendee(&a, &[]).await?;
                }
                Some(_) => {}
                None if new.iter().any(|n: &NewAttendee| n.actor_id == id) => {}
                None => {
                    let attendee = NewAttendee::user(&id, &display_name, ParticipantType::User);
                    if id != member.attendee.actor_id {
                        messages.push(user_added_message(member, &attendee, now));
                    }
                    new.push(attendee);
                }
            }
        }
        if !new.is_empty() {
            let added = self
                .ctx
                .store
                .add_attendees(member.room.id, &new, &messages)
                .await?;
            self.ctx.feed.changed(member.room.id);
            propagate::place_late_joiners(&self.ctx, &member.room, &added, &by(member)).await?;
        }
        Ok(())
    }

    async fn add_email(&self, member: &Member, email: &str) -> Result<AddOutcome> {
        let guest = NewAttendee::email(email).ok_or(Error::Invalid("email"))?;
        if self
            .ctx
            .store
            .attendee_by_actor(member.room.id, ActorType::Emails, &guest.actor_id)
            .await?
            .is_some()
        {
            return Ok(AddOutcome::Added);
        }
        self.add_email_guests(member, vec![guest]).await
    }

    /// Email guests can only join a conversation guests may enter: a group conversation turns
    /// public first (with `guests_allowed`), except a parent with breakout rooms, which must not
    /// change its type (TALK-BEHAVIOR §1.14).
    pub(super) fn check_email_guests_allowed(member: &Member) -> Result<()> {
        if member.room.room_type == RoomType::Group && member.room.breakout_room_mode != 0 {
            return Err(Error::Invalid("breakout-room"));
        }
        Ok(())
    }

    /// Adds new email guests (none of them in the room yet), making a group room public first.
    pub(super) async fn add_email_guests(
        &self,
        member: &Member,
        guests: Vec<NewAttendee>,
    ) -> Result<AddOutcome> {
        Self::check_email_guests_allowed(member)?;
        let mut outcome = AddOutcome::Added;
        let now = self.ctx.now();
        if member.room.room_type == RoomType::Group {
            let mut room = member.room.clone();
            room.room_type = RoomType::Public;
            room.modified_at = now;
            let message = by(member).simple(room.id, "guests_allowed", now);
            self.ctx.store.update_room(&room, &[message]).await?;
            self.ctx.feed.changed(room.id);
            outcome = AddOutcome::RoomTypeChanged(RoomType::Public);
        }
        let added = self
            .ctx
            .store
            .add_attendees(member.room.id, &guests, &[])
            .await?;
        propagate::place_late_joiners(&self.ctx, &member.room, &added, &by(member)).await?;
        Ok(outcome)
    }

    /// `DELETE /room/{token}/attendees` (`attendeeId`).
    pub async fn remove_attendee(
        &self,
        actor: &Actor,
        token: &str,
        attendee_id: i64,
    ) -> Result<()> {
        let member = self.ctx.moderator(actor, token).await?;
        // Upstream's order: unknown attendee, then room type, then yourself, then the owner.
        let target = self
            .ctx
            .store
            .attendee_by_id(member.room.id, attendee_id)
            .await?
            .ok_or(Error::NotFound("participant"))?;
        if member.room.room_type.has_fixed_members() {
            return Err(Error::Invalid("room-type"));
        }
        if target.id == member.attendee.id {
            return self.leave_room(member).await;
        }
        if target.participant_type == ParticipantType::Owner {
            return Err(Error::Forbidden("owner"));
        }
        let mut messages = Vec::new();
        if target.actor_type == ActorType::Users {
            messages.push(by(&member).about(
                member.room.id,
                "user_removed",
                &target,
                self.ctx.now(),
            ));
        }
        self.ctx
            .store
            .remove_attendees(member.room.id, &[target.id], &messages)
            .await?;
        self.ctx.feed.changed(member.room.id);
        propagate::removed(&self.ctx, &member.room, &target, &by(&member)).await
    }

    /// `DELETE /room/{token}/participants/self`.
    pub async fn leave(&self, actor: &Actor, token: &str) -> Result<()> {
        let member = self.ctx.member(actor, token).await?;
        self.leave_room(member).await
    }

    /// Removes the member; the last moderator cannot leave while other users stay, and the last
    /// user leaving deletes the conversation. As upstream, only invited users count (owners,
    /// moderators, users): self-joined users and guests neither hold the room nor block leaving.
    async fn leave_room(&self, member: Member) -> Result<()> {
        let attendees = self.ctx.store.attendees(member.room.id).await?;
        let invited = |t: ParticipantType| {
            matches!(
                t,
                ParticipantType::Owner | ParticipantType::Moderator | ParticipantType::User
            )
        };
        let users = attendees
            .iter()
            .filter(|a| invited(a.participant_type))
            .count();
        let moderators = attendees
            .iter()
            .filter(|a| member_is_user_moderator(a.participant_type))
            .count();
        let is_one_to_one = matches!(
            member.room.room_type,
            RoomType::OneToOne | RoomType::FormerOneToOne
        );
        if !is_one_to_one
            && member_is_user_moderator(member.attendee.participant_type)
            && users > 1
            && moderators == 1
        {
            return Err(Error::Invalid("last-moderator"));
        }
        if member.room.room_type != RoomType::Changelog
            && users == 1
            && invited(member.attendee.participant_type)
        {
            return propagate::delete_room(&self.ctx, &member.room).await;
        }
        let mut messages = Vec::new();
        if member.attendee.actor_type == ActorType::Users
            && member.attendee.participant_type != ParticipantType::UserSelfJoined
            && !member.room.room_type.has_fixed_members()
        {
            messages.push(by(&member).about(
                member.room.id,
                "user_removed",
                &member.attendee,
                self.ctx.now(),
            ));
        }
        self.ctx
            .store
            .remove_attendees(member.room.id, &[member.attendee.id], &messages)
            .await?;
        self.ctx.feed.changed(member.room.id);
        propagate::removed(&self.ctx, &member.room, &member.attendee, &by(&member)).await
    }
}

/// Owners and moderators; guest moderators excluded, as for user-only moderator rules.
fn member_is_user_moderator(t: ParticipantType) -> bool {
    matches!(t, ParticipantType::Owner | ParticipantType::Moderator)
}

fn user_added_message(
    member: &Member,
    attendee: &NewAttendee,
    now: i64,
) -> crate::chat::NewMessage {
    crate::room::user_added_by(&by(member), attendee, member.room.id, now)
}
