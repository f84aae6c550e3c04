//! People coming and going: the parent's membership, roles, accounts, and where people are
//! connected (joining the parent, entering breakout rooms, leaving, coming back).

use confab_core::participant::{ActorType, Attendee, ParticipantType};

use super::step::Step;
use super::world::{key, Place};
use super::{email, pick, user_id, Op, Person, Target, STUDENTS};

impl Step<'_> {
    /// The room `who` aims at, as a token and a place in the family.
    async fn target(&self, who: Person, room: Target) -> (String, Option<Place>) {
        let index = match room {
            Target::Parent => return (self.token.to_owned(), Some(Place::Parent)),
            Target::Room(i) => i,
            Target::Own => {
                let me = self.services.context.member(&who.actor(), self.token).await;
                me.ok()
                    .and_then(|m| self.before.rooms_of(&m.attendee).first().copied())
                    .unwrap_or(0)
            }
        };
        let token = self.child_token(index);
        let place = self
            .before
            .children
            .iter()
            .position(|c| c.room.token == token)
            .map(Place::Child);
        (token, place)
    }

    /// A person opens a session; when accepted they are connected there and nowhere else in
    /// the family, and a refused join changes no session.
    pub async fn connect(&self, who: Person, room: Target) -> Result<bool, String> {
        let (token, place) = self.target(who, room).await;
        let joined = self
            .services
            .participants
            .join(&who.actor(), &token, "", true)
            .await;
        let after = self.after().await;
        match (joined, place) {
            (Ok(member), Some(place)) => {
                after.check_connected(&key(&member.attendee), place)?;
                Ok(true)
            }
            (Ok(_), None) => Err("joined a room outside the family".into()),
            (Err(_), _) if after.session_ids() != self.before.session_ids() => {
                Err("a refused join changed sessions".into())
            }
            (Err(_), _) => Ok(false),
        }
    }

    /// A person closes their session; afterwards their client holds none there.
    pub async fn disconnect(&self, person: Person, room: Target) -> Result<bool, String> {
        let who = match person {
            // Closing a session ends the membership of self-joined users only: pick those
            // first for the parent.
            Person::User(i) if matches!(room, Target::Parent) => {
                let visitors: Vec<&Attendee> = self
                    .before
                    .parent_attendees()
                    .iter()
                    .filter(|a| a.participant_type == ParticipantType::UserSelfJoined)
                    .collect();
                match pick(&visitors, i) {
                    Some(a) => super::actor_of(&a.actor_id),
                    None => Person::User(i).actor(),
                }
            }
            other => other.actor(),
        };
        let (token, _) = self.target(person, room).await;
        let accepted = self
            .services
            .participants
            .leave_session(&who, &token)
            .await
            .is_ok();
        if accepted {
            let client = who.client_session.as_deref().unwrap_or_default();
            let store = &self.services.context.store;
            if let Some(room) = store.room_by_token(&token).await.unwrap() {
                if store
                    .session_of_client(room.id, client)
                    .await
                    .unwrap()
                    .is_some()
                {
                    return Err("the session survived leaving".into());
                }
            }
        }
        Ok(accepted)
    }

    /// An email guest's browser joins the parent with their invitation (`valid`) or a wrong
    /// one, which must be refused.
    pub async fn email_join(&self, n: usize, valid: bool) -> Result<bool, String> {
        let participants = &self.services.participants;
        let invited = self
            .before
            .parent_attendees()
            .iter()
            .find(|a| a.actor_type == ActorType::Emails && a.invited_cloud_id == email(n));
        let access = match invited {
            Some(a) if valid => participants
                .invitation(&self.teacher, self.token, a.id)
                .await
                .map_or_else(|_| "unreadable".to_owned(), |i| i.access),
            _ => "not the invitation".to_owned(),
        };
        let joined = participants
            .join_with_invitation(&Person::Email(n).actor(), self.token, &email(n), &access)
            .await;
        match (joined, invited) {
            (Ok(member), Some(a)) if valid => {
                if member.attendee.id != a.id {
                    return Err("joined as someone else than the invited guest".into());
                }
                self.after().await.check_connected(&key(a), Place::Parent)?;
                Ok(true)
            }
            (Ok(_), _) => Err("a wrong invitation was accepted".into()),
            (Err(_), _) => Ok(false),
        }
    }

    /// An anonymous guest joins the parent; a browser that was a guest here comes back as
    /// the same guest.
    pub async fn guest_join(&self, n: usize) -> Result<bool, String> {
        let actor = Person::Guest(n).actor();
        let known = self.services.context.member(&actor, self.token).await.ok();
        let joined = self
            .services
            .participants
            .join(&actor, self.token, "", false)
            .await;
        match (joined, known) {
            (Ok(now), Some(before)) if now.attendee.id != before.attendee.id => {
                Err("a returning guest came back as someone else".into())
            }
            (Ok(_), _) => Ok(true),
            (Err(_), _) => Ok(false),
        }
    }

    /// Operations on the parent's membership: people come and go, roles change.
    pub async fn membership_operation(&self, op: &Op) -> bool {
        let (services, token, teacher) = (self.services, self.token, &self.teacher);
        let before = &self.before;
        let participants = &services.participants;
        match op {
            Op::AddUser { user } => {
                let id = STUDENTS[user % STUDENTS.len()];
                participants.add(teacher, token, id, "users").await.is_ok()
            }
            Op::AddEmail { n } => participants
                .add(teacher, token, &email(*n), "emails")
                .await
                .is_ok(),
            Op::RemoveAttendee { attendee } => match pick(before.parent_attendees(), *attendee) {
                Some(a) => participants
                    .remove_attendee(teacher, token, a.id)
                    .await
                    .is_ok(),
                None => false,
            },
            Op::Leave { user } => participants
                .leave(&Person::User(*user).actor(), token)
                .await
                .is_ok(),
            Op::Promote { attendee } | Op::Demote { attendee } => {
                let promote = matches!(op, Op::Promote { .. });
                // Owners cannot be demoted.
                let candidates: Vec<&Attendee> = before
                    .parent_attendees()
                    .iter()
                    .filter(|a| {
                        a.participant_type.is_moderator() != promote
                            && a.participant_type != ParticipantType::Owner
                    })
                    .collect();
                match pick(&candidates, *attendee) {
                    Some(a) => participants
                        .set_moderator(teacher, token, a.id, promote)
                        .await
                        .is_ok(),
                    None => false,
                }
            }
            Op::SelfJoin { user } => {
                // Preferably someone who is not a member yet.
                let outsiders: Vec<&str> = STUDENTS
                    .into_iter()
                    .filter(|id| before.parent_attendee(ActorType::Users, id).is_none())
                    .collect();
                let id = pick(&outsiders, *user).map_or(user_id(*user), |id| *id);
                participants
                    .join(&super::actor_of(id), token, "", false)
                    .await
                    .is_ok()
            }
            Op::DeleteAccount { user } => services
                .accounts
                .delete_user(STUDENTS[user % STUDENTS.len()])
                .await
                .is_ok(),
            _ => unreachable!("not a membership operation: {op:?}"),
        }
    }
}
