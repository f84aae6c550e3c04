//! Malformed and out-of-range input: the documented status and `error` key, and nothing changes.

use reqwest::Method;
use serde_json::{json, Value};

use super::{children, class, configure, member_ids, BREAKOUT};
use crate::helpers::{Client, TestApp};

const CONFIG: &str = "/ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed";

/// The parent is still unconfigured and has no breakout rooms.
async fn untouched(app: &TestApp, alice: &Client, token: &str) {
    assert_eq!(alice.room(token).await["breakoutRoomMode"], 0);
    let store = &app.services.context.store;
    assert!(store
        .rooms_by_object("room", token)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn bad_amounts_and_names_are_refused_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let path = format!("{BREAKOUT}/{token}");
    for amount in [json!("abc"), json!(-1), json!(0), json!(21), json!([2])] {
        alice
            .post(&path, json!({"mode": 1, "amount": amount}))
            .await
            .expect_error(400, "amount");
    }
    alice
        .post(&path, json!({"mode": 1}))
        .await
        .expect_error(400, "amount");
    let long = "n".repeat(256);
    for names in [
        json!(["A", "B", "C"]),
        json!(["A", ""]),
        json!(["   "]),
        json!([long]),
        json!([1, 2]),
        json!({"0": "A"}),
        json!("not a list"),
    ] {
        alice
            .post(&path, json!({"mode": 1, "amount": 2, "names": names}))
            .await
            .expect_error(400, "names");
    }
    untouched(&app, &alice, &token).await;

    // Fewer names than rooms: the rest keep their number; names are trimmed.
    let answer = configure(
        &alice,
        &token,
        json!({"mode": 3, "amount": 2, "names": [" Reds ", "n".repeat(255)]}),
    )
    .await;
    let names: Vec<&Value> = answer
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["objectType"] == "room")
        .map(|r| &r["name"])
        .collect();
    assert_eq!(names, vec![&json!("Reds"), &json!("n".repeat(255))]);
}

#[tokio::test]
async fn nested_and_oversized_attendee_maps_are_refused() {
    let app = TestApp::spawn().await;
    let (alice, _, token) = class(&app).await;
    let bob = alice.attendee_id(&token, "bob").await;
    let path = format!("{BREAKOUT}/{token}");
    let nested = [
        json!({ bob.to_string(): {"2": 0} }),
        json!({ bob.to_string(): [0] }),
        json!({ bob.to_string(): null }),
        json!({ bob.to_string(): 0.5 }),
    ];
    for map in &nested {
        // As the JSON string Talk clients send, and as the object itself.
        for sent in [json!(map.to_string()), map.clone()] {
            alice
                .post(&path, json!({"mode": 2, "amount": 2, "attendeeMap": sent}))
                .await
                .expect_error(400, "attendeeMap");
        }
    }
    untouched(&app, &alice, &token).await;

    configure(&alice, &token, json!({"mode": 2, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    let reassign = format!("{BREAKOUT}/{token}/attendees");
    for map in &nested {
        alice
            .post(&reassign, json!({"attendeeMap": map.to_string()}))
            .await
            .expect_error(400, "attendeeMap");
    }
    let huge: serde_json::Map<String, Value> =
        (1..40_000).map(|i| (i.to_string(), json!(0))).collect();
    alice
        .post(
            &reassign,
            json!({"attendeeMap": Value::Object(huge).to_string()}),
        )
        .await
        .expect_error(400, "attendeeMap");
    for room in &rooms {
        assert_eq!(member_ids(&alice, room).await, vec!["alice"]);
    }
}

#[tokio::test]
async fn a_bad_reassign_or_switch_changes_nothing() {
    let app = TestApp::spawn().await;
    let (alice, students, token) = class(&app).await;
    let id = |name: &'static str| {
        let (alice, token) = (&alice, &token);
        async move { alice.attendee_id(token, name).await }
    };
    let (me, bob, carol) = (id("alice").await, id("bob").await, id("carol").await);
    configure(&alice, &token, json!({"mode": 3, "amount": 2})).await;
    let rooms = children(&alice, &token).await;
    alice
        .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
        .await
        .expect(200);
    let switch = format!("{BREAKOUT}/{token}/switch");
    students[0]
        .post(&switch, json!({"target": rooms[0]}))
        .await
        .expect(200);
    let messages: Vec<Vec<String>> = {
        let mut all = Vec::new();
        for room in &rooms {
            all.push(Client::system_messages(&app, room).await);
        }
        all
    };
    let members = || async {
        let mut all = Vec::new();
        for room in &rooms {
            all.push(member_ids(&alice, room).await);
        }
        all
    };
    let before = members().await;

    let reassign = format!("{BREAKOUT}/{token}/attendees");
    let with_moderator = json!({ bob.to_string(): 1, carol.to_string(): 1, me.to_string(): 0 });
    alice
        .post(
            &reassign,
            json!({"attendeeMap": with_moderator.to_string()}),
        )
        .await
        .expect_error(400, "moderator");
    let out_of_range = json!({ bob.to_string(): 1, carol.to_string(): 2 });
    alice
        .post(&reassign, json!({"attendeeMap": out_of_range.to_string()}))
        .await
        .expect_error(400, "attendeeMap");
    for target in [json!("zzzzzzzz"), json!(token), json!(""), json!(["x"])] {
        students[0]
            .post(&switch, json!({"target": target}))
            .await
            .expect_error(400, "target");
    }

    assert_eq!(members().await, before);
    for (room, seen) in rooms.iter().zip(&messages) {
        assert_eq!(&Client::system_messages(&app, room).await, seen);
    }
}

#[tokio::test]
async fn the_advertised_maximum_follows_the_app_config() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let (alice, _, token) = class(&app).await;
    let caps = || async {
        let answer = alice.get("/ocs/v2.php/cloud/capabilities").await;
        answer.data()["capabilities"]["spreed"].clone()
    };
    let spreed = caps().await;
    for feature in [
        "breakout-rooms-v1",
        "breakout-rooms-names",
        "breakout-rooms-guests",
        "breakout-rooms-max",
    ] {
        assert!(
            spreed["features"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == feature),
            "{feature}"
        );
    }
    assert_eq!(spreed["config"]["call"]["breakout-rooms"], true);
    assert_eq!(spreed["config"]["call"]["breakout-rooms-max"], 20);

    let set = |value: &'static str| {
        let root = &root;
        async move {
            root.send_form(
                Method::POST,
                &format!("{CONFIG}/breakout_rooms_max"),
                &[("value", value)],
            )
            .await
        }
    };
    set("501").await.expect_error(400, "value");
    set("0").await.expect_error(400, "value");
    assert_eq!(caps().await["config"]["call"]["breakout-rooms-max"], 20);
    set("500").await.expect(200);
    assert_eq!(caps().await["config"]["call"]["breakout-rooms-max"], 500);
    let path = format!("{BREAKOUT}/{token}");
    alice
        .post(&path, json!({"mode": 3, "amount": 501}))
        .await
        .expect_error(400, "amount");
    set("25").await.expect(200);
    alice
        .post(&path, json!({"mode": 3, "amount": 26}))
        .await
        .expect_error(400, "amount");
    untouched(&app, &alice, &token).await;
}
