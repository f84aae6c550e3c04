//! One operation on the breakout rooms or their parent as rooms, and what each accepted one
//! promises beyond the invariant. People coming, going and connecting are in `people.rs`.

use std::collections::BTreeMap;

use confab_core::breakout_room::{Configure, MODE_AUTOMATIC, MODE_MANUAL, MODE_NOT_CONFIGURED};
use confab_core::participant::ActorType;
use confab_core::room::{CreateRoom, OBJECT_TYPE_BREAKOUT};
use confab_core::{Actor, Services};

use super::world::World;
use super::{pick, Op, Person};

/// One operation about to run: the application, the parent's token, the state before it and
/// the moderator who acts.
pub(super) struct Step<'a> {
    pub services: &'a Services,
    pub token: &'a str,
    pub before: World,
    pub teacher: Actor,
}

fn attendee_map(entries: &BTreeMap<i64, usize>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = entries
        .iter()
        .map(|(id, room)| (id.to_string(), serde_json::Value::from(*room)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

fn room_name(n: usize) -> String {
    format!("Team {n}")
}

impl Step<'_> {
    /// The token of the `i`-th breakout room (an unknown token when there is none).
    pub fn child_token(&self, i: usize) -> String {
        pick(&self.before.children, i)
            .map_or_else(|| "nosuchroom".to_owned(), |c| c.room.token.clone())
    }

    /// A person with a client; `Present(i)` picks among those taking part in the parent,
    /// non-moderators when there are any.
    async fn resolve(&self, who: Person) -> Person {
        let Person::Present(i) = who else {
            return who;
        };
        let mut present = Vec::new();
        let mut moderators = Vec::new();
        for person in Person::everyone() {
            match self
                .services
                .context
                .member(&person.actor(), self.token)
                .await
            {
                Ok(m) if m.is_moderator() => moderators.push(person),
                Ok(_) => present.push(person),
                Err(_) => {}
            }
        }
        let pool = if present.is_empty() {
            moderators
        } else {
            present
        };
        pick(&pool, i).copied().unwrap_or(Person::User(i))
    }

    pub async fn after(&self) -> World {
        World::read(self.services, self.token).await
    }

    /// Runs the operation and, when it was accepted, checks what it promises beyond the
    /// invariant. `Ok(accepted)`; refusals are fine.
    pub async fn run(&self, op: &Op) -> Result<bool, String> {
        match op {
            Op::Configure {
                mode,
                amount,
                map,
                raw_rooms,
                names,
            } => {
                self.configure(*mode, *amount, map, *raw_rooms, *names)
                    .await
            }
            Op::Reassign {
                map,
                with_moderator,
            } => self.reassign(map, *with_moderator).await,
            Op::Switch { who, target } => self.switch(self.resolve(*who).await, *target).await,
            Op::Move { user, room } => self.move_user(*user, *room).await,
            Op::Rename { room, name } => self.rename(*room, *name).await,
            Op::Stop | Op::Remove | Op::DeleteRoom { .. } => self.send_back(op).await,
            Op::Start
            | Op::Broadcast
            | Op::Assistance { .. }
            | Op::CreateExtra { .. }
            | Op::DeleteParent
            | Op::SetPublic(_) => Ok(self.room_operation(op).await),
            Op::EmailJoin { n, valid } => self.email_join(*n, *valid).await,
            Op::GuestJoin { n } => self.guest_join(*n).await,
            Op::Connect { who, room } => self.connect(self.resolve(*who).await, *room).await,
            Op::Disconnect { who, room } => self.disconnect(self.resolve(*who).await, *room).await,
            _ => Ok(self.membership_operation(op).await),
        }
    }

    async fn configure(
        &self,
        mode: i64,
        amount: i64,
        map: &[(usize, usize)],
        raw_rooms: bool,
        names: usize,
    ) -> Result<bool, String> {
        // Later entries for the same attendee win, as in a JSON object.
        let mut entries: BTreeMap<i64, usize> = BTreeMap::new();
        for (who, room) in map {
            let room = if raw_rooms {
                *room
            } else {
                *room % (amount as usize)
            };
            if let Some(a) = pick(self.before.parent_attendees(), *who) {
                entries.insert(a.id, room);
            }
        }
        let request = Configure {
            mode,
            amount,
            attendee_map: attendee_map(&entries),
            names: (0..names).map(room_name).collect(),
        };
        let accepted = self
            .services
            .breakout_rooms
            .configure(&self.teacher, self.token, request)
            .await
            .is_ok();
        if !accepted {
            return Ok(false);
        }
        let after = self.after().await;
        if after.children.len() != amount as usize {
            return Err(format!(
                "configure made {} rooms, not {amount}",
                after.children.len()
            ));
        }
        for (i, child) in after.children.iter().enumerate() {
            let expected = if i < names {
                room_name(i)
            } else {
                format!("Room {}", i + 1)
            };
            if child.room.name != expected {
                return Err(format!("room #{i} is named {}", child.room.name));
            }
        }
        for a in after.non_moderators() {
            let rooms = after.rooms_of(a);
            match mode {
                MODE_AUTOMATIC => {}
                MODE_MANUAL => match entries.get(&a.id) {
                    Some(room) => after.check_in_exactly(a, *room)?,
                    None if !rooms.is_empty() => {
                        return Err(format!("{} placed without a map entry", a.actor_id))
                    }
                    None => {}
                },
                _ if !rooms.is_empty() => {
                    return Err(format!("free mode placed {}", a.actor_id));
                }
                _ => {}
            }
        }
        if mode == MODE_AUTOMATIC {
            after.check_balanced()?;
        }
        Ok(true)
    }

    async fn reassign(&self, map: &[(usize, usize)], with_moderator: bool) -> Result<bool, String> {
        let before = &self.before;
        let students = before.non_moderators();
        let rooms = before.children.len().max(1);
        let mut entries: BTreeMap<i64, usize> = BTreeMap::new();
        for (who, room) in map {
            if let Some(a) = pick(&students, *who) {
                entries.insert(a.id, room % rooms);
            }
        }
        if with_moderator {
            if let Some(m) = before
                .parent_attendees()
                .iter()
                .find(|a| a.participant_type.is_moderator())
            {
                entries.insert(m.id, 0);
            }
        }
        let accepted = self
            .services
            .breakout_rooms
            .reassign(&self.teacher, self.token, &attendee_map(&entries))
            .await
            .is_ok();
        let after = self.after().await;
        if accepted {
            for (id, room) in &entries {
                if let Some(a) = after.parent_attendees().iter().find(|a| a.id == *id) {
                    after.check_in_exactly(a, *room)?;
                }
            }
        } else if after.memberships() != before.memberships() {
            return Err("a refused reassign changed memberships".into());
        }
        Ok(accepted)
    }

    /// A person of the parent switches rooms (free mode).
    async fn switch(&self, who: Person, target: usize) -> Result<bool, String> {
        let actor = who.actor();
        let identity = self.services.context.member(&actor, self.token).await;
        let target = self.child_token(target);
        let accepted = self
            .services
            .breakout_rooms
            .switch(&actor, self.token, &target)
            .await
            .is_ok();
        if accepted {
            let me = identity.map_err(|_| "a non-member switched rooms")?;
            let after = self.after().await;
            let index = after
                .children
                .iter()
                .position(|c| c.room.token == target)
                .ok_or("the target room vanished")?;
            let attendee = after
                .parent_attendee(me.attendee.actor_type, &me.attendee.actor_id)
                .ok_or("the switcher left the parent")?;
            after.check_in_exactly(attendee, index)?;
        }
        Ok(accepted)
    }

    /// The teacher adds a user to a breakout room, which moves them there.
    async fn move_user(&self, user: usize, room: usize) -> Result<bool, String> {
        let id = super::STUDENTS[user % super::STUDENTS.len()];
        let target = self.child_token(room);
        let accepted = self
            .services
            .participants
            .add(&self.teacher, &target, id, "users")
            .await
            .is_ok();
        if accepted {
            self.after().await.check_user_in(id, &target)?;
        }
        Ok(accepted)
    }

    /// The teacher renames a breakout room: its number (place in attendee maps) stays.
    async fn rename(&self, room: usize, name: usize) -> Result<bool, String> {
        let token = self.child_token(room);
        let name = room_name(name + 10);
        let accepted = self
            .services
            .rooms
            .rename(&self.teacher, &token, &name)
            .await
            .is_ok();
        if accepted {
            let after = self.after().await;
            let tokens = |w: &World| -> Vec<String> {
                w.children.iter().map(|c| c.room.token.clone()).collect()
            };
            if tokens(&after) != tokens(&self.before) {
                return Err("a rename changed the room numbers".into());
            }
            let renamed = after.children.iter().find(|c| c.room.token == token);
            if renamed.map(|c| c.room.name.as_str()) != Some(name.as_str()) {
                return Err("the rename did not stick".into());
            }
            if after.memberships() != self.before.memberships() {
                return Err("a rename changed memberships".into());
            }
        }
        Ok(accepted)
    }

    /// Stop, remove, or deleting one breakout room: everyone connected there is returned to
    /// the parent, and no session stays in a stopped room.
    async fn send_back(&self, op: &Op) -> Result<bool, String> {
        let breakout = &self.services.breakout_rooms;
        let all: Vec<usize> = (0..self.before.children.len()).collect();
        let (accepted, rooms) = match op {
            Op::Stop => (
                breakout
                    .set_started(&self.teacher, self.token, false)
                    .await
                    .is_ok(),
                all,
            ),
            Op::Remove => (
                breakout.remove(&self.teacher, self.token).await.is_ok(),
                all,
            ),
            Op::DeleteRoom { room } => {
                let token = self.child_token(*room);
                let deleted = self.services.rooms.delete(&self.teacher, &token).await;
                let index = self
                    .before
                    .children
                    .iter()
                    .position(|c| c.room.token == token);
                (deleted.is_ok(), index.into_iter().collect())
            }
            _ => unreachable!("not a send-back operation: {op:?}"),
        };
        if !accepted {
            return Ok(false);
        }
        let after = self.after().await;
        after.check_returned(&self.before.clients_in(&rooms))?;
        match op {
            Op::Remove => {
                let parent = after.parent.as_ref().ok_or("remove deleted the parent")?;
                if !after.children.is_empty()
                    || parent.room.breakout_room_mode != MODE_NOT_CONFIGURED
                {
                    return Err("remove left breakout rooms or a mode".into());
                }
            }
            Op::Stop => {
                if let Some(c) = after.children.iter().find(|c| !c.sessions.is_empty()) {
                    return Err(format!("sessions stayed in stopped {}", c.room.name));
                }
            }
            _ => {}
        }
        Ok(true)
    }

    /// Other operations on the parent or its breakout rooms as rooms.
    async fn room_operation(&self, op: &Op) -> bool {
        let (services, token, teacher) = (self.services, self.token, &self.teacher);
        let breakout = &services.breakout_rooms;
        match op {
            Op::Start => breakout.set_started(teacher, token, true).await.is_ok(),
            Op::Broadcast => breakout
                .broadcast(teacher, token, "Back in 5")
                .await
                .is_ok(),
            Op::Assistance {
                room,
                student,
                request,
            } => {
                // A member of the room asks: a user, or a guest through their client.
                let members: Vec<Actor> = pick(&self.before.children, *room)
                    .map(|c| {
                        c.members
                            .iter()
                            .filter(|m| m.actor_type == ActorType::Users)
                            .map(|m| super::actor_of(&m.actor_id))
                            .collect()
                    })
                    .unwrap_or_default();
                let actor = student
                    .and_then(|s| pick(&members, s).cloned())
                    .unwrap_or_else(|| teacher.clone());
                breakout
                    .set_assistance(&actor, &self.child_token(*room), *request)
                    .await
                    .is_ok()
            }
            Op::CreateExtra { name } => {
                let request = CreateRoom {
                    room_type: 2,
                    room_name: room_name(*name + 20),
                    object_type: OBJECT_TYPE_BREAKOUT.into(),
                    object_id: token.to_owned(),
                    ..Default::default()
                };
                services.rooms.create(teacher, request).await.is_ok()
            }
            Op::DeleteParent => services.rooms.delete(teacher, token).await.is_ok(),
            Op::SetPublic(public) => services
                .rooms
                .set_public(teacher, token, *public)
                .await
                .is_ok(),
            _ => unreachable!("not a room operation: {op:?}"),
        }
    }
}
