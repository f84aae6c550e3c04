//! Authentication: Basic with account or app password, Bearer with an app password, anonymous
//! callers, and brute-force throttling of failed logins.

use std::time::Duration;

use confab_core::throttle::ThrottlePolicy;
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};

const CURRENT_USER: &str = "/ocs/v2.php/cloud/user";
const THROTTLED: &str = "x-nextcloud-bruteforce-throttled";

#[tokio::test]
async fn bearer_app_password_authenticates_the_user() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    let app_password = app
        .services
        .accounts
        .create_app_password("alice")
        .await
        .unwrap();
    let client = app.bearer(&app_password);
    let me = client.get(CURRENT_USER).await;
    me.expect(200);
    assert_eq!(me.data()["id"], "alice");
    let created = client
        .post("/room", json!({"roomType": 2, "roomName": "Via token"}))
        .await;
    created.expect(201);
    assert_eq!(created.data()["actorId"], "alice");
}

#[tokio::test]
async fn basic_with_an_app_password_authenticates_the_user() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    let app_password = app
        .services
        .accounts
        .create_app_password("alice")
        .await
        .unwrap();
    let client = app.login("alice", &app_password);
    let me = client.get(CURRENT_USER).await;
    me.expect(200);
    assert_eq!(me.data()["id"], client.id.as_str());
}

#[tokio::test]
async fn an_app_password_only_works_for_its_own_user() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    app.user("bob").await;
    let alices = app
        .services
        .accounts
        .create_app_password("alice")
        .await
        .unwrap();
    app.login("bob", &alices)
        .get(CURRENT_USER)
        .await
        .expect(401);
}

#[tokio::test]
async fn unknown_bearer_token_is_401() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    let answer = app
        .bearer("not-a-real-app-password")
        .get(CURRENT_USER)
        .await;
    answer.expect(401);
    assert_eq!(answer.body["ocs"]["meta"]["status"], "failure");
}

#[tokio::test]
async fn unknown_user_is_401() {
    let app = TestApp::spawn().await;
    app.login("nobody", PASSWORD)
        .get(CURRENT_USER)
        .await
        .expect(401);
}

#[tokio::test]
async fn unsupported_authorization_scheme_is_401() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    let answer = reqwest::Client::new()
        .get(format!("{}{CURRENT_USER}", app.base))
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json")
        .header("Authorization", "Digest username=\"alice\"")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["ocs"]["meta"]["statuscode"], 997);
}

#[tokio::test]
async fn wrong_password_is_401_and_later_requests_carry_the_throttle_header() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;

    let wrong = app.login("alice", "wrong password").get(CURRENT_USER).await;
    wrong.expect(401);
    assert_eq!(
        wrong.body["ocs"]["meta"]["message"],
        "Current user is not logged in"
    );
    assert!(wrong.header(THROTTLED).is_none());

    // The next attempt from the same address waits and says so, even when it succeeds.
    let next = alice.get(CURRENT_USER).await;
    next.expect(200);
    assert!(next.header(THROTTLED).is_some(), "{:?}", next.headers);

    // A success forgets the failures.
    let after = alice.get(CURRENT_USER).await;
    after.expect(200);
    assert!(after.header(THROTTLED).is_none());
}

#[tokio::test]
async fn wrong_credentials_are_refused_even_on_public_endpoints() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    app.login("alice", "wrong password")
        .get("/ocs/v2.php/cloud/capabilities")
        .await
        .expect(401);
}

#[tokio::test]
async fn anonymous_callers_get_401_on_user_endpoints() {
    let app = TestApp::spawn().await;
    let guest = app.guest();
    for (method, path) in [
        (reqwest::Method::GET, "/room"),
        (reqwest::Method::POST, "/room"),
        (reqwest::Method::GET, "/listed-room"),
        (reqwest::Method::GET, CURRENT_USER),
    ] {
        guest.send(method, path, None).await.expect(401);
    }
}

#[tokio::test]
async fn the_first_answer_sets_a_session_cookie_that_is_then_kept() {
    let app = TestApp::spawn().await;
    let guest = app.guest();
    let first = guest.get("/ocs/v2.php/cloud/capabilities").await;
    first.expect(200);
    let cookie = first.header("set-cookie").expect("session cookie");
    assert!(cookie.starts_with("confab_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let second = guest.get("/ocs/v2.php/cloud/capabilities").await;
    assert!(second.header("set-cookie").is_none());
}

#[tokio::test]
async fn a_password_change_invalidates_the_old_password() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice.get(CURRENT_USER).await.expect(200);
    app.services
        .accounts
        .set_password("alice", "a brand new password")
        .await
        .unwrap();
    alice.get(CURRENT_USER).await.expect(401);
    app.login("alice", "a brand new password")
        .get(CURRENT_USER)
        .await
        .expect(200);
}

/// A policy that reaches its cap after three failures without making tests wait.
fn quick_policy() -> ThrottlePolicy {
    ThrottlePolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        refuse_after: 3,
    }
}

#[tokio::test]
async fn logins_at_the_throttle_cap_are_429_even_with_the_right_password() {
    let app = TestApp::spawn_configured(|config| config.brute_force = quick_policy()).await;
    let alice = app.user("alice").await;
    for _ in 0..3 {
        app.login("alice", "wrong password")
            .get(CURRENT_USER)
            .await
            .expect(401);
    }
    let refused = alice.get(CURRENT_USER).await;
    refused.expect(429);
    assert_eq!(refused.header(THROTTLED), Some("4ms"));
    assert_eq!(
        refused.body["ocs"]["meta"]["message"],
        "Reached maximum delay"
    );
}

#[tokio::test]
async fn wrong_room_passwords_reach_the_cap_and_then_are_429() {
    let app = TestApp::spawn_configured(|config| config.brute_force = quick_policy()).await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Locked").await;
    alice
        .put(
            &format!("/room/{token}/password"),
            json!({"password": "room secret"}),
        )
        .await
        .expect(200);
    let guest = app.guest();
    let first = guest.join(&token, json!({"password": "nope"})).await;
    first.expect_error(403, "password");
    assert!(first.header(THROTTLED).is_none());
    for _ in 0..2 {
        let again = guest.join(&token, json!({"password": "nope"})).await;
        again.expect_error(403, "password");
        assert!(again.header(THROTTLED).is_some(), "{:?}", again.headers);
    }
    let refused = guest.join(&token, json!({"password": "room secret"})).await;
    refused.expect(429);
    assert_eq!(refused.header(THROTTLED), Some("4ms"));
    // Logins from the same address are not affected.
    alice.get(CURRENT_USER).await.expect(200);
}

/// A failed login from `address` as a proxy in front of confab reports it.
async fn login_via_proxy(app: &TestApp, address: &str, password: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/ocs/v2.php/cloud/user", app.base))
        .basic_auth("alice", Some(password))
        .header("OCS-APIRequest", "true")
        .header("X-Forwarded-For", format!("198.18.0.1, {address}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_failed_logins_count_for_the_forwarded_address() {
    let app = TestApp::spawn_configured(|config| {
        config.brute_force = quick_policy();
        config.trusted_proxies =
            vec![confab_core::ip_range::IpRange::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    app.user("alice").await;
    for _ in 0..3 {
        assert_eq!(login_via_proxy(&app, "203.0.113.5", "wrong").await, 401);
    }
    assert_eq!(login_via_proxy(&app, "203.0.113.5", PASSWORD).await, 429);
    assert_eq!(
        login_via_proxy(&app, "203.0.113.6", PASSWORD).await,
        200,
        "another caller behind the same proxy is not held back"
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_names_nobody() {
    let app = TestApp::spawn_configured(|config| config.brute_force = quick_policy()).await;
    app.user("alice").await;
    for n in 0..3 {
        let address = format!("203.0.113.{n}");
        assert_eq!(login_via_proxy(&app, &address, "wrong").await, 401);
    }
    assert_eq!(
        login_via_proxy(&app, "203.0.113.99", PASSWORD).await,
        429,
        "a made-up header does not escape the throttle"
    );
}
