//! OCS transport rules: parameter sources and loose scalars, body errors, v1 versus v2
//! envelopes, token routing and endpoints confab does not serve.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Answer, Client, TestApp};

const V1_TALK: &str = "/ocs/v1.php/apps/spreed/api/v4";

/// Asserts a v1 answer: HTTP 200, the given `statuscode`, and v1's extra meta fields.
#[track_caller]
fn expect_v1(answer: &Answer, statuscode: i64) {
    assert_eq!(answer.status, 200, "body: {}", answer.raw);
    assert_eq!(answer.statuscode(), statuscode, "body: {}", answer.raw);
    let meta = &answer.body["ocs"]["meta"];
    let status = if statuscode == 100 { "ok" } else { "failure" };
    assert_eq!(meta["status"], status, "body: {}", answer.raw);
    assert_eq!(meta["totalitems"], "");
    assert_eq!(meta["itemsperpage"], "");
}

// ---------------------------------------------------------------- parameters

#[tokio::test]
async fn form_bodies_work_on_put_and_delete() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice
        .send_form(
            Method::POST,
            &format!("/room/{token}/participants"),
            &[("newParticipant", "bob"), ("source", "users")],
        )
        .await
        .expect(200);
    alice
        .send_form(
            Method::PUT,
            &format!("/room/{token}"),
            &[("roomName", "Form named")],
        )
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["name"], "Form named");

    let bob_id = alice.attendee_id(&token, "bob").await.to_string();
    alice
        .send_form(
            Method::POST,
            &format!("/room/{token}/moderators"),
            &[("attendeeId", &bob_id)],
        )
        .await
        .expect(200);
    alice
        .send_form(
            Method::DELETE,
            &format!("/room/{token}/moderators"),
            &[("attendeeId", &bob_id)],
        )
        .await
        .expect(200);
    assert_eq!(alice.participant(&token, "bob").await["participantType"], 3);
    alice
        .send_form(
            Method::DELETE,
            &format!("/room/{token}/attendees"),
            &[("attendeeId", &bob_id)],
        )
        .await
        .expect(200);
    bob.get(&format!("/room/{token}")).await.expect(404);
}

#[tokio::test]
async fn query_string_parameters_work_on_put() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .send(
            Method::PUT,
            &format!("/room/{token}?roomName=Queried%20name"),
            None,
        )
        .await
        .expect(200);
    alice
        .send(
            Method::PUT,
            &format!("/room/{token}/read-only?state=1"),
            None,
        )
        .await
        .expect(200);
    let room = alice.room(&token).await;
    assert_eq!(room["name"], "Queried name");
    assert_eq!(room["readOnly"], 1);
}

#[tokio::test]
async fn body_parameters_win_over_the_query_string() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .put(
            &format!("/room/{token}?roomName=From%20query"),
            json!({"roomName": "From body"}),
        )
        .await
        .expect(200);
    assert_eq!(alice.room(&token).await["name"], "From body");
}

#[tokio::test]
async fn json_scalars_sent_as_strings_are_understood() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let created = alice
        .post(
            "/room",
            json!({"roomType": "3", "roomName": "Strings", "readOnly": "1", "listable": "2"}),
        )
        .await;
    created.expect(201);
    assert_eq!(created.data()["type"], 3);
    assert_eq!(created.data()["readOnly"], 1);
    assert_eq!(created.data()["listable"], 2);
    let token = created.data()["token"].as_str().unwrap().to_owned();

    alice
        .put(&format!("/room/{token}/read-only"), json!({"state": "0"}))
        .await
        .expect(200);
    alice
        .post(&format!("/room/{token}/notify"), json!({"level": "1"}))
        .await
        .expect(200);
    alice
        .put(
            &format!("/room/{token}/webinar/lobby"),
            json!({"state": true}),
        )
        .await
        .expect(200);
    alice
        .join(&token, json!({"force": "true"}))
        .await
        .expect(200);
    let room = alice.room(&token).await;
    assert_eq!(room["readOnly"], 0);
    assert_eq!(room["notificationLevel"], 1);
    assert_eq!(room["lobbyState"], 1);

    let list = alice
        .get("/room?includeLastMessage=false&modifiedSince=0")
        .await;
    list.expect(200);
    assert!(list.data()[0].get("lastMessage").is_none());
    let list = alice.get("/room?includeLastMessage=1").await;
    assert!(list.data()[0].get("lastMessage").is_some());
}

#[tokio::test]
async fn unparsable_scalars_are_400_with_the_parameter_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .put(
            &format!("/room/{token}/read-only"),
            json!({"state": "yes please"}),
        )
        .await
        .expect_error(400, "state");
    alice
        .post("/room", json!({"roomType": "group", "roomName": "X"}))
        .await
        .expect_error(400, "roomType");
    assert_eq!(alice.room_tokens().await, vec![token]);
}

#[tokio::test]
async fn an_empty_json_list_is_no_parameters() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    bob.send_raw(
        Method::DELETE,
        &format!("/room/{token}/participants/self"),
        "application/json",
        "[]",
    )
    .await
    .expect(200);
    assert!(bob.room_tokens().await.is_empty());
}

#[tokio::test]
async fn malformed_json_is_400_with_an_envelope() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for body in ["{\"roomType\": 2,", "\"just a string\"", "[1, 2]"] {
        let answer = alice
            .send_raw(Method::POST, "/room", "application/json", body)
            .await;
        answer.expect(400);
        answer.expect_failure_envelope(400);
        assert_eq!(
            answer.header("content-type"),
            Some("application/json; charset=utf-8")
        );
    }
    assert!(alice.room_tokens().await.is_empty());
}

#[tokio::test]
async fn body_over_1_mib_is_413_with_an_envelope() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let body = json!({"roomType": 2, "roomName": "Big", "description": "x".repeat(1024 * 1024)});
    let answer = alice
        .send_raw(Method::POST, "/room", "application/json", body.to_string())
        .await;
    answer.expect(413);
    answer.expect_failure_envelope(413);
    assert!(alice.room_tokens().await.is_empty());

    // Just under the limit is read (and then judged on its content).
    let fits = json!({"roomType": 2, "roomName": "Big", "description": "x".repeat(1000 * 1000)});
    alice
        .send_raw(Method::POST, "/room", "application/json", fits.to_string())
        .await
        .expect_error(400, "description");
}

// ---------------------------------------------------------------- v1 and v2

#[tokio::test]
async fn v2_success_carries_status_ok_and_message_ok() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice.get("/room").await;
    answer.expect(200);
    assert_eq!(answer.body["ocs"]["meta"]["status"], "ok");
    assert_eq!(answer.body["ocs"]["meta"]["message"], "OK");
    assert!(answer.body["ocs"]["meta"].get("totalitems").is_none());
}

#[tokio::test]
async fn v1_success_is_http_200_with_statuscode_100() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    let answer = alice.get(&format!("{V1_TALK}/room")).await;
    expect_v1(&answer, 100);
    assert_eq!(answer.data()[0]["token"], token.as_str());
    let single = alice.get(&format!("{V1_TALK}/room/{token}")).await;
    expect_v1(&single, 100);
    assert!(single.header("x-nextcloud-talk-hash").is_some());
}

#[tokio::test]
async fn v1_passes_201_through_as_a_failure_status() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice
        .post(
            &format!("{V1_TALK}/room"),
            json!({"roomType": 2, "roomName": "Via v1"}),
        )
        .await;
    expect_v1(&answer, 201);
    assert_eq!(answer.data()["name"], "Via v1");
}

#[tokio::test]
async fn v1_errors_are_http_200_with_their_statuscode() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;

    let missing = alice.get(&format!("{V1_TALK}/room/abcdefgh")).await;
    expect_v1(&missing, 404);
    assert_eq!(missing.data(), &json!([]));

    let forbidden = bob
        .put(
            &format!("{V1_TALK}/room/{token}"),
            json!({"roomName": "Mine"}),
        )
        .await;
    expect_v1(&forbidden, 403);

    let invalid = alice
        .put(&format!("{V1_TALK}/room/{token}"), json!({"roomName": " "}))
        .await;
    expect_v1(&invalid, 400);
    assert_eq!(invalid.error(), Some("value"));
    assert_eq!(alice.room(&token).await["name"], "Team");
}

#[tokio::test]
async fn v1_anonymous_is_http_401() {
    let app = TestApp::spawn().await;
    let answer = app.guest().get(&format!("{V1_TALK}/room")).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.statuscode(), 997);
    assert_eq!(answer.body["ocs"]["meta"]["status"], "failure");
}

// ---------------------------------------------------------------- tokens and routes

#[tokio::test]
async fn tokens_outside_the_route_pattern_are_404() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let long = "a".repeat(31);
    for token in [
        "ABCDEFGH",
        "abc",
        long.as_str(),
        "ab-cdefg",
        "abc_defg",
        "%C3%A4bcdefg",
    ] {
        alice
            .get(&format!("/room/{token}"))
            .await
            .expect_failure_envelope(404)
            .expect(404);
        alice
            .get(&format!("/room/{token}/participants"))
            .await
            .expect(404);
        alice.join(token, json!({})).await.expect(404);
    }
}

#[tokio::test]
async fn tokens_of_4_and_30_characters_reach_the_room_lookup() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for token in ["abcd".to_owned(), "a".repeat(30), "1234".to_owned()] {
        alice.get(&format!("/room/{token}")).await.expect_empty(404);
    }
}

#[tokio::test]
async fn unimplemented_talk_endpoints_are_501_with_an_envelope_and_not_advertised() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    let path = format!("/ocs/v2.php/apps/spreed/api/v1/bot/{token}");
    let answer = alice.get(&path).await;
    answer.expect_error(501, "not-implemented");
    answer.expect_failure_envelope(501);
    alice
        .post(&format!("{path}/1"), json!({}))
        .await
        .expect(501);
    let v1 = alice
        .get(&format!("/ocs/v1.php/apps/spreed/api/v1/bot/{token}"))
        .await;
    expect_v1(&v1, 501);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        vec!["conversation_created"]
    );
    let capabilities = alice.get("/ocs/v2.php/cloud/capabilities").await;
    let features = &capabilities.data()["capabilities"]["spreed"]["features"];
    assert!(!features.as_array().unwrap().contains(&json!("bots-v1")));
}

#[tokio::test]
async fn unknown_ocs_routes_are_404_with_an_envelope() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .get("/ocs/v2.php/cloud/nothing-here")
        .await
        .expect_failure_envelope(404)
        .expect(404);
}
