//! Provisioning: users, groups and Talk app settings, as administrators manage them.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Answer, Client, TestApp};

const USERS: &str = "/ocs/v1.php/cloud/users";
const GROUPS: &str = "/ocs/v1.php/cloud/groups";
const CONFIG: &str = "/ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed";
const CAPABILITIES: &str = "/ocs/v2.php/cloud/capabilities";

/// Asserts a v1 answer: HTTP 200 with the given `statuscode`.
#[track_caller]
fn expect_v1(answer: &Answer, statuscode: i64) {
    assert_eq!(answer.status, 200, "body: {}", answer.raw);
    assert_eq!(answer.statuscode(), statuscode, "body: {}", answer.raw);
}

fn strings(value: &Value) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    list.sort();
    list
}

async fn user_ids(admin: &Client) -> Vec<String> {
    let answer = admin.get(USERS).await;
    expect_v1(&answer, 100);
    strings(&answer.data()["users"])
}

async fn groups_of(admin: &Client, user: &str) -> Vec<String> {
    let answer = admin.get(&format!("{USERS}/{user}/groups")).await;
    expect_v1(&answer, 100);
    strings(&answer.data()["groups"])
}

// ---------------------------------------------------------------- users

#[tokio::test]
async fn admin_lists_and_searches_users() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    app.user("alice").await;
    app.user("bob").await;
    assert_eq!(user_ids(&root).await, vec!["alice", "bob", "root"]);
    let found = root.get(&format!("{USERS}?search=ali")).await;
    expect_v1(&found, 100);
    assert_eq!(found.data()["users"], json!(["alice"]));
}

#[tokio::test]
async fn admin_creates_a_user_who_can_then_log_in() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    app.group("staff", &[]).await;
    let answer = root
        .send_form(
            Method::POST,
            USERS,
            &[
                ("userid", "carol"),
                ("password", "carol's password"),
                ("displayName", "Carol C."),
                ("email", "carol@example.com"),
                ("groups[]", "staff"),
            ],
        )
        .await;
    expect_v1(&answer, 100);
    assert_eq!(answer.data(), &json!({"id": "carol"}));

    let me = app
        .login("carol", "carol's password")
        .get(&format!("{USERS}/carol"))
        .await;
    expect_v1(&me, 100);
    assert_eq!(me.data()["id"], "carol");
    assert_eq!(me.data()["displayname"], "Carol C.");
    assert_eq!(me.data()["email"], "carol@example.com");
    assert_eq!(me.data()["groups"], json!(["staff"]));
    assert_eq!(me.data()["enabled"], true);
}

#[tokio::test]
async fn creating_an_existing_user_is_statuscode_102() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let v1 = root
        .send_form(
            Method::POST,
            USERS,
            &[("userid", "alice"), ("password", "another one")],
        )
        .await;
    expect_v1(&v1, 102);
    let v2 = root
        .send_form(
            Method::POST,
            "/ocs/v2.php/cloud/users",
            &[("userid", "alice"), ("password", "another one")],
        )
        .await;
    assert_eq!(v2.status, 400);
    assert_eq!(v2.statuscode(), 102);
    // The existing account is untouched.
    alice.get("/ocs/v2.php/cloud/user").await.expect(200);
}

#[tokio::test]
async fn creating_a_user_with_invalid_input_is_statuscode_101() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    for form in [
        vec![("userid", "bad/id"), ("password", "pw")],
        vec![("userid", "nopassword")],
        vec![("password", "pw")],
    ] {
        let answer = root.send_form(Method::POST, USERS, &form).await;
        expect_v1(&answer, 101);
    }
    assert_eq!(user_ids(&root).await, vec!["root"]);
}

#[tokio::test]
async fn creating_a_user_in_an_unknown_group_is_statuscode_104() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let answer = root
        .send_form(
            Method::POST,
            USERS,
            &[
                ("userid", "dave"),
                ("password", "pw"),
                ("groups[]", "nogroup"),
            ],
        )
        .await;
    expect_v1(&answer, 104);
    assert_eq!(user_ids(&root).await, vec!["root"]);
}

#[tokio::test]
async fn non_admins_cannot_list_or_create_users() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    expect_v1(&alice.get(USERS).await, 403);
    let created = alice
        .send_form(
            Method::POST,
            USERS,
            &[("userid", "eve"), ("password", "pw")],
        )
        .await;
    expect_v1(&created, 403);
    alice.get("/ocs/v2.php/cloud/users").await.expect(403);
    let anonymous = app.guest().get(USERS).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(user_ids(&root).await, vec!["alice", "root"]);
}

#[tokio::test]
async fn user_details_are_visible_to_admins_and_the_user_only() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    expect_v1(&root.get(&format!("{USERS}/alice")).await, 100);
    let own = alice.get(&format!("{USERS}/alice")).await;
    expect_v1(&own, 100);
    assert_eq!(own.data()["display-name"], "alice display");
    expect_v1(&bob.get(&format!("{USERS}/alice")).await, 403);
    root.get("/ocs/v2.php/cloud/users/ghost").await.expect(404);
    root.get("/ocs/v2.php/cloud/users/ghost/groups")
        .await
        .expect(404);
}

#[tokio::test]
async fn users_edit_their_display_name_email_and_password() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let path = format!("{USERS}/alice");
    for (key, value) in [("displayname", "Alice A."), ("email", "alice@example.com")] {
        let answer = alice
            .send_form(Method::PUT, &path, &[("key", key), ("value", value)])
            .await;
        expect_v1(&answer, 100);
    }
    let details = root.get(&path).await;
    assert_eq!(details.data()["displayname"], "Alice A.");
    assert_eq!(details.data()["email"], "alice@example.com");

    expect_v1(
        &root
            .send_form(
                Method::PUT,
                &path,
                &[("key", "password"), ("value", "changed by root")],
            )
            .await,
        100,
    );
    alice.get("/ocs/v2.php/cloud/user").await.expect(401);
    app.login("alice", "changed by root")
        .get("/ocs/v2.php/cloud/user")
        .await
        .expect(200);
}

#[tokio::test]
async fn editing_an_unknown_field_or_another_user_is_refused() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    app.user("bob").await;
    let unknown = alice
        .send_form(
            Method::PUT,
            &format!("{USERS}/alice"),
            &[("key", "quota"), ("value", "1 GB")],
        )
        .await;
    expect_v1(&unknown, 101);
    let other = alice
        .send_form(
            Method::PUT,
            &format!("{USERS}/bob"),
            &[("key", "displayname"), ("value", "Hacked")],
        )
        .await;
    expect_v1(&other, 403);
    assert_eq!(
        root.get(&format!("{USERS}/bob")).await.data()["displayname"],
        "bob display"
    );
}

#[tokio::test]
async fn admin_deletes_a_user_who_can_then_no_longer_log_in() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;

    expect_v1(
        &root
            .send(Method::DELETE, &format!("{USERS}/bob"), None)
            .await,
        100,
    );
    bob.get("/ocs/v2.php/cloud/user").await.expect(401);
    root.get("/ocs/v2.php/cloud/users/bob").await.expect(404);
    assert_eq!(user_ids(&root).await, vec!["alice", "root"]);
    let remaining: Vec<Value> = alice.participants(&token).await;
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["actorId"], "alice");

    expect_v1(
        &root
            .send(Method::DELETE, &format!("{USERS}/bob"), None)
            .await,
        404,
    );
}

#[tokio::test]
async fn admins_cannot_delete_themselves_and_users_cannot_delete_anyone() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    expect_v1(
        &root
            .send(Method::DELETE, &format!("{USERS}/root"), None)
            .await,
        101,
    );
    expect_v1(
        &alice
            .send(Method::DELETE, &format!("{USERS}/alice"), None)
            .await,
        403,
    );
    assert_eq!(user_ids(&root).await, vec!["alice", "root"]);
}

// ---------------------------------------------------------------- groups

#[tokio::test]
async fn admin_creates_and_lists_groups() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let created = root
        .send_form(Method::POST, GROUPS, &[("groupid", "staff")])
        .await;
    expect_v1(&created, 100);
    let listed = root.get(GROUPS).await;
    expect_v1(&listed, 100);
    assert_eq!(strings(&listed.data()["groups"]), vec!["admin", "staff"]);
    let searched = root.get(&format!("{GROUPS}?search=sta")).await;
    assert_eq!(searched.data()["groups"], json!(["staff"]));

    let duplicate = root
        .send_form(Method::POST, GROUPS, &[("groupid", "staff")])
        .await;
    expect_v1(&duplicate, 102);
    let invalid = root
        .send_form(Method::POST, GROUPS, &[("groupid", "")])
        .await;
    expect_v1(&invalid, 101);
    assert_eq!(
        strings(&root.get(GROUPS).await.data()["groups"]),
        vec!["admin", "staff"]
    );
}

#[tokio::test]
async fn non_admins_cannot_manage_groups() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    expect_v1(&alice.get(GROUPS).await, 403);
    expect_v1(
        &alice
            .send_form(Method::POST, GROUPS, &[("groupid", "mine")])
            .await,
        403,
    );
    app.group("staff", &[]).await;
    expect_v1(
        &alice
            .send_form(
                Method::POST,
                &format!("{USERS}/alice/groups"),
                &[("groupid", "staff")],
            )
            .await,
        403,
    );
    assert_eq!(
        strings(&root.get(GROUPS).await.data()["groups"]),
        vec!["admin", "staff"]
    );
    assert!(groups_of(&root, "alice").await.is_empty());
}

#[tokio::test]
async fn admin_adds_and_removes_group_members() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    app.user("alice").await;
    app.group("staff", &[]).await;
    let path = format!("{USERS}/alice/groups");

    expect_v1(
        &root
            .send_form(Method::POST, &path, &[("groupid", "staff")])
            .await,
        100,
    );
    assert_eq!(groups_of(&root, "alice").await, vec!["staff"]);
    let members = root.get("/ocs/v1.php/cloud/groups/staff/users").await;
    assert_eq!(members.data()["users"], json!(["alice"]));

    expect_v1(
        &root
            .send_form(Method::DELETE, &path, &[("groupid", "staff")])
            .await,
        100,
    );
    assert!(groups_of(&root, "alice").await.is_empty());
}

#[tokio::test]
async fn group_membership_needs_an_existing_group_and_user() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    app.user("alice").await;
    app.group("staff", &[]).await;
    let missing_id = root
        .send_form(Method::POST, &format!("{USERS}/alice/groups"), &[])
        .await;
    expect_v1(&missing_id, 101);
    let no_group = root
        .send_form(
            Method::POST,
            &format!("{USERS}/alice/groups"),
            &[("groupid", "nogroup")],
        )
        .await;
    expect_v1(&no_group, 102);
    let no_user = root
        .send_form(
            Method::POST,
            &format!("{USERS}/ghost/groups"),
            &[("groupid", "staff")],
        )
        .await;
    expect_v1(&no_user, 103);
    let removed_from_nothing = root
        .send_form(
            Method::DELETE,
            &format!("{USERS}/alice/groups"),
            &[("groupid", "nogroup")],
        )
        .await;
    expect_v1(&removed_from_nothing, 102);
    assert!(groups_of(&root, "alice").await.is_empty());
}

#[tokio::test]
async fn group_members_added_by_provisioning_are_invited_with_the_group() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    expect_v1(
        &root
            .send_form(Method::POST, GROUPS, &[("groupid", "staff")])
            .await,
        100,
    );
    expect_v1(
        &root
            .send_form(
                Method::POST,
                &format!("{USERS}/bob/groups"),
                &[("groupid", "staff")],
            )
            .await,
        100,
    );
    let token = alice.create_room("Staff room").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "staff", "source": "groups"}),
        )
        .await
        .expect(200);
    assert_eq!(bob.room(&token).await["participantType"], 3);
}

// ---------------------------------------------------------------- Talk app settings

async fn capabilities(client: &Client) -> (Value, String) {
    let answer = client.get(CAPABILITIES).await;
    answer.expect(200);
    let hash = answer
        .header("x-nextcloud-talk-hash")
        .expect("talk hash")
        .to_owned();
    (
        answer.data()["capabilities"]["spreed"]["config"].clone(),
        hash,
    )
}

#[tokio::test]
async fn turning_breakout_rooms_off_shows_in_capabilities_and_changes_the_hash() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let (config, hash_before) = capabilities(&alice).await;
    assert_eq!(config["call"]["breakout-rooms"], true);

    let set = root
        .send_form(
            Method::POST,
            &format!("{CONFIG}/breakout_rooms"),
            &[("value", "no")],
        )
        .await;
    set.expect(200);
    assert_eq!(set.data(), &json!([]));

    let (config, hash_after) = capabilities(&alice).await;
    assert_eq!(config["call"]["breakout-rooms"], false);
    assert_ne!(hash_after, hash_before);
    let rooms = alice.get("/ocs/v2.php/apps/spreed/api/v4/room").await;
    assert_eq!(
        rooms.header("x-nextcloud-talk-hash"),
        Some(hash_after.as_str())
    );

    root.send(Method::DELETE, &format!("{CONFIG}/breakout_rooms"), None)
        .await
        .expect(200);
    let (config, hash_restored) = capabilities(&alice).await;
    assert_eq!(config["call"]["breakout-rooms"], true);
    assert_eq!(hash_restored, hash_before);
}

#[tokio::test]
async fn start_calls_3_disables_calls_in_capabilities() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/start_calls"),
        &[("value", "3")],
    )
    .await
    .expect(200);
    let (config, _) = capabilities(&root).await;
    assert_eq!(config["call"]["enabled"], false);
}

#[tokio::test]
async fn default_permissions_setting_applies_to_members() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let token = alice.create_room("Team").await;
    alice.add(&token, "bob").await;
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/default_permissions"),
        &[("value", "130")],
    )
    .await
    .expect(200);
    assert_eq!(bob.room(&token).await["permissions"], 130);
    assert_eq!(alice.room(&token).await["permissions"], 254);
}

#[tokio::test]
async fn out_of_range_setting_is_400_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    let (config_before, hash_before) = capabilities(&root).await;
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/start_calls"),
        &[("value", "9")],
    )
    .await
    .expect_error(400, "value");
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/breakout_rooms"),
        &[("value", "maybe")],
    )
    .await
    .expect_error(400, "value");
    root.send_form(Method::POST, &format!("{CONFIG}/start_calls"), &[])
        .await
        .expect_error(400, "value");
    assert_eq!(capabilities(&root).await, (config_before, hash_before));
}

#[tokio::test]
async fn unknown_setting_is_400_key() {
    let app = TestApp::spawn().await;
    let root = app.admin("root").await;
    root.send_form(
        Method::POST,
        &format!("{CONFIG}/not_a_setting"),
        &[("value", "1")],
    )
    .await
    .expect_error(400, "key");
    root.send(Method::DELETE, &format!("{CONFIG}/not_a_setting"), None)
        .await
        .expect_error(400, "key");
}

#[tokio::test]
async fn non_admins_cannot_change_settings() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let (_, hash_before) = capabilities(&alice).await;
    alice
        .send_form(
            Method::POST,
            &format!("{CONFIG}/breakout_rooms"),
            &[("value", "no")],
        )
        .await
        .expect(403);
    alice
        .send(Method::DELETE, &format!("{CONFIG}/breakout_rooms"), None)
        .await
        .expect(403);
    app.guest()
        .send_form(
            Method::POST,
            &format!("{CONFIG}/breakout_rooms"),
            &[("value", "no")],
        )
        .await
        .expect(401);
    let (config, hash_after) = capabilities(&alice).await;
    assert_eq!(config["call"]["breakout-rooms"], true);
    assert_eq!(hash_after, hash_before);
}
