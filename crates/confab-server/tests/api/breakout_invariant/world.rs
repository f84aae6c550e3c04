//! The state the invariant is checked on, read from the store: the parent, its breakout rooms
//! by id (their room numbers), everyone's memberships, and where every session is.

use std::collections::BTreeMap;

use confab_core::breakout_room::{MODE_AUTOMATIC, MODE_NOT_CONFIGURED};
use confab_core::participant::{ActorType, Attendee, Session};
use confab_core::room::{Room, OBJECT_TYPE_BREAKOUT};
use confab_core::{Actor, Services};

use super::{actor_of, TEACHER};

/// Who someone is across the rooms of the family: actor type and id.
pub(super) type Key = (ActorType, String);

pub(super) fn key(a: &Attendee) -> Key {
    (a.actor_type, a.actor_id.clone())
}

fn show(key: &Key) -> String {
    format!("{}/{}", key.0.as_str(), key.1)
}

/// A room of the family: the parent or breakout room number `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Place {
    Parent,
    Child(usize),
}

/// One room with its members and sessions.
pub(super) struct RoomState {
    pub room: Room,
    pub members: Vec<Attendee>,
    pub sessions: Vec<Session>,
}

impl RoomState {
    async fn read(services: &Services, room: Room) -> Self {
        let store = &services.context.store;
        let members = store.attendees(room.id).await.unwrap();
        let sessions = store.sessions_of_room(room.id).await.unwrap();
        Self {
            room,
            members,
            sessions,
        }
    }

    /// The person each session belongs to, with its client.
    fn connected(&self) -> impl Iterator<Item = (Key, &str)> + '_ {
        self.sessions.iter().filter_map(|s| {
            self.members
                .iter()
                .find(|m| m.id == s.attendee_id)
                .map(|m| (key(m), s.client_session.as_str()))
        })
    }
}

pub(super) struct World {
    pub parent: Option<RoomState>,
    pub children: Vec<RoomState>,
}

impl World {
    pub async fn read(services: &Services, token: &str) -> Self {
        let store = &services.context.store;
        let parent = match store.room_by_token(token).await.unwrap() {
            Some(room) => Some(RoomState::read(services, room).await),
            None => None,
        };
        let mut children = Vec::new();
        for child in store
            .rooms_by_object(OBJECT_TYPE_BREAKOUT, token)
            .await
            .unwrap()
        {
            children.push(RoomState::read(services, child).await);
        }
        Self { parent, children }
    }

    pub fn parent_attendees(&self) -> &[Attendee] {
        self.parent.as_ref().map_or(&[], |p| p.members.as_slice())
    }

    pub fn mode(&self) -> i64 {
        self.parent
            .as_ref()
            .map_or(MODE_NOT_CONFIGURED, |p| p.room.breakout_room_mode)
    }

    /// The breakout rooms (indexes into `children`) the actor of `attendee` is a member of.
    pub fn rooms_of(&self, attendee: &Attendee) -> Vec<usize> {
        self.children
            .iter()
            .enumerate()
            .filter(|(_, c)| c.members.iter().any(|m| key(m) == key(attendee)))
            .map(|(i, _)| i)
            .collect()
    }

    /// The rooms of the family where the person `who` holds sessions.
    pub fn places_of(&self, who: &Key) -> Vec<Place> {
        let mut places = Vec::new();
        if let Some(parent) = &self.parent {
            if parent.connected().any(|(k, _)| &k == who) {
                places.push(Place::Parent);
            }
        }
        for (i, child) in self.children.iter().enumerate() {
            if child.connected().any(|(k, _)| &k == who) {
                places.push(Place::Child(i));
            }
        }
        places
    }

    /// Every client connected to one of the breakout rooms `rooms`, with its person.
    pub fn clients_in(&self, rooms: &[usize]) -> Vec<(Key, String)> {
        rooms
            .iter()
            .flat_map(|i| self.children[*i].connected())
            .map(|(k, client)| (k, client.to_owned()))
            .collect()
    }

    /// Whether `client` holds a session of the person `who` in the parent.
    pub fn in_parent(&self, who: &Key, client: &str) -> bool {
        self.parent
            .as_ref()
            .is_some_and(|p| p.connected().any(|(k, c)| &k == who && c == client))
    }

    pub fn parent_attendee(&self, actor_type: ActorType, actor_id: &str) -> Option<&Attendee> {
        self.parent_attendees()
            .iter()
            .find(|a| a.actor_type == actor_type && a.actor_id == actor_id)
    }

    /// A moderator of the parent who is a logged-in user: the one who runs the operations.
    pub fn teacher(&self) -> Actor {
        let user_moderator = |a: &&Attendee| {
            a.actor_type == ActorType::Users && matches!(a.participant_type.as_i64(), 1 | 2)
        };
        let id = self
            .parent_attendees()
            .iter()
            .filter(user_moderator)
            .find(|a| a.actor_id == TEACHER)
            .or_else(|| self.parent_attendees().iter().find(user_moderator))
            .map_or(TEACHER, |a| a.actor_id.as_str());
        actor_of(id)
    }

    pub fn non_moderators(&self) -> Vec<&Attendee> {
        self.parent_attendees()
            .iter()
            .filter(|a| !a.participant_type.is_moderator())
            .collect()
    }

    /// Who is where, for comparing two states.
    pub fn memberships(&self) -> BTreeMap<String, Vec<(String, i64)>> {
        self.children
            .iter()
            .map(|c| {
                let mut people: Vec<(String, i64)> = c
                    .members
                    .iter()
                    .map(|m| (show(&key(m)), m.participant_type.as_i64()))
                    .collect();
                people.sort();
                (c.room.token.clone(), people)
            })
            .collect()
    }

    /// Every session id of the family, for comparing two states.
    pub fn session_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .parent
            .iter()
            .chain(&self.children)
            .flat_map(|r| r.sessions.iter().map(|s| s.id.clone()))
            .collect();
        ids.sort();
        ids
    }

    /// The invariant that holds after every operation.
    ///
    /// The *current room* of an attendee of the parent is the room of the family (the parent
    /// or a breakout room) where they hold sessions; connected nowhere, it is their breakout
    /// room if they are a member of one, else the parent. It is exactly one room when:
    /// - all sessions of one person are in one room, and sessions exist only for members;
    /// - a non-moderator is a member of at most one breakout room, with a non-moderator role;
    /// - every moderator of the parent (participantType 1, 2, or 6) is a moderator in every
    ///   breakout room, and nobody is in a breakout room without being in the parent.
    ///
    /// Without a configuration (mode 0) no breakout rooms exist and the status is 0.
    pub fn check(&self) -> Result<(), String> {
        let Some(parent) = &self.parent else {
            return if self.children.is_empty() {
                Ok(())
            } else {
                Err("breakout rooms outlived their deleted parent".into())
            };
        };
        if parent.room.breakout_room_mode == MODE_NOT_CONFIGURED {
            if !self.children.is_empty() {
                return Err(format!(
                    "parent not configured but has {} breakout rooms",
                    self.children.len()
                ));
            }
            if parent.room.breakout_room_status != 0 {
                return Err("parent not configured but not stopped".into());
            }
        }
        for state in std::iter::once(parent).chain(&self.children) {
            if let Some(s) = state
                .sessions
                .iter()
                .find(|s| !state.members.iter().any(|m| m.id == s.attendee_id))
            {
                return Err(format!(
                    "session {} in {} has no member",
                    s.id, state.room.name
                ));
            }
        }
        self.check_members()?;
        for a in self.parent_attendees() {
            let places = self.places_of(&key(a));
            if places.len() > 1 {
                return Err(format!(
                    "{} is connected to {places:?} at once",
                    show(&key(a))
                ));
            }
        }
        Ok(())
    }

    fn check_members(&self) -> Result<(), String> {
        for child in &self.children {
            for m in &child.members {
                let Some(in_parent) = self.parent_attendee(m.actor_type, &m.actor_id) else {
                    return Err(format!(
                        "{} is in breakout room {} ({}) but not in the parent",
                        show(&key(m)),
                        child.room.name,
                        child.room.token
                    ));
                };
                if in_parent.participant_type.is_moderator() != m.participant_type.is_moderator() {
                    return Err(format!(
                        "{} has type {} in the parent but {} in {}",
                        m.actor_id,
                        in_parent.participant_type.as_i64(),
                        m.participant_type.as_i64(),
                        child.room.name
                    ));
                }
            }
        }
        for a in self.parent_attendees() {
            let rooms = self.rooms_of(a);
            if a.participant_type.is_moderator() {
                if rooms.len() != self.children.len() {
                    return Err(format!(
                        "moderator {} (type {}) is in {} of {} breakout rooms",
                        show(&key(a)),
                        a.participant_type.as_i64(),
                        rooms.len(),
                        self.children.len()
                    ));
                }
            } else if rooms.len() > 1 {
                return Err(format!(
                    "{} is in {} breakout rooms at once",
                    show(&key(a)),
                    rooms.len()
                ));
            }
        }
        Ok(())
    }

    /// An automatic distribution: every non-moderator in exactly one room, and the room sizes
    /// (without moderators) within one of each other.
    pub fn check_balanced(&self) -> Result<(), String> {
        for a in self.non_moderators() {
            if self.rooms_of(a).len() != 1 {
                return Err(format!("{} is not in exactly one room", show(&key(a))));
            }
        }
        let sizes: Vec<usize> = self
            .children
            .iter()
            .map(|c| {
                c.members
                    .iter()
                    .filter(|m| !m.participant_type.is_moderator())
                    .count()
            })
            .collect();
        match (sizes.iter().min(), sizes.iter().max()) {
            (Some(min), Some(max)) if max - min <= 1 => Ok(()),
            _ => Err(format!("unbalanced automatic distribution {sizes:?}")),
        }
    }

    /// Automatic mode with a balanced distribution (which late joiners must keep).
    pub fn balanced_automatic(&self) -> bool {
        self.mode() == MODE_AUTOMATIC && self.check_balanced().is_ok()
    }

    /// User `id` is an attendee of the parent and in exactly the breakout room `token`.
    pub fn check_user_in(&self, id: &str, token: &str) -> Result<(), String> {
        let attendee = self
            .parent_attendee(ActorType::Users, id)
            .ok_or_else(|| format!("{id} is not in the parent"))?;
        let index = self
            .children
            .iter()
            .position(|c| c.room.token == token)
            .ok_or("the target room vanished")?;
        self.check_in_exactly(attendee, index)
    }

    /// `attendee` (by actor) is in exactly breakout room `target`.
    pub fn check_in_exactly(&self, attendee: &Attendee, target: usize) -> Result<(), String> {
        let rooms = self.rooms_of(attendee);
        if rooms == [target] {
            Ok(())
        } else {
            Err(format!(
                "{} should be in room #{target} only, is in {rooms:?}",
                show(&key(attendee))
            ))
        }
    }

    /// The person `who` is connected to `place` and nowhere else.
    pub fn check_connected(&self, who: &Key, place: Place) -> Result<(), String> {
        let places = self.places_of(who);
        if places == [place] {
            Ok(())
        } else {
            Err(format!(
                "{} should be connected to {place:?} only, is in {places:?}",
                show(who)
            ))
        }
    }

    /// Nobody stranded: each of `clients` that was in a breakout room which stopped or went is
    /// connected to the parent, when its person still is in the parent.
    pub fn check_returned(&self, clients: &[(Key, String)]) -> Result<(), String> {
        for (who, client) in clients {
            let in_family = self.parent_attendee(who.0, &who.1).is_some();
            if in_family && !self.in_parent(who, client) {
                return Err(format!(
                    "{} ({client}) was not returned to the parent",
                    show(who)
                ));
            }
        }
        Ok(())
    }
}
