//! Breakout benchmark: a parent with 5,000 attendees split into 100 automatic breakout rooms.
//! Every attendee joins the parent and, once the rooms start, enters their room (as clients
//! do), so stop and remove measure returning 5,000 people to the parent. Steps: configure,
//! start, reassign 500 attendees, stop, start again, remove. Prints each step's time, and the
//! joins' total and mean (setup, one request each), on SQLite and (with
//! `--database-url postgres://…`) on PostgreSQL.
//!
//! `cargo run --release -p confab-bench --bin breakout-bench [-- --database-url postgres://…]`
//! It drives confab's services over a real store in-process: the numbers are the domain and
//! storage work of each step, without HTTP.
#![expect(
    clippy::too_many_lines,
    reason = "one scenario reads best top to bottom"
)]
#![expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use confab_core::account::User;
use confab_core::breakout_room::Configure;
use confab_core::clock::SystemClock;
use confab_core::participant::{NewAttendee, ParticipantType};
use confab_core::room::CreateRoom;
use confab_core::{Actor, Services};
use confab_store::SqlStore;

const ATTENDEES: usize = 5000;
const ROOMS: i64 = 100;
const MOVED: usize = 500;

/// How many joins run at once, as concurrent clients would send them.
const CONCURRENT_JOINS: usize = 16;

fn step(name: &str, started: Instant) {
    println!(
        "  {name:<28} {:>8.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}

/// Student `i` with a client (cookie) of their own.
fn student(suffix: &str, i: usize) -> Actor {
    Actor {
        user: Some(confab_core::actor::UserRef {
            id: format!("student-{suffix}-{i}"),
            display_name: format!("Student {i}"),
            is_admin: false,
        }),
        client_session: Some(format!("client-{suffix}-{i}")),
        remote_addr: None,
    }
}

/// Every (actor, room) pair joins, a few at a time; prints the total and the mean per join.
async fn join_all(services: &Services, joins: Vec<(Actor, String)>, label: &str) -> Result<()> {
    let started = Instant::now();
    let count = joins.len();
    let mut pending = joins.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < CONCURRENT_JOINS {
            let Some((actor, token)) = pending.next() else {
                break;
            };
            let services = services.clone();
            running.spawn(async move {
                services
                    .participants
                    .join(&actor, &token, "", true)
                    .await
                    .map(|_| ())
            });
        }
        match running.join_next().await {
            Some(joined) => joined??,
            None => break,
        }
    }
    let total = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "  (setup) {label:<20} {total:>8.1} ms for {count} joins, {:.2} ms each",
        total / count as f64
    );
    Ok(())
}

/// Each student with the breakout room they are assigned to.
async fn seats(services: &Services, parent: &str, suffix: &str) -> Result<Vec<(Actor, String)>> {
    let store = &services.context.store;
    let mut seats = Vec::new();
    for child in store
        .rooms_by_object(confab_core::room::OBJECT_TYPE_BREAKOUT, parent)
        .await?
    {
        for a in store.attendees(child.id).await? {
            if let Some(i) = a
                .actor_id
                .strip_prefix(&format!("student-{suffix}-"))
                .and_then(|i| i.parse().ok())
            {
                seats.push((student(suffix, i), child.token.clone()));
            }
        }
    }
    Ok(seats)
}

/// Sessions in the parent and in all its breakout rooms.
async fn sessions(services: &Services, parent: &str) -> Result<(usize, usize)> {
    let store = &services.context.store;
    let room = store
        .room_by_token(parent)
        .await?
        .context("the parent exists")?;
    let in_parent = store.sessions_of_room(room.id).await?.len();
    let mut in_rooms = 0;
    for child in store
        .rooms_by_object(confab_core::room::OBJECT_TYPE_BREAKOUT, parent)
        .await?
    {
        in_rooms += store.sessions_of_room(child.id).await?.len();
    }
    Ok((in_parent, in_rooms))
}

async fn print_sessions(services: &Services, parent: &str) -> Result<()> {
    let (in_parent, in_rooms) = sessions(services, parent).await?;
    println!("    sessions: {in_parent} in the parent, {in_rooms} in breakout rooms");
    Ok(())
}

async fn run(store: SqlStore, label: &'static str) -> Result<()> {
    let services = Services::new(Arc::new(store), Arc::new(SystemClock)).await?;
    services.set_app_config("breakout_rooms_max", "100").await?;
    let store = services.context.store.clone();
    let suffix = confab_core::token::random_string(6).to_lowercase();
    let teacher = format!("teacher-{suffix}");
    // Accounts are written directly: hashing 5,000 passwords is not what is measured here.
    store
        .create_user(&User {
            id: teacher.clone(),
            display_name: "Teacher".into(),
            email: String::new(),
            password_hash: String::new(),
            created_at: 0,
        })
        .await?;
    let actor = Actor {
        client_session: Some(format!("client-{teacher}")),
        ..Actor::user(confab_core::actor::UserRef {
            id: teacher.clone(),
            display_name: "Teacher".into(),
            is_admin: false,
        })
    };
    let parent = services
        .rooms
        .create(
            &actor,
            CreateRoom {
                room_type: 2,
                room_name: "Lecture".into(),
                ..CreateRoom::default()
            },
        )
        .await?
        .view
        .room;
    let token = parent.token.clone();
    let students: Vec<NewAttendee> = (0..ATTENDEES)
        .map(|i| {
            NewAttendee::user(
                &format!("student-{suffix}-{i}"),
                &format!("Student {i}"),
                ParticipantType::User,
            )
        })
        .collect();
    store.add_attendees(parent.id, &students, &[]).await?;
    println!("breakout benchmark ({label}): {ATTENDEES} attendees, {ROOMS} rooms");
    let everyone: Vec<(Actor, String)> = (0..ATTENDEES)
        .map(|i| (student(&suffix, i), token.clone()))
        .collect();
    join_all(&services, everyone, "join the parent").await?;

    let started = Instant::now();
    let configured = services
        .breakout_rooms
        .configure(
            &actor,
            &token,
            Configure {
                mode: 1,
                amount: ROOMS,
                ..Configure::default()
            },
        )
        .await?;
    step("configure (automatic)", started);
    assert_eq!(configured.len() as i64, ROOMS + 1);

    let started = Instant::now();
    services
        .breakout_rooms
        .set_started(&actor, &token, true)
        .await?;
    step("start", started);
    join_all(
        &services,
        seats(&services, &token, &suffix).await?,
        "enter their rooms",
    )
    .await?;
    print_sessions(&services, &token).await?;

    let attendees = store.attendees(parent.id).await?;
    let map: serde_json::Map<String, serde_json::Value> = attendees
        .iter()
        .filter(|a| a.participant_type == ParticipantType::User)
        .take(MOVED)
        .enumerate()
        .map(|(i, a)| {
            (
                a.id.to_string(),
                serde_json::Value::from((i * 7 + 3) % ROOMS as usize),
            )
        })
        .collect();
    let started = Instant::now();
    services
        .breakout_rooms
        .reassign(&actor, &token, &serde_json::Value::Object(map).to_string())
        .await?;
    step("reassign 500 attendees", started);
    print_sessions(&services, &token).await?;

    let started = Instant::now();
    services
        .breakout_rooms
        .set_started(&actor, &token, false)
        .await?;
    step("stop", started);
    print_sessions(&services, &token).await?;
    assert_eq!(
        sessions(&services, &token).await?.1,
        0,
        "stop empties the rooms"
    );

    let started = Instant::now();
    services
        .breakout_rooms
        .set_started(&actor, &token, true)
        .await?;
    step("start again", started);
    join_all(
        &services,
        seats(&services, &token, &suffix).await?,
        "enter their rooms",
    )
    .await?;
    print_sessions(&services, &token).await?;

    let started = Instant::now();
    services.breakout_rooms.remove(&actor, &token).await?;
    step("remove", started);
    print_sessions(&services, &token).await?;
    assert_eq!(
        sessions(&services, &token).await?.0,
        ATTENDEES,
        "remove returns everyone to the parent"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    confab_bench::run_on_chosen_store(run).await
}
