//! Email guests joining through their invitation (capability `email-guest-access`).
//!
//! Upstream mails an email guest the link `/call/{token}?email={address}&access={secret}`; its
//! web page checks the pair against the attendee's access token, marks the browser session as
//! that email guest, and the next `POST …/participants/active` joins as them. confab sends no
//! mail and serves no page: a moderator reads the pair (`GET …/attendees/invitation`) and hands
//! it on, and the guest's client joins with `email` and `access`. The client is then bound to
//! the email guest like any guest's (see `ParticipantStore::open_session`), so later joins,
//! breakout rooms included, need no secret.

use sha2::{Digest, Sha256};

use super::model::{ActorType, Attendee, NewAttendee, NewSession};
use super::service::ParticipantService;
use crate::access::Member;
use crate::actor::Actor;
use crate::breakout_room::presence;
use crate::error::{Error, Result};

/// Length of an invitation secret (as upstream's access tokens).
const SECRET_CHARS: usize = 64;

/// What a moderator hands to an email guest.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub attendee: Attendee,
    /// The invited address (`email` of the join request).
    pub email: String,
    /// The secret (`access` of the join request).
    pub access: String,
}

/// Equal secrets, compared without revealing where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

impl ParticipantService {
    /// `GET /room/{token}/attendees/invitation` (`attendeeId`): a logged-in moderator reads an
    /// email guest's invitation, made on first request.
    pub async fn invitation(
        &self,
        actor: &Actor,
        token: &str,
        attendee_id: i64,
    ) -> Result<Invitation> {
        let member = self.ctx.user_moderator(actor, token).await?;
        let attendee = self
            .ctx
            .store
            .attendee_by_id(member.room.id, attendee_id)
            .await?
            .ok_or(Error::NotFound("participant"))?;
        if attendee.actor_type != ActorType::Emails {
            return Err(Error::Invalid("participant"));
        }
        let access = self
            .ctx
            .store
            .add_invitation(attendee.id, &crate::token::random_string(SECRET_CHARS))
            .await?;
        Ok(Invitation {
            email: attendee.invited_cloud_id.clone(),
            attendee,
            access,
        })
    }

    /// `POST /room/{token}/participants/active` with `email` and `access`: the client joins as
    /// the email guest the invitation names, without the room password (as upstream), and is
    /// bound to them. A wrong pair answers 403 `invitation` (a failed attempt, throttled).
    pub async fn join_with_invitation(
        &self,
        actor: &Actor,
        token: &str,
        email: &str,
        access: &str,
    ) -> Result<Member> {
        // Logged-in users always join as themselves.
        if actor.user.is_some() {
            return Err(Error::Invalid("invitation"));
        }
        let room = self.ctx.room(token).await?;
        let client = actor
            .client_session
            .clone()
            .ok_or(Error::Invalid("session"))?;
        // The browser of a banned guest stays out, whatever it presents.
        self.ctx.refuse_banned_client(&room, actor).await?;
        let invited = NewAttendee::email(email).ok_or(Error::Forbidden("invitation"))?;
        let attendee = self
            .ctx
            .store
            .attendee_by_actor(room.id, ActorType::Emails, &invited.actor_id)
            .await?
            .ok_or(Error::Forbidden("invitation"))?;
        let secret = self.ctx.store.invitation(attendee.id).await?;
        if !secret.is_some_and(|secret| same_secret(&secret, access)) {
            return Err(Error::Forbidden("invitation"));
        }
        self.ctx
            .refuse_banned_attendee(&room, actor, &attendee)
            .await?;
        let session = NewSession {
            id: crate::token::session_id(),
            client_session: client,
            last_ping: self.ctx.now(),
        };
        let session = presence::connect(&self.ctx, &room, &attendee, session).await?;
        Ok(Member {
            room,
            attendee,
            session: Some(session),
        })
    }
}
