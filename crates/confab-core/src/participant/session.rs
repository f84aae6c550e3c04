//! Connections: joining a conversation (which opens a session), leaving it, session state.

use sha1::{Digest, Sha1};

use super::model::{ActorType, NewAttendee, NewSession, ParticipantType};
use super::service::ParticipantService;
use crate::access::Member;
use crate::account::verify_password_blocking;
use crate::actor::Actor;
use crate::breakout_room::{presence, propagate};
use crate::chat::SystemMessage;
use crate::error::{Error, Result};
use crate::room::{Listable, Room, RoomType};

impl ParticipantService {
    /// `POST /room/{token}/participants/active`: opens a session. Members join without a
    /// password; users self-join public (type 5) and listable (type 3) rooms; guests join
    /// public rooms. A banned caller gets 403 `ban` once the room is one they could join.
    /// `client_session` must be set by the caller's transport.
    pub async fn join(
        &self,
        actor: &Actor,
        token: &str,
        password: &str,
        force: bool,
    ) -> Result<Member> {
        let room = self.ctx.room(token).await?;
        let client = actor
            .client_session
            .clone()
            .ok_or(Error::Invalid("session"))?;
        let now = self.ctx.now();
        let session = NewSession {
            id: crate::token::session_id(),
            client_session: client.clone(),
            last_ping: now,
        };
        if let Some(member) = self.ctx.member_of(actor, &room).await? {
            self.ctx
                .refuse_banned(&room, actor, Some(&member.attendee))
                .await?;
            if let Some(existing) = &member.session {
                if !force && existing.in_call != 0 {
                    return Err(Error::SessionConflict {
                        session_id: existing.id.clone(),
                        in_call: existing.in_call,
                        last_ping: existing.last_ping,
                    });
                }
            }
            // Members join without the password; a guest is a member here only through the
            // client session that passed the password before (upstream skips it for them too).
            let session = presence::connect(&self.ctx, &room, &member.attendee, session).await?;
            return Ok(Member {
                room,
                attendee: member.attendee,
                session: Some(session),
            });
        }
        // Nobody walks into a breakout room: its members are assigned, or switch in free mode
        // (its public type, inherited from a public parent, lets no one self-join).
        if room.is_breakout_room() {
            return Err(Error::RoomNotFound);
        }
        match &actor.user {
            Some(user) => self.visit(room, actor, user, password, session).await,
            None => self.join_as_guest(room, actor, password, session).await,
        }
    }

    /// A user who is not a member joins: listed rooms as a regular user (3), other public
    /// rooms as a visitor (5) with the password.
    async fn visit(
        &self,
        room: Room,
        actor: &Actor,
        user: &crate::actor::UserRef,
        password: &str,
        session: NewSession,
    ) -> Result<Member> {
        let now = self.ctx.now();
        // A room listed for the user is joined as a regular user without its password, even
        // when it is public; other public rooms are visited (self-joined) with the password.
        let listed = matches!(room.listable, Listable::Users | Listable::All)
            && matches!(room.room_type, RoomType::Group | RoomType::Public);
        let participant_type = if listed {
            ParticipantType::User
        } else if room.room_type == RoomType::Public {
            ParticipantType::UserSelfJoined
        } else {
            return Err(Error::RoomNotFound);
        };
        // As upstream, only someone who could see the room learns they are banned from it.
        self.ctx.refuse_banned(&room, actor, None).await?;
        if !listed && room.has_password() {
            self.check_room_password(&room.password_hash, password)
                .await?;
        }
        let attendee = NewAttendee::user(&user.id, &user.display_name, participant_type);
        let mut messages = Vec::new();
        if participant_type == ParticipantType::User {
            let actor_msg = SystemMessage::by(ActorType::Users, &user.id, &user.display_name);
            messages.push(crate::room::user_added_by(
                &actor_msg, &attendee, room.id, now,
            ));
        }
        let attendee = self
            .ctx
            .store
            .add_attendees(room.id, &[attendee], &messages)
            .await?
            .remove(0);
        self.ctx.feed.changed(room.id);
        let by = SystemMessage::by(ActorType::Users, &user.id, &user.display_name);
        propagate::place_late_joiners(&self.ctx, &room, std::slice::from_ref(&attendee), &by)
            .await?;
        let session = presence::connect(&self.ctx, &room, &attendee, session).await?;
        Ok(Member {
            room,
            attendee,
            session: Some(session),
        })
    }

    /// A guest who is not a member yet joins a public room.
    async fn join_as_guest(
        &self,
        room: Room,
        actor: &Actor,
        password: &str,
        session: NewSession,
    ) -> Result<Member> {
        if room.room_type != RoomType::Public {
            return Err(Error::RoomNotFound);
        }
        self.ctx.refuse_banned(&room, actor, None).await?;
        if room.has_password() {
            self.check_room_password(&room.password_hash, password)
                .await?;
        }
        // A guest is named by the hash of their first Talk session and keeps that identity
        // as long as their client session lasts.
        let guest = NewAttendee {
            actor_type: ActorType::Guests,
            actor_id: hex::encode(Sha1::digest(session.id.as_bytes())),
            display_name: String::new(),
            participant_type: ParticipantType::Guest,
            invited_cloud_id: String::new(),
        };
        let (attendee, session) = self
            .ctx
            .store
            .add_guest_with_session(room.id, &guest, &session)
            .await?;
        let by = SystemMessage::by_attendee(&attendee);
        propagate::place_late_joiners(&self.ctx, &room, std::slice::from_ref(&attendee), &by)
            .await?;
        Ok(Member {
            room,
            attendee,
            session: Some(session),
        })
    }

    async fn check_room_password(&self, hash: &str, password: &str) -> Result<()> {
        if password.is_empty() || !verify_password_blocking(password, hash).await {
            return Err(Error::Forbidden("password"));
        }
        Ok(())
    }

    /// `DELETE /room/{token}/participants/active`: ends the caller's session, if any.
    pub async fn leave_session(&self, actor: &Actor, token: &str) -> Result<()> {
        let Some(room) = self.ctx.store.room_by_token(token).await? else {
            return Ok(());
        };
        let Some(client) = &actor.client_session else {
            return Ok(());
        };
        let Some(session) = self.ctx.store.session_of_client(room.id, client).await? else {
            return Ok(());
        };
        self.ctx.store.close_session(&session.id).await?;
        // A self-joined user closing their last session leaves the room, silently (upstream's
        // leaveRoomAsSession); they are visitors, not members.
        let attendee = self
            .ctx
            .store
            .attendee_by_id(room.id, session.attendee_id)
            .await?;
        if let Some(attendee) =
            attendee.filter(|a| a.participant_type == ParticipantType::UserSelfJoined)
        {
            let sessions = self.ctx.store.sessions_of_room(room.id).await?;
            if sessions.iter().all(|s| s.attendee_id != attendee.id) {
                self.ctx
                    .store
                    .remove_attendees(room.id, &[attendee.id], &[])
                    .await?;
                self.ctx.feed.changed(room.id);
                // Leaving a parent means leaving its breakout rooms too.
                let by = SystemMessage::by_attendee(&attendee);
                propagate::removed(&self.ctx, &room, &attendee, &by).await?;
            }
        }
        Ok(())
    }

    /// `PUT /room/{token}/participants/state` (`state` 0 inactive | 1 active).
    pub async fn set_session_state(
        &self,
        actor: &Actor,
        token: &str,
        state: i64,
    ) -> Result<Member> {
        let mut member = self.ctx.member(actor, token).await?;
        let session = member.session.as_mut().ok_or(Error::NotFound("session"))?;
        if !(0..=1).contains(&state) {
            return Err(Error::Invalid("state"));
        }
        session.state = state;
        session.last_ping = self.ctx.now();
        self.ctx.store.update_session(session).await?;
        Ok(member)
    }
}
