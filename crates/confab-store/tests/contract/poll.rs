//! `PollStore`: polls, drafts, updates, deletion and votes.

use confab_core::chat::{Poll, PollVote};
use confab_core::store::{ChatStore, PollStore};
use confab_store::SqlStore;

use crate::support::{assert_not_found, each_backend, new_poll, room_with, system, NOW};

/// A vote of user `actor` for `option_id`.
fn vote(actor: &str, option_id: i64) -> PollVote {
    PollVote {
        actor_type: "users".to_owned(),
        actor_id: actor.to_owned(),
        actor_display_name: actor.to_uppercase(),
        option_id,
    }
}

/// The votes of `poll_id`, in a fixed order (the store promises none).
async fn votes(store: &SqlStore, poll_id: i64) -> anyhow::Result<Vec<PollVote>> {
    let mut found = store.poll_votes(poll_id).await?;
    found.sort_by(|a, b| {
        (&a.actor_type, &a.actor_id, a.option_id).cmp(&(&b.actor_type, &b.actor_id, b.option_id))
    });
    Ok(found)
}

/// How many messages room `room_id` holds.
async fn count(store: &SqlStore, room_id: i64) -> anyhow::Result<usize> {
    Ok(store.messages_after(room_id, 0, 100_000).await?.len())
}

#[tokio::test]
async fn create_poll_assigns_an_id_and_stores_every_field() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        let new = Poll {
            id: 999,
            question: "Wohin gehen wir? 🍕 \"quoted\"".to_owned(),
            options: vec![
                "Pizza, bitte".to_owned(),
                "[\"not\", \"json\"]".to_owned(),
                String::new(),
            ],
            result_mode: 1,
            max_votes: 2,
            actor_type: "guests".to_owned(),
            actor_id: "g-1".to_owned(),
            actor_display_name: "Gäst".to_owned(),
            created_at: NOW + 7,
            ..new_poll(r1.id, "", 0)
        };
        let created = store.create_poll(&new).await?;
        assert!(created.id > 0);
        assert_eq!(
            created,
            Poll {
                id: created.id,
                ..new.clone()
            }
        );
        assert_eq!(store.poll(r1.id, created.id).await?, Some(created.clone()));

        let second = store.create_poll(&new_poll(r1.id, "Again?", 0)).await?;
        assert_ne!(second.id, created.id, "the given id is ignored");
        assert_eq!(store.poll(r1.id, second.id).await?, Some(second.clone()));
        assert_eq!(store.poll(r2.id, created.id).await?, None, "not in r2");
        assert_eq!(store.poll(r1.id, second.id + 1000).await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn poll_drafts_lists_only_the_drafts_of_the_room_by_id() {
    each_backend(|store| async move {
        let r1 = room_with(&store, "r1", &["alice"]).await?;
        let r2 = room_with(&store, "r2", &["alice"]).await?;
        assert!(store.poll_drafts(r1.id).await?.is_empty());
        store.create_poll(&new_poll(r1.id, "open", 0)).await?;
        let first = store.create_poll(&new_poll(r1.id, "draft 1", 2)).await?;
        store.create_poll(&new_poll(r1.id, "closed", 1)).await?;
        store
            .create_poll(&new_poll(r2.id, "draft elsewhere", 2))
            .await?;
        let second = store.create_poll(&new_poll(r1.id, "draft 2", 2)).await?;
        assert_eq!(store.poll_drafts(r1.id).await?, [first, second]);
        assert_eq!(store.poll_drafts(r2.id).await?.len(), 1);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_poll_writes_its_settings_and_appends_notes() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let poll = store.create_poll(&new_poll(room.id, "draft", 2)).await?;
        let other = store.create_poll(&new_poll(room.id, "other", 0)).await?;
        let changed = Poll {
            question: "final question".to_owned(),
            options: vec!["a".to_owned(), "b".to_owned()],
            result_mode: 1,
            max_votes: 1,
            status: 0,
            ..poll.clone()
        };
        let notes = [system(room.id, "poll_published", NOW + 1)];
        store.update_poll(&changed, &notes).await?;
        assert_eq!(store.poll(room.id, poll.id).await?, Some(changed.clone()));
        assert_eq!(store.poll(room.id, other.id).await?, Some(other));
        let appended = store.messages_after(room.id, 0, 10).await?;
        assert_eq!(appended.len(), 1);
        assert_eq!(appended[0].system_message, "poll_published");

        // Only the settings are written: room, author and creation time stay.
        let moved = Poll {
            room_id: room.id + 1000,
            actor_id: "mallory".to_owned(),
            actor_display_name: "MALLORY".to_owned(),
            created_at: 0,
            status: 1,
            ..changed.clone()
        };
        store.update_poll(&moved, &[]).await?;
        assert_eq!(
            store.poll(room.id, poll.id).await?,
            Some(Poll {
                status: 1,
                ..changed
            })
        );
        assert_eq!(count(&store, room.id).await?, 1);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_poll_of_an_unknown_poll_is_not_found_and_appends_nothing() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let poll = store.create_poll(&new_poll(room.id, "q", 0)).await?;
        let missing = Poll {
            id: poll.id + 1000,
            question: "changed".to_owned(),
            ..poll.clone()
        };
        assert_not_found(
            store
                .update_poll(&missing, &[system(room.id, "poll_closed", NOW)])
                .await,
        );
        assert_eq!(count(&store, room.id).await?, 0);
        assert_eq!(store.poll(room.id, poll.id).await?, Some(poll));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_poll_deletes_the_poll_and_its_votes_only() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let doomed = store.create_poll(&new_poll(room.id, "doomed", 0)).await?;
        let kept = store.create_poll(&new_poll(room.id, "kept", 0)).await?;
        for poll in [&doomed, &kept] {
            store
                .vote_poll(poll.id, ("users", "alice", "ALICE"), &[0, 1], &[])
                .await?;
            store
                .vote_poll(poll.id, ("users", "bob", "BOB"), &[2], &[])
                .await?;
        }
        assert!(store.delete_poll(doomed.id).await?);
        assert_eq!(store.poll(room.id, doomed.id).await?, None);
        assert!(store.poll_votes(doomed.id).await?.is_empty());
        assert_eq!(store.poll(room.id, kept.id).await?, Some(kept.clone()));
        assert_eq!(
            votes(&store, kept.id).await?,
            [vote("alice", 0), vote("alice", 1), vote("bob", 2)]
        );
        assert!(!store.delete_poll(doomed.id).await?, "already gone");
        assert!(!store.delete_poll(kept.id + 1000).await?);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn vote_poll_replaces_only_the_voters_votes_and_appends_notes() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let poll = store.create_poll(&new_poll(room.id, "q", 0)).await?;
        let other = store.create_poll(&new_poll(room.id, "other", 0)).await?;
        assert!(store.poll_votes(poll.id).await?.is_empty());
        let note = || [system(room.id, "poll_voted", NOW)];

        store
            .vote_poll(poll.id, ("users", "alice", "ALICE"), &[0, 2], &note())
            .await?;
        store
            .vote_poll(poll.id, ("users", "bob", "BOB"), &[1], &note())
            .await?;
        store
            .vote_poll(other.id, ("users", "alice", "ALICE"), &[1], &[])
            .await?;
        assert_eq!(
            votes(&store, poll.id).await?,
            [vote("alice", 0), vote("alice", 2), vote("bob", 1)]
        );
        assert_eq!(count(&store, room.id).await?, 2);

        // A guest named alice is another voter.
        store
            .vote_poll(poll.id, ("guests", "alice", "Guest"), &[0], &[])
            .await?;
        let guest_vote = PollVote {
            actor_type: "guests".to_owned(),
            actor_display_name: "Guest".to_owned(),
            ..vote("alice", 0)
        };

        // Voting again replaces alice's votes and leaves everyone else's.
        store
            .vote_poll(poll.id, ("users", "alice", "Alice Renamed"), &[1], &note())
            .await?;
        let renamed = PollVote {
            actor_display_name: "Alice Renamed".to_owned(),
            ..vote("alice", 1)
        };
        assert_eq!(
            votes(&store, poll.id).await?,
            [guest_vote.clone(), renamed, vote("bob", 1)]
        );
        assert_eq!(count(&store, room.id).await?, 3);

        // Voting for nothing withdraws the votes.
        store
            .vote_poll(poll.id, ("users", "alice", "ALICE"), &[], &[])
            .await?;
        assert_eq!(votes(&store, poll.id).await?, [guest_vote, vote("bob", 1)]);
        assert_eq!(votes(&store, other.id).await?, [vote("alice", 1)]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn vote_poll_that_fails_keeps_the_previous_votes() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let poll = store.create_poll(&new_poll(room.id, "q", 0)).await?;
        store
            .vote_poll(poll.id, ("users", "alice", "ALICE"), &[0], &[])
            .await?;
        // The note goes to a missing room, so the vote fails after the old votes were deleted.
        let result = store
            .vote_poll(
                poll.id,
                ("users", "alice", "ALICE"),
                &[1, 2],
                &[system(room.id + 1000, "poll_voted", NOW)],
            )
            .await;
        assert!(
            result.is_err(),
            "a note to a missing room fails: {result:?}"
        );
        assert_eq!(votes(&store, poll.id).await?, [vote("alice", 0)]);
        assert_eq!(count(&store, room.id).await?, 0);
        Ok(())
    })
    .await;
}
