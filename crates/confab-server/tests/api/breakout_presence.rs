//! Where people are connected in a conversation with breakout rooms: one room of the family at
//! a time, and back in the parent, with their breakout session closed, when their breakout room
//! stops or goes ("nobody stranded").

use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};

const BREAKOUT: &str = "/ocs/v2.php/apps/spreed/api/v1/breakout-rooms";

/// A started public class: alice (owner), bob in Room 1, carol and a guest in Room 2, each
/// connected to the parent, then to their room (alice to Room 1).
struct Class {
    alice: Client,
    bob: Client,
    carol: Client,
    guest: Client,
    token: String,
    rooms: Vec<String>,
}

impl Class {
    async fn start(app: &TestApp) -> Self {
        let alice = app.user("alice").await;
        let (bob, carol) = (app.user("bob").await, app.user("carol").await);
        let token = alice.create_public_room("Open class").await;
        alice.add(&token, "bob").await;
        alice.add(&token, "carol").await;
        let guest = app.guest();
        let me = guest.join(&token, json!({})).await;
        me.expect(200);
        let map = json!({
            alice.attendee_id(&token, "bob").await.to_string(): 0,
            alice.attendee_id(&token, "carol").await.to_string(): 1,
            me.data()["attendeeId"].to_string(): 1,
        });
        alice
            .post(
                &format!("{BREAKOUT}/{token}"),
                json!({"mode": 2, "amount": 2, "attendeeMap": map.to_string()}),
            )
            .await
            .expect(200);
        alice
            .post(&format!("{BREAKOUT}/{token}/rooms"), json!({}))
            .await
            .expect(200);
        let listed = alice.get(&format!("/room/{token}/breakout-rooms")).await;
        let rooms: Vec<String> = listed
            .data()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["token"].as_str().unwrap().to_owned())
            .collect();
        let class = Self {
            alice,
            bob,
            carol,
            guest,
            token,
            rooms,
        };
        for (client, room) in class.seats() {
            client.join(&class.token, json!({})).await.expect(200);
            client.join(room, json!({})).await.expect(200);
        }
        class
    }

    /// Each client with the breakout room they sit in.
    fn seats(&self) -> [(&Client, &String); 4] {
        [
            (&self.alice, &self.rooms[0]),
            (&self.bob, &self.rooms[0]),
            (&self.carol, &self.rooms[1]),
            (&self.guest, &self.rooms[1]),
        ]
    }
}

/// The session `client` holds in `token` ("0" for none).
async fn session_in(client: &Client, token: &str) -> Value {
    let answer = client.get(&format!("/room/{token}")).await;
    answer.expect(200);
    answer.data()["sessionId"].clone()
}

async fn sessions_of(app: &TestApp, token: &str) -> usize {
    let store = &app.services.context.store;
    let room = store.room_by_token(token).await.unwrap().unwrap();
    store.sessions_of_room(room.id).await.unwrap().len()
}

#[tokio::test]
async fn entering_a_breakout_room_leaves_the_parent_and_going_back_leaves_the_room() {
    let app = TestApp::spawn().await;
    let class = Class::start(&app).await;

    // Entering their room closed everyone's parent session.
    for (client, room) in class.seats() {
        assert_eq!(session_in(client, &class.token).await, "0");
        assert_ne!(session_in(client, room).await, "0");
    }
    assert_eq!(sessions_of(&app, &class.token).await, 0);

    // Going back to the main room closes the breakout session.
    class.bob.join(&class.token, json!({})).await.expect(200);
    assert_ne!(session_in(&class.bob, &class.token).await, "0");
    assert_eq!(session_in(&class.bob, &class.rooms[0]).await, "0");
    // The moderator moves between rooms the same way.
    class
        .alice
        .join(&class.rooms[1], json!({}))
        .await
        .expect(200);
    assert_eq!(session_in(&class.alice, &class.rooms[0]).await, "0");
    assert_ne!(session_in(&class.alice, &class.rooms[1]).await, "0");
    assert_eq!(sessions_of(&app, &class.rooms[0]).await, 0);
}

/// Found by the property test: breakout rooms of a public parent are public too, and a user
/// who is not a member must not self-join one (they would sit in two rooms).
#[tokio::test]
async fn nobody_walks_into_a_breakout_room_they_are_not_in() {
    let app = TestApp::spawn().await;
    let class = Class::start(&app).await;
    class
        .carol
        .join(&class.rooms[0], json!({}))
        .await
        .expect(404);
    let outsider = app.user("dave").await;
    outsider.join(&class.rooms[0], json!({})).await.expect(404);
    let store = &app.services.context.store;
    let room = store.room_by_token(&class.rooms[0]).await.unwrap().unwrap();
    let members: Vec<String> = store
        .attendees(room.id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.actor_id)
        .collect();
    assert_eq!(members, ["alice", "bob"]);
    assert_ne!(session_in(&class.carol, &class.rooms[1]).await, "0");
}

#[tokio::test]
async fn stop_returns_every_session_to_the_parent_and_closes_the_breakout_ones() {
    let app = TestApp::spawn().await;
    let class = Class::start(&app).await;
    let mut before = Vec::new();
    for (client, room) in class.seats() {
        before.push(session_in(client, room).await);
    }

    class
        .alice
        .delete(&format!("{BREAKOUT}/{}/rooms", class.token), json!({}))
        .await
        .expect(200);

    let mut back_in_parent = Vec::new();
    for ((client, room), old) in class.seats().into_iter().zip(before) {
        let back = session_in(client, &class.token).await;
        assert_ne!(back, "0", "{} is back in the parent", client.id);
        assert_ne!(back, old, "a new session in the parent");
        assert_eq!(session_in(client, room).await, "0");
        back_in_parent.push(back);
    }
    for room in &class.rooms {
        assert_eq!(sessions_of(&app, room).await, 0);
    }
    assert_eq!(sessions_of(&app, &class.token).await, 4);
    // Stopping again moves nobody twice: everyone keeps the parent session they got.
    class
        .alice
        .delete(&format!("{BREAKOUT}/{}/rooms", class.token), json!({}))
        .await
        .expect(200);
    for ((client, _), back) in class.seats().into_iter().zip(back_in_parent) {
        assert_eq!(
            session_in(client, &class.token).await,
            back,
            "{} keeps their parent session",
            client.id
        );
    }
}

#[tokio::test]
async fn removing_breakout_rooms_returns_everyone_to_the_parent() {
    let app = TestApp::spawn().await;
    let class = Class::start(&app).await;

    class
        .alice
        .delete(&format!("{BREAKOUT}/{}", class.token), json!({}))
        .await
        .expect(200);

    for (client, room) in class.seats() {
        assert_ne!(session_in(client, &class.token).await, "0");
        client.get(&format!("/room/{room}")).await.expect(404);
    }
    assert_eq!(sessions_of(&app, &class.token).await, 4);
}

#[tokio::test]
async fn deleting_one_breakout_room_returns_only_its_people() {
    let app = TestApp::spawn().await;
    let class = Class::start(&app).await;

    class
        .alice
        .delete(&format!("/room/{}", class.rooms[1]), json!({}))
        .await
        .expect(200);

    // Carol and the guest are back in the parent; alice and bob stay in Room 1.
    for client in [&class.carol, &class.guest] {
        assert_ne!(session_in(client, &class.token).await, "0");
    }
    for client in [&class.alice, &class.bob] {
        assert_eq!(session_in(client, &class.token).await, "0");
        assert_ne!(session_in(client, &class.rooms[0]).await, "0");
    }
    assert_eq!(sessions_of(&app, &class.token).await, 2);
}
