//! `ParticipantStore`: attendees and their sessions, and membership changes across rooms.

use confab_core::chat::Message;
use confab_core::participant::{
    ActorType, Attendee, NewAttendee, ParticipantType, Privacy, Session,
};
use confab_core::room::RoomType;
use confab_core::store::{ChatStore, ParticipantStore, RoomStore};

use crate::support::{
    assert_conflict, assert_not_found, each_backend, guest, member, new_room, new_session,
    room_with, system, NOW,
};

/// The attendee of user `id` in `room_id`; panics when there is none.
async fn attendee(store: &impl ParticipantStore, room_id: i64, id: &str) -> Attendee {
    store
        .attendee_by_actor(room_id, ActorType::Users, id)
        .await
        .expect("read attendee")
        .unwrap_or_else(|| panic!("{id} attends room {room_id}"))
}

fn session_ids(sessions: &[Session]) -> Vec<&str> {
    sessions.iter().map(|s| s.id.as_str()).collect()
}

#[tokio::test]
async fn attendees_are_listed_in_id_order_with_defaults() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let invited = NewAttendee {
            actor_type: ActorType::FederatedUsers,
            actor_id: "carol@remote.example".to_owned(),
            display_name: "Carol".to_owned(),
            participant_type: ParticipantType::User,
            invited_cloud_id: "carol@remote.example".to_owned(),
        };
        store
            .add_attendees(room.id, std::slice::from_ref(&invited), &[])
            .await?;

        let attendees = store.attendees(room.id).await?;
        assert_eq!(attendees.len(), 3);
        assert!(attendees.windows(2).all(|w| w[0].id < w[1].id));
        let alice = &attendees[0];
        assert_eq!(
            *alice,
            Attendee {
                id: alice.id,
                room_id: room.id,
                actor_type: ActorType::Users,
                actor_id: "alice".to_owned(),
                display_name: "ALICE".to_owned(),
                participant_type: ParticipantType::Owner,
                permissions: 0,
                notification_level: 0,
                notification_calls: 1,
                favorite: false,
                archived: false,
                important: false,
                sensitive: false,
                last_read_message: 0,
                last_mention_message: 0,
                last_mention_direct: 0,
                invited_cloud_id: String::new(),
                pin: String::new(),
                read_privacy: Privacy::Public,
            }
        );
        assert_eq!(attendees[1].actor_id, "bob");
        assert_eq!(attendees[2].actor_type, ActorType::FederatedUsers);
        assert_eq!(attendees[2].invited_cloud_id, "carol@remote.example");
        assert!(store.attendees(room.id + 1000).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn attendee_by_id_finds_only_attendees_of_that_room() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["bob"]).await?;
        let alice = attendee(&store, r1.id, "alice").await;
        assert_eq!(
            store.attendee_by_id(r1.id, alice.id).await?,
            Some(alice.clone())
        );
        assert_eq!(store.attendee_by_id(r2.id, alice.id).await?, None);
        assert_eq!(store.attendee_by_id(r1.id, alice.id + 1000).await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn attendee_by_actor_tells_actor_types_apart() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        store.add_attendees(room.id, &[guest("alice")], &[]).await?;
        let user = store
            .attendee_by_actor(room.id, ActorType::Users, "alice")
            .await?
            .expect("user attends");
        let as_guest = store
            .attendee_by_actor(room.id, ActorType::Guests, "alice")
            .await?
            .expect("guest attends");
        assert_ne!(user.id, as_guest.id);
        assert_eq!(user.participant_type, ParticipantType::Owner);
        assert_eq!(as_guest.participant_type, ParticipantType::Guest);
        assert_eq!(
            store
                .attendee_by_actor(room.id, ActorType::Emails, "alice")
                .await?,
            None
        );
        assert_eq!(
            store
                .attendee_by_actor(room.id, ActorType::Users, "bob")
                .await?,
            None
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_attendees_returns_the_stored_attendees_and_appends_messages() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let added = store
            .add_attendees(
                room.id,
                &[member("bob"), member("carol")],
                &[
                    system(room.id, "user_added", NOW + 1),
                    system(room.id, "user_added", NOW + 2),
                ],
            )
            .await?;
        assert_eq!(
            added
                .iter()
                .map(|a| a.actor_id.as_str())
                .collect::<Vec<_>>(),
            ["bob", "carol"]
        );
        assert_eq!(added[0], attendee(&store, room.id, "bob").await);
        assert_eq!(added[1], attendee(&store, room.id, "carol").await);
        assert_eq!(store.attendees(room.id).await?.len(), 3);

        let messages = store.messages_after(room.id, 0, 10).await?;
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|m| m.system_message == "user_added"));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_attendees_rejects_an_actor_already_in_the_room_and_adds_nothing() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let result = store
            .add_attendees(
                room.id,
                &[member("bob"), member("alice")],
                &[system(room.id, "user_added", NOW)],
            )
            .await;
        assert_conflict(result);
        assert_eq!(
            store
                .attendee_by_actor(room.id, ActorType::Users, "bob")
                .await?,
            None
        );
        assert!(store.messages_after(room.id, 0, 10).await?.is_empty());
        assert_eq!(store.attendees(room.id).await?.len(), 1);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_attendees_allows_the_same_actor_in_another_room() {
    each_backend(|store| async move {
        room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["bob"]).await?;
        let added = store.add_attendees(r2.id, &[member("alice")], &[]).await?;
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].room_id, r2.id);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_attendee_writes_every_mutable_field_and_appends_messages() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let bob = attendee(&store, room.id, "bob").await;
        let changed = Attendee {
            display_name: "Robert".to_owned(),
            participant_type: ParticipantType::Moderator,
            permissions: 254,
            notification_level: 3,
            notification_calls: 0,
            favorite: true,
            archived: true,
            important: true,
            sensitive: true,
            last_read_message: 17,
            last_mention_message: 12,
            last_mention_direct: 11,
            pin: "123456".to_owned(),
            ..bob.clone()
        };
        store
            .update_attendee(&changed, &[system(room.id, "moderator_promoted", NOW + 1)])
            .await?;
        assert_eq!(store.attendee_by_id(room.id, bob.id).await?, Some(changed));
        let messages = store.messages_after(room.id, 0, 10).await?;
        assert_eq!(
            messages
                .iter()
                .map(|m| m.system_message.as_str())
                .collect::<Vec<_>>(),
            ["moderator_promoted"]
        );
        // Other attendees stay as they were.
        assert_eq!(
            attendee(&store, room.id, "alice").await.display_name,
            "ALICE"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_attendee_keeps_actor_and_room() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let bob = attendee(&store, room.id, "bob").await;
        let stale = Attendee {
            actor_type: ActorType::Guests,
            actor_id: "mallory".to_owned(),
            invited_cloud_id: "x@y".to_owned(),
            favorite: true,
            ..bob.clone()
        };
        store.update_attendee(&stale, &[]).await?;
        assert_eq!(
            store.attendee_by_id(room.id, bob.id).await?,
            Some(Attendee {
                favorite: true,
                ..bob
            })
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_attendee_of_a_missing_attendee_is_not_found_and_appends_nothing() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let bob = attendee(&store, room.id, "bob").await;
        store.remove_attendees(room.id, &[bob.id], &[]).await?;
        assert_not_found(
            store
                .update_attendee(&bob, &[system(room.id, "moderator_promoted", NOW)])
                .await,
        );
        assert!(store.messages_after(room.id, 0, 10).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn remove_attendees_removes_them_with_their_sessions_and_appends_messages() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob", "carol"]).await?;
        let alice = attendee(&store, room.id, "alice").await;
        let bob = attendee(&store, room.id, "bob").await;
        let carol = attendee(&store, room.id, "carol").await;
        store
            .open_session(room.id, alice.id, &new_session("sa", "ca", NOW))
            .await?;
        store
            .open_session(room.id, bob.id, &new_session("sb1", "cb1", NOW))
            .await?;
        store
            .open_session(room.id, bob.id, &new_session("sb2", "cb2", NOW))
            .await?;
        store
            .open_session(room.id, carol.id, &new_session("sc", "cc", NOW))
            .await?;

        store
            .remove_attendees(
                room.id,
                &[bob.id, carol.id],
                &[
                    system(room.id, "user_removed", NOW + 1),
                    system(room.id, "user_removed", NOW + 1),
                ],
            )
            .await?;

        assert_eq!(store.attendees(room.id).await?, [alice]);
        assert_eq!(session_ids(&store.sessions_of_room(room.id).await?), ["sa"]);
        assert_eq!(store.session("sb1").await?, None);
        assert_eq!(store.messages_after(room.id, 0, 10).await?.len(), 2);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn remove_attendees_leaves_attendees_of_other_rooms_alone() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["bob"]).await?;
        let bob = attendee(&store, r2.id, "bob").await;
        store
            .open_session(r2.id, bob.id, &new_session("sb", "cb", NOW))
            .await?;

        store.remove_attendees(r1.id, &[bob.id], &[]).await?;

        assert_eq!(store.attendee_by_id(r2.id, bob.id).await?, Some(bob));
        assert!(
            store.session("sb").await?.is_some(),
            "bob's session in r2 stays"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn open_session_opens_an_active_session_that_can_be_looked_up() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let alice = attendee(&store, room.id, "alice").await;
        let opened = store
            .open_session(room.id, alice.id, &new_session("s1", "client-1", NOW))
            .await?;
        let expected = Session {
            id: "s1".to_owned(),
            attendee_id: alice.id,
            client_session: "client-1".to_owned(),
            in_call: 0,
            last_ping: NOW,
            state: 1,
        };
        assert_eq!(opened, expected);
        assert_eq!(store.session("s1").await?, Some(expected.clone()));
        assert_eq!(
            store.session_of_client(room.id, "client-1").await?,
            Some(expected.clone())
        );
        assert_eq!(store.sessions_of_room(room.id).await?, [expected]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn session_lookups_return_none_when_missing() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let alice = attendee(&store, r1.id, "alice").await;
        store
            .open_session(r1.id, alice.id, &new_session("s1", "client-1", NOW))
            .await?;
        assert_eq!(store.session("unknown").await?, None);
        assert_eq!(store.session_of_client(r1.id, "client-2").await?, None);
        assert_eq!(store.session_of_client(r2.id, "client-1").await?, None);
        assert!(store.sessions_of_room(r2.id).await?.is_empty());
        assert!(store.sessions_of_client("client-2").await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn open_session_replaces_the_session_of_the_same_client_in_the_room() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let alice = attendee(&store, r1.id, "alice").await;
        let bob = attendee(&store, r1.id, "bob").await;
        let alice2 = attendee(&store, r2.id, "alice").await;
        store
            .open_session(r1.id, alice.id, &new_session("old", "client", NOW))
            .await?;
        store
            .open_session(
                r1.id,
                alice.id,
                &new_session("other-client", "client-b", NOW),
            )
            .await?;
        store
            .open_session(r2.id, alice2.id, &new_session("elsewhere", "client", NOW))
            .await?;

        // Even another attendee reusing the client session takes it over.
        let new = store
            .open_session(r1.id, bob.id, &new_session("new", "client", NOW + 5))
            .await?;

        assert_eq!(store.session("old").await?, None);
        assert_eq!(store.session_of_client(r1.id, "client").await?, Some(new));
        let mut ids = session_ids(&store.sessions_of_room(r1.id).await?)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        ids.sort();
        assert_eq!(ids, ["new", "other-client"]);
        assert!(
            store.session("elsewhere").await?.is_some(),
            "the same client in another room keeps its session"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn sessions_of_client_lists_the_clients_session_in_every_room() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let alice = attendee(&store, r1.id, "alice").await;
        let bob = attendee(&store, r1.id, "bob").await;
        let alice2 = attendee(&store, r2.id, "alice").await;
        let first = store
            .open_session(r1.id, alice.id, &new_session("a1", "client", NOW))
            .await?;
        let second = store
            .open_session(r2.id, alice2.id, &new_session("a2", "client", NOW + 1))
            .await?;
        store
            .open_session(r1.id, bob.id, &new_session("b1", "other", NOW))
            .await?;

        let mut sessions = store.sessions_of_client("client").await?;
        sessions.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(sessions, [first, second]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn open_session_rejects_a_duplicate_session_id() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let alice = attendee(&store, r1.id, "alice").await;
        let alice2 = attendee(&store, r2.id, "alice").await;
        store
            .open_session(r1.id, alice.id, &new_session("s1", "c1", NOW))
            .await?;
        assert_conflict(
            store
                .open_session(r2.id, alice2.id, &new_session("s1", "c2", NOW))
                .await,
        );
        assert_eq!(
            store.session("s1").await?.map(|s| s.attendee_id),
            Some(alice.id)
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn sessions_of_room_are_ordered_by_last_ping() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let alice = attendee(&store, room.id, "alice").await;
        let bob = attendee(&store, room.id, "bob").await;
        store
            .open_session(room.id, alice.id, &new_session("late", "c1", NOW + 30))
            .await?;
        store
            .open_session(room.id, bob.id, &new_session("early", "c2", NOW + 10))
            .await?;
        store
            .open_session(room.id, alice.id, &new_session("middle", "c3", NOW + 20))
            .await?;
        assert_eq!(
            session_ids(&store.sessions_of_room(room.id).await?),
            ["early", "middle", "late"]
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_guest_with_session_creates_the_guest_and_its_session() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let (added, session) = store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("sg", "cg", NOW))
            .await?;
        assert_eq!(
            (added.room_id, added.actor_type, added.actor_id.as_str()),
            (room.id, ActorType::Guests, "g1")
        );
        assert_eq!(added.participant_type, ParticipantType::Guest);
        assert_eq!(
            store
                .attendee_by_actor(room.id, ActorType::Guests, "g1")
                .await?,
            Some(added.clone())
        );
        assert_eq!(session.attendee_id, added.id);
        assert_eq!(
            (session.id.as_str(), session.in_call, session.state),
            ("sg", 0, 1)
        );
        assert_eq!(store.session("sg").await?, Some(session));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_guest_with_session_rejects_a_guest_already_in_the_room() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("s1", "c1", NOW))
            .await?;
        assert_conflict(
            store
                .add_guest_with_session(room.id, &guest("g1"), &new_session("s2", "c2", NOW))
                .await,
        );
        assert_eq!(store.session("s2").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_guest_with_session_adds_no_guest_when_the_session_conflicts() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let alice = attendee(&store, room.id, "alice").await;
        store
            .open_session(room.id, alice.id, &new_session("taken", "c1", NOW))
            .await?;
        assert_conflict(
            store
                .add_guest_with_session(room.id, &guest("g1"), &new_session("taken", "c2", NOW))
                .await,
        );
        assert_eq!(
            store
                .attendee_by_actor(room.id, ActorType::Guests, "g1")
                .await?,
            None
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_guest_with_session_replaces_the_session_of_the_same_client() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let (first, _) = store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("s1", "tab", NOW))
            .await?;
        let (second, _) = store
            .add_guest_with_session(room.id, &guest("g2"), &new_session("s2", "tab", NOW))
            .await?;
        assert_eq!(store.session("s1").await?, None);
        assert_eq!(
            store
                .session_of_client(room.id, "tab")
                .await?
                .map(|s| s.attendee_id),
            Some(second.id)
        );
        assert!(
            store.attendee_by_id(room.id, first.id).await?.is_some(),
            "the earlier guest stays an attendee"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn close_session_reports_whether_the_session_existed() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let alice = attendee(&store, room.id, "alice").await;
        store
            .open_session(room.id, alice.id, &new_session("s1", "c1", NOW))
            .await?;
        store
            .open_session(room.id, alice.id, &new_session("s2", "c2", NOW))
            .await?;
        assert!(store.close_session("s1").await?);
        assert!(!store.close_session("s1").await?);
        assert!(!store.close_session("never").await?);
        assert_eq!(store.session("s1").await?, None);
        assert_eq!(session_ids(&store.sessions_of_room(room.id).await?), ["s2"]);
        assert!(
            store.attendee_by_id(room.id, alice.id).await?.is_some(),
            "closing a session keeps the attendee"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_invitation_keeps_its_first_secret_and_goes_with_its_attendee() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let email = NewAttendee::email("eve@example.com").expect("an email address");
        let eve = store
            .add_attendees(r1.id, std::slice::from_ref(&email), &[])
            .await?
            .remove(0);
        let eve2 = store.add_attendees(r2.id, &[email], &[]).await?.remove(0);
        assert_eq!(store.invitation(eve.id).await?, None);

        assert_eq!(store.add_invitation(eve.id, "first").await?, "first");
        assert_eq!(store.add_invitation(eve.id, "second").await?, "first");
        assert_eq!(store.invitation(eve.id).await?.as_deref(), Some("first"));
        assert_eq!(store.add_invitation(eve2.id, "other").await?, "other");
        assert_not_found(store.add_invitation(999_999, "none").await);
        assert_eq!(store.invitation(999_999).await?, None);

        store.remove_attendees(r1.id, &[eve.id], &[]).await?;
        assert_eq!(store.invitation(eve.id).await?, None);
        store.delete_room(r2.id).await?;
        assert_eq!(store.invitation(eve2.id).await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_session_writes_in_call_last_ping_and_state() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let alice = attendee(&store, room.id, "alice").await;
        let bob = attendee(&store, room.id, "bob").await;
        let opened = store
            .open_session(room.id, alice.id, &new_session("s1", "c1", NOW))
            .await?;
        let other = store
            .open_session(room.id, bob.id, &new_session("s2", "c2", NOW))
            .await?;
        let changed = Session {
            in_call: 7,
            last_ping: NOW + 30,
            state: 0,
            ..opened.clone()
        };
        store.update_session(&changed).await?;
        assert_eq!(store.session("s1").await?, Some(changed));
        assert_eq!(store.session("s2").await?, Some(other));

        // The attendee and client session are not the session's to change.
        let stale = Session {
            attendee_id: bob.id,
            client_session: "c9".to_owned(),
            in_call: 1,
            ..opened
        };
        store.update_session(&stale).await?;
        let stored = store.session("s1").await?.expect("session exists");
        assert_eq!(
            (
                stored.attendee_id,
                stored.client_session.as_str(),
                stored.in_call
            ),
            (alice.id, "c1", 1)
        );
        Ok(())
    })
    .await;
}

/// `(actor type, actor id, participant type)` of every attendee of `room_id`, in id order.
async fn actors(
    store: &impl ParticipantStore,
    room_id: i64,
) -> Vec<(ActorType, String, ParticipantType)> {
    store
        .attendees(room_id)
        .await
        .expect("read attendees")
        .into_iter()
        .map(|a| (a.actor_type, a.actor_id, a.participant_type))
        .collect()
}

/// `(room id, system message name)` of every message.
fn names(messages: &[Message]) -> Vec<(i64, &str)> {
    messages
        .iter()
        .map(|m| (m.room_id, m.system_message.as_str()))
        .collect()
}

#[tokio::test]
async fn change_memberships_removes_adds_and_appends_to_each_room() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob", "carol"]).await?;
        let r2 = room_with(&store, "r2", &["dave"]).await?;
        let r3 = room_with(&store, "r3", &["erin"]).await?;
        let untouched = room_with(&store, "untouched", &["bob"]).await?;
        let alice = attendee(&store, r1.id, "alice").await;
        let bob = attendee(&store, r1.id, "bob").await;
        let carol = attendee(&store, r1.id, "carol").await;
        let dave = attendee(&store, r2.id, "dave").await;
        let bob_elsewhere = attendee(&store, untouched.id, "bob").await;
        for (room_id, attendee_id, session, client) in [
            (r1.id, alice.id, "sa", "ca"),
            (r1.id, bob.id, "sb", "cb"),
            (r1.id, carol.id, "sc", "cc"),
            (untouched.id, bob_elsewhere.id, "su", "cb"),
        ] {
            store
                .open_session(room_id, attendee_id, &new_session(session, client, NOW))
                .await?;
        }

        let messages = [
            system(r1.id, "user_removed", NOW + 10),
            system(r2.id, "user_added", NOW + 11),
            system(r3.id, "guest_added", NOW + 12),
            system(r2.id, "user_added", NOW + 13),
        ];
        store
            .change_memberships(
                &[(r1.id, bob.id), (r1.id, carol.id)],
                &[
                    (r2.id, member("bob")),
                    (r3.id, guest("g1")),
                    (r2.id, member("carol")),
                ],
                &messages,
            )
            .await?;

        assert_eq!(store.attendees(r1.id).await?, [alice]);
        assert_eq!(session_ids(&store.sessions_of_room(r1.id).await?), ["sa"]);
        assert_eq!(store.session("sb").await?, None);
        assert_eq!(store.session("sc").await?, None);

        assert_eq!(
            actors(&store, r2.id).await,
            [
                (ActorType::Users, "dave".to_owned(), ParticipantType::Owner),
                (ActorType::Users, "bob".to_owned(), ParticipantType::User),
                (ActorType::Users, "carol".to_owned(), ParticipantType::User),
            ]
        );
        let moved_bob = attendee(&store, r2.id, "bob").await;
        assert_eq!(
            (moved_bob.room_id, moved_bob.display_name.as_str()),
            (r2.id, "BOB")
        );
        assert_ne!(moved_bob.id, bob.id, "an addition is a new attendee");
        assert_eq!(attendee(&store, r2.id, "dave").await, dave);
        assert_eq!(
            actors(&store, r3.id).await,
            [
                (ActorType::Users, "erin".to_owned(), ParticipantType::Owner),
                (ActorType::Guests, "g1".to_owned(), ParticipantType::Guest),
            ]
        );

        // Each message went to its own room and moved that room's last message.
        let in_r1 = store.messages_after(r1.id, 0, 10).await?;
        let in_r2 = store.messages_after(r2.id, 0, 10).await?;
        let in_r3 = store.messages_after(r3.id, 0, 10).await?;
        assert_eq!(names(&in_r1), [(r1.id, "user_removed")]);
        assert_eq!(
            names(&in_r2),
            [(r2.id, "user_added"), (r2.id, "user_added")]
        );
        assert_eq!(names(&in_r3), [(r3.id, "guest_added")]);
        assert!(in_r1[0].id < in_r2[0].id && in_r2[0].id < in_r3[0].id);
        assert!(in_r3[0].id < in_r2[1].id, "ids grow in the order given");
        for (token, last, activity) in [
            ("r1", in_r1[0].id, NOW + 10),
            ("r2", in_r2[1].id, NOW + 13),
            ("r3", in_r3[0].id, NOW + 12),
        ] {
            let room = store.room_by_token(token).await?.expect("room exists");
            assert_eq!(
                (room.last_message_id, room.last_activity),
                (last, activity),
                "{token}"
            );
        }

        // Bob's attendee and session in a room not named stay.
        assert_eq!(
            store.attendee_by_id(untouched.id, bob_elsewhere.id).await?,
            Some(bob_elsewhere)
        );
        assert!(store.session("su").await?.is_some());
        assert_eq!(store.room_by_token("untouched").await?, Some(untouched));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn change_memberships_removes_an_attendee_only_from_the_room_given() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["carol"]).await?;
        let bob = attendee(&store, r1.id, "bob").await;
        store
            .open_session(r1.id, bob.id, &new_session("sb", "cb", NOW))
            .await?;

        // Bob's attendee id paired with the wrong room removes nothing.
        store
            .change_memberships(&[(r2.id, bob.id)], &[], &[])
            .await?;
        assert_eq!(
            store.attendee_by_id(r1.id, bob.id).await?,
            Some(bob.clone())
        );
        assert!(
            store.session("sb").await?.is_some(),
            "bob keeps his session"
        );
        assert_eq!(store.attendees(r2.id).await?.len(), 1);

        // An unknown attendee id removes nothing either, and nothing at all changes nothing.
        store
            .change_memberships(&[(r1.id, bob.id + 1000)], &[], &[])
            .await?;
        store.change_memberships(&[], &[], &[]).await?;
        assert_eq!(store.attendees(r1.id).await?.len(), 2);
        assert!(store.messages_after(r1.id, 0, 10).await?.is_empty());
        assert_eq!(store.room_by_token("r1").await?, Some(r1.clone()));

        store
            .change_memberships(&[(r1.id, bob.id)], &[], &[])
            .await?;
        assert_eq!(store.attendee_by_id(r1.id, bob.id).await?, None);
        assert_eq!(store.session("sb").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn change_memberships_changes_nothing_when_a_part_fails() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["carol"]).await?;
        let before_r1 = store.attendees(r1.id).await?;
        let before_r2 = store.attendees(r2.id).await?;
        let bob = attendee(&store, r1.id, "bob").await;
        store
            .open_session(r1.id, bob.id, &new_session("sb", "cb", NOW))
            .await?;
        let messages = [
            system(r1.id, "user_removed", NOW + 1),
            system(r2.id, "user_added", NOW + 1),
        ];

        // Carol already attends r2: the second addition conflicts.
        let result = store
            .change_memberships(
                &[(r1.id, bob.id)],
                &[(r2.id, member("bob")), (r2.id, member("carol"))],
                &messages,
            )
            .await;
        assert_conflict(result);
        assert_eq!(
            store.attendees(r1.id).await?,
            before_r1,
            "bob is not removed"
        );
        assert!(
            store.session("sb").await?.is_some(),
            "bob keeps his session"
        );
        assert_eq!(store.attendees(r2.id).await?, before_r2, "bob is not added");
        assert!(store.messages_after(r1.id, 0, 10).await?.is_empty());
        assert!(store.messages_after(r2.id, 0, 10).await?.is_empty());
        assert_eq!(store.room_by_token("r1").await?, Some(r1.clone()));
        assert_eq!(store.room_by_token("r2").await?, Some(r2.clone()));

        // A message to a missing room undoes the removals and additions too.
        let result = store
            .change_memberships(
                &[(r1.id, bob.id)],
                &[(r2.id, member("bob"))],
                &[
                    system(r1.id, "user_removed", NOW + 2),
                    system(r2.id + 1000, "user_added", NOW + 2),
                ],
            )
            .await;
        assert!(
            result.is_err(),
            "a message to a missing room fails: {result:?}"
        );
        assert_eq!(store.attendees(r1.id).await?, before_r1);
        assert!(store.session("sb").await?.is_some());
        assert_eq!(store.attendees(r2.id).await?, before_r2);
        assert!(store.messages_after(r1.id, 0, 10).await?.is_empty());
        assert_eq!(store.room_by_token("r1").await?, Some(r1));
        assert_eq!(store.room_by_token("r2").await?, Some(r2));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn switch_sessions_closes_and_opens_in_one_step() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let (alice, bob) = (
            attendee(&store, r1.id, "alice").await,
            attendee(&store, r1.id, "bob").await,
        );
        let alice2 = attendee(&store, r2.id, "alice").await;
        let g = store
            .add_attendees(r2.id, &[guest("g1")], &[])
            .await?
            .remove(0);
        store
            .open_session(r1.id, alice.id, &new_session("s1", "alice-tab", NOW))
            .await?;
        store
            .open_session(r1.id, bob.id, &new_session("s2", "bob-tab", NOW))
            .await?;

        let opened = store
            .switch_sessions(
                &["s1".to_owned()],
                &[
                    (r2.id, alice2.id, new_session("s3", "alice-tab", NOW + 1)),
                    (r1.id, bob.id, new_session("s4", "bob-tab", NOW + 1)),
                    (r2.id, g.id, new_session("s5", "guest-tab", NOW + 1)),
                ],
            )
            .await?;

        assert_eq!(session_ids(&opened), ["s3", "s4", "s5"]);
        assert_eq!(
            (opened[0].attendee_id, opened[0].client_session.as_str()),
            (alice2.id, "alice-tab")
        );
        assert_eq!(
            (opened[1].in_call, opened[1].state, opened[1].last_ping),
            (0, 1, NOW + 1)
        );
        assert_eq!(store.session("s1").await?, None, "closed");
        assert_eq!(
            store.session("s2").await?,
            None,
            "replaced: same client and room"
        );
        assert_eq!(store.session("s3").await?, Some(opened[0].clone()));
        assert_eq!(session_ids(&store.sessions_of_room(r1.id).await?), ["s4"]);
        // The guest's client is bound to them, as by open_session.
        store.close_session("s5").await?;
        let found = store.room_membership("r2", None, Some("guest-tab")).await?;
        assert_eq!(found.and_then(|(_, a, _)| a), Some(g));

        // A failing opening (a session id in use) closes nothing either.
        let result = store
            .switch_sessions(
                &["s3".to_owned()],
                &[(r1.id, alice.id, new_session("s4", "other-tab", NOW + 2))],
            )
            .await;
        assert_conflict(result);
        assert!(store.session("s3").await?.is_some());
        assert_eq!(store.switch_sessions(&[], &[]).await?, []);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn breakout_sessions_cover_the_parent_and_its_breakout_rooms_only() {
    each_backend(|store| async move {
        let parent = room_with(&store, "p1", &["alice", "bob"]).await?;
        let mut child = new_room("c1", RoomType::Group);
        child.object_type = "room".to_owned();
        child.object_id = "p1".to_owned();
        let child = store.create_room(&child, &[member("alice")], &[]).await?;
        let other = room_with(&store, "o1", &["alice"]).await?;
        // Named by the parent's token, but not a breakout room: not of the family.
        let mut file = new_room("f1", RoomType::Group);
        file.object_type = "file".to_owned();
        file.object_id = "p1".to_owned();
        let file = store.create_room(&file, &[member("alice")], &[]).await?;
        for (room, id, session, client) in [
            (&parent, "alice", "sp", "tab-1"),
            (&child, "alice", "sc", "tab-2"),
            (&other, "alice", "so", "tab-3"),
            (&file, "alice", "sf", "tab-4"),
            (&parent, "bob", "sb", "bob-tab"),
        ] {
            let a = attendee(&store, room.id, id).await;
            store
                .open_session(room.id, a.id, &new_session(session, client, NOW))
                .await?;
        }
        let (g, _) = store
            .add_guest_with_session(child.id, &guest("g1"), &new_session("sg", "guest-tab", NOW))
            .await?;

        let all = store.breakout_sessions("p1", None).await?;
        let all: Vec<(i64, &str, &str)> = all
            .iter()
            .map(|c| (c.room_id, c.session.id.as_str(), c.actor_id.as_str()))
            .collect();
        assert_eq!(
            all,
            [
                (parent.id, "sb", "bob"),
                (parent.id, "sp", "alice"),
                (child.id, "sc", "alice"),
                (child.id, "sg", "g1"),
            ]
        );
        let alices = store
            .breakout_sessions("p1", Some((ActorType::Users, "alice")))
            .await?;
        // From the person: only their sessions in the family, in the family's order.
        let ids: Vec<&str> = alices.iter().map(|c| c.session.id.as_str()).collect();
        assert_eq!(ids, ["sp", "sc"]);
        assert_eq!(alices[0].room_id, parent.id);
        assert_eq!(alices[1].room_id, child.id);
        assert_eq!(alices[1].actor_type, ActorType::Users);
        assert_eq!(store.session("sc").await?, Some(alices[1].session.clone()));
        let guests = store
            .breakout_sessions("p1", Some((ActorType::Guests, "g1")))
            .await?;
        assert_eq!(guests.len(), 1);
        assert_eq!(guests[0].session.attendee_id, g.id);
        assert_eq!(
            store
                .breakout_sessions("o1", Some((ActorType::Users, "bob")))
                .await?,
            []
        );
        assert_eq!(
            store
                .breakout_sessions("c1", Some((ActorType::Users, "alice")))
                .await?
                .len(),
            1,
            "a room is its own family, from the person too"
        );
        let child_only = store.breakout_sessions("c1", None).await?;
        assert_eq!(child_only.len(), 2, "a room is its own family");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn attendees_of_rooms_reads_many_rooms_at_once() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["carol"]).await?;
        let r3 = room_with(&store, "r3", &["dave"]).await?;
        let found = store.attendees_of_rooms(&[r2.id, r1.id]).await?;
        let ids: Vec<(i64, &str)> = found
            .iter()
            .map(|a| (a.room_id, a.actor_id.as_str()))
            .collect();
        assert_eq!(ids, [(r1.id, "alice"), (r1.id, "bob"), (r2.id, "carol")]);
        assert_eq!(found[0], store.attendees(r1.id).await?[0]);
        assert!(store.attendees_of_rooms(&[]).await?.is_empty());
        assert!(!ids.iter().any(|(room, _)| *room == r3.id));
        Ok(())
    })
    .await;
}
