//! Breakout benchmark: a parent with 5,000 attendees split into 100 automatic breakout rooms;
//! start, reassign 500 attendees, stop, remove. Prints each step's time, on SQLite and (with
//! `--database-url postgres://…`) on PostgreSQL.
//!
//! `cargo run --release -p confab-bench --bin breakout-bench [-- --database-url postgres://…]`
//! It drives confab's services over a real store in-process: the numbers are the domain and
//! storage work of each step, without HTTP.
#![expect(
    clippy::too_many_lines,
    reason = "one scenario reads best top to bottom"
)]

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
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

fn step(name: &str, started: Instant) {
    println!(
        "  {name:<28} {:>8.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}

async fn run(store: SqlStore, label: &str) -> Result<()> {
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
    let actor = Actor::user(confab_core::actor::UserRef {
        id: teacher.clone(),
        display_name: "Teacher".into(),
        is_admin: false,
    });
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

    let started = Instant::now();
    let configured = services
        .breakout_rooms
        .configure(
            &actor,
            &parent.token,
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
        .set_started(&actor, &parent.token, true)
        .await?;
    step("start", started);

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
        .reassign(
            &actor,
            &parent.token,
            &serde_json::Value::Object(map).to_string(),
        )
        .await?;
    step("reassign 500 attendees", started);

    let started = Instant::now();
    services
        .breakout_rooms
        .set_started(&actor, &parent.token, false)
        .await?;
    step("stop", started);

    let started = Instant::now();
    services
        .breakout_rooms
        .remove(&actor, &parent.token)
        .await?;
    step("remove", started);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let database_url = args
        .iter()
        .position(|a| a == "--database-url")
        .and_then(|i| args.get(i + 1))
        .cloned();
    if let Some(url) = database_url {
        run(SqlStore::connect(&url).await?, "postgresql").await
    } else {
        let dir = tempfile::tempdir()?;
        run(SqlStore::open_sqlite(dir.path()).await?, "sqlite").await
    }
}
