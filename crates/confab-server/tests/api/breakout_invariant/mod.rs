//! Property test: random sequences of every breakout-room, membership, role and session
//! operation keep the breakout rooms consistent with their parent.
//!
//! After every operation, accepted or refused, [`World::check`] holds: every attendee of the
//! parent has exactly one current room (memberships and where their sessions are; defined
//! there). Beyond it, each accepted operation keeps its own promise: an automatic configure
//! and every late joiner placed in automatic mode leave room sizes within one of each other; a
//! manual configure follows the map; named rooms carry their names and a rename keeps the room
//! numbers; reassign, switch and a move put the named attendee in exactly their target room; a
//! refused reassign changes no membership and a refused join no session; entering a room
//! leaves every other room of the family; stop, remove and deleting a breakout room return
//! everyone connected there to the parent; remove leaves no breakout rooms and mode 0.
//!
//! The domain is driven through `Services` directly (no HTTP), one application per case.

mod people;
mod step;
mod world;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use confab_core::actor::UserRef;
use confab_core::breakout_room::MODE_AUTOMATIC;
use confab_core::room::CreateRoom;
use confab_core::{Actor, Services};
use confab_server::config::Config;
use confab_server::startup::App;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

use self::step::Step;
use self::world::World;
use crate::helpers::PASSWORD;

const CASES: u32 = 32;
const TEACHER: &str = "alice";
/// Students, some in the parent from the start, the others added by operations.
const STUDENTS: [&str; 6] = ["bob", "carol", "dave", "erin", "frank", "grace"];

/// Someone with a client of their own: a user (0 is the teacher, then the students), an
/// anonymous guest's browser, or the browser of email guest `guest{n}@example.com`; or
/// `Present(i)`, the i-th of those who take part in the parent, non-moderators first.
#[derive(Debug, Clone, Copy)]
enum Person {
    User(usize),
    Guest(usize),
    Email(usize),
    Present(usize),
}

const GUESTS: usize = 3;

impl Person {
    fn actor(self) -> Actor {
        match self {
            Person::User(i) => actor_of(user_id(i)),
            Person::Guest(n) => anonymous(format!("guest-client-{n}")),
            Person::Email(n) => anonymous(format!("email-client-{n}")),
            Person::Present(_) => unreachable!("resolve a present person first"),
        }
    }

    /// Everyone with a client.
    fn everyone() -> impl Iterator<Item = Person> {
        (0..=STUDENTS.len())
            .map(Person::User)
            .chain((0..GUESTS).map(Person::Guest))
            .chain((0..GUESTS).map(Person::Email))
    }
}

fn user_id(i: usize) -> &'static str {
    match i % (STUDENTS.len() + 1) {
        0 => TEACHER,
        i => STUDENTS[i - 1],
    }
}

fn email(n: usize) -> String {
    format!("guest{n}@example.com")
}

/// Where a person connects: the parent, their own breakout room (room 0 when they have
/// none), or breakout room `i`.
#[derive(Debug, Clone, Copy)]
enum Target {
    Parent,
    Own,
    Room(usize),
}

/// One operation; the `usize` fields pick among whatever exists when it runs.
#[derive(Debug, Clone)]
enum Op {
    Configure {
        mode: i64,
        amount: i64,
        map: Vec<(usize, usize)>,
        /// Keep out-of-range room numbers (the configure must then be refused as a whole).
        raw_rooms: bool,
        /// How many rooms get a name of their own (more names than rooms are refused).
        names: usize,
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
    /// A person switches rooms (free mode).
    Switch {
        who: Person,
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
    CreateExtra {
        name: usize,
    },
    Rename {
        room: usize,
        name: usize,
    },
    DeleteParent,
    /// Guests allowed or not (refused while configured).
    SetPublic(bool),
    /// A user who is not a member opens a session in the (public) parent: self-joined, type 5.
    SelfJoin {
        user: usize,
    },
    /// An anonymous guest joins the (public) parent, or comes back to it.
    GuestJoin {
        n: usize,
    },
    /// An email guest's browser joins the parent with their invitation (or a wrong one).
    EmailJoin {
        n: usize,
        valid: bool,
    },
    /// A person opens a session in the parent or a breakout room.
    Connect {
        who: Person,
        room: Target,
    },
    /// A person closes their session there; a self-joined user leaves with their last one.
    Disconnect {
        who: Person,
        room: Target,
    },
    /// An administrator deletes a student's account.
    DeleteAccount {
        user: usize,
    },
}

fn picks() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0usize..16, 0usize..6), 0..4)
}

fn person() -> impl Strategy<Value = Person> {
    prop_oneof![
        2 => (0usize..8).prop_map(Person::User),
        1 => (0..GUESTS).prop_map(Person::Guest),
        1 => (0..GUESTS).prop_map(Person::Email),
        4 => (0usize..8).prop_map(Person::Present),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        2 => Just(Target::Parent),
        3 => Just(Target::Own),
        2 => (0usize..6).prop_map(Target::Room),
    ]
}

fn configure() -> impl Strategy<Value = Op> {
    (
        1i64..=3,
        1i64..=5,
        picks(),
        prop::bool::weighted(0.15),
        prop_oneof![3 => Just(0usize), 1 => 1usize..=4],
    )
        .prop_map(|(mode, amount, map, raw_rooms, names)| Op::Configure {
            mode,
            amount,
            map,
            raw_rooms,
            names,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => configure(),
        2 => Just(Op::Start),
        1 => Just(Op::Stop),
        1 => Just(Op::Remove),
        1 => Just(Op::Broadcast),
        1 => (0usize..8, prop::option::of(0usize..8), any::<bool>())
            .prop_map(|(room, student, request)| Op::Assistance { room, student, request }),
        3 => (picks(), prop::bool::weighted(0.15))
            .prop_map(|(map, with_moderator)| Op::Reassign { map, with_moderator }),
        3 => (person(), 0usize..8).prop_map(|(who, target)| Op::Switch { who, target }),
        2 => (0usize..8).prop_map(|user| Op::AddUser { user }),
        1 => (0usize..2).prop_map(|n| Op::AddEmail { n }),
        2 => (0usize..16).prop_map(|attendee| Op::RemoveAttendee { attendee }),
        1 => (0usize..8).prop_map(|user| Op::Leave { user }),
        2 => (0usize..16).prop_map(|attendee| Op::Promote { attendee }),
        2 => (0usize..16).prop_map(|attendee| Op::Demote { attendee }),
        3 => (0usize..8, 0usize..8).prop_map(|(user, room)| Op::Move { user, room }),
        1 => (0usize..8).prop_map(|room| Op::DeleteRoom { room }),
        1 => (0usize..3).prop_map(|name| Op::CreateExtra { name }),
        1 => (0usize..8, 0usize..3).prop_map(|(room, name)| Op::Rename { room, name }),
        1 => any::<bool>().prop_map(Op::SetPublic),
        1 => (0usize..8).prop_map(|user| Op::DeleteAccount { user }),
        2 => (0usize..8).prop_map(|user| Op::SelfJoin { user }),
        1 => (0usize..3).prop_map(|n| Op::GuestJoin { n }),
        2 => (0usize..2, prop::bool::weighted(0.8)).prop_map(|(n, valid)| Op::EmailJoin { n, valid }),
        6 => (person(), target()).prop_map(|(who, room)| Op::Connect { who, room }),
        3 => (person(), target()).prop_map(|(who, room)| Op::Disconnect { who, room }),
        // Rare: everything after it is refused.
        1 => prop::bool::weighted(0.3).prop_map(|delete| if delete { Op::DeleteParent } else { Op::Stop }),
    ]
}

/// Half of the cases begin with configure and start, so that more operations meet running
/// breakout rooms.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    (
        prop::option::of((1i64..=3, 1i64..=4, picks())),
        prop::collection::vec(op(), 5..=28),
    )
        .prop_map(|(prefix, rest)| {
            let mut ops = Vec::with_capacity(rest.len() + 2);
            if let Some((mode, amount, map)) = prefix {
                ops.push(Op::Configure {
                    mode,
                    amount,
                    map,
                    raw_rooms: false,
                    names: 0,
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
        (
            0usize..=STUDENTS.len(),
            prop::bool::weighted(0.7),
            any::<bool>(),
        )
            .prop_map(|(students, public, late_joiners)| Setup {
                students,
                public,
                late_joiners,
            }),
        ops(),
    )
}

fn pick<T>(items: &[T], i: usize) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i % items.len()])
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
        remote_addr: None,
    }
}

/// A browser without an account.
fn anonymous(client: String) -> Actor {
    Actor {
        user: None,
        client_session: Some(client),
        remote_addr: None,
    }
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
        Op::CreateExtra { .. } => "create extra room",
        Op::Rename { .. } => "rename",
        Op::DeleteParent => "delete parent",
        Op::SetPublic(_) => "set public",
        Op::SelfJoin { .. } => "self-join",
        Op::GuestJoin { .. } => "guest join",
        Op::EmailJoin { .. } => "email guest join",
        Op::Connect {
            room: Target::Parent,
            ..
        } => "connect to the parent",
        Op::Connect { .. } => "enter a breakout room",
        Op::Disconnect { .. } => "disconnect",
        Op::DeleteAccount { .. } => "delete account",
    }
}

/// Whether the operation may bring a new attendee into the parent (a late joiner).
fn may_add_attendee(op: &Op) -> bool {
    matches!(
        op,
        Op::AddUser { .. }
            | Op::AddEmail { .. }
            | Op::SelfJoin { .. }
            | Op::GuestJoin { .. }
            | Op::Connect {
                room: Target::Parent,
                ..
            }
    )
}

/// Per operation kind: how often it ran and how often the server accepted it.
type Tally = Mutex<BTreeMap<&'static str, (u32, u32)>>;

/// Runs one operation and checks the invariant and the late-joiner balance after it.
async fn run(services: &Services, token: &str, setup: Setup, op: &Op) -> Result<bool, String> {
    let before = World::read(services, token).await;
    let teacher = before.teacher();
    let balanced = setup.late_joiners && before.balanced_automatic();
    let step = Step {
        services,
        token,
        before,
        teacher,
    };
    let accepted = step.run(op).await?;
    let after = World::read(services, token).await;
    after.check()?;
    if accepted && balanced && may_add_attendee(op) && after.mode() == MODE_AUTOMATIC {
        after
            .check_balanced()
            .map_err(|e| format!("late joiner placement: {e}"))?;
    }
    Ok(accepted)
}

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
        let accepted = run(&services, &token, setup, op)
            .await
            .map_err(|e| format!("step {step} {op:?}: {e}"))?;
        let world = World::read(&services, &token).await;
        let mut tally = tally.lock().unwrap();
        let entry = tally.entry(kind(op)).or_default();
        entry.0 += 1;
        entry.1 += u32::from(accepted);
        let students_inside = world
            .children
            .iter()
            .any(|c| c.members.iter().any(|m| !m.participant_type.is_moderator()));
        if students_inside {
            tally
                .entry("(states with students in breakout rooms)")
                .or_default()
                .0 += 1;
        }
        if world.children.iter().any(|c| !c.sessions.is_empty()) {
            tally
                .entry("(states with sessions in breakout rooms)")
                .or_default()
                .0 += 1;
        }
    }
    drop(services);
    drop(app);
    Ok(())
}

fn run_cases(cases: u32) -> BTreeMap<&'static str, (u32, u32)> {
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
    tally.into_inner().unwrap()
}

#[test]
fn breakout_rooms_stay_consistent_with_their_parent() {
    let cases = std::env::var("BREAKOUT_INVARIANT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    let tally = run_cases(cases);
    eprintln!("operations (run, accepted): {tally:?}");
    // Not vacuous: the breakout rooms got configured, people were put in them and entered them.
    let accepted = |kind: &str| tally.get(kind).map_or(0, |t| t.1);
    for kind in ["configure", "enter a breakout room", "stop"] {
        assert!(accepted(kind) > 0, "no {kind} was accepted");
    }
    for state in [
        "(states with students in breakout rooms)",
        "(states with sessions in breakout rooms)",
    ] {
        assert!(tally.contains_key(state), "never reached: {state}");
    }
}

/// Runs one fixed sequence; panics with the failing step. Returns how often each kind of
/// operation was accepted.
fn replay(setup: Setup, ops: &[Op]) -> BTreeMap<&'static str, u32> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let tally = Tally::default();
    if let Err(error) = runtime.block_on(run_case(setup, ops, &tally)) {
        panic!("{error}");
    }
    let tally = tally.into_inner().unwrap();
    tally
        .into_iter()
        .map(|(kind, (_, ok))| (kind, ok))
        .collect()
}

/// Found by the property: a self-joined user whose last session closes leaves the parent, and
/// must leave the breakout room they were placed in as well.
#[test]
fn a_self_joined_user_leaving_the_parent_leaves_their_breakout_room() {
    let setup = Setup {
        students: 2,
        public: true,
        late_joiners: false,
    };
    replay(
        setup,
        &[
            // dave, the first student outside the parent.
            Op::SelfJoin { user: 0 },
            Op::Configure {
                mode: MODE_AUTOMATIC,
                amount: 1,
                map: Vec::new(),
                raw_rooms: false,
                names: 0,
            },
            // dave again, the only self-joined user.
            Op::Disconnect {
                who: Person::User(3),
                room: Target::Parent,
            },
        ],
    );
}

/// Guests and email guests enter their rooms, come back after closing their sessions, and
/// are returned to the parent on stop; late joiners keep the distribution balanced.
#[test]
fn guests_enter_rooms_come_back_and_return_on_stop() {
    let setup = Setup {
        students: 3,
        public: true,
        late_joiners: true,
    };
    let enter = |who| Op::Connect {
        who,
        room: Target::Own,
    };
    let accepted = replay(
        setup,
        &[
            Op::GuestJoin { n: 0 },
            Op::AddEmail { n: 1 },
            Op::EmailJoin { n: 1, valid: true },
            Op::Configure {
                mode: MODE_AUTOMATIC,
                amount: 2,
                map: Vec::new(),
                raw_rooms: false,
                names: 1,
            },
            Op::Start,
            // Late joiners: a guest and a user.
            Op::GuestJoin { n: 2 },
            Op::AddUser { user: 5 },
            enter(Person::Guest(0)),
            enter(Person::Email(1)),
            enter(Person::User(1)),
            enter(Person::Guest(2)),
            Op::Disconnect {
                who: Person::Guest(0),
                room: Target::Own,
            },
            // The same browser comes back as the same guest, and enters again.
            Op::GuestJoin { n: 0 },
            enter(Person::Guest(0)),
            Op::Rename { room: 1, name: 2 },
            Op::Stop,
            Op::Start,
            enter(Person::Email(1)),
            Op::Remove,
        ],
    );
    let expected = [
        ("guest join", 3),
        ("email guest join", 1),
        ("add user", 1),
        ("enter a breakout room", 6),
        ("disconnect", 1),
        ("rename", 1),
        ("stop", 1),
        ("remove", 1),
    ];
    for (kind, times) in expected {
        assert_eq!(
            accepted.get(kind).copied(),
            Some(times),
            "{kind}: {accepted:?}"
        );
    }
}
