//! Shared items (`ChatStore::shared_items`, `shared_items_overview`): appended messages that
//! share an object are listed by item type, newest first; pinned messages by pin order; and
//! deleting, expiring or clearing messages takes them out.

use anyhow::ensure;
use confab_core::chat::{Message, MessageType, NewMessage, Pin, SharedItemType};
use confab_core::store::{ChatStore, PinStore, RoomStore};
use confab_store::SqlStore;
use serde_json::json;

use crate::support::{chat_post, comment, each_backend, room_with, system, user_in, NOW};

/// A message of user `actor` sharing an object of rich object type `object_type`.
fn shared(room_id: i64, actor: &str, object_type: &str, name: &str) -> NewMessage {
    NewMessage {
        message: "{object}".to_owned(),
        message_type: MessageType::ObjectShared,
        parameters: json!({
            "actor": {"type": "user", "id": actor, "name": actor.to_uppercase()},
            "object": {"type": object_type, "id": "1", "name": name},
        }),
        ..comment(room_id, actor, "", NOW)
    }
}

fn ids(messages: &[Message]) -> Vec<i64> {
    messages.iter().map(|m| m.id).collect()
}

async fn listed(
    store: &SqlStore,
    room_id: i64,
    item_type: SharedItemType,
    now: i64,
) -> anyhow::Result<Vec<i64>> {
    Ok(ids(&store
        .shared_items(room_id, item_type, 0, 100, now)
        .await?))
}

#[tokio::test]
async fn shared_objects_are_listed_under_their_type_newest_first() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let other_room = room_with(&store, "r2", &["alice"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        let posted = store
            .post_messages(&[
                shared(room.id, "alice", "call", "first call"),
                comment(room.id, "alice", "{object}", NOW),
                shared(room.id, "bob", "geo-location", "office"),
                system(room.id, "user_added", NOW),
                shared(room.id, "bob", "deck-card", "card"),
                shared(other_room.id, "alice", "call", "elsewhere"),
            ])
            .await?;
        let chat = store
            .post_chat_messages(&[
                chat_post(
                    shared(room.id, "alice", "talk-poll", "Lunch?"),
                    alice.id,
                    &[],
                ),
                chat_post(
                    shared(room.id, "alice", "open-graph", "site"),
                    alice.id,
                    &[],
                ),
            ])
            .await?;
        let (poll, open_graph) = (chat[0].message.id, chat[1].message.id);

        let others = store
            .shared_items(room.id, SharedItemType::Other, 0, 100, NOW)
            .await?;
        ensure!(ids(&others) == [open_graph, posted[0].id]);
        ensure!(others[1] == posted[0], "the full message: {:?}", others[1]);
        ensure!(listed(&store, room.id, SharedItemType::Location, NOW).await? == [posted[2].id]);
        ensure!(listed(&store, room.id, SharedItemType::DeckCard, NOW).await? == [posted[4].id]);
        ensure!(listed(&store, room.id, SharedItemType::Poll, NOW).await? == [poll]);
        ensure!(listed(&store, other_room.id, SharedItemType::Other, NOW).await? == [posted[5].id]);
        for empty in [
            SharedItemType::File,
            SharedItemType::Media,
            SharedItemType::Audio,
            SharedItemType::Voice,
            SharedItemType::Recording,
            SharedItemType::Pinned,
        ] {
            ensure!(
                listed(&store, room.id, empty, NOW).await?.is_empty(),
                "{empty:?}"
            );
        }

        // Pages: ids below `before`, at most `limit`.
        let page = store
            .shared_items(room.id, SharedItemType::Other, 0, 1, NOW)
            .await?;
        ensure!(ids(&page) == [open_graph]);
        let next = store
            .shared_items(room.id, SharedItemType::Other, open_graph, 1, NOW)
            .await?;
        ensure!(ids(&next) == [posted[0].id]);
        let last = store
            .shared_items(room.id, SharedItemType::Other, posted[0].id, 1, NOW)
            .await?;
        ensure!(last.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn deleted_expired_and_cleared_messages_leave_the_shared_items() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let expiring = NewMessage {
            expires_at: NOW + 10,
            ..shared(room.id, "alice", "call", "soon gone")
        };
        let posted = store
            .post_messages(&[
                shared(room.id, "alice", "call", "deleted"),
                expiring,
                shared(room.id, "alice", "call", "stays"),
            ])
            .await?;
        let all = listed(&store, room.id, SharedItemType::Other, NOW).await?;
        ensure!(all == [posted[2].id, posted[1].id, posted[0].id]);

        // Deleting leaves a placeholder in the history, none among the shared items.
        let placeholder = Message {
            message_type: MessageType::CommentDeleted,
            message: "Message deleted by {actor}".to_owned(),
            parameters: json!({"actor": {"type": "user", "id": "alice", "name": "ALICE"}}),
            ..posted[0].clone()
        };
        let note = NewMessage {
            parent_id: posted[0].id,
            ..system(room.id, "message_deleted", NOW)
        };
        store.delete_message(&placeholder, &note).await?;
        let left = listed(&store, room.id, SharedItemType::Other, NOW).await?;
        ensure!(left == [posted[2].id, posted[1].id], "{left:?}");

        // Expired messages are gone at once, and stay gone when deleted.
        let left = listed(&store, room.id, SharedItemType::Other, NOW + 10).await?;
        ensure!(left == [posted[2].id], "{left:?}");
        ensure!(store.delete_expired_messages(NOW + 10).await? == 1);
        ensure!(listed(&store, room.id, SharedItemType::Other, NOW).await? == [posted[2].id]);

        store
            .clear_history(room.id, &system(room.id, "history_cleared", NOW))
            .await?;
        ensure!(listed(&store, room.id, SharedItemType::Other, NOW)
            .await?
            .is_empty());
        store
            .post_messages(&[shared(room.id, "alice", "call", "after")])
            .await?;
        ensure!(store.delete_room(room.id).await?);
        ensure!(listed(&store, room.id, SharedItemType::Other, NOW)
            .await?
            .is_empty());
        Ok(())
    })
    .await;
}

fn pin_until(until: i64) -> Pin {
    Pin {
        actor_type: "users".to_owned(),
        actor_id: "alice".to_owned(),
        actor_display_name: "ALICE".to_owned(),
        pinned_at: NOW,
        pinned_until: until,
    }
}

#[tokio::test]
async fn pinned_messages_are_listed_most_recently_pinned_first_while_pinned() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let expiring = NewMessage {
            expires_at: NOW + 10,
            ..comment(room.id, "alice", "short-lived", NOW)
        };
        let posted = store
            .post_messages(&[
                comment(room.id, "alice", "one", NOW),
                comment(room.id, "alice", "two", NOW),
                comment(room.id, "alice", "three", NOW),
                expiring,
            ])
            .await?;
        let [one, two, three, short] = [0, 1, 2, 3].map(|i| posted[i].id);
        let note = |parent: i64| NewMessage {
            parent_id: parent,
            ..system(room.id, "message_pinned", NOW)
        };
        for (id, until) in [(two, 0), (one, 0), (three, NOW + 100), (short, 0)] {
            store.pin_message(id, &pin_until(until), &note(id)).await?;
        }

        let pinned = store
            .shared_items(room.id, SharedItemType::Pinned, 0, 100, NOW)
            .await?;
        ensure!(
            ids(&pinned) == [short, three, one, two],
            "{:?}",
            ids(&pinned)
        );
        ensure!(pinned[2].pin.is_some(), "pinned messages carry their pin");
        // `before` bounds message ids, as upstream's offset does, not the pin order.
        let below = store
            .shared_items(room.id, SharedItemType::Pinned, three, 2, NOW)
            .await?;
        ensure!(ids(&below) == [one, two]);

        // Pins that ran out and expired messages are not pinned any more.
        let later = listed(&store, room.id, SharedItemType::Pinned, NOW + 100).await?;
        ensure!(later == [one, two], "{later:?}");
        store
            .unpin_message(one, &system(room.id, "message_unpinned", NOW))
            .await?;
        ensure!(listed(&store, room.id, SharedItemType::Pinned, NOW).await? == [short, three, two]);
        ensure!(listed(&store, room.id, SharedItemType::Other, NOW)
            .await?
            .is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_overview_lists_the_first_items_of_every_type() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let other_room = room_with(&store, "r2", &["alice"]).await?;
        ensure!(store
            .shared_items_overview(room.id, 7, NOW)
            .await?
            .is_empty());
        let posted = store
            .post_messages(&[
                shared(room.id, "alice", "call", "c1"),
                shared(room.id, "alice", "talk-poll", "p1"),
                shared(room.id, "alice", "call", "c2"),
                shared(room.id, "alice", "call", "c3"),
                comment(room.id, "alice", "pin me", NOW),
                shared(other_room.id, "alice", "geo-location", "elsewhere"),
            ])
            .await?;
        let pinned = posted[4].id;
        store
            .pin_message(
                pinned,
                &pin_until(0),
                &system(room.id, "message_pinned", NOW),
            )
            .await?;

        let overview: Vec<(SharedItemType, i64)> = store
            .shared_items_overview(room.id, 2, NOW)
            .await?
            .into_iter()
            .map(|(t, m)| (t, m.id))
            .collect();
        ensure!(
            overview
                == [
                    (SharedItemType::Other, posted[3].id),
                    (SharedItemType::Other, posted[2].id),
                    (SharedItemType::Pinned, pinned),
                    (SharedItemType::Poll, posted[1].id),
                ],
            "{overview:?}"
        );
        let (_, message) = store
            .shared_items_overview(room.id, 1, NOW)
            .await?
            .remove(0);
        ensure!(message == store.message(room.id, posted[3].id).await?.expect("stored"));
        let elsewhere = store.shared_items_overview(other_room.id, 7, NOW).await?;
        ensure!(elsewhere.len() == 1 && elsewhere[0].0 == SharedItemType::Location);
        Ok(())
    })
    .await;
}
