//! `ChatStore`: appending messages, reading them by id, after and before a position, and unread
//! counts; including ids becoming visible in order under concurrent writers. Chat posts with
//! read markers and mentions, edits and deletes, history clearing, expiry and common read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::ensure;
use confab_core::chat::{Edit, Message, MessageType, NewMessage};
use confab_core::participant::{ActorType, Attendee};
use confab_core::room::RoomType;
use confab_core::store::{ChatStore, ParticipantStore, ReactionStore, RoomStore, WriteGeneration};
use confab_store::SqlStore;

use crate::support::{
    assert_not_found, attendee_of, chat_post, comment, common_read, each_backend, guest, new_room,
    reaction, room_with, system, user_in, NOW,
};

fn ids(messages: &[Message]) -> Vec<i64> {
    messages.iter().map(|m| m.id).collect()
}

fn texts(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.message.as_str()).collect()
}

/// Posts comments `texts` one by one to `room_id` and returns them.
async fn post_each(store: &SqlStore, room_id: i64, texts: &[&str]) -> anyhow::Result<Vec<Message>> {
    let mut posted = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        posted.extend(
            store
                .post_messages(&[comment(room_id, "alice", text, NOW + i as i64)])
                .await?,
        );
    }
    Ok(posted)
}

/// Whether the message is what `new` asked to store.
fn assert_stored_as(message: &Message, new: &NewMessage) {
    let stored = NewMessage {
        room_id: message.room_id,
        actor_type: message.actor_type.clone(),
        actor_id: message.actor_id.clone(),
        actor_display_name: message.actor_display_name.clone(),
        message: message.message.clone(),
        message_type: message.message_type,
        system_message: message.system_message.clone(),
        parameters: message.parameters.clone(),
        reference_id: message.reference_id.clone(),
        parent_id: message.parent_id,
        created_at: message.created_at,
        expires_at: message.expires_at,
        silent: message.silent,
    };
    assert_eq!(&stored, new);
}

#[tokio::test]
async fn post_messages_assigns_growing_ids_in_the_order_given() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let batch: Vec<_> = (0..5)
            .map(|i| comment(room.id, "alice", &format!("m{i}"), NOW))
            .collect();
        let posted = store.post_messages(&batch).await?;
        assert_eq!(texts(&posted), ["m0", "m1", "m2", "m3", "m4"]);
        assert!(
            posted.windows(2).all(|w| w[0].id < w[1].id),
            "ids grow: {:?}",
            ids(&posted)
        );
        let later = store
            .post_messages(&[comment(room.id, "alice", "m5", NOW)])
            .await?;
        assert!(later[0].id > posted[4].id);
        assert_eq!(
            store.messages_after(room.id, 0, 100).await?,
            [posted, later].concat()
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_messages_stores_every_field() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let parent = store
            .post_messages(&[comment(room.id, "alice", "parent", NOW)])
            .await?
            .remove(0);
        let reply = NewMessage {
            actor_type: "guests".to_owned(),
            actor_id: "g-123".to_owned(),
            actor_display_name: "Gäst 🦀".to_owned(),
            message: "Hello {mention-user1} — ünïcödé ✓".to_owned(),
            parameters: serde_json::json!({
                "mention-user1": {"type": "user", "id": "bob", "name": "Bob"},
                "nested": {"list": [1, 2, 3], "flag": true, "none": null}
            }),
            reference_id: "ref-0123456789abcdef".to_owned(),
            parent_id: parent.id,
            expires_at: NOW + 3600,
            silent: true,
            ..comment(room.id, "", "", NOW + 1)
        };
        let command = NewMessage {
            message_type: MessageType::Command,
            ..comment(room.id, "alice", "/help", NOW + 2)
        };
        let deleted = NewMessage {
            message_type: MessageType::CommentDeleted,
            ..comment(room.id, "alice", "Message deleted by you", NOW + 3)
        };
        let notice = system(room.id, "call_started", NOW + 4);
        let all = [reply, command, deleted, notice];
        let posted = store.post_messages(&all).await?;
        assert_eq!(posted.len(), all.len());
        let read = store.messages_by_ids(&ids(&posted)).await?;
        assert_eq!(read, posted);
        for (message, new) in read.iter().zip(&all) {
            assert_stored_as(message, new);
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_messages_moves_the_rooms_last_message_and_activity() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        assert_eq!((room.last_message_id, room.last_activity), (0, NOW));
        let first = store
            .post_messages(&[comment(room.id, "alice", "a", NOW + 50)])
            .await?;
        let stored = store.room_by_token("r1").await?.expect("room exists");
        assert_eq!(
            (stored.last_message_id, stored.last_activity),
            (first[0].id, NOW + 50)
        );

        // An older timestamp moves the last message but never moves activity backwards.
        let second = store
            .post_messages(&[
                comment(room.id, "alice", "b", NOW + 70),
                comment(room.id, "alice", "c", NOW + 60),
            ])
            .await?;
        let stored = store.room_by_token("r1").await?.expect("room exists");
        assert_eq!(
            (stored.last_message_id, stored.last_activity),
            (second[1].id, NOW + 70)
        );
        assert_eq!(
            stored.modified_at, room.modified_at,
            "messages do not change the room's settings time"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_messages_to_several_rooms_moves_each_rooms_last_message() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let posted = store
            .post_messages(&[
                comment(r1.id, "alice", "one", NOW + 1),
                comment(r2.id, "alice", "two", NOW + 2),
                comment(r1.id, "alice", "three", NOW + 3),
            ])
            .await?;
        assert!(posted.windows(2).all(|w| w[0].id < w[1].id));
        let r1 = store.room_by_token("r1").await?.expect("r1 exists");
        let r2 = store.room_by_token("r2").await?.expect("r2 exists");
        assert_eq!(r1.last_message_id, posted[2].id);
        assert_eq!(r2.last_message_id, posted[1].id);
        assert_eq!(
            texts(&store.messages_after(r1.id, 0, 10).await?),
            ["one", "three"]
        );
        assert_eq!(texts(&store.messages_after(r2.id, 0, 10).await?), ["two"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_messages_stores_nothing_when_a_room_is_missing() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let missing = room.id + 1000;
        let result = store
            .post_messages(&[
                comment(room.id, "alice", "kept?", NOW),
                comment(missing, "alice", "nowhere", NOW),
            ])
            .await;
        assert!(
            result.is_err(),
            "a message to a missing room fails: {result:?}"
        );
        assert!(store.messages_after(room.id, 0, 10).await?.is_empty());
        assert_eq!(
            store.room_by_token("r1").await?.map(|r| r.last_message_id),
            Some(0)
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_messages_of_nothing_stores_nothing() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        assert!(store.post_messages(&[]).await?.is_empty());
        assert_eq!(store.room_by_token("r1").await?, Some(room));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn messages_by_ids_returns_the_messages_that_exist() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let a = post_each(&store, r1.id, &["a1", "a2", "a3"]).await?;
        let b = post_each(&store, r2.id, &["b1"]).await?;

        assert!(store.messages_by_ids(&[]).await?.is_empty());
        assert!(store.messages_by_ids(&[b[0].id + 1000]).await?.is_empty());
        assert_eq!(store.messages_by_ids(&[a[1].id]).await?, [a[1].clone()]);

        // Ids from several rooms, unordered, with a missing one.
        let mut found = store
            .messages_by_ids(&[b[0].id, a[2].id, b[0].id + 1000, a[0].id])
            .await?;
        found.sort_by_key(|m| m.id);
        assert_eq!(found, [a[0].clone(), a[2].clone(), b[0].clone()]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn messages_by_ids_reads_more_ids_than_one_statement_binds() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let batch: Vec<_> = (0..1200)
            .map(|i| comment(room.id, "alice", &format!("m{i}"), NOW))
            .collect();
        let posted = store.post_messages(&batch).await?;
        let mut found = store.messages_by_ids(&ids(&posted)).await?;
        found.sort_by_key(|m| m.id);
        assert_eq!(found, posted);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn messages_after_returns_newer_messages_of_the_room_oldest_first() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let mut posted = Vec::new();
        for i in 0..5 {
            posted.extend(
                store
                    .post_messages(&[comment(r1.id, "alice", &format!("m{i}"), NOW)])
                    .await?,
            );
            store
                .post_messages(&[comment(r2.id, "alice", "elsewhere", NOW)])
                .await?;
        }
        assert_eq!(store.messages_after(r1.id, 0, 100).await?, posted);
        assert_eq!(
            texts(&store.messages_after(r1.id, 0, 3).await?),
            ["m0", "m1", "m2"]
        );
        assert_eq!(
            texts(&store.messages_after(r1.id, posted[2].id, 100).await?),
            ["m3", "m4"]
        );
        // `after` need not be an id of the room.
        assert_eq!(
            texts(&store.messages_after(r1.id, posted[2].id + 1, 100).await?),
            ["m3", "m4"]
        );
        assert!(store
            .messages_after(r1.id, posted[4].id, 100)
            .await?
            .is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn messages_before_returns_older_messages_newest_first_and_zero_means_newest() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let posted = post_each(&store, r1.id, &["m0", "m1", "m2", "m3", "m4"]).await?;
        post_each(&store, r2.id, &["newer elsewhere"]).await?;

        assert_eq!(
            texts(&store.messages_before(r1.id, 0, 2).await?),
            ["m4", "m3"]
        );
        assert_eq!(
            texts(&store.messages_before(r1.id, 0, 100).await?),
            ["m4", "m3", "m2", "m1", "m0"]
        );
        assert_eq!(
            texts(&store.messages_before(r1.id, posted[3].id, 100).await?),
            ["m2", "m1", "m0"]
        );
        assert_eq!(
            texts(&store.messages_before(r1.id, posted[3].id, 1).await?),
            ["m2"]
        );
        assert!(store
            .messages_before(r1.id, posted[0].id, 100)
            .await?
            .is_empty());
        let empty = room_with(&store, "empty", &["alice"]).await?;
        assert!(store.messages_before(empty.id, 0, 100).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn unread_counts_count_only_comments_after_the_read_marker() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let read = room_with(&store, "read", &["alice"]).await?;
        let foreign = room_with(&store, "foreign", &["bob"]).await?;
        store
            .add_attendees(foreign.id, &[guest("alice")], &[])
            .await?;

        let kinds = |room_id: i64| {
            vec![
                comment(room_id, "bob", "seen", NOW),
                comment(room_id, "bob", "new 1", NOW),
                system(room_id, "call_started", NOW),
                NewMessage {
                    message_type: MessageType::CommentDeleted,
                    ..comment(room_id, "bob", "deleted", NOW)
                },
                NewMessage {
                    message_type: MessageType::Command,
                    ..comment(room_id, "bob", "/help", NOW)
                },
                comment(room_id, "bob", "new 2", NOW),
            ]
        };
        let in_r1 = store.post_messages(&kinds(r1.id)).await?;
        store
            .post_messages(&[
                comment(r2.id, "bob", "only", NOW),
                system(r2.id, "user_added", NOW),
            ])
            .await?;
        let in_read = store
            .post_messages(&[comment(read.id, "bob", "old", NOW)])
            .await?;
        store.post_messages(&kinds(foreign.id)).await?;

        // Alice has read up to "seen" in r1 and everything in "read".
        let mut alice = store
            .attendee_by_actor(r1.id, ActorType::Users, "alice")
            .await?
            .expect("alice attends r1");
        alice.last_read_message = in_r1[0].id;
        store.update_attendee(&alice, &[]).await?;
        let mut alice_read = store
            .attendee_by_actor(read.id, ActorType::Users, "alice")
            .await?
            .expect("alice attends");
        alice_read.last_read_message = in_read[0].id;
        store.update_attendee(&alice_read, &[]).await?;

        let counts: HashMap<i64, i64> = store
            .unread_counts(ActorType::Users, "alice")
            .await?
            .into_iter()
            .collect();
        assert_eq!(counts.get(&r1.id), Some(&2));
        assert_eq!(counts.get(&r2.id), Some(&1));
        // A room without unread comments may be left out or reported as 0.
        assert_eq!(counts.get(&read.id).copied().unwrap_or(0), 0);
        assert!(
            !counts.contains_key(&foreign.id),
            "alice the user is not in the foreign room: {counts:?}"
        );

        let as_guest: HashMap<i64, i64> = store
            .unread_counts(ActorType::Guests, "alice")
            .await?
            .into_iter()
            .collect();
        assert_eq!(as_guest, HashMap::from([(foreign.id, 3)]));

        let bob: HashMap<i64, i64> = store
            .unread_counts(ActorType::Users, "bob")
            .await?
            .into_iter()
            .collect();
        assert_eq!(bob.get(&r1.id), Some(&3));
        assert!(store
            .unread_counts(ActorType::Users, "nobody")
            .await?
            .is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn unread_count_counts_only_comments_of_the_room_after_the_id() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let empty = room_with(&store, "empty", &["alice"]).await?;
        assert_eq!(store.unread_count(r1.id, 0).await?, 0, "no messages yet");

        let posted = store
            .post_messages(&[
                comment(r1.id, "bob", "c0", NOW),
                system(r1.id, "call_started", NOW),
                comment(r2.id, "bob", "elsewhere 1", NOW),
                NewMessage {
                    message_type: MessageType::CommentDeleted,
                    ..comment(r1.id, "bob", "deleted", NOW)
                },
                NewMessage {
                    message_type: MessageType::Command,
                    ..comment(r1.id, "bob", "/help", NOW)
                },
                comment(r1.id, "bob", "c1", NOW),
                comment(r2.id, "bob", "elsewhere 2", NOW),
                comment(r1.id, "alice", "c2", NOW),
                system(r1.id, "call_ended", NOW),
            ])
            .await?;
        let id = |text: &str| {
            posted
                .iter()
                .find(|m| m.message.contains(text))
                .map(|m| m.id)
                .expect("posted")
        };

        assert_eq!(store.unread_count(r1.id, 0).await?, 3);
        assert_eq!(store.unread_count(r1.id, -1).await?, 3);
        assert_eq!(store.unread_count(r1.id, id("c0")).await?, 2);
        // `after` need not be an id of the room, nor of a comment.
        assert_eq!(store.unread_count(r1.id, id("elsewhere 1")).await?, 2);
        assert_eq!(store.unread_count(r1.id, id("/help")).await?, 2);
        assert_eq!(store.unread_count(r1.id, id("c1")).await?, 1);
        assert_eq!(store.unread_count(r1.id, id("c2")).await?, 0);
        assert_eq!(store.unread_count(r1.id, id("call_ended")).await?, 0);
        assert_eq!(store.unread_count(r1.id, i64::MAX).await?, 0);

        assert_eq!(store.unread_count(r2.id, 0).await?, 2);
        assert_eq!(store.unread_count(r2.id, id("elsewhere 1")).await?, 1);
        assert_eq!(store.unread_count(empty.id, 0).await?, 0);
        assert_eq!(store.unread_count(r1.id + 1000, 0).await?, 0);

        // A comment deleted later no longer counts.
        let c1 = store.message(r1.id, id("c1")).await?.expect("c1 exists");
        let deleted = Message {
            message: "Message deleted by author".to_owned(),
            message_type: MessageType::CommentDeleted,
            ..c1
        };
        store
            .rewrite_message(&deleted, &[system(r1.id, "message_deleted", NOW + 1)])
            .await?;
        assert_eq!(store.unread_count(r1.id, 0).await?, 2);
        assert_eq!(store.unread_count(r1.id, id("c0")).await?, 1);
        Ok(())
    })
    .await;
}

const WRITERS: usize = 8;
const BATCHES: usize = 25;
const PER_BATCH: usize = 2;

/// Several writers post to one room while a reader polls `messages_after` from the last id it
/// saw. Ids must become visible in order: a reader that has seen id N never later finds a
/// smaller id appear, or it would skip that message for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_posts_become_visible_in_id_order() {
    each_backend(|store| async move {
        let total = WRITERS * BATCHES * PER_BATCH;
        let room_id = room_with(&store, "busy", &["alice"]).await?.id;
        let writers_done = Arc::new(AtomicBool::new(false));
        let reader = tokio::spawn(poll_until_done(
            store.clone(),
            room_id,
            Arc::clone(&writers_done),
        ));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(write_batches(store.clone(), room_id, w)))
            .collect();

        let mut written: Vec<Message> = Vec::new();
        for writer in writers {
            let mine = writer.await??;
            ensure!(
                mine.windows(2).all(|p| p[0].id < p[1].id),
                "one writer's ids grow"
            );
            written.extend(mine);
        }
        writers_done.store(true, Ordering::SeqCst);
        let (seen, polls) = reader.await??;

        let all = store.messages_after(room_id, 0, 100_000).await?;
        let all_ids = ids(&all);
        ensure!(
            all.len() == total,
            "{} of {total} messages stored",
            all.len()
        );
        ensure!(
            all_ids.windows(2).all(|p| p[0] < p[1]),
            "messages_after returns strictly growing ids"
        );
        let written_ids: BTreeSet<i64> = written.iter().map(|m| m.id).collect();
        ensure!(
            written_ids.len() == total,
            "every posted message got its own id"
        );
        ensure!(
            all_ids.iter().copied().collect::<BTreeSet<_>>() == written_ids,
            "the stored ids are the posted ids"
        );
        ensure!(
            seen == all_ids,
            "the polling reader saw {} of {total} messages in {polls} polls",
            seen.len()
        );
        for m in &written {
            let stored = &all[all_ids.binary_search(&m.id).expect("posted id stored")];
            ensure!(stored == m, "message {} is stored as posted", m.id);
        }
        let room = store.room_by_token("busy").await?.expect("room exists");
        ensure!(
            room.last_message_id == all_ids[total - 1],
            "the room's last message is the newest"
        );
        Ok(())
    })
    .await;
}

/// Writer `w`: posts `BATCHES` batches of `PER_BATCH` comments one call at a time.
async fn write_batches(store: SqlStore, room_id: i64, w: usize) -> anyhow::Result<Vec<Message>> {
    let mut mine = Vec::new();
    for b in 0..BATCHES {
        let batch: Vec<_> = (0..PER_BATCH)
            .map(|i| {
                comment(
                    room_id,
                    &format!("w{w}"),
                    &format!("{w}-{b}-{i}"),
                    NOW + b as i64,
                )
            })
            .collect();
        let posted = store.post_messages(&batch).await?;
        let wanted: Vec<&str> = batch.iter().map(|m| m.message.as_str()).collect();
        ensure!(
            texts(&posted) == wanted,
            "post_messages keeps the order given"
        );
        mine.extend(posted);
    }
    Ok(mine)
}

/// The reader: polls after the last id seen until the writers are done; returns every id it
/// saw, in order, and how many polls it made. After each poll it also checks that what was
/// visible before is still a prefix of what is visible now.
async fn poll_until_done(
    store: SqlStore,
    room_id: i64,
    writers_done: Arc<AtomicBool>,
) -> anyhow::Result<(Vec<i64>, u32)> {
    let mut seen: Vec<i64> = Vec::new();
    let mut visible: Vec<i64> = Vec::new();
    let mut polls = 0_u32;
    loop {
        // Read the flag first: a poll that starts after every write committed sees them all.
        let finished = writers_done.load(Ordering::SeqCst);
        for m in store
            .messages_after(room_id, seen.last().copied().unwrap_or(0), 1000)
            .await?
        {
            let last = seen.last().copied().unwrap_or(0);
            ensure!(m.id > last, "poll returned id {} after {last}", m.id);
            seen.push(m.id);
        }
        let now = ids(&store.messages_after(room_id, 0, 100_000).await?);
        if let Some(hidden) = visible.iter().find(|id| now.binary_search(id).is_err()) {
            anyhow::bail!("id {hidden} was visible and is gone");
        }
        ensure!(
            now.starts_with(&visible),
            "an id appeared below one already visible (newest seen before: {:?})",
            visible.last()
        );
        visible = now;
        polls += 1;
        if finished {
            return Ok((seen, polls));
        }
        tokio::task::yield_now().await;
    }
}

/// Read markers and mentions of an attendee: `(last_read, last_mention, last_mention_direct)`.
fn markers(attendee: &Attendee) -> (i64, i64, i64) {
    (
        attendee.last_read_message,
        attendee.last_mention_message,
        attendee.last_mention_direct,
    )
}

/// How many messages room `room_id` holds.
#[tokio::test]
async fn post_chat_messages_posts_in_order_and_chains_previous_last_ids() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let alice = user_in(&store, r1.id, "alice").await;
        let bob = user_in(&store, r1.id, "bob").await;
        let alice2 = user_in(&store, r2.id, "alice").await;
        assert!(store.post_chat_messages(&[]).await?.is_empty());
        let before = post_each(&store, r1.id, &["before"]).await?.remove(0);

        let batch = [
            chat_post(comment(r1.id, "alice", "one", NOW + 1), alice.id, &[]),
            chat_post(
                comment(r2.id, "alice", "elsewhere", NOW + 2),
                alice2.id,
                &[],
            ),
            chat_post(comment(r1.id, "bob", "two", NOW + 3), bob.id, &[]),
            chat_post(comment(r1.id, "alice", "three", NOW + 4), alice.id, &[]),
        ];
        let posted = store.post_chat_messages(&batch).await?;
        assert_eq!(posted.len(), batch.len());
        let messages: Vec<Message> = posted.iter().map(|p| p.message.clone()).collect();
        assert!(
            messages.windows(2).all(|w| w[0].id < w[1].id),
            "ids grow in the order given: {:?}",
            ids(&messages)
        );
        assert!(messages[0].id > before.id);
        for (message, post) in messages.iter().zip(&batch) {
            assert_stored_as(message, &post.message);
        }
        let previous: Vec<i64> = posted.iter().map(|p| p.previous_last_id).collect();
        assert_eq!(
            previous,
            [before.id, 0, messages[0].id, messages[2].id],
            "each post chains to its own room's previous last message"
        );

        assert_eq!(
            store.messages_after(r1.id, 0, 100).await?,
            [
                before,
                messages[0].clone(),
                messages[2].clone(),
                messages[3].clone()
            ]
        );
        assert_eq!(
            store.messages_after(r2.id, 0, 100).await?,
            [messages[1].clone()]
        );
        let r1 = store.room_by_token("r1").await?.expect("r1 exists");
        let r2 = store.room_by_token("r2").await?.expect("r2 exists");
        assert_eq!(
            (r1.last_message_id, r1.last_activity),
            (messages[3].id, NOW + 4)
        );
        assert_eq!(
            (r2.last_message_id, r2.last_activity),
            (messages[1].id, NOW + 2)
        );
        assert_eq!(
            user_in(&store, r1.id, "alice").await.last_read_message,
            messages[3].id,
            "two posts by one sender in a batch: read up to the later one"
        );
        assert_eq!(
            user_in(&store, r2.id, "alice").await.last_read_message,
            messages[1].id
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_chat_messages_moves_the_senders_read_marker_and_records_mentions() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob", "carol", "dave"]).await?;
        let [alice, bob, carol, dave] = [
            user_in(&store, room.id, "alice").await,
            user_in(&store, room.id, "bob").await,
            user_in(&store, room.id, "carol").await,
            user_in(&store, room.id, "dave").await,
        ];
        // Carol was named before; a later @all mention keeps that direct mention.
        let first = store
            .post_chat_messages(&[chat_post(
                comment(room.id, "bob", "hi @carol", NOW),
                bob.id,
                &[(carol.id, true)],
            )])
            .await?
            .remove(0)
            .message;
        assert_eq!(
            markers(&user_in(&store, room.id, "bob").await),
            (first.id, 0, 0)
        );
        assert_eq!(
            markers(&user_in(&store, room.id, "carol").await),
            (0, first.id, first.id)
        );

        let posted = store
            .post_chat_messages(&[
                chat_post(
                    comment(room.id, "alice", "@bob and @all", NOW + 1),
                    alice.id,
                    &[(bob.id, true), (carol.id, false)],
                ),
                chat_post(comment(room.id, "bob", "reply", NOW + 2), bob.id, &[]),
            ])
            .await?;
        let (mention, reply) = (posted[0].message.id, posted[1].message.id);
        assert_eq!(
            markers(&user_in(&store, room.id, "alice").await),
            (mention, 0, 0)
        );
        assert_eq!(
            markers(&user_in(&store, room.id, "bob").await),
            (reply, mention, mention),
            "bob read up to his own reply and was named in alice's message"
        );
        assert_eq!(
            markers(&user_in(&store, room.id, "carol").await),
            (0, mention, first.id),
            "an indirect mention leaves the direct one alone"
        );
        assert_eq!(user_in(&store, room.id, "dave").await, dave);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn post_chat_messages_stores_nothing_of_the_batch_when_a_post_fails() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let alice = user_in(&store, room.id, "alice").await;
        let bob = user_in(&store, room.id, "bob").await;
        let result = store
            .post_chat_messages(&[
                chat_post(
                    comment(room.id, "alice", "@bob", NOW),
                    alice.id,
                    &[(bob.id, true)],
                ),
                chat_post(
                    comment(room.id + 1000, "alice", "nowhere", NOW),
                    alice.id,
                    &[],
                ),
            ])
            .await;
        assert!(
            result.is_err(),
            "a post to a missing room fails: {result:?}"
        );
        assert!(store.messages_after(room.id, 0, 10).await?.is_empty());
        assert_eq!(store.room_by_token("r1").await?, Some(room.clone()));
        assert_eq!(user_in(&store, room.id, "alice").await, alice);
        assert_eq!(user_in(&store, room.id, "bob").await, bob);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn message_finds_a_message_only_in_its_room() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let posted = post_each(&store, r1.id, &["a", "b"]).await?;
        assert_eq!(
            store.message(r1.id, posted[1].id).await?,
            Some(posted[1].clone())
        );
        assert_eq!(store.message(r2.id, posted[1].id).await?, None);
        assert_eq!(store.message(r1.id, posted[1].id + 1000).await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn advance_read_markers_moves_many_markers_forward_only() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob", "carol", "dave"]).await?;
        let m = ids(&post_each(&store, room.id, &["m0", "m1", "m2", "m3"]).await?);
        let [alice, bob, carol, dave] = [
            user_in(&store, room.id, "alice").await,
            user_in(&store, room.id, "bob").await,
            user_in(&store, room.id, "carol").await,
            user_in(&store, room.id, "dave").await,
        ];
        store.mark_read(bob.id, m[3], false).await?;
        store.mark_read(carol.id, m[1], false).await?;
        store.advance_read_markers(&[]).await?;

        store
            .advance_read_markers(&[
                (alice.id, m[2]),
                (bob.id, m[0]),
                (carol.id, m[3]),
                (alice.id, m[1]),
            ])
            .await?;
        let read = |a: Attendee| a.last_read_message;
        assert_eq!(read(user_in(&store, room.id, "alice").await), m[2]);
        assert_eq!(
            read(user_in(&store, room.id, "bob").await),
            m[3],
            "never back"
        );
        assert_eq!(read(user_in(&store, room.id, "carol").await), m[3]);
        assert_eq!(user_in(&store, room.id, "dave").await, dave);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn mark_read_moves_back_only_when_not_forward_only() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let m = ids(&post_each(&store, room.id, &["m0", "m1", "m2"]).await?);
        let alice = user_in(&store, room.id, "alice").await;
        let bob = user_in(&store, room.id, "bob").await;
        let read = || async { user_in(&store, room.id, "alice").await.last_read_message };

        store.mark_read(alice.id, m[1], true).await?;
        assert_eq!(read().await, m[1]);
        store.mark_read(alice.id, m[0], true).await?;
        assert_eq!(read().await, m[1], "forward only never moves back");
        store.mark_read(alice.id, m[2], true).await?;
        assert_eq!(read().await, m[2]);
        store.mark_read(alice.id, m[0], false).await?;
        assert_eq!(read().await, m[0], "without forward_only it moves back");
        store.mark_read(alice.id, m[2], false).await?;
        assert_eq!(read().await, m[2]);
        assert_eq!(user_in(&store, room.id, "bob").await, bob);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn rewrite_message_writes_text_type_parameters_and_edit_and_appends_notes() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let posted = post_each(&store, room.id, &["original", "other"]).await?;
        store
            .add_reaction(
                &reaction(posted[0].id, "bob", "👍", NOW),
                &system(room.id, "reaction", NOW),
            )
            .await?;
        let stored = store.message(room.id, posted[0].id).await?.expect("exists");

        // The caller's copy has stale reactions: the store keeps the stored counts.
        let edited = Message {
            message: "edited {mention-user1}".to_owned(),
            message_type: MessageType::CommentDeleted,
            parameters: serde_json::json!({"mention-user1": {"type": "user", "id": "bob"}}),
            last_edit: Some(Edit {
                actor_type: "users".to_owned(),
                actor_id: "alice".to_owned(),
                actor_display_name: "Älice".to_owned(),
                at: NOW + 10,
            }),
            reactions: BTreeMap::new(),
            ..posted[0].clone()
        };
        let notes = [
            system(room.id, "message_edited", NOW + 10),
            system(room.id, "message_deleted", NOW + 11),
        ];
        let appended = store.rewrite_message(&edited, &notes).await?;
        assert_eq!(appended.len(), 2);
        for (message, new) in appended.iter().zip(&notes) {
            assert_stored_as(message, new);
        }
        assert!(appended[0].id > stored.id && appended[1].id > appended[0].id);

        let expected = Message {
            reactions: stored.reactions.clone(),
            ..edited
        };
        assert_eq!(expected.reactions, BTreeMap::from([("👍".to_owned(), 1)]));
        assert_eq!(store.message(room.id, posted[0].id).await?, Some(expected));
        assert_eq!(
            store.message(room.id, posted[1].id).await?,
            Some(posted[1].clone())
        );
        let room = store.room_by_token("r1").await?.expect("room exists");
        assert_eq!(room.last_message_id, appended[1].id);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn rewrite_message_of_an_unknown_id_is_not_found_and_appends_nothing() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let posted = post_each(&store, room.id, &["only"]).await?.remove(0);
        let missing = Message {
            id: posted.id + 1000,
            message: "edited".to_owned(),
            ..posted.clone()
        };
        assert_not_found(
            store
                .rewrite_message(&missing, &[system(room.id, "message_edited", NOW)])
                .await,
        );
        assert_eq!(store.messages_after(room.id, 0, 10).await?, [posted]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn clear_history_leaves_only_the_note_and_resets_markers() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice", "bob"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        store.add_attendees(r1.id, &[guest("g1")], &[]).await?;
        let alice = user_in(&store, r1.id, "alice").await;
        let bob = user_in(&store, r1.id, "bob").await;
        let g1 = attendee_of(&store, r1.id, ActorType::Guests, "g1").await;
        let old = store
            .post_chat_messages(&[
                chat_post(
                    comment(r1.id, "alice", "@bob", NOW),
                    alice.id,
                    &[(bob.id, true)],
                ),
                chat_post(
                    comment(r1.id, "alice", "@all", NOW),
                    alice.id,
                    &[(g1.id, false)],
                ),
            ])
            .await?;
        let old_id = old[0].message.id;
        store
            .add_reaction(
                &reaction(old_id, "bob", "👍", NOW),
                &system(r1.id, "reaction", NOW),
            )
            .await?;
        let kept = post_each(&store, r2.id, &["kept"]).await?;
        let alice2 = user_in(&store, r2.id, "alice").await;
        store.mark_read(alice2.id, kept[0].id, false).await?;
        let alice2 = user_in(&store, r2.id, "alice").await;

        let new = system(r1.id, "history_cleared", NOW + 5);
        let note = store.clear_history(r1.id, &new).await?;
        assert_stored_as(&note, &new);
        assert_eq!(
            store.messages_after(r1.id, 0, 100).await?,
            std::slice::from_ref(&note)
        );
        assert!(note.id > old[1].message.id);
        assert!(store.messages_by_ids(&[old_id]).await?.is_empty());
        assert!(store.reactions(old_id).await?.is_empty());
        let r1_now = store.room_by_token("r1").await?.expect("r1 exists");
        assert_eq!(r1_now.last_message_id, note.id);
        for attendee in store.attendees(r1.id).await? {
            assert_eq!(markers(&attendee), (note.id, 0, 0), "{}", attendee.actor_id);
        }

        assert_eq!(store.messages_after(r2.id, 0, 100).await?, kept);
        assert_eq!(user_in(&store, r2.id, "alice").await, alice2);
        assert_eq!(
            store.room_by_token("r2").await?.map(|r| r.last_message_id),
            Some(kept[0].id)
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_expired_messages_deletes_those_due_and_next_expiry_follows() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        assert_eq!(store.next_message_expiry().await?, None);
        let expiring = |room_id: i64, text: &str, expires_at: i64| NewMessage {
            expires_at,
            ..comment(room_id, "alice", text, NOW)
        };
        let posted = store
            .post_messages(&[
                expiring(r1.id, "forever", 0),
                expiring(r1.id, "at 30", NOW + 30),
                expiring(r1.id, "at 10", NOW + 10),
                expiring(r2.id, "at 20", NOW + 20),
                expiring(r1.id, "also at 20", NOW + 20),
            ])
            .await?;
        assert_eq!(store.next_message_expiry().await?, Some(NOW + 10));

        assert_eq!(store.delete_expired_messages(NOW + 9).await?, 0);
        assert_eq!(
            store.delete_expired_messages(NOW + 20).await?,
            3,
            "at or before now"
        );
        assert_eq!(
            texts(&store.messages_after(r1.id, 0, 100).await?),
            ["forever", "at 30"]
        );
        assert!(store.messages_after(r2.id, 0, 100).await?.is_empty());
        assert_eq!(store.next_message_expiry().await?, Some(NOW + 30));

        assert_eq!(store.delete_expired_messages(NOW + 1000).await?, 1);
        assert_eq!(store.next_message_expiry().await?, None);
        assert_eq!(
            store.messages_after(r1.id, 0, 100).await?,
            [posted[0].clone()]
        );
        assert_eq!(store.delete_expired_messages(NOW + 1000).await?, 0);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn last_common_read_is_the_lowest_marker_among_users() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let other = room_with(&store, "other", &["carol"]).await?;
        let guests_only = store
            .create_room(&new_room("guests", RoomType::Public), &[guest("g1")], &[])
            .await?;
        let empty = store
            .create_room(&new_room("empty", RoomType::Group), &[], &[])
            .await?;
        store.add_attendees(room.id, &[guest("g1")], &[]).await?;
        let m = ids(&post_each(&store, room.id, &["m0", "m1", "m2"]).await?);
        let alice = user_in(&store, room.id, "alice").await;
        let bob = user_in(&store, room.id, "bob").await;
        let g1 = attendee_of(&store, room.id, ActorType::Guests, "g1").await;
        let g1_alone = attendee_of(&store, guests_only.id, ActorType::Guests, "g1").await;

        assert_eq!(common_read(&store, room.id).await?, 0, "nobody read yet");
        store.mark_read(alice.id, m[2], false).await?;
        store.mark_read(bob.id, m[1], false).await?;
        store.mark_read(g1.id, m[0], false).await?;
        store
            .mark_read(user_in(&store, other.id, "carol").await.id, 1, false)
            .await?;
        assert_eq!(
            common_read(&store, room.id).await?,
            m[1],
            "the guest's lower marker is ignored"
        );
        store.mark_read(bob.id, m[2], false).await?;
        assert_eq!(common_read(&store, room.id).await?, m[2]);

        store.mark_read(g1_alone.id, m[2], false).await?;
        assert_eq!(common_read(&store, guests_only.id).await?, 0);
        assert_eq!(common_read(&store, empty.id).await?, 0);
        assert_eq!(common_read(&store, empty.id + 1000).await?, 0);
        // Many rooms in one read, each with its own marker, in the order asked.
        let rooms = [empty.id, room.id, other.id, guests_only.id];
        assert_eq!(
            store.last_common_reads(&rooms).await?,
            [
                (empty.id, 0),
                (room.id, m[2]),
                (other.id, 1),
                (guests_only.id, 0)
            ]
        );
        assert!(store.last_common_reads(&[]).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_message_writes_the_placeholder_drops_reactions_and_appends_the_note() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let id = post_each(&store, room.id, &["react to me"]).await?[0].id;
        store
            .add_reaction(
                &reaction(id, "bob", "👍", NOW),
                &system(room.id, "reaction", NOW),
            )
            .await?;
        let reacted = store.message(room.id, id).await?.expect("message exists");
        let placeholder = Message {
            message: "Message deleted by {actor}".to_owned(),
            message_type: MessageType::CommentDeleted,
            parameters: serde_json::json!({"actor": {"type": "user", "id": "alice"}}),
            ..reacted
        };
        let note = NewMessage {
            parent_id: id,
            ..system(room.id, "message_deleted", NOW + 1)
        };
        let stored = store.delete_message(&placeholder, &note).await?;
        assert_stored_as(&stored, &note);
        let expected = Message {
            reactions: BTreeMap::new(),
            ..placeholder
        };
        assert_eq!(store.message(room.id, id).await?, Some(expected));
        assert!(store.reactions(id).await?.is_empty());
        let room = store.room_by_token("r1").await?.expect("room exists");
        assert_eq!(room.last_message_id, stored.id);

        let missing = Message {
            id: id + 1000,
            ..store.message(room.id, id).await?.expect("message exists")
        };
        assert_not_found(store.delete_message(&missing, &note).await);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_write_generation_moves_after_writes_but_not_when_the_chat_moves_forward() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let bob = user_in(&store, room.id, "bob").await;
        let start = store.write_generation().unwrap_or_default();
        store
            .post_chat_messages(&[chat_post(comment(room.id, "bob", "hi", NOW), bob.id, &[])])
            .await?;
        ensure!(store.write_generation() == Some(start), "a chat post");
        store.advance_read_markers(&[(bob.id, 1)]).await?;
        ensure!(
            store.write_generation() == Some(start),
            "read markers moved up by polls"
        );

        let read_only = confab_core::room::Room {
            read_only: true,
            ..room.clone()
        };
        store.update_room(&read_only, &[]).await?;
        let after_room = store.write_generation().unwrap_or_default();
        ensure!(after_room > start, "a room update (a transaction)");

        store.mark_read(bob.id, 0, false).await?;
        ensure!(
            store.write_generation().unwrap_or_default() > after_room,
            "a single statement (a marker set, possibly down)"
        );
        Ok(())
    })
    .await;
}
