//! The `confab` binary: admin commands, configuration from flags, environment and file, the
//! admin account from the environment, a graceful stop on SIGTERM and SIGINT, and no
//! acknowledged message lost when the server is killed.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{create_postgres_database, drop_postgres_database, POSTGRES_URL_VAR};

/// The `CONFAB_*` variables a test must not inherit from the environment running it.
const ENV_VARS: [&str; 8] = [
    "CONFAB_CONFIG",
    "CONFAB_TRUSTED_PROXIES",
    "CONFAB_TRUSTED_DOMAINS",
    "CONFAB_LISTEN",
    "CONFAB_DATA_DIR",
    "CONFAB_DATABASE_URL",
    "CONFAB_ADMIN_PASSWORD",
    "CONFAB_LOG_FORMAT",
];

/// `confab` with a clean `CONFAB_*` environment, run in `cwd` so a default `./data` stays there.
fn command(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_confab"));
    command.current_dir(cwd);
    for var in ENV_VARS {
        command.env_remove(var);
    }
    command
}

fn confab(dir: &Path, args: &[&str]) -> std::process::Output {
    command(dir)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("confab runs")
}

fn stdout_of(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn admin_commands_manage_users_and_groups() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(&confab(
        dir.path(),
        &[
            "user",
            "add",
            "alice",
            "--password",
            "pw1",
            "--display-name",
            "Alice",
        ],
    ));
    stdout_of(&confab(
        dir.path(),
        &["user", "add", "bob", "--password", "pw2"],
    ));
    let duplicate = confab(dir.path(), &["user", "add", "alice", "--password", "x"]);
    assert!(
        !duplicate.status.success(),
        "a second alice must be refused"
    );

    let list = stdout_of(&confab(dir.path(), &["user", "list"]));
    assert_eq!(
        list.lines().collect::<Vec<_>>(),
        vec!["alice\tAlice", "bob\tbob"]
    );

    stdout_of(&confab(dir.path(), &["group", "add", "teachers"]));
    stdout_of(&confab(
        dir.path(),
        &["group", "add-member", "teachers", "alice"],
    ));
    let groups = stdout_of(&confab(dir.path(), &["group", "list"]));
    assert_eq!(groups.trim(), "teachers\tteachers\talice");

    let app_password = stdout_of(&confab(dir.path(), &["user", "app-password", "alice"]));
    assert_eq!(app_password.trim().len(), 72);

    stdout_of(&confab(
        dir.path(),
        &["user", "passwd", "bob", "--password", "new"],
    ));
    stdout_of(&confab(dir.path(), &["user", "delete", "bob"]));
    assert_eq!(
        stdout_of(&confab(dir.path(), &["user", "list"])).trim(),
        "alice\tAlice"
    );
    stdout_of(&confab(dir.path(), &["group", "delete", "teachers"]));
    assert_eq!(
        stdout_of(&confab(dir.path(), &["group", "list"])).trim(),
        ""
    );
    assert!(!confab(dir.path(), &["user", "delete", "nobody"])
        .status
        .success());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `confab serve` from `command` (which sets whatever configuration the test needs).
fn spawn_server(mut command: Command) -> Child {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
}

/// `GET /ocs/v2.php/cloud/user` on `port` with `auth`, retried until the server listens.
async fn current_user(
    port: u16,
    auth: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/ocs/v2.php/cloud/user");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let request = auth(client.get(&url).header("OCS-APIRequest", "true"));
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                return (status, response.json().await.unwrap_or(Value::Null));
            }
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => panic!("server did not come up: {err}"),
        }
    }
}

/// Sends `signal` (`-TERM`, `-INT`) and asserts a clean exit.
fn stop(mut server: Child, signal: &str) {
    let pid = server.id().to_string();
    assert!(Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap()
        .success());
    let status = server.wait().unwrap();
    assert!(
        status.success(),
        "confab must exit cleanly on {signal}, got {status}"
    );
}

#[tokio::test]
async fn serve_creates_the_admin_account_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = command(dir.path());
    command
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("CONFAB_ADMIN_PASSWORD", "admin secret");
    let server = spawn_server(command);
    let (status, body) = current_user(port, |r| r.basic_auth("admin", Some("admin secret"))).await;
    assert_eq!(status, 200);
    assert_eq!(body["ocs"]["data"]["id"], "admin");
    assert_eq!(body["ocs"]["data"]["groups"][0], "admin");
    stop(server, "-TERM");
}

#[tokio::test]
async fn environment_settings_configure_serve_and_sigint_stops_it() {
    let cwd = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let with_env = |args: &[&str]| {
        let output = command(cwd.path())
            .env("CONFAB_DATA_DIR", data.path())
            .args(args)
            .output()
            .unwrap();
        stdout_of(&output)
    };
    with_env(&["user", "add", "alice", "--password", "pw"]);
    let app_password = with_env(&["user", "app-password", "alice"])
        .trim()
        .to_owned();

    let mut serve = command(cwd.path());
    serve
        .arg("serve")
        .env("CONFAB_LISTEN", format!("127.0.0.1:{port}"))
        .env("CONFAB_DATA_DIR", data.path())
        // All digits with a leading zero: taken as the text it is, not as a number.
        .env("CONFAB_ADMIN_PASSWORD", "0123456");
    let server = spawn_server(serve);
    let (status, body) = current_user(port, |r| r.basic_auth("admin", Some("0123456"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ocs"]["data"]["id"], "admin");

    // The app password `user app-password` printed logs in with Basic and with Bearer.
    let (status, body) = current_user(port, |r| r.basic_auth("alice", Some(&app_password))).await;
    assert_eq!(
        (status, &body["ocs"]["data"]["id"]),
        (200, &Value::from("alice"))
    );
    let (status, body) = current_user(port, |r| r.bearer_auth(&app_password)).await;
    assert_eq!(
        (status, &body["ocs"]["data"]["id"]),
        (200, &Value::from("alice"))
    );

    assert!(data.path().join("confab.db").exists());
    assert!(
        !cwd.path().join("data").exists(),
        "the default data dir must stay unused"
    );
    stop(server, "-INT");
}

#[test]
fn a_boolean_looking_admin_password_does_not_break_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    for password in ["true", "123456", "1.5"] {
        let output = command(dir.path())
            .arg("--data-dir")
            .arg(dir.path())
            .args(["user", "list"])
            .env("CONFAB_ADMIN_PASSWORD", password)
            .output()
            .unwrap();
        stdout_of(&output);
    }
}

#[tokio::test]
async fn a_config_file_named_by_flag_or_environment_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let data = dir.path().join("from-file");
    let file = dir.path().join("confab.toml");
    std::fs::write(
        &file,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndata_dir = {:?}\nadmin_password = 123456\n",
            data.display().to_string()
        ),
    )
    .unwrap();
    stdout_of(
        &command(dir.path())
            .arg("--config")
            .arg(&file)
            .args(["user", "add", "alice", "--password", "pw"])
            .output()
            .unwrap(),
    );
    let listed = command(dir.path())
        .env("CONFAB_CONFIG", &file)
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&listed).trim(), "alice\talice");
    assert!(data.join("confab.db").exists());

    let mut serve = command(dir.path());
    serve.arg("--config").arg(&file).arg("serve");
    let server = spawn_server(serve);
    let (status, body) = current_user(port, |r| r.basic_auth("admin", Some("123456"))).await;
    assert_eq!(status, 200, "{body}");
    stop(server, "-TERM");
}

#[tokio::test]
async fn database_url_selects_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("elsewhere.db").display()
    )];
    let postgres = match std::env::var(POSTGRES_URL_VAR) {
        Ok(server) if !server.trim().is_empty() => Some(create_postgres_database(&server).await),
        _ => None,
    };
    urls.extend(postgres.clone());
    for url in &urls {
        stdout_of(&confab(
            dir.path(),
            &[
                "--database-url",
                url,
                "user",
                "add",
                "alice",
                "--password",
                "pw",
            ],
        ));
        let listed = stdout_of(&confab(
            dir.path(),
            &["--database-url", url, "user", "list"],
        ));
        assert_eq!(listed.trim(), "alice\talice", "{url}");
    }
    // Nothing went to the SQLite database in the data directory.
    assert_eq!(stdout_of(&confab(dir.path(), &["user", "list"])).trim(), "");
    if let Some(url) = postgres {
        drop_postgres_database(&url).await;
    }
}

/// One `confab serve` on `port` over the database `url` (in `dir`), with the admin account.
fn serve_on(dir: &Path, url: &str, port: u16) -> Child {
    let mut serve = command(dir);
    serve
        .args(["--database-url", url])
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("CONFAB_ADMIN_PASSWORD", "admin secret");
    spawn_server(serve)
}

/// Posts numbered messages as `admin` until told to stop; returns the texts answered 201.
async fn post_until_stopped(
    base: String,
    token: String,
    sender: usize,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<String> {
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for n in 0.. {
        if *stop.borrow() {
            break;
        }
        let text = format!("sender {sender} message {n}");
        let sent = client
            .post(format!("{base}/ocs/v2.php/apps/spreed/api/v1/chat/{token}"))
            .basic_auth("admin", Some("admin secret"))
            .header("OCS-APIRequest", "true")
            .json(&serde_json::json!({"message": text}))
            .send()
            .await;
        match sent {
            Ok(response) if response.status().as_u16() == 201 => acknowledged.push(text),
            _ => break,
        }
    }
    acknowledged
}

/// Every message of the room, oldest last, read page by page.
async fn all_texts(base: &str, token: &str) -> std::collections::HashSet<String> {
    let client = reqwest::Client::new();
    let mut texts = std::collections::HashSet::new();
    let mut before = 0;
    loop {
        let url = format!(
            "{base}/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=0&limit=200&lastKnownMessageId={before}"
        );
        let response = client
            .get(url)
            .basic_auth("admin", Some("admin secret"))
            .header("OCS-APIRequest", "true")
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 304 {
            return texts;
        }
        let body: Value = response.json().await.unwrap();
        let page = body["ocs"]["data"].as_array().unwrap().clone();
        if page.is_empty() {
            return texts;
        }
        for message in &page {
            texts.insert(message["message"].as_str().unwrap().to_owned());
            before = message["id"].as_i64().unwrap();
        }
    }
}

/// A 201 means the message is stored: killed without warning while eight senders post, the
/// server finds every acknowledged message again after a restart, on each backend.
#[tokio::test]
async fn every_acknowledged_message_survives_a_killed_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("crash.db").display()
    )];
    let postgres = match std::env::var(POSTGRES_URL_VAR) {
        Ok(server) if !server.trim().is_empty() => Some(create_postgres_database(&server).await),
        _ => None,
    };
    urls.extend(postgres.clone());
    for url in &urls {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut server = serve_on(dir.path(), url, port);
        current_user(port, |r| r.basic_auth("admin", Some("admin secret"))).await;
        let room: Value = reqwest::Client::new()
            .post(format!("{base}/ocs/v2.php/apps/spreed/api/v4/room"))
            .basic_auth("admin", Some("admin secret"))
            .header("OCS-APIRequest", "true")
            .header("Accept", "application/json")
            .json(&serde_json::json!({"roomType": 2, "roomName": "crash"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = room["ocs"]["data"]["token"].as_str().unwrap().to_owned();

        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let senders: Vec<_> = (0..8)
            .map(|s| {
                tokio::spawn(post_until_stopped(
                    base.clone(),
                    token.clone(),
                    s,
                    stop_rx.clone(),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(400)).await;
        server.kill().unwrap();
        server.wait().unwrap();
        stop_tx.send(true).unwrap();
        let mut acknowledged = Vec::new();
        for sender in senders {
            acknowledged.extend(sender.await.unwrap());
        }
        assert!(
            acknowledged.len() > 10,
            "the senders got going: {}",
            acknowledged.len()
        );

        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let server = serve_on(dir.path(), url, port);
        current_user(port, |r| r.basic_auth("admin", Some("admin secret"))).await;
        let stored = all_texts(&base, &token).await;
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|t| !stored.contains(*t))
            .collect();
        assert!(
            lost.is_empty(),
            "{url}: {} acknowledged, lost {lost:?}",
            acknowledged.len()
        );
        stop(server, "-TERM");
    }
    if let Some(url) = postgres {
        drop_postgres_database(&url).await;
    }
}
