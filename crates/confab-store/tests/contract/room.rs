//! `RoomStore`: conversations, their lookups (membership included), updates, deletion, breakout
//! room replacement and lobby timers.

use confab_core::chat::{Message, NewMessage};
use confab_core::participant::{ActorType, Attendee, NewAttendee, ParticipantType, Session};
use confab_core::room::{Listable, NewRoom, Room, RoomType};
use confab_core::store::{ChatStore, Membership, ParticipantStore, RoomPlan, RoomStore};
use confab_store::SqlStore;

use crate::support::{
    assert_conflict, assert_not_found, comment, each_backend, guest, member, new_room, new_session,
    owner, room_with, system, user_in, NOW,
};

fn tokens(rooms: &[Room]) -> Vec<&str> {
    rooms.iter().map(|r| r.token.as_str()).collect()
}

/// Creates a room of `room_type` with `listable` and the given name.
async fn listed(
    store: &SqlStore,
    token: &str,
    room_type: RoomType,
    listable: Listable,
    name: &str,
) -> Room {
    let mut room = new_room(token, room_type);
    room.listable = listable;
    room.name = name.to_owned();
    store
        .create_room(&room, &[owner("owner")], &[])
        .await
        .expect("create room")
}

/// Creates a room whose lobby is `active` with `timer`.
async fn lobby(store: &SqlStore, token: &str, active: bool, timer: i64) -> Room {
    let mut room = new_room(token, RoomType::Group);
    room.lobby_state = active;
    room.lobby_timer = timer;
    store
        .create_room(&room, &[], &[])
        .await
        .expect("create room")
}

#[tokio::test]
async fn create_room_stores_every_setting() {
    each_backend(|store| async move {
        let new = NewRoom {
            token: "abc123".to_owned(),
            room_type: RoomType::Public,
            name: "Planning".to_owned(),
            description: "Quarterly planning".to_owned(),
            password_hash: "argon2-hash".to_owned(),
            read_only: true,
            listable: Listable::All,
            lobby_state: true,
            lobby_timer: NOW + 3600,
            default_permissions: 126,
            message_expiration: 3600,
            object_type: "file".to_owned(),
            object_id: "42".to_owned(),
            sip_enabled: 1,
            mention_permissions: 1,
            recording_consent: 2,
            created_at: NOW,
            avatar: None,
        };
        let room = store.create_room(&new, &[], &[]).await?;
        assert!(room.id > 0);
        let expected = Room {
            id: room.id,
            token: new.token.clone(),
            room_type: new.room_type,
            name: new.name.clone(),
            description: new.description.clone(),
            password_hash: new.password_hash.clone(),
            read_only: true,
            listable: Listable::All,
            lobby_state: true,
            lobby_timer: NOW + 3600,
            default_permissions: 126,
            call_permissions: 0,
            message_expiration: 3600,
            object_type: "file".to_owned(),
            object_id: "42".to_owned(),
            breakout_room_mode: 0,
            breakout_room_status: 0,
            sip_enabled: 1,
            mention_permissions: 1,
            recording_consent: 2,
            call_flag: 0,
            call_start_time: 0,
            last_activity: NOW,
            last_message_id: 0,
            created_at: NOW,
            modified_at: NOW,
            avatar_version: None,
        };
        assert_eq!(room, expected);
        assert_eq!(store.room_by_token("abc123").await?, Some(expected));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn create_room_adds_attendees_and_messages_to_the_new_room() {
    each_backend(|store| async move {
        // The messages' room id is a placeholder; the store fills in the new room's id.
        let messages = [
            system(0, "conversation_created", NOW),
            system(0, "user_added", NOW + 5),
        ];
        let room = store
            .create_room(
                &new_room("r1", RoomType::Group),
                &[owner("alice"), member("bob"), guest("g1")],
                &messages,
            )
            .await?;

        let attendees = store.attendees(room.id).await?;
        let actors: Vec<_> = attendees
            .iter()
            .map(|a| (a.actor_type, a.actor_id.as_str(), a.participant_type))
            .collect();
        assert_eq!(
            actors,
            [
                (ActorType::Users, "alice", ParticipantType::Owner),
                (ActorType::Users, "bob", ParticipantType::User),
                (ActorType::Guests, "g1", ParticipantType::Guest),
            ]
        );
        assert!(attendees.iter().all(|a| a.room_id == room.id));

        let stored = store.messages_after(room.id, 0, 100).await?;
        let names: Vec<_> = stored.iter().map(|m| m.system_message.as_str()).collect();
        assert_eq!(names, ["conversation_created", "user_added"]);
        assert!(stored.iter().all(|m| m.room_id == room.id));
        assert_eq!(room.last_message_id, stored[1].id);
        assert_eq!(room.last_activity, NOW + 5);
        assert_eq!(store.room_by_token("r1").await?, Some(room));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn create_room_rejects_duplicate_token() {
    each_backend(|store| async move {
        let first = room_with(&store, "same", &["alice"]).await?;
        let again = store
            .create_room(
                &new_room("same", RoomType::Public),
                &[owner("bob")],
                &[system(0, "conversation_created", NOW)],
            )
            .await;
        assert_conflict(again);
        assert_eq!(store.room_by_token("same").await?, Some(first.clone()));
        assert!(store
            .rooms_of_actor(ActorType::Users, "bob")
            .await?
            .is_empty());
        assert!(store.messages_after(first.id, 0, 10).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn create_room_stores_nothing_when_an_attendee_conflicts() {
    each_backend(|store| async move {
        let failed = store
            .create_room(
                &new_room("r1", RoomType::Group),
                &[owner("alice"), member("alice")],
                &[system(0, "conversation_created", NOW)],
            )
            .await;
        assert_conflict(failed);
        assert_eq!(store.room_by_token("r1").await?, None);
        assert!(store
            .rooms_of_actor(ActorType::Users, "alice")
            .await?
            .is_empty());
        // The token is still free.
        room_with(&store, "r1", &["alice"]).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn room_by_token_returns_none_for_unknown_token() {
    each_backend(|store| async move {
        room_with(&store, "known", &["alice"]).await?;
        assert_eq!(store.room_by_token("unknown").await?, None);
        assert_eq!(store.room_by_token("KNOWN").await?, None);
        Ok(())
    })
    .await;
}

/// `room_membership` of `token`, which must exist.
async fn membership(
    store: &SqlStore,
    token: &str,
    user_id: Option<&str>,
    client_session: Option<&str>,
) -> Membership {
    store
        .room_membership(token, user_id, client_session)
        .await
        .expect("read membership")
        .unwrap_or_else(|| panic!("room {token} exists"))
}

#[tokio::test]
async fn room_membership_finds_the_user_attendee_and_its_session() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let alice = user_in(&store, r1.id, "alice").await;
        let alice2 = user_in(&store, r2.id, "alice").await;
        let session = store
            .open_session(r1.id, alice.id, &new_session("s1", "tab", NOW))
            .await?;
        store
            .open_session(r2.id, alice2.id, &new_session("s2", "other-tab", NOW))
            .await?;
        store
            .post_messages(&[comment(r1.id, "alice", "moves the room", NOW + 1)])
            .await?;
        let r1 = store.room_by_token("r1").await?.expect("r1 exists");

        assert_eq!(
            membership(&store, "r1", Some("alice"), Some("tab")).await,
            (r1.clone(), Some(alice.clone()), Some(session))
        );
        assert_eq!(
            membership(&store, "r1", Some("alice"), None).await,
            (r1.clone(), Some(alice.clone()), None)
        );
        assert_eq!(
            membership(&store, "r1", Some("alice"), Some("unknown")).await,
            (r1.clone(), Some(alice.clone()), None)
        );
        // Alice's session of r2 is not a session of r1.
        assert_eq!(
            membership(&store, "r1", Some("alice"), Some("other-tab")).await,
            (r1.clone(), Some(alice), None)
        );
        assert_eq!(
            membership(&store, "r2", Some("alice"), Some("tab")).await,
            (r2, Some(alice2), None)
        );
        let bob = user_in(&store, r1.id, "bob").await;
        assert_eq!(
            membership(&store, "r1", Some("bob"), None).await,
            (r1, Some(bob), None)
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn room_membership_finds_a_guest_through_the_session_of_its_client() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let (g1, s1) = store
            .add_guest_with_session(r1.id, &guest("g1"), &new_session("s1", "guest-tab", NOW))
            .await?;
        let email = NewAttendee::email("eve@example.com").expect("an email address");
        let (eve, s2) = store
            .add_guest_with_session(r1.id, &email, &new_session("s2", "email-tab", NOW))
            .await?;
        let (g2, s3) = store
            .add_guest_with_session(r2.id, &guest("g2"), &new_session("s3", "r2-tab", NOW))
            .await?;

        assert_eq!(
            membership(&store, "r1", None, Some("guest-tab")).await,
            (r1.clone(), Some(g1), Some(s1))
        );
        assert_eq!(
            membership(&store, "r1", None, Some("email-tab")).await,
            (r1.clone(), Some(eve), Some(s2))
        );
        assert_eq!(
            membership(&store, "r2", None, Some("r2-tab")).await,
            (r2.clone(), Some(g2), Some(s3))
        );
        // A session of another room, an unknown client or no client finds no one.
        assert_eq!(
            membership(&store, "r1", None, Some("r2-tab")).await,
            (r1.clone(), None, None)
        );
        assert_eq!(
            membership(&store, "r2", None, Some("guest-tab")).await,
            (r2, None, None)
        );
        assert_eq!(
            membership(&store, "r1", None, Some("unknown")).await,
            (r1.clone(), None, None)
        );
        assert_eq!(membership(&store, "r1", None, None).await, (r1, None, None));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn room_membership_keeps_a_guest_bound_to_their_client_until_they_are_removed() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let (g1, s1) = store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("s1", "guest-tab", NOW))
            .await?;
        store.close_session(&s1.id).await?;
        // Connected or not, the client is still the guest's.
        assert_eq!(
            membership(&store, "r1", None, Some("guest-tab")).await,
            (room.clone(), Some(g1.clone()), None)
        );
        let s2 = store
            .open_session(room.id, g1.id, &new_session("s2", "guest-tab", NOW + 1))
            .await?;
        assert_eq!(
            membership(&store, "r1", None, Some("guest-tab")).await,
            (room.clone(), Some(g1.clone()), Some(s2))
        );
        // Opening a session binds a guest's second client too, not a user's.
        store
            .open_session(room.id, g1.id, &new_session("s3", "guest-phone", NOW + 1))
            .await?;
        store.close_session("s3").await?;
        let alice = user_in(&store, room.id, "alice").await;
        store
            .open_session(room.id, alice.id, &new_session("s4", "alice-tab", NOW + 1))
            .await?;
        store.close_session("s4").await?;
        assert_eq!(
            membership(&store, "r1", None, Some("guest-phone")).await,
            (room.clone(), Some(g1.clone()), None)
        );
        assert_eq!(
            membership(&store, "r1", None, Some("alice-tab")).await,
            (room.clone(), None, None)
        );
        // Removing the guest ends the binding of each of their clients.
        store.remove_attendees(room.id, &[g1.id], &[]).await?;
        for client in ["guest-tab", "guest-phone"] {
            assert_eq!(
                membership(&store, "r1", None, Some(client)).await,
                (room.clone(), None, None)
            );
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn room_membership_returns_no_session_that_is_not_the_attendees() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        let bob = user_in(&store, room.id, "bob").await;
        store
            .open_session(room.id, bob.id, &new_session("sb", "bob-tab", NOW))
            .await?;
        store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("sg", "guest-tab", NOW))
            .await?;

        // With a user id the guest path is not used: the guest's session finds no one.
        assert_eq!(
            membership(&store, "r1", Some("alice"), Some("guest-tab")).await,
            (room.clone(), Some(alice.clone()), None)
        );
        assert_eq!(
            membership(&store, "r1", Some("carol"), Some("guest-tab")).await,
            (room.clone(), None, None)
        );
        // Another user's session is not the caller's.
        assert_eq!(
            membership(&store, "r1", Some("alice"), Some("bob-tab")).await,
            (room.clone(), Some(alice), None)
        );
        // Without a user id only guests are found through a session.
        assert_eq!(
            membership(&store, "r1", None, Some("bob-tab")).await,
            (room.clone(), None, None)
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn room_membership_of_a_non_member_or_unknown_token() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        room_with(&store, "r2", &["carol"]).await?;
        assert_eq!(
            membership(&store, "r1", Some("carol"), None).await,
            (room.clone(), None, None)
        );
        assert_eq!(
            membership(&store, "r1", Some("carol"), Some("tab")).await,
            (room, None, None)
        );
        assert_eq!(
            store.room_membership("nope", Some("alice"), None).await?,
            None
        );
        assert_eq!(
            store.room_membership("nope", None, Some("tab")).await?,
            None
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn rooms_of_actor_lists_the_actors_rooms_with_their_attendee_ordered_by_id() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["bob"]).await?;
        let r3 = room_with(&store, "r3", &["carol", "alice"]).await?;
        // A guest with the same id is another actor.
        store.add_attendees(r2.id, &[guest("alice")], &[]).await?;

        let rooms = store.rooms_of_actor(ActorType::Users, "alice").await?;
        assert_eq!(
            rooms.iter().map(|(r, _)| r.id).collect::<Vec<_>>(),
            [r1.id, r3.id]
        );
        assert_eq!(rooms[0].0, r1);
        assert_eq!(rooms[1].0, r3);
        for (room, attendee) in &rooms {
            assert_eq!(
                (
                    attendee.room_id,
                    attendee.actor_type,
                    attendee.actor_id.as_str()
                ),
                (room.id, ActorType::Users, "alice")
            );
        }
        assert_eq!(rooms[0].1.participant_type, ParticipantType::Owner);
        assert_eq!(rooms[1].1.participant_type, ParticipantType::User);

        let as_guest = store.rooms_of_actor(ActorType::Guests, "alice").await?;
        assert_eq!(as_guest.len(), 1);
        assert_eq!(as_guest[0].0.id, r2.id);
        assert_eq!(as_guest[0].1.actor_type, ActorType::Guests);

        assert!(store
            .rooms_of_actor(ActorType::Users, "nobody")
            .await?
            .is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn listable_rooms_filters_by_scope_membership_and_search() {
    each_backend(|store| async move {
        let users = listed(
            &store,
            "users",
            RoomType::Group,
            Listable::Users,
            "Users Only",
        )
        .await;
        let all = listed(&store, "all", RoomType::Public, Listable::All, "Everyone").await;
        listed(&store, "hidden", RoomType::Group, Listable::None, "Hidden").await;
        let joined = listed(
            &store,
            "joined",
            RoomType::Group,
            Listable::All,
            "Joined Already",
        )
        .await;
        store
            .add_attendees(joined.id, &[member("alice")], &[])
            .await?;
        // A guest named like the user does not make the user a member.
        store.add_attendees(all.id, &[guest("alice")], &[]).await?;

        let found = store
            .listable_rooms(Listable::Users as i64, "alice", "")
            .await?;
        assert_eq!(tokens(&found), ["users", "all"]);
        assert_eq!(found[0], users);

        let found = store
            .listable_rooms(Listable::All as i64, "alice", "")
            .await?;
        assert_eq!(tokens(&found), ["all"]);

        let found = store
            .listable_rooms(Listable::Users as i64, "alice", "EVERY")
            .await?;
        assert_eq!(tokens(&found), ["all"]);
        assert!(store
            .listable_rooms(Listable::Users as i64, "alice", "%")
            .await?
            .is_empty());

        // Another user is not in "joined", so it is listed for them.
        let found = store
            .listable_rooms(Listable::Users as i64, "bob", "")
            .await?;
        assert_eq!(tokens(&found), ["users", "all", "joined"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn listable_rooms_never_lists_one_to_one_rooms() {
    each_backend(|store| async move {
        listed(&store, "o2o", RoomType::OneToOne, Listable::All, "alice").await;
        listed(
            &store,
            "notes",
            RoomType::NoteToSelf,
            Listable::All,
            "notes",
        )
        .await;
        listed(&store, "group", RoomType::Group, Listable::All, "group").await;
        assert_eq!(
            tokens(
                &store
                    .listable_rooms(Listable::Users as i64, "bob", "")
                    .await?
            ),
            ["group"]
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn one_to_one_room_finds_the_room_of_both_users_in_either_order() {
    each_backend(|store| async move {
        // A group room with both users is not their one-to-one room.
        room_with(&store, "group", &["alice", "bob"]).await?;
        let o2o = store
            .create_room(
                &new_room("o2o", RoomType::OneToOne),
                &[owner("alice"), owner("bob")],
                &[],
            )
            .await?;
        store
            .create_room(
                &new_room("other", RoomType::OneToOne),
                &[owner("alice"), owner("carol")],
                &[],
            )
            .await?;

        assert_eq!(
            store.one_to_one_room("alice", "bob").await?,
            Some(o2o.clone())
        );
        assert_eq!(store.one_to_one_room("bob", "alice").await?, Some(o2o));
        assert_eq!(store.one_to_one_room("bob", "carol").await?, None);
        assert_eq!(store.one_to_one_room("alice", "dave").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn rooms_by_object_returns_matching_rooms_ordered_by_id() {
    each_backend(|store| async move {
        let make = |token: &str, object_type: &str, object_id: &str| {
            let mut room = new_room(token, RoomType::Group);
            room.object_type = object_type.to_owned();
            room.object_id = object_id.to_owned();
            room
        };
        let first = store
            .create_room(&make("b1", "room", "parent"), &[], &[])
            .await?;
        store
            .create_room(&make("x", "file", "parent"), &[], &[])
            .await?;
        store
            .create_room(&make("y", "room", "other"), &[], &[])
            .await?;
        let second = store
            .create_room(&make("b2", "room", "parent"), &[], &[])
            .await?;

        assert_eq!(
            store.rooms_by_object("room", "parent").await?,
            [first, second]
        );
        assert!(store.rooms_by_object("room", "missing").await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_room_writes_every_setting_and_appends_messages() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let changed = Room {
            room_type: RoomType::Public,
            name: "Renamed".to_owned(),
            description: "New description".to_owned(),
            password_hash: "pw".to_owned(),
            read_only: true,
            listable: Listable::Users,
            lobby_state: true,
            lobby_timer: NOW + 60,
            default_permissions: 8,
            call_permissions: 16,
            message_expiration: 120,
            object_type: "event".to_owned(),
            object_id: "e1".to_owned(),
            breakout_room_mode: 2,
            breakout_room_status: 1,
            sip_enabled: 2,
            mention_permissions: 1,
            recording_consent: 1,
            call_flag: 7,
            call_start_time: NOW + 10,
            modified_at: NOW + 100,
            ..room.clone()
        };
        let updated = store
            .update_room(
                &changed,
                &[
                    system(0, "conversation_renamed", NOW + 100),
                    system(0, "read_only", NOW + 100),
                ],
            )
            .await?;

        let messages = store.messages_after(room.id, 0, 10).await?;
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|m| m.room_id == room.id));
        let expected = Room {
            last_message_id: messages[1].id,
            last_activity: NOW + 100,
            ..changed
        };
        assert_eq!(updated, expected);
        assert_eq!(store.room_by_token("r1").await?, Some(expected));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_rooms_writes_each_room_and_appends_to_each_in_one_step() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let r3 = room_with(&store, "r3", &["alice"]).await?;
        let closed = |room: &Room| Room {
            lobby_state: true,
            breakout_room_status: 2,
            name: format!("{} closed", room.name),
            modified_at: NOW + 50,
            ..room.clone()
        };
        store
            .update_rooms(
                &[closed(&r1), closed(&r2)],
                &[
                    system(r2.id, "breakout_rooms_stopped", NOW + 50),
                    system(r1.id, "breakout_rooms_stopped", NOW + 51),
                ],
            )
            .await?;

        let in_r1 = store.messages_after(r1.id, 0, 10).await?;
        let in_r2 = store.messages_after(r2.id, 0, 10).await?;
        assert_eq!((in_r1.len(), in_r2.len()), (1, 1));
        assert!(in_r2[0].id < in_r1[0].id, "ids grow in the order given");
        for (room, last, activity) in [(&r1, &in_r1[0], NOW + 51), (&r2, &in_r2[0], NOW + 50)] {
            let expected = Room {
                last_message_id: last.id,
                last_activity: activity,
                ..closed(room)
            };
            assert_eq!(store.room_by_token(&room.token).await?, Some(expected));
        }
        assert_eq!(store.room_by_token("r3").await?, Some(r3.clone()));

        // A missing room: nothing is written.
        let gone = Room {
            id: r3.id + 1000,
            ..closed(&r3)
        };
        assert_not_found(
            store
                .update_rooms(
                    &[closed(&r3), gone],
                    &[system(r3.id, "breakout_rooms_stopped", NOW + 60)],
                )
                .await,
        );
        assert!(store.messages_after(r3.id, 0, 10).await?.is_empty());
        assert_eq!(store.room_by_token("r3").await?, Some(r3));
        store.update_rooms(&[], &[]).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_room_keeps_token_and_message_bookkeeping() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let posted = store
            .post_messages(&[comment(room.id, "alice", "hi", NOW + 50)])
            .await?;
        let current = store.room_by_token("r1").await?.expect("room exists");
        // Stale values for what update_room does not own.
        let stale = Room {
            token: "other".to_owned(),
            last_message_id: 0,
            last_activity: 0,
            created_at: 1,
            name: "Renamed".to_owned(),
            ..current.clone()
        };
        let updated = store.update_room(&stale, &[]).await?;
        assert_eq!(
            updated,
            Room {
                name: "Renamed".to_owned(),
                ..current
            }
        );
        assert_eq!(updated.last_message_id, posted[0].id);
        assert_eq!(store.room_by_token("other").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_room_moves_last_activity_forward_only() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let later = Room {
            last_activity: room.last_activity + 30,
            ..room.clone()
        };
        let updated = store.update_room(&later, &[]).await?;
        assert_eq!(updated.last_activity, room.last_activity + 30);
        let earlier = Room {
            last_activity: room.last_activity + 10,
            ..room.clone()
        };
        let updated = store.update_room(&earlier, &[]).await?;
        assert_eq!(updated.last_activity, room.last_activity + 30);
        assert_eq!(
            store.room_by_token("r1").await?.map(|r| r.last_activity),
            Some(room.last_activity + 30)
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_room_of_a_missing_room_is_not_found() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        assert!(store.delete_room(room.id).await?);
        assert_not_found(
            store
                .update_room(&room, &[system(0, "conversation_renamed", NOW)])
                .await,
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_room_removes_attendees_sessions_and_messages() {
    each_backend(|store| async move {
        let room = room_with(&store, "gone", &["alice", "bob"]).await?;
        let kept = room_with(&store, "kept", &["alice"]).await?;
        let alice = store
            .attendee_by_actor(room.id, ActorType::Users, "alice")
            .await?
            .expect("alice attends");
        let kept_alice = store
            .attendee_by_actor(kept.id, ActorType::Users, "alice")
            .await?
            .expect("alice attends");
        store
            .open_session(room.id, alice.id, &new_session("s1", "c1", NOW))
            .await?;
        store
            .open_session(kept.id, kept_alice.id, &new_session("s2", "c1", NOW))
            .await?;
        let posted = store
            .post_messages(&[
                comment(room.id, "alice", "bye", NOW),
                comment(kept.id, "alice", "hi", NOW),
            ])
            .await?;

        assert!(store.delete_room(room.id).await?);

        assert_eq!(store.room_by_token("gone").await?, None);
        assert!(store.attendees(room.id).await?.is_empty());
        assert_eq!(store.attendee_by_id(room.id, alice.id).await?, None);
        assert!(store.sessions_of_room(room.id).await?.is_empty());
        assert_eq!(store.session("s1").await?, None);
        assert!(store.messages_after(room.id, 0, 10).await?.is_empty());
        assert_eq!(
            store.messages_by_ids(&[posted[0].id, posted[1].id]).await?,
            [posted[1].clone()]
        );
        let rooms: Vec<_> = store
            .rooms_of_actor(ActorType::Users, "alice")
            .await?
            .into_iter()
            .map(|(r, _)| r.id)
            .collect();
        assert_eq!(rooms, [kept.id]);
        assert!(store.session("s2").await?.is_some());
        assert_eq!(store.attendees(kept.id).await?.len(), 1);

        assert!(!store.delete_room(room.id).await?);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn next_lobby_timer_is_the_earliest_timer_of_an_active_lobby() {
    each_backend(|store| async move {
        assert_eq!(store.next_lobby_timer().await?, None);
        lobby(&store, "inactive", false, NOW + 10).await;
        lobby(&store, "no-timer", true, 0).await;
        assert_eq!(store.next_lobby_timer().await?, None);

        lobby(&store, "later", true, NOW + 300).await;
        let sooner = lobby(&store, "sooner", true, NOW + 100).await;
        assert_eq!(store.next_lobby_timer().await?, Some(NOW + 100));

        store
            .update_room(
                &Room {
                    lobby_state: false,
                    lobby_timer: 0,
                    ..sooner
                },
                &[],
            )
            .await?;
        assert_eq!(store.next_lobby_timer().await?, Some(NOW + 300));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn rooms_with_due_lobby_returns_active_lobbies_whose_timer_is_not_after_now() {
    each_backend(|store| async move {
        let past = lobby(&store, "past", true, NOW - 100).await;
        let exactly = lobby(&store, "exactly", true, NOW).await;
        lobby(&store, "future", true, NOW + 1).await;
        lobby(&store, "inactive", false, NOW - 100).await;
        lobby(&store, "no-timer", true, 0).await;

        assert_eq!(store.rooms_with_due_lobby(NOW).await?, [past, exactly]);
        assert_eq!(
            tokens(&store.rooms_with_due_lobby(NOW - 101).await?),
            Vec::<&str>::new()
        );
        assert_eq!(
            tokens(&store.rooms_with_due_lobby(NOW + 1).await?),
            ["past", "exactly", "future"]
        );
        Ok(())
    })
    .await;
}

/// A group room `token` whose object is `object_type`/`object_id`.
fn tied(token: &str, object_type: &str, object_id: &str) -> NewRoom {
    NewRoom {
        object_type: object_type.to_owned(),
        object_id: object_id.to_owned(),
        ..new_room(token, RoomType::Group)
    }
}

/// A group breakout room `token` of the room whose token is `parent`.
fn breakout(token: &str, parent: &str) -> NewRoom {
    tied(token, "room", parent)
}

/// A plan for breakout room `token` of `parent`; its messages' room id is a placeholder.
fn plan(token: &str, parent: &str, attendees: &[NewAttendee], messages: &[NewMessage]) -> RoomPlan {
    RoomPlan {
        room: breakout(token, parent),
        attendees: attendees.to_vec(),
        messages: messages.to_vec(),
    }
}

/// The system message names of `messages`.
fn names(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.system_message.as_str()).collect()
}

/// `(actor type, actor id, participant type)` of every attendee of `room_id`, in id order;
/// fails unless every attendee belongs to the room.
async fn actors(store: &SqlStore, room_id: i64) -> Vec<(ActorType, String, ParticipantType)> {
    let attendees = store.attendees(room_id).await.expect("read attendees");
    assert!(attendees.iter().all(|a| a.room_id == room_id));
    attendees
        .into_iter()
        .map(|a| (a.actor_type, a.actor_id, a.participant_type))
        .collect()
}

/// The room `new` as stored with `id`, no messages and nothing changed since.
fn stored(new: &NewRoom, id: i64) -> Room {
    Room {
        id,
        token: new.token.clone(),
        room_type: new.room_type,
        name: new.name.clone(),
        description: new.description.clone(),
        password_hash: new.password_hash.clone(),
        read_only: new.read_only,
        listable: new.listable,
        lobby_state: new.lobby_state,
        lobby_timer: new.lobby_timer,
        default_permissions: new.default_permissions,
        call_permissions: 0,
        message_expiration: new.message_expiration,
        object_type: new.object_type.clone(),
        object_id: new.object_id.clone(),
        breakout_room_mode: 0,
        breakout_room_status: 0,
        sip_enabled: new.sip_enabled,
        mention_permissions: new.mention_permissions,
        recording_consent: new.recording_consent,
        call_flag: 0,
        call_start_time: 0,
        last_activity: new.created_at,
        last_message_id: 0,
        created_at: new.created_at,
        modified_at: new.created_at,
        avatar_version: new.avatar.as_ref().map(|a| a.version.clone()),
    }
}

/// What a breakout room holds: the room, its attendees, sessions and messages.
type Contents = (Room, Vec<Attendee>, Vec<Session>, Vec<Message>);

async fn contents(store: &SqlStore, token: &str) -> Contents {
    let room = store
        .room_by_token(token)
        .await
        .expect("read room")
        .unwrap_or_else(|| panic!("room {token} exists"));
    let attendees = store.attendees(room.id).await.expect("read attendees");
    let sessions = store
        .sessions_of_room(room.id)
        .await
        .expect("read sessions");
    let messages = store
        .messages_after(room.id, 0, 100)
        .await
        .expect("read messages");
    (room, attendees, sessions, messages)
}

/// Creates breakout rooms "old1" (alice, with a session and a message) and "old2" (bob) of
/// `parent` by hand, and returns what they hold.
async fn old_breakout_rooms(store: &SqlStore, parent: &str) -> anyhow::Result<[Contents; 2]> {
    let old1 = store
        .create_room(
            &breakout("old1", parent),
            &[member("alice")],
            &[system(0, "conversation_created", NOW)],
        )
        .await?;
    let alice = user_in(store, old1.id, "alice").await;
    store
        .open_session(old1.id, alice.id, &new_session("old-s1", "tab", NOW))
        .await?;
    store
        .post_messages(&[comment(old1.id, "alice", "in old1", NOW + 1)])
        .await?;
    store
        .create_room(&breakout("old2", parent), &[member("bob")], &[])
        .await?;
    Ok([contents(store, "old1").await, contents(store, "old2").await])
}

/// Rooms replacing the breakout rooms of "parent" must leave alone: another parent "other",
/// its breakout room "other-child", and "file-room", tied to "parent" but not a breakout room.
async fn unrelated_rooms(store: &SqlStore) -> anyhow::Result<[Contents; 3]> {
    room_with(store, "other", &["carol"]).await?;
    store
        .create_room(&breakout("other-child", "other"), &[member("carol")], &[])
        .await?;
    store
        .create_room(
            &tied("file-room", "file", "parent"),
            &[member("alice")],
            &[system(0, "conversation_created", NOW)],
        )
        .await?;
    Ok([
        contents(store, "other").await,
        contents(store, "other-child").await,
        contents(store, "file-room").await,
    ])
}

/// Whether room `token` and everything in it is gone.
async fn assert_gone(store: &SqlStore, old: &Contents) -> anyhow::Result<()> {
    let (room, attendees, sessions, messages) = old;
    assert_eq!(
        store.room_by_token(&room.token).await?,
        None,
        "{}",
        room.token
    );
    assert!(store.attendees(room.id).await?.is_empty());
    for a in attendees {
        assert_eq!(store.attendee_by_id(room.id, a.id).await?, None);
    }
    assert!(store.sessions_of_room(room.id).await?.is_empty());
    for s in sessions {
        assert_eq!(store.session(&s.id).await?, None);
    }
    assert!(store.messages_after(room.id, 0, 100).await?.is_empty());
    let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
    assert!(store.messages_by_ids(&ids).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn replace_breakout_rooms_replaces_the_children_and_writes_the_parent() {
    each_backend(|store| async move {
        let parent = room_with(&store, "parent", &["alice", "bob"]).await?;
        let parent_attendees = store.attendees(parent.id).await?;
        let old = old_breakout_rooms(&store, "parent").await?;
        let unrelated = unrelated_rooms(&store).await?;

        let plans = [
            plan(
                "new1",
                "parent",
                &[owner("alice"), member("bob")],
                &[
                    system(0, "conversation_created", NOW + 1),
                    system(0, "user_added", NOW + 2),
                ],
            ),
            plan(
                "new2",
                "parent",
                &[member("carol"), guest("g1")],
                &[system(0, "conversation_created", NOW + 3)],
            ),
            plan("new3", "parent", &[], &[]),
        ];
        let changed = Room {
            breakout_room_mode: 2,
            breakout_room_status: 1,
            name: "Parent renamed".to_owned(),
            call_permissions: 16,
            modified_at: NOW + 20,
            ..parent.clone()
        };
        let created = store.replace_breakout_rooms(&changed, &plans).await?;

        assert_eq!(tokens(&created), ["new1", "new2", "new3"]);
        assert!(created.windows(2).all(|w| w[0].id < w[1].id));
        for room in &created {
            assert_eq!(store.room_by_token(&room.token).await?.as_ref(), Some(room));
        }
        assert_eq!(store.rooms_by_object("room", "parent").await?, created);

        let m1 = store.messages_after(created[0].id, 0, 10).await?;
        let m2 = store.messages_after(created[1].id, 0, 10).await?;
        assert!(store.messages_after(created[2].id, 0, 10).await?.is_empty());
        assert_eq!(names(&m1), ["conversation_created", "user_added"]);
        assert_eq!(names(&m2), ["conversation_created"]);
        assert!(m1.iter().all(|m| m.room_id == created[0].id));
        assert!(m2.iter().all(|m| m.room_id == created[1].id));
        let expected = [
            Room {
                last_message_id: m1[1].id,
                last_activity: NOW + 2,
                ..stored(&plans[0].room, created[0].id)
            },
            Room {
                last_message_id: m2[0].id,
                last_activity: NOW + 3,
                ..stored(&plans[1].room, created[1].id)
            },
            stored(&plans[2].room, created[2].id),
        ];
        assert_eq!(created, expected);

        assert_eq!(
            actors(&store, created[0].id).await,
            [
                (ActorType::Users, "alice".to_owned(), ParticipantType::Owner),
                (ActorType::Users, "bob".to_owned(), ParticipantType::User),
            ]
        );
        assert_eq!(
            actors(&store, created[1].id).await,
            [
                (ActorType::Users, "carol".to_owned(), ParticipantType::User),
                (ActorType::Guests, "g1".to_owned(), ParticipantType::Guest),
            ]
        );
        assert!(store.attendees(created[2].id).await?.is_empty());

        for gone in &old {
            assert_gone(&store, gone).await?;
        }

        assert_eq!(store.room_by_token("parent").await?, Some(changed));
        assert_eq!(store.attendees(parent.id).await?, parent_attendees);
        assert!(store.messages_after(parent.id, 0, 10).await?.is_empty());
        for room in &unrelated {
            assert_eq!(&contents(&store, &room.0.token).await, room);
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn replace_breakout_rooms_with_no_plans_only_deletes_and_writes_the_parent() {
    each_backend(|store| async move {
        let parent = room_with(&store, "parent", &["alice", "bob"]).await?;
        let old = old_breakout_rooms(&store, "parent").await?;
        store
            .create_room(&breakout("other-child", "other"), &[member("carol")], &[])
            .await?;
        let other_child = contents(&store, "other-child").await;

        let changed = Room {
            breakout_room_mode: 0,
            breakout_room_status: 0,
            modified_at: NOW + 30,
            ..parent.clone()
        };
        let started = Room {
            breakout_room_mode: 1,
            breakout_room_status: 1,
            ..changed.clone()
        };
        store.update_room(&started, &[]).await?;

        assert!(store
            .replace_breakout_rooms(&changed, &[])
            .await?
            .is_empty());
        for gone in &old {
            assert_gone(&store, gone).await?;
        }
        assert!(store.rooms_by_object("room", "parent").await?.is_empty());
        assert_eq!(store.room_by_token("parent").await?, Some(changed.clone()));
        assert_eq!(contents(&store, "other-child").await, other_child);

        // With no breakout rooms left, it still writes the parent.
        let renamed = Room {
            name: "Renamed".to_owned(),
            ..changed
        };
        assert!(store
            .replace_breakout_rooms(&renamed, &[])
            .await?
            .is_empty());
        assert_eq!(store.room_by_token("parent").await?, Some(renamed));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn replace_breakout_rooms_may_reuse_the_tokens_of_the_rooms_it_replaces() {
    each_backend(|store| async move {
        let parent = room_with(&store, "parent", &["alice", "bob"]).await?;
        let old = old_breakout_rooms(&store, "parent").await?;
        let plans = [plan("old1", "parent", &[member("bob")], &[])];
        let created = store.replace_breakout_rooms(&parent, &plans).await?;
        assert_eq!(tokens(&created), ["old1"]);
        assert_ne!(created[0].id, old[0].0.id, "a new room under the old token");
        assert_eq!(created[0], stored(&plans[0].room, created[0].id));
        assert_eq!(contents(&store, "old1").await.1.len(), 1);
        assert_eq!(
            user_in(&store, created[0].id, "bob").await.room_id,
            created[0].id
        );
        assert!(store.messages_after(created[0].id, 0, 10).await?.is_empty());
        assert_eq!(store.session("old-s1").await?, None);
        assert_gone(&store, &old[1]).await?;
        assert_eq!(store.rooms_by_object("room", "parent").await?, created);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn replace_breakout_rooms_changes_nothing_when_a_plan_fails() {
    each_backend(|store| async move {
        let parent = room_with(&store, "parent", &["alice", "bob"]).await?;
        let outsider = room_with(&store, "outsider", &["carol"]).await?;
        let old = old_breakout_rooms(&store, "parent").await?;
        let changed = Room {
            breakout_room_mode: 1,
            breakout_room_status: 1,
            modified_at: NOW + 40,
            ..parent.clone()
        };

        let failing: [Vec<RoomPlan>; 3] = [
            // Two plans with one token.
            vec![
                plan(
                    "new1",
                    "parent",
                    &[member("alice")],
                    &[system(0, "conversation_created", NOW)],
                ),
                plan("new1", "parent", &[member("bob")], &[]),
            ],
            // A token another room already has.
            vec![
                plan("new1", "parent", &[member("alice")], &[]),
                plan("outsider", "parent", &[member("bob")], &[]),
            ],
            // An actor twice in one room.
            vec![
                plan("new1", "parent", &[member("alice")], &[]),
                plan("new2", "parent", &[member("bob"), owner("bob")], &[]),
            ],
        ];
        for plans in &failing {
            assert_conflict(store.replace_breakout_rooms(&changed, plans).await);
            assert_eq!(store.room_by_token("parent").await?, Some(parent.clone()));
            assert_eq!(contents(&store, "old1").await, old[0]);
            assert_eq!(contents(&store, "old2").await, old[1]);
            assert_eq!(
                store.rooms_by_object("room", "parent").await?,
                [old[0].0.clone(), old[1].0.clone()]
            );
            assert_eq!(store.room_by_token("new1").await?, None);
            assert_eq!(store.room_by_token("new2").await?, None);
            assert_eq!(
                store.room_by_token("outsider").await?,
                Some(outsider.clone())
            );
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_room_default_permissions_clears_custom_permissions_of_its_attendees_only() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let other = room_with(&store, "r2", &["bob"]).await?;
        for (room_id, id) in [(room.id, "bob"), (other.id, "bob")] {
            let mut bob = user_in(&store, room_id, id).await;
            bob.permissions = 17;
            store.update_attendee(&bob, &[]).await?;
        }
        let changed = Room {
            default_permissions: 129,
            ..room.clone()
        };
        let stored = store.update_room_default_permissions(&changed).await?;
        assert_eq!(stored.default_permissions, 129);
        assert_eq!(user_in(&store, room.id, "bob").await.permissions, 0);
        assert_eq!(user_in(&store, other.id, "bob").await.permissions, 17);
        let missing = Room {
            id: room.id + 1000,
            ..changed
        };
        assert_not_found(store.update_room_default_permissions(&missing).await);
        Ok(())
    })
    .await;
}
