//! Adding participants: users, groups' members and email guests, and the move into a breakout
//! room that adding a user there means.

use super::model::{ActorType, NewAttendee, ParticipantType};
use super::service::{AddOutcome, ParticipantService};
use crate::access::Member;
use crate::actor::Actor;
use crate::breakout_room::propagate;
use crate::error::{Error, Result};
use crate::room::RoomType;

impl ParticipantService {
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
                if self.ctx.user_banned(member.room.id, &user.id).await? {
                    return Err(Error::Invalid("ban"));
                }
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
                    member
                        .author()
                        .message(member.room.id, "group_added", extra, self.ctx.now());
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
        // Banned from the breakout room or from its parent (which they would join first).
        if self.ctx.user_banned(member.room.id, &user_id).await?
            || self.ctx.user_banned(parent.id, &user_id).await?
        {
            return Err(Error::Invalid("ban"));
        }
        let by = member.author();
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
    /// Users banned from the room are passed over (a group's banned members stay out).
    async fn add_users(&self, member: &Member, users: Vec<(String, String)>) -> Result<()> {
        let now = self.ctx.now();
        let existing = self.ctx.store.attendees(member.room.id).await?;
        let banned = self.ctx.banned_actors(&[member.room.id]).await?;
        let mut new = Vec::new();
        let mut messages = Vec::new();
        for (id, display_name) in users {
            if banned.contains(&(member.room.id, ActorType::Users, id.clone())) {
                continue;
            }
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
            propagate::place_late_joiners(&self.ctx, &member.room, &added, &member.author())
                .await?;
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
        Self::check_email_guests_allowed(member)?;
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
    /// The caller has checked [`Self::check_email_guests_allowed`].
    pub(super) async fn add_email_guests(
        &self,
        member: &Member,
        guests: Vec<NewAttendee>,
    ) -> Result<AddOutcome> {
        let mut outcome = AddOutcome::Added;
        let now = self.ctx.now();
        if member.room.room_type == RoomType::Group {
            let mut room = member.room.clone();
            room.room_type = RoomType::Public;
            room.modified_at = now;
            let message = member.author().simple(room.id, "guests_allowed", now);
            self.ctx.store.update_room(&room, &[message]).await?;
            self.ctx.feed.changed(room.id);
            outcome = AddOutcome::RoomTypeChanged(RoomType::Public);
        }
        let added = self
            .ctx
            .store
            .add_attendees(member.room.id, &guests, &[])
            .await?;
        self.ctx.feed.changed(member.room.id);
        propagate::place_late_joiners(&self.ctx, &member.room, &added, &member.author()).await?;
        Ok(outcome)
    }
}

fn user_added_message(
    member: &Member,
    attendee: &NewAttendee,
    now: i64,
) -> crate::chat::NewMessage {
    crate::room::user_added_by(&member.author(), attendee, member.room.id, now)
}
