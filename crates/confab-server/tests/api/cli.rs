//! The `confab` binary: admin commands, the admin account from the environment, and a
//! graceful stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn confab(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_confab"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("CONFAB_DATABASE_URL")
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

#[tokio::test]
async fn serve_creates_the_admin_account_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_confab"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("CONFAB_ADMIN_PASSWORD", "admin secret")
        .env_remove("CONFAB_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/ocs/v2.php/cloud/user");
    let deadline = Instant::now() + Duration::from_secs(30);
    let answer = loop {
        match client
            .get(&url)
            .basic_auth("admin", Some("admin secret"))
            .header("OCS-APIRequest", "true")
            .send()
            .await
        {
            Ok(response) => break response,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => panic!("server did not come up: {err}"),
        }
    };
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["ocs"]["data"]["id"], "admin");
    assert_eq!(body["ocs"]["data"]["groups"][0], "admin");

    let pid = server.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = server.wait().unwrap();
    assert!(
        status.success(),
        "confab must exit cleanly on SIGTERM, got {status}"
    );
}
