//! The lobby timer opens the lobby when reached, also when it was reached while the server
//! was stopped.

use std::time::{Duration, Instant};

use confab_core::clock::{Clock, SystemClock};
use confab_server::config::Config;
use confab_server::startup::App;
use serde_json::json;

use crate::helpers::{Client, TestApp, PASSWORD};

async fn lobby_state(client: &Client, token: &str) -> i64 {
    client.get(&format!("/room/{token}")).await.data()["lobbyState"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn lobby_opens_when_its_timer_is_reached() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Webinar").await;
    let timer = SystemClock.now() + 1;
    let answer = alice
        .put(
            &format!("/room/{token}/webinar/lobby"),
            json!({"state": 1, "timer": timer}),
        )
        .await;
    answer.expect(200);
    assert_eq!(answer.data()["lobbyState"], 1);
    assert_eq!(answer.data()["lobbyTimer"], timer);

    let deadline = Instant::now() + Duration::from_secs(10);
    while lobby_state(&alice, &token).await == 1 {
        assert!(
            Instant::now() < deadline,
            "the lobby did not open after its timer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let room = alice.get(&format!("/room/{token}")).await;
    assert_eq!(room.data()["lobbyTimer"], 0);
    assert_eq!(
        Client::system_messages(&app, &token).await.last().unwrap(),
        "lobby_timer_reached"
    );
}

#[tokio::test]
async fn a_timer_reached_while_stopped_opens_the_lobby_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::embedded("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());

    // Arrange: a room whose lobby timer lies in the past, stored while no server runs.
    let app = App::build(&config).await.unwrap();
    let services = app.services();
    services
        .accounts
        .create_user("alice", PASSWORD, None, "")
        .await
        .unwrap();
    let alice = confab_core::Actor::user(
        services
            .accounts
            .authenticate_basic("alice", PASSWORD)
            .await
            .unwrap(),
    );
    let created = services
        .rooms
        .create(
            &alice,
            confab_core::room::CreateRoom {
                room_type: 2,
                room_name: "Later".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let token = created.view.room.token.clone();
    let mut room = created.view.room.clone();
    room.lobby_state = true;
    room.lobby_timer = SystemClock.now() - 60;
    services
        .context
        .store
        .update_room(&room, &[])
        .await
        .unwrap();
    drop(services);
    drop(app);

    // Act: start the server on the same data directory.
    let app = App::build(&config).await.unwrap();
    let services = app.services();
    let shutdown = app.shutdown_token();
    let server = tokio::spawn(app.run());

    // Assert: the scheduler opened the lobby without any request.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let room = services
            .context
            .store
            .room_by_token(&token)
            .await
            .unwrap()
            .unwrap();
        if !room.lobby_state {
            assert_eq!(room.lobby_timer, 0);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the lobby stayed closed after restart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
