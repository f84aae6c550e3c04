//! Property test: random sequences of every breakout-room, membership and role operation keep
//! the breakout rooms consistent with their parent.
//!
//! After every operation, accepted or refused, while the parent is configured:
//! - every non-moderator attendee of the parent is in at most one breakout room (their current
//!   room is that one, or the parent), and keeps a non-moderator role there;
//! - every moderator of the parent (participantType 1, 2, or 6) is a moderator in every breakout
//!   room;
//! - nobody is in a breakout room without being an attendee of the parent.
//!
//! While it is not configured (mode 0) no breakout rooms exist and the status is 0. Right after
//! an automatic configure every non-moderator is in exactly one room and the room sizes, counted
//! without moderators, differ by at most one; a manual configure follows the map; reassign,
//! switch and a move put the named attendee in exactly their target room; a refused reassign
//! changes nothing; remove leaves no breakout rooms and mode 0.
//!
//! The domain is driven through `Services` directly (no HTTP), one application per case.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use confab_core::actor::UserRef;
use confab_core::breakout_room::{Configure, MODE_AUTOMATIC, MODE_MANUAL, MODE_NOT_CONFIGURED};
use confab_core::participant::{ActorType, Attendee, ParticipantType};
use confab_core::room::{CreateRoom, Room, OBJECT_TYPE_BREAKOUT};
use confab_core::{Actor, Services};
use confab_server::config::Config;
use confab_server::startup::App;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

use crate::helpers::PASSWORD;

const CASES: u32 = 24;
const TEACHER: &str = "alice";
/// Students, some in the parent from the start, the others added by operations.
const STUDENTS: [&str; 6] = ["bob", "carol", "dave", "erin", "frank", "grace"];

/// One operation; the `usize` fields pick among whatever exists when it runs.
#[derive(Debug, Clone)]
enum Op {
    Configure {
        mode: i64,
        amount: i64,
        map: Vec<(usize, usize)>,
        /// Keep out-of-range room numbers (the configure must then be refused as a whole).
        raw_rooms: bool,
    },
    Start,
    Stop,
    Remove,
    Broadcast,
    Assistance {
        room: usize,
        student: Option<usize>,
        request: bool,
    },
    Reassign {
        map: Vec<(usize, usize)>,
        with_moderator: bool,
    },
    Switch {
        student: usize,
        target: usize,
    },
    AddUser {
        user: usize,
    },
    AddEmail {
        n: usize,
    },
    RemoveAttendee {
        attendee: usize,
    },
    /// A user leaves the parent (index 0 is the teacher, then the students).
    Leave {
        user: usize,
    },
    Promote {
        attendee: usize,
    },
    Demote {
        attendee: usize,
    },
    /// Adding a user to a breakout room, which moves them there.
    Move {
        user: usize,
        room: usize,
    },
    DeleteRoom {
        room: usize,
    },
    CreateExtra,
    DeleteParent,
    /// Guests allowed or not (refused while configured).
    SetPublic(bool),
    /// A user who is not a member opens a session in the (public) parent: self-joined, type 5.
    SelfJoin {
        user: usize,
    },
    /// An anonymous guest joins the (public) parent.
    GuestJoin {
        n: usize,
    },
    /// A user (`Ok`) or a guest (`Err`) closes their session in the parent; a self-joined user
    /// leaves with their last session.
    LeaveSession(Result<usize, usize>),
    /// An administrator deletes a student's account.
    DeleteAccount {
        user: usize,
    },
}

fn picks() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0usize..16, 0usize..6), 0..4)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1i64..=3, 1i64..=5, picks(), prop::bool::weighted(0.15)).prop_map(
            |(mode, amount, map, raw_rooms)| Op::Configure { mode, amount, map, raw_rooms }
        ),
        2 => Just(Op::Start),
        1 => Just(Op::Stop),
        1 => Just(Op::Remove),
        1 => Just(Op::Broadcast),
        1 => (0usize..8, prop::option::of(0usize..8), any::<bool>())
            .prop_map(|(room, student, request)| Op::Assistance { room, student, request }),
        3 => (picks(), prop::bool::weighted(0.15))
            .prop_map(|(map, with_moderator)| Op::Reassign { map, with_moderator }),
        3 => (0usize..8, 0usize..8).prop_map(|(student, target)| Op::Switch { student, target }),
        2 => (0usize..8).prop_map(|user| Op::AddUser { user }),
        1 => (0usize..3).prop_map(|n| Op::AddEmail { n }),
        2 => (0usize..16).prop_map(|attendee| Op::RemoveAttendee { attendee }),
        2 => (0usize..8).prop_map(|user| Op::Leave { user }),
        2 => (0usize..16).prop_map(|attendee| Op::Promote { attendee }),
        2 => (0usize..16).prop_map(|attendee| Op::Demote { attendee }),
        3 => (0usize..8, 0usize..8).prop_map(|(user, room)| Op::Move { user, room }),
        1 => (0usize..8).prop_map(|room| Op::DeleteRoom { room }),
        1 => Just(Op::CreateExtra),
        1 => any::<bool>().prop_map(Op::SetPublic),
        1 => (0usize..8).prop_map(|user| Op::DeleteAccount { user }),
        2 => (0usize..8).prop_map(|user| Op::SelfJoin { user }),
        1 => (0usize..3).prop_map(|n| Op::GuestJoin { n }),
        3 => prop_oneof![(0usize..8).prop_map(Ok), (0usize..3).prop_map(Err)].prop_map(Op::LeaveSession),
        // Rare: everything after it is refused.
        1 => prop::bool::weighted(0.3).prop_map(|delete| if delete { Op::DeleteParent } else { Op::Stop }),
    ]
}

/// Half of the cases begin with configure and start, so that more operations meet running
/// breakout rooms.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    (
        prop::option::of((1i64..=3, 1i64..=4, picks())),
        prop::collection::vec(op(), 5..=23),
    )
        .prop_map(|(prefix, rest)| {
            let mut ops = Vec::with_capacity(rest.len() + 2);
            if let Some((mode, amount, map)) = prefix {
                ops.push(Op::Configure {
                    mode,
                    amount,
                    map,
                    raw_rooms: false,
                });
                ops.push(Op::Start);
            }
            ops.extend(rest);
            ops
        })
}

/// How a case starts: students in the parent, a public parent (which users may self-join and
/// guests join), late joiners placed in automatic mode.
#[derive(Debug, Clone, Copy)]
struct Setup {
    students: usize,
    public: bool,
    late_joiners: bool,
}

fn case() -> impl Strategy<Value = (Setup, Vec<Op>)> {
    (
        (0usize..=STUDENTS.len(), any::<bool>(), any::<bool>()).prop_map(
            |(students, public, late_joiners)| Setup {
                students,
                public,
                late_joiners,
            },
        ),
        ops(),
    )
}

fn pick<T>(items: &[T], i: usize) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i % items.len()])
}

fn same_actor(a: &Attendee, b: &Attendee) -> bool {
    a.actor_type == b.actor_type && a.actor_id == b.actor_id
}

/// A logged-in user with a client session of their own (built directly: the accounts exist,
/// and verifying a password per operation would only slow the cases down).
fn actor_of(id: &str) -> Actor {
    Actor {
        user: Some(UserRef {
            id: id.to_owned(),
            display_name: format!("{id} display"),
            is_admin: false,
        }),
        client_session: Some(format!("client-{id}")),
    }
}

/// An anonymous guest's browser.
fn guest(n: usize) -> Actor {
    Actor {
        user: None,
        client_session: Some(format!("guest-client-{n}")),
    }
}

/// The parent, its breakout rooms by id and everyone's memberships, read from the store.
struct World {
    parent: Option<Room>,
    parent_attendees: Vec<Attendee>,
    children: Vec<(Room, Vec<Attendee>)>,
}

impl World {
    async fn read(services: &Services, token: &str) -> Self {
        let store = &services.context.store;
        let parent = store.room_by_token(token).await.unwrap();
        let parent_attendees = match &parent {
            Some(p) => store.attendees(p.id).await.unwrap(),
            None => Vec::new(),
        };
        let mut children = Vec::new();
        for child in store
            .rooms_by_object(OBJECT_TYPE_BREAKOUT, token)
            .await
            .unwrap()
        {
            let members = store.attendees(child.id).await.unwrap();
            children.push((child, members));
        }
        Self {
            parent,
            parent_attendees,
            children,
        }
    }

    /// The breakout rooms (indexes into `children`) the actor of `attendee` is in.
    fn rooms_of(&self, attendee: &Attendee) -> Vec<usize> {
        self.children
            .iter()
            .enumerate()
            .filter(|(_, (_, members))| members.iter().any(|m| same_actor(m, attendee)))
            .map(|(i, _)| i)
            .collect()
    }

    fn parent_attendee(&self, actor_type: ActorType, actor_id: &str) -> Option<&Attendee> {
        self.parent_attendees
            .iter()
            .find(|a| a.actor_type == actor_type && a.actor_id == actor_id)
    }

    /// A moderator of the parent who is a logged-in user: the one who runs the operations.
    fn teacher(&self) -> Actor {
        let user_moderator = |a: &&Attendee| {
            a.actor_type == ActorType::Users && matches!(a.participant_type.as_i64(), 1 | 2)
        };
        let id = self
            .parent_attendees
            .iter()
            .filter(user_moderator)
            .find(|a| a.actor_id == TEACHER)
            .or_else(|| self.parent_attendees.iter().find(user_moderator))
            .map_or(TEACHER, |a| a.actor_id.as_str());
        actor_of(id)
    }

    fn non_moderators(&self) -> Vec<&Attendee> {
        self.parent_attendees
            .iter()
            .filter(|a| !a.participant_type.is_moderator())
            .collect()
    }

    /// Who is where, for comparing two states.
    fn memberships(&self) -> BTreeMap<String, Vec<(String, i64)>> {
        self.children
            .iter()
            .map(|(room, members)| {
                let mut people: Vec<(String, i64)> = members
                    .iter()
                    .map(|m| {
                        (
                            format!("{}/{}", m.actor_type.as_str(), m.actor_id),
                            m.participant_type.as_i64(),
                        )
                    })
                    .collect();
                people.sort();
                (room.token.clone(), people)
            })
            .collect()
    }

    /// The invariant that holds after every operation.
    fn check(&self) -> Result<(), String> {
        let Some(parent) = &self.parent else {
            return if self.children.is_empty() {
                Ok(())
            } else {
                Err("breakout rooms outlived their deleted parent".into())
            };
        };
        if parent.breakout_room_mode == MODE_NOT_CONFIGURED {
            if !self.children.is_empty() {
                return Err(format!(
                    "parent not configured but has {} breakout rooms",
                    self.children.len()
                ));
            }
            if parent.breakout_room_status != 0 {
                return Err("parent not configured but not stopped".into());
            }
            return Ok(());
        }
        for (room, members) in &self.children {
            for m in members {
                let Some(in_parent) = self.parent_attendee(m.actor_type, &m.actor_id) else {
                    return Err(format!(
                        "{}/{} is in breakout room {} ({}) but not in the parent",
                        m.actor_type.as_str(),
                        m.actor_id,
                        room.name,
                        room.token
                    ));
                };
                if in_parent.participant_type.is_moderator() != m.participant_type.is_moderator() {
                    return Err(format!(
                        "{} has type {} in the parent but {} in {}",
                        m.actor_id,
                        in_parent.participant_type.as_i64(),
                        m.participant_type.as_i64(),
                        room.name
                    ));
                }
            }
        }
        for a in &self.parent_attendees {
            let rooms = self.rooms_of(a);
            if a.participant_type.is_moderator() {
                if rooms.len() != self.children.len() {
                    return Err(format!(
                        "moderator {}/{} (type {}) is in {} of {} breakout rooms",
                        a.actor_type.as_str(),
                        a.actor_id,
                        a.participant_type.as_i64(),
                        rooms.len(),
                        self.children.len()
                    ));
                }
            } else if rooms.len() > 1 {
                return Err(format!(
                    "{}/{} is in {} breakout rooms at once",
                    a.actor_type.as_str(),
                    a.actor_id,
                    rooms.len()
                ));
            }
        }
        Ok(())
    }

    /// After an automatic configure: everyone placed once, sizes within one of each other.
    fn check_balanced(&self) -> Result<(), String> {
        for a in self.non_moderators() {
            if self.rooms_of(a).len() != 1 {
                return Err(format!("{} is not in exactly one room", a.actor_id));
            }
        }
        let sizes: Vec<usize> = self
            .children
            .iter()
            .map(|(_, members)| {
                members
                    .iter()
                    .filter(|m| !m.participant_type.is_moderator())
                    .count()
            })
            .collect();
        let (min, max) = (sizes.iter().min(), sizes.iter().max());
        match (min, max) {
            (Some(min), Some(max)) if max - min <= 1 => Ok(()),
            _ => Err(format!("unbalanced automatic distribution {sizes:?}")),
        }
    }

    /// User `id` is an attendee of the parent and in exactly the breakout room `token`.
    fn check_user_in(&self, id: &str, token: &str) -> Result<(), String> {
        let attendee = self
            .parent_attendee(ActorType::Users, id)
            .ok_or_else(|| format!("{id} is not in the parent"))?;
        let index = self
            .children
            .iter()
            .position(|(r, _)| r.token == token)
            .ok_or("the target room vanished")?;
        self.check_in_exactly(attendee, index)
    }

    /// `attendee` (by actor) is in exactly breakout room `target`.
    fn check_in_exactly(&self, attendee: &Attendee, target: usize) -> Result<(), String> {
        let rooms = self.rooms_of(attendee);
        if rooms == [target] {
            Ok(())
        } else {
            Err(format!(
                "{} should be in room #{target} only, is in {rooms:?}",
                attendee.actor_id
            ))
        }
    }
}

fn attendee_map(entries: &BTreeMap<i64, usize>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = entries
        .iter()
        .map(|(id, room)| (id.to_string(), serde_json::Value::from(*room)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The operation's name, for the tally of accepted operations.
fn kind(op: &Op) -> &'static str {
    match op {
        Op::Configure { .. } => "configure",
        Op::Start => "start",
        Op::Stop => "stop",
        Op::Remove => "remove",
        Op::Broadcast => "broadcast",
        Op::Assistance { .. } => "assistance",
        Op::Reassign { .. } => "reassign",
        Op::Switch { .. } => "switch",
        Op::AddUser { .. } => "add user",
        Op::AddEmail { .. } => "add email guest",
        Op::RemoveAttendee { .. } => "remove attendee",
        Op::Leave { .. } => "leave",
        Op::Promote { .. } => "promote",
        Op::Demote { .. } => "demote",
        Op::Move { .. } => "move",
        Op::DeleteRoom { .. } => "delete breakout room",
        Op::CreateExtra => "create extra room",
        Op::DeleteParent => "delete parent",
        Op::SetPublic(_) => "set public",
        Op::SelfJoin { .. } => "self-join",
        Op::GuestJoin { .. } => "guest join",
        Op::LeaveSession(_) => "leave session",
        Op::DeleteAccount { .. } => "delete account",
    }
}

/// One operation about to run: the application, the parent's token, the state before it and
/// the moderator who acts.
struct Step<'a> {
    services: &'a Services,
    token: &'a str,
    before: World,
    teacher: Actor,
}

impl Step<'_> {
    /// The token of the `i`-th breakout room (an unknown token when there is none).
    fn child_token(&self, i: usize) -> String {
        pick(&self.before.children, i)
            .map_or_else(|| "nosuchroom".to_owned(), |(r, _)| r.token.clone())
    }

    async fn after(&self) -> World {
        World::read(self.services, self.token).await
    }

    /// Runs the operation and, when it was accepted, checks what it promises beyond the
    /// invariant. `Ok(accepted)`; refusals are fine.
    async fn run(&self, op: &Op) -> Result<bool, String> {
        match op {
            Op::Configure {
                mode,
                amount,
                map,
                raw_rooms,
            } => self.configure(*mode, *amount, map, *raw_rooms).await,
            Op::Reassign {
                map,
                with_moderator,
            } => self.reassign(map, *with_moderator).await,
            Op::Switch { student, target } => self.switch(*student, *target).await,
            Op::Move { user, room } => self.move_user(*user, *room).await,
            Op::Start
            | Op::Stop
            | Op::Remove
            | Op::Broadcast
            | Op::Assistance { .. }
            | Op::DeleteRoom { .. }
            | Op::CreateExtra
            | Op::DeleteParent
            | Op::SetPublic(_) => self.room_operation(op).await,
            _ => Ok(self.membership_operation(op).await),
        }
    }

    async fn configure(
        &self,
        mode: i64,
        amount: i64,
        map: &[(usize, usize)],
        raw_rooms: bool,
    ) -> Result<bool, String> {
        // Later entries for the same attendee win, as in a JSON object.
        let mut entries: BTreeMap<i64, usize> = BTreeMap::new();
        for (who, room) in map {
            let room = if raw_rooms {
                *room
            } else {
                *room % (amount as usize)
            };
            if let Some(a) = pick(&self.before.parent_attendees, *who) {
                entries.insert(a.id, room);
            }
        }
        let request = Configure {
            mode,
            amount,
            attendee_map: attendee_map(&entries),
            names: Vec::new(),
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
                .parent_attendees
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
                if let Some(a) = after.parent_attendees.iter().find(|a| a.id == *id) {
                    after.check_in_exactly(a, *room)?;
                }
            }
        } else if after.memberships() != before.memberships() {
            return Err("a refused reassign changed memberships".into());
        }
        Ok(accepted)
    }

    /// A student of the parent switches rooms (free mode).
    async fn switch(&self, student: usize, target: usize) -> Result<bool, String> {
        let users: Vec<&str> = self
            .before
            .non_moderators()
            .iter()
            .filter(|a| a.actor_type == ActorType::Users)
            .map(|a| a.actor_id.as_str())
            .collect();
        let id = pick(&users, student).map_or(STUDENTS[0], |id| *id);
        let target = self.child_token(target);
        let accepted = self
            .services
            .breakout_rooms
            .switch(&actor_of(id), self.token, &target)
            .await
            .is_ok();
        if accepted {
            self.after().await.check_user_in(id, &target)?;
        }
        Ok(accepted)
    }

    /// The teacher adds a user to a breakout room, which moves them there.
    async fn move_user(&self, user: usize, room: usize) -> Result<bool, String> {
        let id = STUDENTS[user % STUDENTS.len()];
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

    /// Operations on the parent or its breakout rooms as rooms.
    async fn room_operation(&self, op: &Op) -> Result<bool, String> {
        let (services, token, teacher) = (self.services, self.token, &self.teacher);
        let breakout = &services.breakout_rooms;
        let accepted = match op {
            Op::Start | Op::Stop => breakout
                .set_started(teacher, token, matches!(op, Op::Start))
                .await
                .is_ok(),
            Op::Remove => {
                let accepted = breakout.remove(teacher, token).await.is_ok();
                if accepted {
                    let after = self.after().await;
                    let parent = after.parent.as_ref().ok_or("remove deleted the parent")?;
                    if !after.children.is_empty()
                        || parent.breakout_room_mode != MODE_NOT_CONFIGURED
                    {
                        return Err("remove left breakout rooms or a mode".into());
                    }
                }
                accepted
            }
            Op::Broadcast => breakout
                .broadcast(teacher, token, "Back in 5")
                .await
                .is_ok(),
            Op::Assistance {
                room,
                student,
                request,
            } => {
                let members: Vec<&str> = pick(&self.before.children, *room)
                    .map(|(_, members)| {
                        members
                            .iter()
                            .filter(|m| m.actor_type == ActorType::Users)
                            .map(|m| m.actor_id.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let actor = student
                    .and_then(|s| pick(&members, s))
                    .map_or_else(|| teacher.clone(), |id| actor_of(id));
                breakout
                    .set_assistance(&actor, &self.child_token(*room), *request)
                    .await
                    .is_ok()
            }
            Op::DeleteRoom { room } => services
                .rooms
                .delete(teacher, &self.child_token(*room))
                .await
                .is_ok(),
            Op::CreateExtra => {
                let request = CreateRoom {
                    room_type: 2,
                    room_name: "Extra".into(),
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
        };
        Ok(accepted)
    }

    /// Operations on the parent's membership: people come and go, roles change.
    async fn membership_operation(&self, op: &Op) -> bool {
        let (services, token, teacher) = (self.services, self.token, &self.teacher);
        let before = &self.before;
        let participants = &services.participants;
        match op {
            Op::AddUser { user } => {
                let id = STUDENTS[user % STUDENTS.len()];
                participants.add(teacher, token, id, "users").await.is_ok()
            }
            Op::AddEmail { n } => participants
                .add(teacher, token, &format!("guest{n}@example.com"), "emails")
                .await
                .is_ok(),
            Op::RemoveAttendee { attendee } => match pick(&before.parent_attendees, *attendee) {
                Some(a) => participants
                    .remove_attendee(teacher, token, a.id)
                    .await
                    .is_ok(),
                None => false,
            },
            Op::Leave { user } => {
                let id = match user % (STUDENTS.len() + 1) {
                    0 => TEACHER,
                    i => STUDENTS[i - 1],
                };
                participants.leave(&actor_of(id), token).await.is_ok()
            }
            Op::Promote { attendee } | Op::Demote { attendee } => {
                let promote = matches!(op, Op::Promote { .. });
                // Owners cannot be demoted.
                let candidates: Vec<&Attendee> = before
                    .parent_attendees
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
                let id = pick(&outsiders, *user).map_or(STUDENTS[user % STUDENTS.len()], |id| *id);
                participants
                    .join(&actor_of(id), token, "", false)
                    .await
                    .is_ok()
            }
            Op::GuestJoin { n } => participants
                .join(&guest(*n), token, "", false)
                .await
                .is_ok(),
            Op::LeaveSession(who) => {
                // Closing a session ends the membership of self-joined users only: pick those
                // first, then other users of the parent who are not moderators.
                let mut users: Vec<&str> = before
                    .parent_attendees
                    .iter()
                    .filter(|a| a.participant_type == ParticipantType::UserSelfJoined)
                    .map(|a| a.actor_id.as_str())
                    .collect();
                if users.is_empty() {
                    users = before
                        .non_moderators()
                        .iter()
                        .filter(|a| a.actor_type == ActorType::Users)
                        .map(|a| a.actor_id.as_str())
                        .collect();
                }
                let actor = match who {
                    Ok(user) => actor_of(pick(&users, *user).map_or(STUDENTS[0], |id| *id)),
                    Err(n) => guest(*n),
                };
                participants.leave_session(&actor, token).await.is_ok()
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

/// Runs one operation; `Ok(accepted)`.
async fn run(services: &Services, token: &str, op: &Op) -> Result<bool, String> {
    let before = World::read(services, token).await;
    let teacher = before.teacher();
    let step = Step {
        services,
        token,
        before,
        teacher,
    };
    step.run(op).await
}

/// Per operation kind: how often it ran and how often the server accepted it.
type Tally = Mutex<BTreeMap<&'static str, (u32, u32)>>;

/// One case on a fresh application: the teacher's class, then the operations.
async fn run_case(setup: Setup, ops: &[Op], tally: &Tally) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::embedded("127.0.0.1:0".parse().unwrap(), PathBuf::from(dir.path()));
    let app = App::build(&config).await.expect("app builds");
    let services = app.services();
    for id in std::iter::once(TEACHER).chain(STUDENTS) {
        services
            .accounts
            .create_user(id, PASSWORD, Some(&format!("{id} display")), "")
            .await
            .unwrap();
    }
    let teacher = Actor::user(
        services
            .accounts
            .authenticate_basic(TEACHER, PASSWORD)
            .await
            .unwrap(),
    );
    if setup.late_joiners {
        services
            .set_app_config("breakout_rooms_place_late_joiners", "yes")
            .await
            .unwrap();
    }
    let class = CreateRoom {
        room_type: if setup.public { 3 } else { 2 },
        room_name: "Class".into(),
        ..Default::default()
    };
    let token = services
        .rooms
        .create(&teacher, class)
        .await
        .unwrap()
        .view
        .room
        .token;
    for id in &STUDENTS[..setup.students] {
        services
            .participants
            .add(&teacher, &token, id, "users")
            .await
            .unwrap();
    }
    World::read(&services, &token).await.check()?;
    for (step, op) in ops.iter().enumerate() {
        let accepted = run(&services, &token, op)
            .await
            .map_err(|e| format!("step {step} {op:?}: {e}"))?;
        let world = World::read(&services, &token).await;
        world
            .check()
            .map_err(|e| format!("after step {step} {op:?}: {e}"))?;
        let mut tally = tally.lock().unwrap();
        let entry = tally.entry(kind(op)).or_default();
        entry.0 += 1;
        entry.1 += u32::from(accepted);
        if world
            .children
            .iter()
            .any(|(_, members)| members.iter().any(|m| !m.participant_type.is_moderator()))
        {
            tally
                .entry("(states with students in breakout rooms)")
                .or_default()
                .0 += 1;
        }
    }
    drop(services);
    drop(app);
    Ok(())
}

#[test]
fn breakout_rooms_stay_consistent_with_their_parent() {
    let cases = std::env::var("BREAKOUT_INVARIANT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut runner = TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let tally = Tally::default();
    let result = runner.run(&case(), |(setup, ops)| {
        runtime
            .block_on(run_case(setup, &ops, &tally))
            .map_err(TestCaseError::fail)
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    let tally = tally.into_inner().unwrap();
    eprintln!("operations (run, accepted): {tally:?}");
    // Not vacuous: the breakout rooms got configured and people were put in them.
    let accepted = |kind: &str| tally.get(kind).map_or(0, |t| t.1);
    assert!(accepted("configure") > 0, "no configure was accepted");
    assert!(
        tally.contains_key("(states with students in breakout rooms)"),
        "no state had students in breakout rooms"
    );
}

/// Found by the property: a self-joined user whose last session closes leaves the parent, and
/// must leave the breakout room they were placed in as well.
#[test]
fn a_self_joined_user_leaving_the_parent_leaves_their_breakout_room() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let setup = Setup {
        students: 2,
        public: true,
        late_joiners: false,
    };
    let ops = [
        // dave, the first student outside the parent.
        Op::SelfJoin { user: 0 },
        Op::Configure {
            mode: MODE_AUTOMATIC,
            amount: 1,
            map: Vec::new(),
            raw_rooms: false,
        },
        // dave again, the only self-joined user.
        Op::LeaveSession(Ok(0)),
    ];
    let tally = Tally::default();
    if let Err(error) = runtime.block_on(run_case(setup, &ops, &tally)) {
        panic!("{error}");
    }
}
