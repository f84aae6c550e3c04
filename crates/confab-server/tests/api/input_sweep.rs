//! No input causes a 500: every parameter of the chat endpoints, the numbers of the room
//! endpoints and the ban parameters, given values of every kind (the ends of the integer range,
//! numbers too large for it, wrong types, empty and very long text, emoji), is answered with a
//! 4xx (or 501), never a server error, on both backends.

use reqwest::Method;
use serde_json::{json, Value};

use crate::chat_support::{chat, say_id, shared_room, V1};
use crate::helpers::{Client, TestApp};

fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e300),
        json!(-0.5),
        json!(""),
        json!(" "),
        json!("abc"),
        json!("1e3"),
        json!("99999999999999999999999"),
        json!("💥".repeat(10)),
        json!("a".repeat(40_000)),
        json!([]),
        json!([1]),
        json!({}),
        json!({"a": 1}),
        json!(true),
    ]
}

/// Sends `base` with `field` set to each odd value; fails on any server error.
async fn sweep(client: &Client, method: &Method, path: &str, base: &Value, field: &str) {
    for value in odd_values() {
        let mut body = base.clone();
        body[field] = value.clone();
        let answer = client.send(method.clone(), path, Some(body)).await;
        let status = answer.status.as_u16();
        assert!(
            status < 500 || status == 501,
            "{method} {path} with {field}={value:.60}: {status}"
        );
    }
}

/// Sends each odd value that fits a query string as `field`; fails on any server error.
async fn sweep_query(client: &Client, path: &str, field: &str) {
    for value in odd_values() {
        let text = match &value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => u8::from(*b).to_string(),
            _ => continue,
        };
        let url = reqwest::Url::parse_with_params(
            "http://x/",
            [(field, text.as_str()), ("timeout", "0")],
        )
        .unwrap();
        let answer = client
            .get(&format!("{path}?{}", url.query().unwrap_or_default()))
            .await;
        let status = answer.status.as_u16();
        assert!(status < 500, "GET {path} with {field}={text:.60}: {status}");
    }
}

/// Bodies to sweep: the method, the path, a valid body, and the fields to give odd values.
type BodyCase = (Method, String, Value, &'static [&'static str]);

fn chat_cases(token: &str, id: i64) -> Vec<BodyCase> {
    let chat = chat(token);
    let message = json!({"message": "x", "reaction": "👍"});
    let (post, put) = (Method::POST, Method::PUT);
    vec![
        (
            post.clone(),
            chat.clone(),
            message.clone(),
            &[
                "message",
                "replyTo",
                "referenceId",
                "silent",
                "actorDisplayName",
            ],
        ),
        (
            put.clone(),
            format!("{chat}/{id}"),
            message.clone(),
            &["message"],
        ),
        (
            post.clone(),
            format!("{chat}/read"),
            json!({}),
            &["lastReadMessage"],
        ),
        (
            post.clone(),
            format!("{V1}/reaction/{token}/{id}"),
            message,
            &["reaction"],
        ),
        (
            post.clone(),
            format!("{chat}/{id}/pin"),
            json!({}),
            &["pinUntil"],
        ),
        (
            post.clone(),
            format!("{V1}/poll/{token}"),
            json!({"question": "q?", "options": ["a", "b"]}),
            &["question", "options", "resultMode", "maxVotes", "draft"],
        ),
        (
            post.clone(),
            format!("{chat}/share"),
            json!({"objectType": "geo-location", "objectId": "geo:1,2", "metaData": "{\"name\":\"here\"}"}),
            &["objectType", "objectId", "metaData", "referenceId"],
        ),
    ]
}

fn room_cases(token: &str, bob_id: i64) -> Vec<BodyCase> {
    let (post, put) = (Method::POST, Method::PUT);
    vec![
        (
            post.clone(),
            format!("{V1}/settings/user"),
            json!({"key": "play_sounds"}),
            &["key", "value"],
        ),
        (
            put.clone(),
            format!("/room/{token}/webinar/lobby"),
            json!({"state": 0}),
            &["state", "timer"],
        ),
        (
            post.clone(),
            format!("/room/{token}/message-expiration"),
            json!({}),
            &["seconds"],
        ),
        (
            put.clone(),
            format!("/room/{token}/attendees/permissions"),
            json!({"attendeeId": bob_id, "method": "add", "permissions": 128}),
            &["attendeeId", "method", "permissions"],
        ),
        (
            post.clone(),
            format!("{V1}/ban/{token}"),
            json!({"actorType": "users", "actorId": "carol", "internalNote": ""}),
            &["actorType", "actorId", "internalNote"],
        ),
        (
            post.clone(),
            format!("/room/{token}/notify"),
            json!({}),
            &["level"],
        ),
        (
            put,
            format!("/room/{token}/listable"),
            json!({}),
            &["scope"],
        ),
        (
            post,
            "/room".to_owned(),
            json!({"roomType": 2, "roomName": "odd"}),
            &[
                "roomType",
                "roomName",
                "lobbyTimer",
                "messageExpiration",
                "permissions",
            ],
        ),
    ]
}

fn query_cases(token: &str, id: i64) -> Vec<(String, &'static [&'static str])> {
    let chat = chat(token);
    vec![
        (
            chat.clone(),
            &[
                "lookIntoFuture",
                "limit",
                "lastKnownMessageId",
                "includeLastKnown",
                "setReadMarker",
                "lastCommonReadId",
            ],
        ),
        (format!("{chat}/{id}/context"), &["limit"]),
        (format!("{chat}/mentions"), &["search", "limit"]),
        (
            format!("{chat}/share"),
            &["objectType", "lastKnownMessageId", "limit"],
        ),
    ]
}

/// Message ids in paths that are not ids, or at the end of the range.
async fn sweep_ids(client: &Client, token: &str) {
    let chat = chat(token);
    for odd in [
        "abc",
        "-1",
        "0",
        "99999999999999999999",
        "9223372036854775807",
    ] {
        for (method, path) in [
            (Method::GET, format!("{chat}/{odd}/context")),
            (Method::PUT, format!("{chat}/{odd}")),
            (Method::DELETE, format!("{chat}/{odd}")),
            (Method::POST, format!("{V1}/reaction/{token}/{odd}")),
            (Method::GET, format!("{V1}/poll/{token}/{odd}")),
            (Method::POST, format!("{chat}/{odd}/pin")),
            (Method::DELETE, format!("{V1}/ban/{token}/{odd}")),
        ] {
            let body = json!({"message": "x", "reaction": "👍"});
            let answer = client.send(method.clone(), &path, Some(body)).await;
            assert!(
                answer.status.as_u16() < 500,
                "{method} {path}: {}",
                answer.status
            );
        }
    }
}

#[tokio::test]
async fn odd_values_in_any_chat_or_room_parameter_never_cause_a_server_error() {
    for app in TestApp::on_each_backend().await {
        let (alice, _bob, token) = shared_room(&app).await;
        let id = say_id(&alice, &token, "hello").await;
        let bob_id = alice.attendee_id(&token, "bob").await;
        let cases = chat_cases(&token, id)
            .into_iter()
            .chain(room_cases(&token, bob_id));
        for (method, path, base, fields) in cases {
            for field in fields {
                sweep(&alice, &method, &path, &base, field).await;
            }
        }
        for (path, fields) in query_cases(&token, id) {
            for field in fields {
                sweep_query(&alice, &path, field).await;
            }
        }
        sweep_ids(&alice, &token).await;
        app.close().await;
    }
}
