//! Running one contract test against every backend, and small builders for the records.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use confab_core::account::{Group, User};
use confab_core::chat::{ChatPost, Mention, MessageType, NewMessage, Poll, Reaction};
use confab_core::participant::{ActorType, Attendee, NewAttendee, NewSession, ParticipantType};
use confab_core::room::{NewRoom, Room, RoomType};
use confab_core::store::StoreResult;
use confab_core::StoreError;
use confab_store::SqlStore;
use sqlx::migrate::MigrateDatabase;

/// The environment variable naming the `PostgreSQL` server the contract also runs against.
pub const POSTGRES_URL_VAR: &str = "CONFAB_TEST_POSTGRES_URL";

/// The time every fixture is created at.
pub const NOW: i64 = 1_700_000_000;

/// Runs `test` against a fresh `SQLite` store and, when [`POSTGRES_URL_VAR`] is set, against
/// a fresh `PostgreSQL` database created for this run alone (and dropped afterwards).
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(SqlStore) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let store = SqlStore::open_sqlite(dir.path())
        .await
        .expect("open the SQLite store");
    if let Some(failure) = run("sqlite", store, &test).await {
        std::panic::resume_unwind(failure);
    }
    drop(dir);

    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => {
            let db = TestDatabase::create(&url).await;
            let failure = match SqlStore::connect(&db.url).await {
                Ok(store) => run("postgres", store, &test).await,
                Err(e) => Some(failure(format!(
                    "connect the PostgreSQL store to {}: {e}",
                    db.url
                ))),
            };
            db.drop_best_effort().await;
            if let Some(failure) = failure {
                std::panic::resume_unwind(failure);
            }
        }
        _ => eprintln!("skipping PostgreSQL contract run: {POSTGRES_URL_VAR} not set"),
    }
}

type Failure = Box<dyn std::any::Any + Send>;

/// A failure that did not panic: printed now, since `resume_unwind` does not print.
fn failure(message: String) -> Failure {
    eprintln!("{message}");
    Box::new(message)
}

/// Runs `test` on `store` in its own task so a panic is caught, closes the store, and returns
/// what went wrong, if anything.
async fn run<F, Fut>(backend: &str, store: SqlStore, test: &F) -> Option<Failure>
where
    F: Fn(SqlStore) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    eprintln!("contract run on {backend}");
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await;
    match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(failure(format!("[{backend}] {e:?}"))),
        Err(e) if e.is_panic() => {
            eprintln!("[{backend}] the test panicked");
            Some(e.into_panic())
        }
        Err(e) => Some(failure(format!("[{backend}] the test task failed: {e}"))),
    }
}

/// A `PostgreSQL` database that exists for one test.
struct TestDatabase {
    url: String,
}

impl TestDatabase {
    async fn create(server_url: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        sqlx::any::install_default_drivers();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "confab_test_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let url = with_database(server_url, &name);
        sqlx::Any::create_database(&url)
            .await
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        Self { url }
    }

    async fn drop_best_effort(&self) {
        if let Err(e) = sqlx::Any::force_drop_database(&self.url).await {
            eprintln!("could not drop test database {}: {e}", self.url);
        }
    }
}

/// `url` with its database (the path) replaced by `database`, keeping any query string.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[test]
fn with_database_replaces_only_the_path() {
    assert_eq!(
        with_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h:5432", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
}

/// Fails unless `result` is a `Conflict`.
pub fn assert_conflict<T: std::fmt::Debug>(result: StoreResult<T>) {
    match result {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("expected a Conflict, got {other:?}"),
    }
}

/// Fails unless `result` is a `NotFound`.
pub fn assert_not_found<T: std::fmt::Debug>(result: StoreResult<T>) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

pub fn user(id: &str, display_name: &str) -> User {
    User {
        id: id.to_owned(),
        display_name: display_name.to_owned(),
        email: format!("{id}@example.com"),
        password_hash: format!("hash-of-{id}"),
        created_at: NOW,
    }
}

pub fn group(id: &str, display_name: &str) -> Group {
    Group {
        id: id.to_owned(),
        display_name: display_name.to_owned(),
    }
}

pub fn new_room(token: &str, room_type: RoomType) -> NewRoom {
    NewRoom::new(token.to_owned(), room_type, format!("Room {token}"), NOW)
}

pub fn member(id: &str) -> NewAttendee {
    NewAttendee::user(id, &id.to_uppercase(), ParticipantType::User)
}

pub fn owner(id: &str) -> NewAttendee {
    NewAttendee::user(id, &id.to_uppercase(), ParticipantType::Owner)
}

pub fn guest(id: &str) -> NewAttendee {
    NewAttendee {
        actor_type: ActorType::Guests,
        actor_id: id.to_owned(),
        display_name: format!("Guest {id}"),
        participant_type: ParticipantType::Guest,
        invited_cloud_id: String::new(),
    }
}

pub fn new_session(id: &str, client_session: &str, last_ping: i64) -> NewSession {
    NewSession {
        id: id.to_owned(),
        client_session: client_session.to_owned(),
        last_ping,
    }
}

/// A comment by user `actor` in room `room_id`.
pub fn comment(room_id: i64, actor: &str, text: &str, created_at: i64) -> NewMessage {
    NewMessage {
        room_id,
        actor_type: "users".to_owned(),
        actor_id: actor.to_owned(),
        actor_display_name: actor.to_uppercase(),
        message: text.to_owned(),
        message_type: MessageType::Comment,
        system_message: String::new(),
        parameters: serde_json::json!({}),
        reference_id: String::new(),
        parent_id: 0,
        created_at,
        expires_at: 0,
        silent: false,
    }
}

/// A system message named `name` in room `room_id`.
pub fn system(room_id: i64, name: &str, created_at: i64) -> NewMessage {
    NewMessage {
        actor_type: "guests".to_owned(),
        actor_id: "system".to_owned(),
        actor_display_name: String::new(),
        message: format!("{{actor}} {name}"),
        message_type: MessageType::System,
        system_message: name.to_owned(),
        ..comment(room_id, "system", "", created_at)
    }
}

/// A chat post of `message` by attendee `sender`, mentioning `(attendee id, direct)` pairs.
pub fn chat_post(message: NewMessage, sender: i64, mentions: &[(i64, bool)]) -> ChatPost {
    ChatPost {
        message,
        sender,
        mentions: mentions
            .iter()
            .map(|&(attendee_id, direct)| Mention {
                attendee_id,
                direct,
            })
            .collect(),
    }
}

/// User `actor`'s reaction `emoji` to message `message_id`.
pub fn reaction(message_id: i64, actor: &str, emoji: &str, created_at: i64) -> Reaction {
    Reaction {
        message_id,
        actor_type: "users".to_owned(),
        actor_id: actor.to_owned(),
        actor_display_name: actor.to_uppercase(),
        reaction: emoji.to_owned(),
        created_at,
    }
}

/// A poll by user alice in room `room_id` with three options and `status` (0 open, 1 closed,
/// 2 draft); its id is left 0 for the store to assign.
pub fn new_poll(room_id: i64, question: &str, status: i64) -> Poll {
    Poll {
        id: 0,
        room_id,
        question: question.to_owned(),
        options: vec!["yes".to_owned(), "no".to_owned(), "maybe".to_owned()],
        result_mode: 0,
        max_votes: 0,
        status,
        actor_type: "users".to_owned(),
        actor_id: "alice".to_owned(),
        actor_display_name: "ALICE".to_owned(),
        created_at: NOW,
    }
}

/// The attendee `actor_type`/`actor_id` of `room_id`; panics when there is none.
pub async fn attendee_of(
    store: &SqlStore,
    room_id: i64,
    actor_type: ActorType,
    actor_id: &str,
) -> Attendee {
    use confab_core::store::ParticipantStore;
    store
        .attendee_by_actor(room_id, actor_type, actor_id)
        .await
        .expect("read attendee")
        .unwrap_or_else(|| panic!("{actor_id} attends room {room_id}"))
}

/// The common read marker of one room.
pub async fn common_read(store: &SqlStore, room_id: i64) -> StoreResult<i64> {
    use confab_core::store::ChatStore;
    let found = store.last_common_reads(&[room_id]).await?;
    Ok(found.first().map_or(0, |(_, common)| *common))
}

/// The attendee of user `id` in `room_id`; panics when there is none.
pub async fn user_in(store: &SqlStore, room_id: i64, id: &str) -> Attendee {
    attendee_of(store, room_id, ActorType::Users, id).await
}

/// Creates a group room `token` whose attendees are the users `members` (the first one owns it).
pub async fn room_with(store: &SqlStore, token: &str, members: &[&str]) -> StoreResult<Room> {
    use confab_core::store::RoomStore;
    let attendees: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(i, id)| if i == 0 { owner(id) } else { member(id) })
        .collect();
    store
        .create_room(&new_room(token, RoomType::Group), &attendees, &[])
        .await
}
