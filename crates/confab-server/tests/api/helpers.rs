//! The test application and typed OCS helpers.

use std::path::PathBuf;
use std::sync::Arc;

use confab_core::chat::Message;
use confab_core::clock::{Clock, SystemClock};
use confab_core::room::Room;
use confab_core::Services;
use confab_server::config::Config;
use confab_server::startup::App;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use sqlx::migrate::MigrateDatabase;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const TALK: &str = "/ocs/v2.php/apps/spreed/api/v4";
pub const PASSWORD: &str = "correct horse battery";
/// Names the PostgreSQL server that tests using [`TestApp::on_each_backend`] also run on.
pub const POSTGRES_URL_VAR: &str = "CONFAB_TEST_POSTGRES_URL";

/// A running confab on 127.0.0.1 with its own database: SQLite in a temporary directory, or a
/// PostgreSQL database created for it alone.
pub struct TestApp {
    pub base: String,
    pub services: Services,
    /// `sqlite` or `postgres`, for assertion messages.
    pub backend: &'static str,
    shutdown: CancellationToken,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    /// The PostgreSQL database to drop in [`TestApp::close`].
    postgres_url: Option<String>,
    dir: Option<tempfile::TempDir>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with_clock(Arc::new(SystemClock)).await
    }

    /// A confab whose services read time from `clock`.
    pub async fn spawn_with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::start(tempdir(), None, clock, |_| {}).await
    }

    /// The app with changes to its configuration (for example the brute-force policy).
    pub async fn spawn_configured(edit: impl FnOnce(&mut Config)) -> Self {
        Self::start(tempdir(), None, Arc::new(SystemClock), edit).await
    }

    /// The app on SQLite and, when [`POSTGRES_URL_VAR`] is set, on a fresh PostgreSQL database;
    /// call [`TestApp::close`] on each at the end so the PostgreSQL database is dropped.
    pub async fn on_each_backend() -> Vec<Self> {
        let mut apps = vec![Self::spawn().await];
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(server) if !server.trim().is_empty() => {
                let url = create_postgres_database(&server).await;
                apps.push(Self::start(tempdir(), Some(url), Arc::new(SystemClock), |_| {}).await);
            }
            _ => eprintln!("skipping the PostgreSQL run: {POSTGRES_URL_VAR} not set"),
        }
        apps
    }

    async fn start(
        dir: tempfile::TempDir,
        postgres_url: Option<String>,
        clock: Arc<dyn Clock>,
        edit: impl FnOnce(&mut Config),
    ) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            confab_server::telemetry::init("text");
        }
        let mut config =
            Config::embedded("127.0.0.1:0".parse().unwrap(), PathBuf::from(dir.path()));
        config.database_url = postgres_url.clone().map(secrecy::SecretString::from);
        edit(&mut config);
        let app = App::build_with_clock(&config, clock)
            .await
            .expect("app builds");
        let base = format!("http://{}", app.local_addr().unwrap());
        let services = app.services();
        let shutdown = app.shutdown_token();
        let server = tokio::spawn(app.run());
        Self {
            base,
            services,
            backend: if postgres_url.is_some() {
                "postgres"
            } else {
                "sqlite"
            },
            shutdown,
            server: Some(server),
            postgres_url,
            dir: Some(dir),
        }
    }

    /// Stops the app and drops its PostgreSQL database, if it has one.
    pub async fn close(self) {
        self.shutdown.cancel();
        if let Some(url) = &self.postgres_url {
            drop_postgres_database(url).await;
        }
    }

    /// Starts a graceful shutdown, as a signal would.
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Stops the server, waits until it has closed its database, and starts a new one on the
    /// same data with `clock`. Clients must log in again: the address changes.
    pub async fn restart(mut self, clock: Arc<dyn Clock>) -> Self {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server stops");
        }
        let dir = self.dir.take().expect("data directory");
        Self::start(dir, self.postgres_url.take(), clock, |_| {}).await
    }

    /// Creates a user with [`PASSWORD`] and returns a client logged in as them.
    pub async fn user(&self, id: &str) -> Client {
        self.services
            .accounts
            .create_user(id, PASSWORD, Some(&format!("{id} display")), "")
            .await
            .expect("user");
        self.login(id, PASSWORD)
    }

    /// Creates an administrator.
    pub async fn admin(&self, id: &str) -> Client {
        let client = self.user(id).await;
        if self
            .services
            .accounts
            .groups("admin")
            .await
            .unwrap()
            .is_empty()
        {
            self.services
                .accounts
                .create_group("admin", None)
                .await
                .unwrap();
        }
        self.services
            .accounts
            .add_group_member("admin", id)
            .await
            .unwrap();
        client
    }

    /// Creates a group with the given members.
    pub async fn group(&self, id: &str, members: &[&str]) {
        self.services
            .accounts
            .create_group(id, Some(&format!("{id} group")))
            .await
            .expect("group");
        for member in members {
            self.services
                .accounts
                .add_group_member(id, member)
                .await
                .expect("group member");
        }
    }

    /// The stored room, read past the API (`None` once deleted).
    pub async fn stored_room(&self, token: &str) -> Option<Room> {
        self.services
            .context
            .store
            .room_by_token(token)
            .await
            .unwrap()
    }

    /// The messages of a conversation, oldest first, read from the store.
    pub async fn messages(&self, token: &str) -> Vec<Message> {
        let room = self.stored_room(token).await.expect("room");
        self.services
            .context
            .store
            .messages_after(room.id, 0, 1000)
            .await
            .unwrap()
    }

    pub fn login(&self, id: &str, password: &str) -> Client {
        Client::new(&self.base, Auth::Basic(id.to_owned(), password.to_owned()))
    }

    /// A client sending `Authorization: Bearer <token>`.
    pub fn bearer(&self, token: &str) -> Client {
        Client::new(&self.base, Auth::Bearer(token.to_owned()))
    }

    /// A client without credentials that keeps cookies (a guest's browser).
    pub fn guest(&self) -> Client {
        Client::new(&self.base, Auth::None)
    }
}

/// How a client authenticates.
#[derive(Debug, Clone)]
enum Auth {
    None,
    Basic(String, String),
    Bearer(String),
}

/// An HTTP client speaking OCS as Talk clients do.
pub struct Client {
    base: String,
    http: reqwest::Client,
    auth: Auth,
    pub id: String,
}

/// An answer: status, headers and the parsed body (`Value::Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: String,
}

impl Answer {
    pub fn data(&self) -> &Value {
        &self.body["ocs"]["data"]
    }

    pub fn statuscode(&self) -> i64 {
        self.body["ocs"]["meta"]["statuscode"]
            .as_i64()
            .unwrap_or(-1)
    }

    pub fn error(&self) -> Option<&str> {
        self.data().get("error").and_then(Value::as_str)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the HTTP status and, for v2, the matching OCS status code.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.raw
        );
        if !self.raw.is_empty() {
            let code = if status == 401 {
                997
            } else {
                i64::from(status)
            };
            assert_eq!(
                self.statuscode(),
                code,
                "unexpected OCS statuscode; body: {}",
                self.raw
            );
        }
        self
    }

    /// Asserts a failure status with the given `error` key.
    #[track_caller]
    pub fn expect_error(&self, status: u16, key: &str) -> &Self {
        self.expect(status);
        assert_eq!(
            self.error(),
            Some(key),
            "unexpected error key; body: {}",
            self.raw
        );
        self
    }

    /// Asserts a failure status whose `data` is the empty list and whose message is empty, as
    /// Talk's middleware answers.
    #[track_caller]
    pub fn expect_empty(&self, status: u16) -> &Self {
        self.expect(status);
        assert_eq!(
            self.data(),
            &json!([]),
            "unexpected data; body: {}",
            self.raw
        );
        assert_eq!(
            self.body["ocs"]["meta"]["message"], "",
            "unexpected message; body: {}",
            self.raw
        );
        self
    }

    /// Asserts a complete failure envelope: `status: failure` and the given `statuscode`.
    #[track_caller]
    pub fn expect_failure_envelope(&self, statuscode: i64) -> &Self {
        assert_eq!(
            self.body["ocs"]["meta"]["status"], "failure",
            "body: {}",
            self.raw
        );
        assert_eq!(self.statuscode(), statuscode, "body: {}", self.raw);
        assert!(
            self.body["ocs"]["meta"]["message"].is_string(),
            "body: {}",
            self.raw
        );
        assert!(self.body["ocs"].get("data").is_some(), "body: {}", self.raw);
        self
    }
}

impl Client {
    fn new(base: &str, auth: Auth) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let id = match &auth {
            Auth::Basic(id, _) => id.clone(),
            Auth::None | Auth::Bearer(_) => String::new(),
        };
        Self {
            base: base.to_owned(),
            http,
            auth,
            id,
        }
    }

    /// `/ocs/…` and `/status.php` paths are taken as they are; others are below [`TALK`].
    fn url(&self, path: &str) -> String {
        if path.starts_with("/ocs/") || path.starts_with("/status") {
            format!("{}{path}", self.base)
        } else {
            format!("{}{TALK}{path}", self.base)
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self
            .http
            .request(method, self.url(path))
            .header("OCS-APIRequest", "true")
            .header("Accept", "application/json");
        match &self.auth {
            Auth::None => request,
            Auth::Basic(user, password) => request.basic_auth(user, Some(password)),
            Auth::Bearer(token) => request.bearer_auth(token),
        }
    }

    async fn answer(request: RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let raw = response.text().await.expect("body read");
        let body = if raw.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw).unwrap_or(Value::Null)
        };
        Answer {
            status,
            headers,
            body,
            raw,
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::answer(request).await
    }

    /// Sends a form-encoded body, as PHP and some Python clients do.
    pub async fn send_form(&self, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        Self::answer(self.request(method, path).form(form)).await
    }

    /// Sends `body` as it is, with the given content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let request = self
            .request(method, path)
            .header("Content-Type", content_type)
            .body(body);
        Self::answer(request).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str, body: Value) -> Answer {
        self.send(Method::DELETE, path, Some(body)).await
    }

    /// Creates a group conversation and returns its token.
    pub async fn create_room(&self, name: &str) -> String {
        let answer = self
            .post("/room", json!({"roomType": 2, "roomName": name}))
            .await;
        answer.expect(201);
        answer.data()["token"].as_str().expect("token").to_owned()
    }

    /// Creates a public conversation and returns its token.
    pub async fn create_public_room(&self, name: &str) -> String {
        let answer = self
            .post("/room", json!({"roomType": 3, "roomName": name}))
            .await;
        answer.expect(201);
        answer.data()["token"].as_str().expect("token").to_owned()
    }

    /// Adds a user to a conversation.
    pub async fn add(&self, token: &str, user: &str) {
        self.post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": user, "source": "users"}),
        )
        .await
        .expect(200);
    }

    /// The participant list of a conversation.
    pub async fn participants(&self, token: &str) -> Vec<Value> {
        let answer = self.get(&format!("/room/{token}/participants")).await;
        answer.expect(200);
        answer.data().as_array().cloned().unwrap_or_default()
    }

    /// The attendee id of `actor_id` in a conversation.
    pub async fn attendee_id(&self, token: &str, actor_id: &str) -> i64 {
        self.participants(token)
            .await
            .iter()
            .find(|p| p["actorId"] == actor_id)
            .and_then(|p| p["attendeeId"].as_i64())
            .expect("attendee present")
    }

    /// The conversation as this client sees it (`GET /room/{token}`, which must answer 200).
    pub async fn room(&self, token: &str) -> Value {
        let answer = self.get(&format!("/room/{token}")).await;
        answer.expect(200);
        answer.data().clone()
    }

    /// The tokens of the caller's conversations (`GET /room`).
    pub async fn room_tokens(&self) -> Vec<String> {
        let answer = self.get("/room").await;
        answer.expect(200);
        answer
            .data()
            .as_array()
            .expect("room list")
            .iter()
            .map(|r| r["token"].as_str().expect("token").to_owned())
            .collect()
    }

    /// Joins a conversation (`POST /room/{token}/participants/active`).
    pub async fn join(&self, token: &str, body: Value) -> Answer {
        self.post(&format!("/room/{token}/participants/active"), body)
            .await
    }

    /// The participant entry of `actor_id`.
    pub async fn participant(&self, token: &str, actor_id: &str) -> Value {
        self.participants(token)
            .await
            .into_iter()
            .find(|p| p["actorId"] == actor_id)
            .expect("participant present")
    }

    /// The system messages of a conversation, oldest first, read from the store.
    pub async fn system_messages(app: &TestApp, token: &str) -> Vec<String> {
        app.messages(token)
            .await
            .into_iter()
            .map(|m| m.system_message)
            .collect()
    }
}

/// Creates a database of its own on the PostgreSQL server `server` and returns its URL.
pub async fn create_postgres_database(server: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let name = format!(
        "confab_api_{}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos()),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
    url.set_path(&name);
    let url = url.to_string();
    <sqlx::Postgres as MigrateDatabase>::create_database(&url)
        .await
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    url
}

/// Drops a database made by [`create_postgres_database`], reporting (not failing) a problem.
pub async fn drop_postgres_database(url: &str) {
    if let Err(e) = <sqlx::Postgres as MigrateDatabase>::force_drop_database(url).await {
        eprintln!("could not drop the test database: {e}");
    }
}
