//! Core endpoints: status, capabilities, current user, provisioning, OCS transport rules.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn status_reports_an_installed_server() {
    let app = TestApp::spawn().await;
    let answer = app.guest().get("/status.php").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["installed"], true);
    assert_eq!(answer.body["maintenance"], false);
}

#[tokio::test]
async fn v1_capabilities_use_statuscode_100_and_list_features() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice.get("/ocs/v1.php/cloud/capabilities").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.statuscode(), 100);
    assert_eq!(answer.body["ocs"]["meta"]["status"], "ok");
    assert_eq!(answer.body["ocs"]["meta"]["totalitems"], "");
    let spreed = &answer.data()["capabilities"]["spreed"];
    assert!(spreed["features"]
        .as_array()
        .unwrap()
        .contains(&json!("conversation-v4")));
    assert_eq!(spreed["config"]["chat"]["max-length"], 32000);
    assert!(answer.data()["version"]["major"].as_i64().is_some());
    assert!(answer.header("x-nextcloud-talk-hash").is_some());
}

#[tokio::test]
async fn anonymous_user_endpoint_is_401_with_997_on_both_versions() {
    let app = TestApp::spawn().await;
    let guest = app.guest();
    guest.get("/ocs/v2.php/cloud/user").await.expect(401);
    let v1 = guest.get("/ocs/v1.php/cloud/user").await;
    assert_eq!(v1.status, 401);
    assert_eq!(v1.statuscode(), 997);
}

#[tokio::test]
async fn current_user_reports_id_and_display_name() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let answer = alice.get("/ocs/v2.php/cloud/user").await;
    answer.expect(200);
    assert_eq!(answer.data()["id"], "alice");
    assert_eq!(answer.data()["display-name"], "alice display");
}
