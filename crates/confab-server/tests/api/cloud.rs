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

#[tokio::test]
async fn v2_capabilities_describe_talk_for_users_and_guests() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    for client in [&alice, &app.guest()] {
        let answer = client.get("/ocs/v2.php/cloud/capabilities").await;
        answer.expect(200);
        assert_eq!(answer.body["ocs"]["meta"]["status"], "ok");
        let spreed = &answer.data()["capabilities"]["spreed"];
        let features = spreed["features"].as_array().unwrap();
        for feature in [
            "conversation-v4",
            "favorites",
            "listable-rooms",
            "webinary-lobby",
            "conversation-permissions",
            "note-to-self",
            "conversation-creation-all",
        ] {
            assert!(features.contains(&json!(feature)), "missing {feature}");
        }
        for local in spreed["features-local"].as_array().unwrap() {
            assert!(
                features.contains(local),
                "{local} is local but not a feature"
            );
        }
        assert_eq!(spreed["config"]["call"]["breakout-rooms"], true);
        assert_eq!(spreed["config"]["call"]["enabled"], true);
        assert_eq!(
            spreed["config"]["conversations"]["description-length"],
            2000
        );
        assert!(spreed["version"].is_string());
        let version = &answer.data()["version"];
        assert_eq!(
            version["string"],
            format!(
                "{}.{}.{}",
                version["major"], version["minor"], version["micro"]
            )
        );
    }
}

#[tokio::test]
async fn talk_hash_is_the_same_for_every_caller() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let mine = alice.get("/ocs/v2.php/cloud/capabilities").await;
    let theirs = app.guest().get("/ocs/v1.php/cloud/capabilities").await;
    let hash = mine.header("x-nextcloud-talk-hash").unwrap();
    assert_eq!(hash.len(), 40);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(theirs.header("x-nextcloud-talk-hash"), Some(hash));
}

#[tokio::test]
async fn current_user_lists_their_groups() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    app.group("staff", &["alice"]).await;
    let answer = alice.get("/ocs/v1.php/cloud/user").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.statuscode(), 100);
    assert_eq!(answer.data()["id"], "alice");
    assert_eq!(answer.data()["groups"], json!(["staff"]));
}

#[tokio::test]
async fn room_capabilities_are_the_servers_for_participants_only() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    let server = alice.get("/ocs/v2.php/cloud/capabilities").await;
    let expected = &server.data()["capabilities"]["spreed"];

    let answer = alice.get(&format!("/room/{token}/capabilities")).await;
    answer.expect(200);
    assert_eq!(answer.data(), expected);
    assert_eq!(
        answer.header("x-nextcloud-talk-hash"),
        server.header("x-nextcloud-talk-hash")
    );

    // A guest who joined is a participant too.
    let guest = app.guest();
    guest.join(&token, json!({})).await.expect(200);
    guest
        .get(&format!("/room/{token}/capabilities"))
        .await
        .expect(200);

    // Not participants: 404, even for a public room and for an unknown token.
    carol
        .get(&format!("/room/{token}/capabilities"))
        .await
        .expect_empty(404);
    app.guest()
        .get(&format!("/room/{token}/capabilities"))
        .await
        .expect(404);
    alice.get("/room/nosuchroom/capabilities").await.expect(404);
}

#[tokio::test]
async fn features_confab_does_not_implement_are_not_advertised() {
    let app = TestApp::spawn().await;
    let answer = app.guest().get("/ocs/v2.php/cloud/capabilities").await;
    let features = answer.data()["capabilities"]["spreed"]["features"]
        .as_array()
        .unwrap()
        .clone();
    for missing in [
        "single-conversation-status",
        "audio",
        "video",
        "signaling-v3",
        "in-call-flags",
        "bots-v1",
        "federation-v1",
        "recording-v1",
    ] {
        assert!(
            !features.contains(&json!(missing)),
            "{missing} is advertised"
        );
    }
    for present in [
        "ban-v1",
        "email-csv-import",
        "sensitive-conversations",
        "conversation-creation-all",
    ] {
        assert!(features.contains(&json!(present)), "{present} is missing");
    }
}
