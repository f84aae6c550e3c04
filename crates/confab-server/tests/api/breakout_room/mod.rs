//! Breakout Rooms API (v1): configure, start, stop, broadcast, reassign, assistance, switch,
//! listing, and each status and `error` key of TALK-BEHAVIOR §1.16.

mod access;
mod bad_input;
mod broadcast;
mod configure;
mod guests;
mod lifecycle;
mod listing;
mod messages;
mod propagation;
mod settings;
mod student_view;

use serde_json::Value;

use crate::helpers::{Client, TestApp};

const BREAKOUT: &str = "/ocs/v2.php/apps/spreed/api/v1/breakout-rooms";

/// Alice (owner) with students bob, carol and dave in a group conversation.
async fn class(app: &TestApp) -> (Client, Vec<Client>, String) {
    let alice = app.user("alice").await;
    let token = alice.create_room("Class").await;
    let mut students = Vec::new();
    for name in ["bob", "carol", "dave"] {
        students.push(app.user(name).await);
        alice.add(&token, name).await;
    }
    (alice, students, token)
}

fn breakout_rooms(answer: &Value) -> Vec<Value> {
    answer
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["objectType"] == "room")
        .cloned()
        .collect()
}

fn parent_of<'a>(answer: &'a Value, token: &str) -> &'a Value {
    answer
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["token"] == token)
        .expect("parent in the answer")
}

async fn configure(alice: &Client, token: &str, body: Value) -> Value {
    let answer = alice.post(&format!("{BREAKOUT}/{token}"), body).await;
    answer.expect(200);
    answer.data().clone()
}

/// The breakout rooms of a configured parent, by room number.
async fn children(alice: &Client, token: &str) -> Vec<String> {
    let list = alice.get(&format!("/room/{token}/breakout-rooms")).await;
    list.expect(200);
    list.data()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["token"].as_str().unwrap().to_owned())
        .collect()
}

async fn member_ids(alice: &Client, token: &str) -> Vec<String> {
    alice
        .participants(token)
        .await
        .iter()
        .map(|p| p["actorId"].as_str().unwrap().to_owned())
        .collect()
}

/// The messages of `token` named `system_message` as `client` reads them, newest first.
async fn rendered(client: &Client, token: &str, system_message: &str) -> Vec<Value> {
    let chat = client
        .get(&format!(
            "/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=0&limit=200"
        ))
        .await;
    chat.expect(200);
    chat.data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["systemMessage"] == system_message)
        .cloned()
        .collect()
}
