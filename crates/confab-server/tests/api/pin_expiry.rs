//! Pins with an end (`pinUntil`) run out by themselves, also when the end passed while the
//! server was stopped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use confab_core::clock::{Clock, ManualClock, SystemClock};
use serde_json::json;

use crate::chat_support::{message, say_id, shared_room};
use crate::helpers::{Client, TestApp, PASSWORD};
use crate::pin::{pin, pins_of};

/// Waits until the room as `client` sees it shows no pin.
async fn until_unpinned(client: &Client, token: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while pins_of(client, token).await.0 != 0 {
        assert!(Instant::now() < deadline, "the pin did not run out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_pin_runs_out_at_its_end_without_a_system_message() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let until = SystemClock.now() + 2;

    let answer = pin(&alice, &token, m1, json!({"pinUntil": until})).await;
    answer.expect(200);
    assert_eq!(answer.data()["parent"]["metaData"]["pinnedUntil"], until);
    assert_eq!(pins_of(&bob, &token).await, (m1, 0));
    assert_eq!(
        message(&bob, &token, m1).await["metaData"]["pinnedUntil"],
        until
    );

    until_unpinned(&bob, &token).await;
    assert!(SystemClock.now() >= until, "the pin ran out early");
    assert!(message(&bob, &token, m1).await.get("metaData").is_none());
    let names = Client::system_messages(&app, &token).await;
    assert!(!names.iter().any(|n| n == "message_unpinned"), "{names:?}");
}

#[tokio::test]
async fn a_pin_that_ran_out_while_stopped_is_dropped_at_start() {
    // Arrange: a pin for 100 seconds, then 200 seconds pass while no server runs.
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (alice, _bob, token) = shared_room(&app).await;
    let m1 = say_id(&alice, &token, "one").await;
    let m2 = say_id(&alice, &token, "two").await;
    pin(&alice, &token, m1, json!({})).await.expect(200);
    let until = clock.now() + 100;
    pin(&alice, &token, m2, json!({"pinUntil": until}))
        .await
        .expect(200);
    assert_eq!(pins_of(&alice, &token).await, (m2, 0));
    clock.advance(200);

    // Act: start again on the same data.
    let app = app.restart(clock.clone()).await;
    let bob = app.login("bob", PASSWORD);

    // Assert: the pin without an end is the room's pin again, the other is gone.
    let deadline = Instant::now() + Duration::from_secs(10);
    while pins_of(&bob, &token).await.0 != m1 {
        assert!(
            Instant::now() < deadline,
            "the pin did not run out at start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(message(&bob, &token, m2).await.get("metaData").is_none());
    assert_eq!(
        message(&bob, &token, m1).await["metaData"]["pinnedActorId"],
        "alice"
    );
}
