//! `PinStore`: pinning and unpinning messages with their notes, the room's most recent pin,
//! the pins attendees hid, pins that run out; edits keeping a pin and deleting dropping it.

use anyhow::ensure;
use confab_core::chat::{Message, MessageType, NewMessage, Pin, PinState};
use confab_core::room::Room;
use confab_core::store::{ChatStore, PinStore};
use confab_store::SqlStore;

use crate::support::{comment, each_backend, room_with, system, user_in, NOW};

fn pin_by(actor: &str, until: i64) -> Pin {
    Pin {
        actor_type: "users".to_owned(),
        actor_id: actor.to_owned(),
        actor_display_name: actor.to_uppercase(),
        pinned_at: NOW + 5,
        pinned_until: until,
    }
}

fn note(room_id: i64, name: &str, parent: i64) -> NewMessage {
    NewMessage {
        parent_id: parent,
        ..system(room_id, name, NOW + 5)
    }
}

/// Alice's room with bob and the comments `texts`.
async fn room_with_comments(store: &SqlStore, texts: &[&str]) -> anyhow::Result<(Room, Vec<i64>)> {
    let room = room_with(store, "pins", &["alice", "bob"]).await?;
    let news: Vec<NewMessage> = texts
        .iter()
        .map(|t| comment(room.id, "alice", t, NOW))
        .collect();
    let ids = store
        .post_messages(&news)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    Ok((room, ids))
}

async fn state(store: &SqlStore, attendee_id: i64, now: i64) -> anyhow::Result<PinState> {
    Ok(store
        .pin_states(&[attendee_id], now)
        .await?
        .pop()
        .expect("a state per attendee"))
}

async fn message(store: &SqlStore, room: &Room, id: i64) -> anyhow::Result<Message> {
    Ok(store.message(room.id, id).await?.expect("message exists"))
}

#[tokio::test]
async fn pinning_records_the_pin_shows_it_again_to_everyone_and_appends_the_note() {
    each_backend(|store| async move {
        let (room, ids) = room_with_comments(&store, &["one", "two"]).await?;
        let bob = user_in(&store, room.id, "bob").await;
        store.hide_pinned_message(bob.id, ids[0]).await?;
        assert_eq!(state(&store, bob.id, NOW).await?.hidden_pinned_id, ids[0]);

        let pin = pin_by("alice", 0);
        let stored = store
            .pin_message(ids[1], &pin, &note(room.id, "message_pinned", ids[1]))
            .await?
            .expect("a new pin appends its note");
        assert_eq!(stored.system_message, "message_pinned");
        assert_eq!(stored.parent_id, ids[1]);
        assert_eq!(message(&store, &room, ids[1]).await?.pin, Some(pin));
        assert_eq!(message(&store, &room, ids[0]).await?.pin, None);
        let seen = state(&store, bob.id, NOW).await?;
        assert_eq!((seen.last_pinned_id, seen.hidden_pinned_id), (ids[1], 0));

        // Pinning a pinned message changes nothing: no note, the first pin stays.
        let before = store.messages_after(room.id, 0, 100).await?;
        let again = store
            .pin_message(
                ids[1],
                &pin_by("bob", NOW + 99),
                &note(room.id, "message_pinned", ids[1]),
            )
            .await?;
        ensure!(
            again.is_none(),
            "a second pin of the same message is refused"
        );
        assert_eq!(store.messages_after(room.id, 0, 100).await?, before);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_room_shows_its_most_recent_pin_that_is_still_pinned() {
    each_backend(|store| async move {
        let (room, ids) = room_with_comments(&store, &["one", "two", "three"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        assert_eq!(state(&store, alice.id, NOW).await?.last_pinned_id, 0);
        for id in [ids[1], ids[0], ids[2]] {
            store
                .pin_message(
                    id,
                    &pin_by("alice", 0),
                    &note(room.id, "message_pinned", id),
                )
                .await?;
        }
        assert_eq!(state(&store, alice.id, NOW).await?.last_pinned_id, ids[2]);

        let stored = store
            .unpin_message(ids[2], &note(room.id, "message_unpinned", ids[2]))
            .await?
            .expect("a pinned message unpins");
        assert_eq!(stored.system_message, "message_unpinned");
        assert_eq!(stored.parent_id, ids[2]);
        assert_eq!(message(&store, &room, ids[2]).await?.pin, None);
        // The pin made before it shows now, not the older message.
        assert_eq!(state(&store, alice.id, NOW).await?.last_pinned_id, ids[0]);

        let before = store.messages_after(room.id, 0, 100).await?;
        let again = store
            .unpin_message(ids[2], &note(room.id, "message_unpinned", ids[2]))
            .await?;
        ensure!(again.is_none(), "unpinning twice changes nothing");
        assert_eq!(store.messages_after(room.id, 0, 100).await?, before);

        // A hidden pin stays hidden after the unpin; a message that expired no longer shows.
        store.hide_pinned_message(alice.id, ids[0]).await?;
        store
            .unpin_message(ids[0], &note(room.id, "message_unpinned", ids[0]))
            .await?;
        let seen = state(&store, alice.id, NOW).await?;
        assert_eq!(
            (seen.last_pinned_id, seen.hidden_pinned_id),
            (ids[1], ids[0])
        );
        let short = store
            .post_messages(&[NewMessage {
                expires_at: NOW + 10,
                ..comment(room.id, "alice", "short", NOW)
            }])
            .await?
            .remove(0);
        store
            .pin_message(
                short.id,
                &pin_by("alice", 0),
                &note(room.id, "message_pinned", short.id),
            )
            .await?;
        assert_eq!(
            state(&store, alice.id, NOW + 9).await?.last_pinned_id,
            short.id
        );
        assert_eq!(
            state(&store, alice.id, NOW + 10).await?.last_pinned_id,
            ids[1]
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn pin_states_answer_per_attendee_across_rooms() {
    each_backend(|store| async move {
        let (room, ids) = room_with_comments(&store, &["one"]).await?;
        let other = room_with(&store, "other", &["alice"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        let bob = user_in(&store, room.id, "bob").await;
        let alice_elsewhere = user_in(&store, other.id, "alice").await;
        store
            .pin_message(
                ids[0],
                &pin_by("alice", 0),
                &note(room.id, "message_pinned", ids[0]),
            )
            .await?;
        store.hide_pinned_message(bob.id, ids[0]).await?;

        let mut states = store
            .pin_states(&[alice.id, bob.id, alice_elsewhere.id, 999_999], NOW)
            .await?;
        states.sort_by_key(|s| s.attendee_id);
        let expected = vec![
            PinState {
                attendee_id: alice.id,
                last_pinned_id: ids[0],
                hidden_pinned_id: 0,
            },
            PinState {
                attendee_id: bob.id,
                last_pinned_id: ids[0],
                hidden_pinned_id: ids[0],
            },
            PinState {
                attendee_id: alice_elsewhere.id,
                last_pinned_id: 0,
                hidden_pinned_id: 0,
            },
        ];
        assert_eq!(states, expected);
        assert!(store.pin_states(&[], NOW).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn pins_that_run_out_are_dropped_and_the_next_end_is_known() {
    each_backend(|store| async move {
        let (room, ids) = room_with_comments(&store, &["one", "two", "three"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        assert_eq!(store.next_pin_expiry().await?, None);
        let ends = [NOW + 100, NOW + 50, 0];
        for (id, until) in ids.iter().zip(ends) {
            store
                .pin_message(
                    *id,
                    &pin_by("alice", until),
                    &note(room.id, "message_pinned", *id),
                )
                .await?;
        }
        assert_eq!(store.next_pin_expiry().await?, Some(NOW + 50));
        assert!(store.unpin_expired(NOW + 49).await?.is_empty());

        let before = store.messages_after(room.id, 0, 100).await?.len();
        assert_eq!(store.unpin_expired(NOW + 50).await?, vec![room.id]);
        assert_eq!(message(&store, &room, ids[1]).await?.pin, None);
        assert!(message(&store, &room, ids[0]).await?.pin.is_some());
        // Running out leaves no note.
        assert_eq!(store.messages_after(room.id, 0, 100).await?.len(), before);
        assert_eq!(store.next_pin_expiry().await?, Some(NOW + 100));

        assert_eq!(store.unpin_expired(NOW + 1000).await?, vec![room.id]);
        assert_eq!(store.next_pin_expiry().await?, None);
        // The pin without an end stays and is the room's pin.
        assert_eq!(state(&store, alice.id, NOW).await?.last_pinned_id, ids[2]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn editing_keeps_a_pin_and_deleting_drops_it() {
    each_backend(|store| async move {
        let (room, ids) = room_with_comments(&store, &["one", "two"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        for id in &ids {
            store
                .pin_message(
                    *id,
                    &pin_by("alice", 0),
                    &note(room.id, "message_pinned", *id),
                )
                .await?;
        }
        // Even a copy read before the pin keeps it: edits never touch pins.
        let mut edited = message(&store, &room, ids[1]).await?;
        let pin = edited.pin.take();
        "two, edited".clone_into(&mut edited.message);
        store.rewrite_message(&edited, &[]).await?;
        edited.pin = pin;
        assert_eq!(message(&store, &room, ids[1]).await?, edited);
        assert_eq!(state(&store, alice.id, NOW).await?.last_pinned_id, ids[1]);

        let placeholder = Message {
            message_type: MessageType::CommentDeleted,
            ..edited
        };
        store
            .delete_message(&placeholder, &note(room.id, "message_deleted", ids[1]))
            .await?;
        assert_eq!(message(&store, &room, ids[1]).await?.pin, None);
        assert_eq!(state(&store, alice.id, NOW).await?.last_pinned_id, ids[0]);
        Ok(())
    })
    .await;
}
