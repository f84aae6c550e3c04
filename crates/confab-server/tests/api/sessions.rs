//! Sessions in the participant list: one entry per attendee with every fresh session merged,
//! and sessions that stopped pinging left out.
//!
//! Ping times are arranged in the store: confab has no ping endpoint (capability `no-ping`),
//! and the list judges freshness by the time of the last ping.

use confab_core::participant::SESSION_STALE_SECONDS;
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};

/// Sets `last_ping` and `in_call` of the session `id`.
async fn arrange_session(app: &TestApp, id: &str, last_ping: i64, in_call: i64) {
    let store = &app.services.context.store;
    let mut session = store.session(id).await.unwrap().expect("session");
    session.last_ping = last_ping;
    session.in_call = in_call;
    store.update_session(&session).await.unwrap();
}

#[tokio::test]
async fn two_devices_are_one_entry_with_both_sessions_and_the_newest_ping() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    let phone = app.login("alice", PASSWORD);
    let laptop = alice.join(&token, json!({})).await;
    let laptop = laptop.data()["sessionId"].as_str().unwrap().to_owned();
    let handset = phone.join(&token, json!({})).await;
    let handset = handset.data()["sessionId"].as_str().unwrap().to_owned();
    assert_ne!(laptop, handset);

    let now = app.services.context.now();
    arrange_session(&app, &laptop, now - 20, 1).await;
    arrange_session(&app, &handset, now - 5, 4).await;

    let list = alice.participants(&token).await;
    assert_eq!(list.len(), 1);
    let entry = &list[0];
    let mut ids: Vec<String> = entry["sessionIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut expected = vec![laptop, handset];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(entry["lastPing"], now - 5);
    assert_eq!(entry["inCall"], 5);
}

#[tokio::test]
async fn sessions_that_stopped_pinging_are_left_out_and_so_are_their_guests() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let joined = alice.join(&token, json!({})).await;
    let session = joined.data()["sessionId"].as_str().unwrap().to_owned();
    let guest = app.guest();
    let guest_joined = guest.join(&token, json!({})).await;
    let guest_session = guest_joined.data()["sessionId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(alice.participants(&token).await.len(), 2);

    let stale = app.services.context.now() - SESSION_STALE_SECONDS - 1;
    arrange_session(&app, &session, stale, 1).await;
    arrange_session(&app, &guest_session, stale, 0).await;

    let list = alice.participants(&token).await;
    assert_eq!(list.len(), 1, "the guest without a fresh session is hidden");
    assert_eq!(list[0]["actorId"], "alice");
    assert_eq!(list[0]["sessionIds"], json!([]));
    assert_eq!(list[0]["inCall"], 0);
    assert_eq!(list[0]["lastPing"], 0);
}
