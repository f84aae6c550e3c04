//! Bad input at the boundary: text holding U+0000 is refused with 400 `nul-character` before
//! it reaches the store (PostgreSQL cannot hold it), on every backend, and changes nothing.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};

const NUL: &str = "nul-character";
const CURRENT_USER: &str = "/ocs/v2.php/cloud/user";

#[tokio::test]
async fn nul_in_room_names_and_descriptions_is_400_and_changes_nothing() {
    for app in TestApp::on_each_backend().await {
        let alice = app.user("alice").await;
        alice
            .post("/room", json!({"roomType": 2, "roomName": "bad\u{0}name"}))
            .await
            .expect_error(400, NUL);
        alice
            .send_form(
                Method::POST,
                "/room",
                &[("roomType", "2"), ("roomName", "bad\u{0}name")],
            )
            .await
            .expect_error(400, NUL);
        assert!(alice.room_tokens().await.is_empty(), "{}", app.backend);

        let token = alice.create_room("Team").await;
        alice
            .put(
                &format!("/room/{token}/description"),
                json!({"description": "a\u{0}b"}),
            )
            .await
            .expect_error(400, NUL);
        alice
            .put(&format!("/room/{token}"), json!({"roomName": "x\u{0}"}))
            .await
            .expect_error(400, NUL);
        let room = alice.room(&token).await;
        assert_eq!(room["description"], "", "{}", app.backend);
        assert_eq!(room["name"], "Team", "{}", app.backend);
        app.close().await;
    }
}

#[tokio::test]
async fn nul_in_participants_guest_names_and_search_terms_is_400() {
    for app in TestApp::on_each_backend().await {
        let alice = app.user("alice").await;
        let token = alice.create_public_room("Open").await;
        alice
            .post(
                &format!("/room/{token}/participants"),
                json!({"newParticipant": "bo\u{0}b", "source": "users"}),
            )
            .await
            .expect_error(400, NUL);
        alice
            .post(
                "/room",
                json!({"roomType": 2, "roomName": "R", "participants": {"users": ["x\u{0}"]}}),
            )
            .await
            .expect_error(400, NUL);
        assert_eq!(alice.participants(&token).await.len(), 1, "{}", app.backend);

        let guest = app.guest();
        guest.join(&token, json!({})).await.expect(200);
        guest
            .post(
                &format!("/ocs/v2.php/apps/spreed/api/v1/guest/{token}/name"),
                json!({"displayName": "Gu\u{0}est"}),
            )
            .await
            .expect_error(400, NUL);

        alice
            .get("/listed-room?searchTerm=a%00b")
            .await
            .expect_error(400, NUL);
        app.admin("root")
            .await
            .get("/ocs/v2.php/cloud/users?search=%00")
            .await
            .expect_error(400, NUL);
        app.close().await;
    }
}

#[tokio::test]
async fn nul_in_path_segments_is_400() {
    for app in TestApp::on_each_backend().await {
        let root = app.admin("root").await;
        for (method, path) in [
            (Method::GET, "/ocs/v2.php/cloud/users/a%00b"),
            (Method::DELETE, "/ocs/v2.php/cloud/users/a%00b"),
            (Method::GET, "/ocs/v2.php/cloud/users/a%00b/groups"),
            (Method::DELETE, "/ocs/v2.php/cloud/groups/g%00"),
            (
                Method::DELETE,
                "/ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed/k%00",
            ),
        ] {
            root.send(method.clone(), path, None)
                .await
                .expect_error(400, NUL);
        }
        app.close().await;
    }
}

#[tokio::test]
async fn a_login_name_with_nul_is_a_failed_login_counted_by_the_throttle() {
    for app in TestApp::on_each_backend().await {
        let alice = app.user("alice").await;
        let wrong = app.login("ali\u{0}ce", PASSWORD).get(CURRENT_USER).await;
        wrong.expect(401);
        let next = alice.get(CURRENT_USER).await;
        next.expect(200);
        assert!(
            next.header("x-nextcloud-bruteforce-throttled").is_some(),
            "[{}] the failure must count: {:?}",
            app.backend,
            next.headers
        );
        app.close().await;
    }
}
