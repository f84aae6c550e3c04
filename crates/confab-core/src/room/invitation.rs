//! The invitations of a new conversation (legacy `invite`/`source` and `participants`),
//! resolved into attendees and the system messages that record them.

use serde_json::{json, Map};

use super::creation::CreateRoom;
use super::service::{user_added_by, RoomService};
use crate::chat::{NewMessage, SystemMessage};
use crate::error::Result;
use crate::participant::{NewAttendee, ParticipantType};

/// What the invitations of a new conversation come to.
#[derive(Debug, Default)]
pub(super) struct Invitations {
    /// Attendees besides the owner, in invitation order, each actor once.
    pub attendees: Vec<NewAttendee>,
    /// `group_added` and `user_added`, oldest first.
    pub messages: Vec<NewMessage>,
    /// (kind, id) of invitations that name nothing (`invalidParticipants`).
    pub invalid: Vec<(String, String)>,
    /// Whether any invitation named something (an empty group counts).
    pub any_valid: bool,
    /// Email guests were invited, which makes the conversation public.
    pub has_emails: bool,
}

impl Invitations {
    fn contains(&self, owner: &NewAttendee, candidate: &NewAttendee) -> bool {
        std::iter::once(owner)
            .chain(&self.attendees)
            .any(|a| a.actor_type == candidate.actor_type && a.actor_id == candidate.actor_id)
    }

    fn add(&mut self, owner: &NewAttendee, candidate: NewAttendee) -> bool {
        if self.contains(owner, &candidate) {
            return false;
        }
        self.attendees.push(candidate);
        true
    }
}

/// The legacy `invite`/`source` pair as an invitation. Upstream reads `invite` as a group
/// unless `source` names circles (teams); confab runs no teams, so those resolve to nothing.
/// `source=users` is accepted as well, for clients that sent it.
pub(super) fn legacy_invitation(request: &CreateRoom) -> Option<(String, Vec<String>)> {
    if request.invite.is_empty() {
        return None;
    }
    let kind = match request.source.as_str() {
        "users" => "users",
        "circles" | "teams" => "teams",
        _ => "groups",
    };
    Some((kind.to_owned(), vec![request.invite.clone()]))
}

impl RoomService {
    /// Resolves `invitees` (kind → ids) of a conversation `owner` creates, announced by `by`.
    pub(super) async fn resolve_invitations(
        &self,
        owner: &NewAttendee,
        by: &SystemMessage,
        invitees: Vec<(String, Vec<String>)>,
        now: i64,
    ) -> Result<Invitations> {
        let mut out = Invitations::default();
        for (kind, ids) in invitees {
            for id in ids.into_iter().filter(|id| !id.is_empty()) {
                if kind == "emails" {
                    match NewAttendee::email(&id) {
                        Some(guest) => {
                            out.any_valid = true;
                            out.has_emails = true;
                            out.add(owner, guest);
                        }
                        None => out.invalid.push((kind.clone(), id)),
                    }
                    continue;
                }
                let Some((users, group_name)) = self.resolve_invitee(&kind, &id).await? else {
                    out.invalid.push((kind.clone(), id));
                    continue;
                };
                out.any_valid = true;
                if let Some(group_name) = group_name {
                    let mut extra = Map::new();
                    extra.insert(
                        "group".into(),
                        json!({"type": "user-group", "id": id, "name": group_name}),
                    );
                    out.messages.push(by.message(0, "group_added", extra, now));
                }
                for (uid, display) in users {
                    let attendee = NewAttendee::user(&uid, &display, ParticipantType::User);
                    let message = user_added_by(by, &attendee, 0, now);
                    if out.add(owner, attendee) {
                        out.messages.push(message);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The users an invitation names, and the group's display name for group invitations.
    async fn resolve_invitee(
        &self,
        kind: &str,
        id: &str,
    ) -> Result<Option<(Vec<(String, String)>, Option<String>)>> {
        Ok(match kind {
            "users" => self
                .ctx
                .store
                .user(id)
                .await?
                .map(|u| (vec![(u.id, u.display_name)], None)),
            "groups" => match self.ctx.store.group(id).await? {
                Some(group) => {
                    let members = self.ctx.store.group_members(id).await?;
                    Some((
                        members
                            .into_iter()
                            .map(|u| (u.id, u.display_name))
                            .collect(),
                        Some(group.display_name),
                    ))
                }
                None => None,
            },
            _ => None,
        })
    }

    /// `roomName`; without one, a legacy group invitation names the room after the group.
    pub(super) async fn conversation_name(&self, request: &CreateRoom) -> Result<String> {
        let legacy_group =
            matches!(legacy_invitation(request), Some((kind, _)) if kind == "groups");
        if request.room_name.trim().is_empty() && legacy_group {
            if let Some(group) = self.ctx.store.group(&request.invite).await? {
                return super::service::parse_name(&group.display_name);
            }
        }
        super::service::parse_name(&request.room_name)
    }
}
