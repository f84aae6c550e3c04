//! Email guests from a CSV list (`import-emails`, capability `email-csv-import`), and the
//! invitation mails confab does not send (`participants/resend-invitations`).

use std::fmt::Write;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Answer, Client, TestApp};

const BOUNDARY: &str = "confab-test-boundary";

/// Posts a multipart form with the CSV as `file` and the given text fields.
async fn import(client: &Client, token: &str, csv: &str, fields: &[(&str, &str)]) -> Answer {
    let mut body = String::new();
    for (name, value) in fields {
        write!(
            body,
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    write!(
        body,
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"guests.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    )
    .unwrap();
    client
        .send_raw(
            Method::POST,
            &format!("/room/{token}/import-emails"),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            body,
        )
        .await
}

fn email_guests(participants: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut guests: Vec<(String, String)> = participants
        .iter()
        .filter(|p| p["actorType"] == "emails")
        .map(|p| {
            (
                p["invitedActorId"].as_str().unwrap().to_owned(),
                p["displayName"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    guests.sort();
    guests
}

#[tokio::test]
async fn import_adds_email_guests_counts_duplicates_and_a_test_run_changes_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "known@example.org", "source": "emails"}),
        )
        .await
        .expect(200);
    let token = token.as_str();
    let csv = "name,email\nAnn,ann@example.org\n\"Bo, Jr.\",bo@example.org\nAgain,ANN@example.org\n,known@example.org\n";

    // A test run counts and changes nothing.
    let dry = import(&alice, token, csv, &[("testRun", "true")]).await;
    dry.expect(200);
    assert_eq!(dry.data(), &json!({"invites": 2, "duplicates": 2}));
    assert_eq!(email_guests(&alice.participants(token).await).len(), 1);

    let done = import(&alice, token, csv, &[]).await;
    done.expect(200);
    assert_eq!(done.data(), &json!({"invites": 2, "duplicates": 2}));
    assert_eq!(
        email_guests(&alice.participants(token).await),
        [
            ("ann@example.org".to_owned(), "Ann".to_owned()),
            ("bo@example.org".to_owned(), "Bo, Jr.".to_owned()),
            ("known@example.org".to_owned(), String::new()),
        ]
    );

    // Importing again finds only duplicates.
    let again = import(&alice, token, csv, &[]).await;
    assert_eq!(again.data(), &json!({"invites": 0, "duplicates": 4}));
}

#[tokio::test]
async fn importing_into_a_group_room_answers_its_new_type() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_room("Team").await;
    let answer = import(&alice, &token, "email\nann@example.org\n", &[]).await;
    answer.expect(200);
    assert_eq!(
        answer.data(),
        &json!({"invites": 1, "duplicates": 0, "type": 3})
    );
    assert_eq!(alice.room(&token).await["type"], 3);
    assert_eq!(
        Client::system_messages(&app, &token).await,
        ["conversation_created", "guests_allowed"]
    );
}

#[tokio::test]
async fn invalid_lists_are_refused_with_their_key_and_change_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let token = alice.create_public_room("Open").await;
    for (csv, key) in [
        ("name\nAnn\n", "header-email"),
        ("email,nick\na@example.org,A\n", "header-name"),
    ] {
        import(&alice, &token, csv, &[])
            .await
            .expect_error(400, key);
    }
    let rows = import(
        &alice,
        &token,
        "email,name\nok@example.org,Ok\nbroken,B\nalso broken,C\n",
        &[],
    )
    .await;
    rows.expect_error(400, "rows");
    assert_eq!(rows.data()["invalid"], 2);
    assert_eq!(rows.data()["invalidLines"], json!([3, 4]));

    let no_file = alice
        .send_form(Method::POST, &format!("/room/{token}/import-emails"), &[])
        .await;
    no_file.expect_error(400, "file");
    import(&alice, &token, "email\nbad\u{0}@example.org\n", &[])
        .await
        .expect_error(400, "nul-character");
    import(
        &alice,
        &token,
        "email\na@example.org\n",
        &[("testRun", "maybe")],
    )
    .await
    .expect_error(400, "testRun");
    assert!(email_guests(&alice.participants(&token).await).is_empty());
}

#[tokio::test]
async fn import_is_for_moderators_of_group_and_public_rooms() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    alice.add(&token, "bob").await;
    let csv = "email\nann@example.org\n";
    import(&bob, &token, csv, &[]).await.expect(403);
    import(&carol, &token, csv, &[]).await.expect(404);
    import(&app.guest(), &token, csv, &[]).await.expect(401);

    let one_to_one = alice
        .post("/room", json!({"roomType": 1, "invite": "bob"}))
        .await;
    let one_to_one = one_to_one.data()["token"].as_str().unwrap().to_owned();
    import(&alice, &one_to_one, csv, &[])
        .await
        .expect_error(400, "room");
    assert!(email_guests(&alice.participants(&token).await).is_empty());
}

#[tokio::test]
async fn resending_invitations_checks_access_and_the_attendee_then_says_mail_is_not_sent() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let token = alice.create_public_room("Open").await;
    alice.add(&token, "bob").await;
    alice
        .post(
            &format!("/room/{token}/participants"),
            json!({"newParticipant": "guest@example.org", "source": "emails"}),
        )
        .await
        .expect(200);
    let path = format!("/room/{token}/participants/resend-invitations");
    let email_attendee = alice
        .participants(&token)
        .await
        .iter()
        .find(|p| p["actorType"] == "emails")
        .and_then(|p| p["attendeeId"].as_i64())
        .unwrap();
    let bob_attendee = alice.attendee_id(&token, "bob").await;

    carol.post(&path, json!({})).await.expect(404);
    bob.post(&path, json!({})).await.expect(403);
    alice
        .post(&path, json!({"attendeeId": bob_attendee}))
        .await
        .expect_error(404, "attendee");
    alice
        .post(&path, json!({"attendeeId": 999_999}))
        .await
        .expect_error(404, "attendee");
    alice
        .post(&path, json!({"attendeeId": email_attendee}))
        .await
        .expect_error(501, "mail");
    alice.post(&path, json!({})).await.expect_error(501, "mail");
}
