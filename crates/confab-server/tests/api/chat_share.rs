//! Sharing a rich object to the chat (`POST /chat/{token}/share`): the `{object}` message on
//! the wire and in the history, guests, long polls, and every refusal in upstream's order,
//! none of which changes anything.

use std::time::Duration;

use confab_core::ip_range::IpRange;
use reqwest::header::HOST;
use serde_json::{json, Value};

use crate::chat_support::{all_messages, chat, say_id, shared_room, V1};
use crate::helpers::{Answer, Client, TestApp, PASSWORD};

pub fn share_path(token: &str) -> String {
    format!("{}/share", chat(token))
}

/// Shares a rich object of `object_type` with `meta` (an object, sent as JSON text).
pub async fn share(
    client: &Client,
    token: &str,
    object_type: &str,
    object_id: &str,
    meta: &Value,
) -> Answer {
    client
        .post(
            &share_path(token),
            json!({"objectType": object_type, "objectId": object_id, "metaData": meta.to_string()}),
        )
        .await
}

/// Shares a `call` object named `name` and returns the message.
pub async fn share_call(client: &Client, token: &str, name: &str) -> Value {
    let answer = share(
        client,
        token,
        "call",
        "R4nd0mT0k3n",
        &json!({"name": name, "call-type": "group"}),
    )
    .await;
    answer.expect(201);
    answer.data().clone()
}

#[tokio::test]
async fn sharing_an_object_posts_an_object_message() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;

    let answer = alice
        .post(
            &share_path(&token),
            json!({
                "objectType": "call",
                "objectId": "R4nd0mT0k3n",
                "metaData": r#"{"name":"Another room","call-type":"group"}"#,
                "referenceId": "ref-1",
            }),
        )
        .await;

    answer.expect(201);
    assert_eq!(answer.body["ocs"]["meta"]["status"], "ok");
    assert!(answer.header("x-chat-last-common-read").is_some());
    let message = answer.data();
    let object = &message["messageParameters"]["object"];
    let icon = object["icon-url"].as_str().expect("icon-url").to_owned();
    let expected_icon = format!("{}{V1}/room/{token}/avatar?v=", app.base);
    assert!(icon.starts_with(&expected_icon), "{icon}");
    assert_eq!(
        object,
        &json!({"name": "Another room", "call-type": "group", "type": "call", "id": "R4nd0mT0k3n", "icon-url": icon})
    );
    assert_eq!(
        message["messageParameters"]["actor"],
        json!({"type": "user", "id": "alice", "name": "alice display"})
    );
    for (key, value) in [
        ("token", json!(token)),
        ("actorType", json!("users")),
        ("actorId", json!("alice")),
        ("actorDisplayName", json!("alice display")),
        ("message", json!("{object}")),
        ("systemMessage", json!("")),
        ("messageType", json!("comment")),
        ("isReplyable", json!(true)),
        ("referenceId", json!("ref-1")),
        ("reactions", json!({})),
        ("expirationTimestamp", json!(0)),
        ("markdown", json!(true)),
    ] {
        assert_eq!(message[key], value, "{key}");
    }

    // It is stored before the answer and everyone reads it like a message.
    let id = message["id"].as_i64().unwrap();
    assert_eq!(app.messages(&token).await.last().unwrap().id, id);
    let seen = all_messages(&bob, &token).await;
    assert_eq!(seen[0]["id"], id);
    assert_eq!(seen[0]["messageParameters"], message["messageParameters"]);
    // The sharer has read it; bob has not.
    assert_eq!(alice.room(&token).await["unreadMessages"], 0);
    assert_eq!(bob.room(&token).await["unreadMessages"], 1);
}

#[tokio::test]
async fn a_waiting_poll_wakes_up_for_a_shared_object() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let last = say_id(&alice, &token, "before").await;
    let poller = app.login("bob", PASSWORD);
    let path = format!(
        "{}?lookIntoFuture=1&lastKnownMessageId={last}&timeout=30",
        chat(&token)
    );
    let waiting = tokio::spawn(async move { poller.get(&path).await });

    let shared = share_call(&alice, &token, "Standup").await;

    let answer = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("poll answered in time")
        .expect("poll task");
    answer.expect(200);
    assert_eq!(answer.data()[0]["id"], shared["id"]);
    assert_eq!(answer.data()[0]["message"], "{object}");
}

#[tokio::test]
async fn a_guest_shares_under_the_name_they_give() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);

    let answer = guest
        .post(
            &share_path(&token),
            json!({
                "objectType": "geo-location",
                "objectId": "geo:52.5450511,13.3741463",
                "metaData": json!({"name": "Office", "latitude": "52.5450511", "longitude": "13.3741463"}).to_string(),
                "actorDisplayName": "Gus",
            }),
        )
        .await;

    answer.expect(201);
    let message = answer.data();
    assert_eq!(message["actorType"], "guests");
    assert_eq!(message["actorDisplayName"], "Gus");
    assert_eq!(message["messageParameters"]["actor"]["type"], "guest");
    assert_eq!(message["messageParameters"]["actor"]["name"], "Gus");
    assert_eq!(
        message["messageParameters"]["object"]["type"],
        "geo-location"
    );
}

/// Shares a deck card linking to `link`, asking for `host` with `X-Forwarded-Proto: proto`;
/// returns the status and the object's `icon-url` (empty when refused).
async fn share_card(
    app: &TestApp,
    token: &str,
    host: &str,
    proto: &str,
    link: &str,
) -> (u16, String) {
    let meta = json!({"name": "Card", "boardname": "Board", "stackname": "To do", "link": link});
    let answer = reqwest::Client::new()
        .post(format!("{}{}", app.base, share_path(token)))
        .basic_auth("alice", Some(PASSWORD))
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json")
        .header(HOST, host)
        .header("X-Forwarded-Proto", proto)
        .json(&json!({"objectType": "deck-card", "objectId": "7", "metaData": meta.to_string()}))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap();
    let icon = body["ocs"]["data"]["messageParameters"]["object"]["icon-url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if status == 400 {
        assert_eq!(body["ocs"]["data"], json!({"error": "link"}));
    }
    (status, icon)
}

#[tokio::test]
async fn the_object_icon_and_trusted_links_follow_the_host_asked_for() {
    let app = TestApp::spawn_configured(|config| {
        config.trusted_proxies = vec![IpRange::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let (_alice, _bob, token) = shared_room(&app).await;
    let card = "https://talk.example:8443/apps/deck/card/7";
    let (status, icon) = share_card(&app, &token, "talk.example:8443", "https", card).await;
    assert_eq!(status, 201);
    let avatar = format!("talk.example:8443{V1}/room/{token}/avatar?v=");
    assert!(icon.starts_with(&format!("https://{avatar}")), "{icon}");
    let elsewhere = "https://elsewhere.example/card/7";
    let (status, _) = share_card(&app, &token, "talk.example:8443", "http", elsewhere).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn forwarded_schemes_count_only_from_trusted_proxies_and_names_only_from_trusted_domains() {
    let app = TestApp::spawn_configured(|config| {
        config.trusted_domains = vec!["talk.example:8443".into()];
    })
    .await;
    let (_alice, _bob, token) = shared_room(&app).await;
    let card = "https://talk.example:8443/apps/deck/card/7";
    // Nobody in front of confab is trusted: the header is the caller's own claim.
    let (status, icon) = share_card(&app, &token, "talk.example:8443", "https", card).await;
    assert_eq!(status, 201);
    assert!(icon.starts_with("http://talk.example:8443/"), "{icon}");
    // A request naming another host neither moves the icon nor makes its links trusted.
    let evil = "https://evil.example/card/7";
    let (status, _) = share_card(&app, &token, "evil.example", "http", evil).await;
    assert_eq!(status, 400);
    let (status, icon) = share_card(&app, &token, "evil.example", "http", card).await;
    assert_eq!(status, 201);
    assert!(icon.starts_with("http://talk.example:8443/"), "{icon}");
}

#[tokio::test]
async fn invalid_objects_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    let location = |name: &str| json!({"name": name, "latitude": "1", "longitude": "2"});
    let cases: Vec<(&str, &str, Value, u16, &str)> = vec![
        (
            "call",
            "x",
            json!({"MISSINGname": "Room", "call-type": "group"}),
            400,
            "object",
        ),
        ("call", "x", json!({"name": "Room"}), 400, "object"),
        (
            "call",
            "x",
            json!({"name": 42, "call-type": "group"}),
            400,
            "object",
        ),
        (
            "spaceship",
            "x",
            json!({"name": "Enterprise"}),
            400,
            "object",
        ),
        ("", "x", json!({"name": "nothing"}), 400, "object"),
        (
            "geo-location",
            "https://nextcloud.com/",
            location("Office"),
            400,
            "object",
        ),
        (
            "user",
            "u",
            json!({"name": "User", "link": "https://evil.example/"}),
            400,
            "link",
        ),
        // The link is checked before the type.
        (
            "spaceship",
            "x",
            json!({"link": "https://evil.example/"}),
            400,
            "link",
        ),
        (
            "user",
            "u",
            json!({"name": "x".repeat(32_000)}),
            413,
            "message",
        ),
    ];
    let before = app.messages(&token).await;
    let name_before = guest_name(&alice, &token).await;

    for (object_type, id, meta, status, key) in cases {
        let answer = guest
            .post(
                &share_path(&token),
                json!({"objectType": object_type, "objectId": id, "metaData": meta.to_string(), "actorDisplayName": "Renamed"}),
            )
            .await;
        answer.expect_error(status, key);
    }
    // metaData that is no JSON object is no data: the name every type needs is missing.
    for meta in ["", "not json", "42", "[\"Room\",\"group\"]"] {
        guest
            .post(
                &share_path(&token),
                json!({"objectType": "call", "objectId": "x", "metaData": meta}),
            )
            .await
            .expect_error(400, "object");
    }
    guest
        .post(&share_path(&token), json!({}))
        .await
        .expect_error(400, "object");

    assert_eq!(app.messages(&token).await, before);
    assert_eq!(guest_name(&alice, &token).await, name_before);
}

async fn guest_name(moderator: &Client, token: &str) -> Value {
    moderator
        .participants(token)
        .await
        .into_iter()
        .find(|p| p["actorType"] == "guests")
        .map(|p| p["displayName"].clone())
        .expect("the guest")
}

#[tokio::test]
async fn sharing_needs_a_writable_room_the_lobby_and_chat_permission() {
    let app = TestApp::spawn().await;
    let (alice, bob, token) = shared_room(&app).await;
    let carol = app.user("carol").await;
    let call = json!({"name": "Room", "call-type": "group"});
    let bad = json!({"name": "no call type"});
    let before = app.messages(&token).await;

    share(&carol, &token, "call", "x", &call)
        .await
        .expect_empty(404);
    share(&carol, "nosuchroom", "call", "x", &call)
        .await
        .expect_empty(404);
    app.guest()
        .post(&share_path(&token), json!({"objectType": "call"}))
        .await
        .expect_empty(404);

    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 1}))
        .await
        .expect(200);
    // Access is checked before the object.
    share(&bob, &token, "call", "x", &bad)
        .await
        .expect_empty(403);
    share(&alice, &token, "call", "x", &call)
        .await
        .expect_empty(403);
    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": 0}))
        .await
        .expect(200);

    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 1}))
        .await
        .expect(200);
    share(&bob, &token, "call", "x", &bad)
        .await
        .expect_empty(412);
    share_call(&alice, &token, "moderators pass the lobby").await;
    alice
        .put(&format!("/room/{token}/webinar/lobby"), json!({"state": 0}))
        .await
        .expect(200);

    let bob_id = alice.attendee_id(&token, "bob").await;
    alice
        .put(
            &format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "set", "permissions": 2 | 4 | 16 | 32 | 64}),
        )
        .await
        .expect(200);
    share(&bob, &token, "call", "x", &bad)
        .await
        .expect_empty(403);

    let after: Vec<String> = app
        .messages(&token)
        .await
        .into_iter()
        .skip(before.len())
        .map(|m| format!("{}:{}", m.actor_id, m.message))
        .collect();
    assert_eq!(
        after,
        [
            "alice:read_only",
            "alice:read_only_off",
            "alice:lobby_non_moderators",
            "alice:{object}",
            "alice:lobby_none"
        ]
    );
}

#[tokio::test]
async fn the_v1_envelope_answers_200_with_statuscode_201() {
    let app = TestApp::spawn().await;
    let (alice, _bob, token) = shared_room(&app).await;
    let answer = alice
        .post(
            &format!("/ocs/v1.php/apps/spreed/api/v1/chat/{token}/share"),
            json!({"objectType": "call", "objectId": "x", "metaData": r#"{"name":"n","call-type":"group"}"#}),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.statuscode(), 201);
    assert_eq!(answer.data()["message"], "{object}");
}

#[tokio::test]
async fn capabilities_advertise_sharing_and_listing_objects() {
    let app = TestApp::spawn().await;
    let answer = app.guest().get("/ocs/v2.php/cloud/capabilities").await;
    let features = &answer.data()["capabilities"]["spreed"]["features"];
    for feature in [
        "rich-object-sharing",
        "rich-object-list-media",
        "rich-object-delete",
        "geo-location-sharing",
    ] {
        assert!(
            features.as_array().unwrap().contains(&json!(feature)),
            "missing {feature}"
        );
    }
}
