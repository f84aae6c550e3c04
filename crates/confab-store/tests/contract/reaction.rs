//! `ReactionStore`: adding and removing reactions with their counts and notes, listing them,
//! the reactions of one actor, and the note a removed reaction leaves behind.

use std::collections::BTreeMap;

use confab_core::chat::{Message, NewMessage, Reaction};
use confab_core::store::{ChatStore, ReactionStore};
use confab_store::SqlStore;

use crate::support::{comment, each_backend, reaction, room_with, system, NOW};

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

async fn count(store: &SqlStore, room_id: i64) -> anyhow::Result<usize> {
    Ok(store.messages_after(room_id, 0, 100_000).await?.len())
}

#[tokio::test]
async fn add_and_remove_reaction_count_on_the_message_and_note_only_changes() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let posted = post_each(&store, room.id, &["react to me", "not me"]).await?;
        let id = posted[0].id;
        let note = || system(room.id, "reaction", NOW);
        let retracted = || system(room.id, "reaction_deleted", NOW);
        let counts = || async {
            store
                .message(room.id, id)
                .await
                .expect("read message")
                .expect("message exists")
                .reactions
        };
        let expect = |pairs: &[(&str, i64)]| -> BTreeMap<String, i64> {
            pairs.iter().map(|&(e, n)| (e.to_owned(), n)).collect()
        };
        assert_eq!(counts().await, expect(&[]));

        assert!(
            store
                .add_reaction(&reaction(id, "alice", "👍", NOW), &note())
                .await?
        );
        assert_eq!(counts().await, expect(&[("👍", 1)]));
        assert_eq!(count(&store, room.id).await?, 3, "a note was appended");
        assert!(
            !store
                .add_reaction(&reaction(id, "alice", "👍", NOW + 1), &note())
                .await?,
            "the same reaction again is not added"
        );
        assert_eq!(counts().await, expect(&[("👍", 1)]));
        assert_eq!(
            count(&store, room.id).await?,
            3,
            "no note when nothing changed"
        );

        assert!(
            store
                .add_reaction(&reaction(id, "bob", "👍", NOW + 2), &note())
                .await?
        );
        assert!(
            store
                .add_reaction(&reaction(id, "alice", "❤️", NOW + 3), &note())
                .await?
        );
        let guest_alice = Reaction {
            actor_type: "guests".to_owned(),
            ..reaction(id, "alice", "👍", NOW + 4)
        };
        assert!(store.add_reaction(&guest_alice, &note()).await?);
        assert_eq!(counts().await, expect(&[("👍", 3), ("❤️", 1)]));
        assert_eq!(count(&store, room.id).await?, 6);

        // Removal matches message, actor and emoji; display name and time do not matter.
        let alice_thumb = Reaction {
            actor_display_name: "someone else".to_owned(),
            created_at: 0,
            ..reaction(id, "alice", "👍", NOW)
        };
        assert!(
            store
                .remove_reaction(&alice_thumb, &retracted(), &note())
                .await?
        );
        assert_eq!(counts().await, expect(&[("👍", 2), ("❤️", 1)]));
        assert_eq!(count(&store, room.id).await?, 7);
        assert!(
            !store
                .remove_reaction(&alice_thumb, &retracted(), &note())
                .await?
        );
        assert!(
            !store
                .remove_reaction(&reaction(id, "carol", "❤️", NOW), &retracted(), &note())
                .await?
        );
        assert_eq!(
            count(&store, room.id).await?,
            7,
            "no note when nothing changed"
        );

        assert!(
            store
                .remove_reaction(&reaction(id, "alice", "❤️", NOW), &retracted(), &note())
                .await?
        );
        assert_eq!(
            counts().await,
            expect(&[("👍", 2)]),
            "a count of 0 is left out"
        );
        assert_eq!(
            store.message(room.id, posted[1].id).await?,
            Some(posted[1].clone()),
            "other messages keep no reactions"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn reactions_of_actor_lists_only_that_actors_reactions_to_the_given_messages() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let posted = post_each(&store, room.id, &["a", "b", "c"]).await?;
        let (a, b, c) = (posted[0].id, posted[1].id, posted[2].id);
        for r in [
            reaction(a, "bob", "🎉", NOW + 1),
            reaction(a, "bob", "👍", NOW + 2),
            reaction(b, "alice", "👍", NOW + 3),
            reaction(c, "bob", "❤️", NOW + 4),
        ] {
            store
                .add_reaction(&r, &system(room.id, "reaction", r.created_at))
                .await?;
        }
        let mut own = store.reactions_of_actor(&[a, b], "users", "bob").await?;
        own.sort();
        assert_eq!(own, vec![(a, "🎉".to_owned()), (a, "👍".to_owned())]);
        assert_eq!(
            store
                .reactions_of_actor(&[a, b, c], "guests", "bob")
                .await?,
            vec![]
        );
        assert_eq!(store.reactions_of_actor(&[], "users", "bob").await?, vec![]);
        assert_eq!(
            store.reactions_of_actor(&[b], "users", "alice").await?,
            vec![(b, "👍".to_owned())]
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn reactions_lists_the_messages_reactions_oldest_first() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice"]).await?;
        let posted = post_each(&store, room.id, &["a", "b"]).await?;
        let (a, b) = (posted[0].id, posted[1].id);
        assert!(store.reactions(a).await?.is_empty());
        let added = [
            reaction(a, "bob", "🎉", NOW + 1),
            reaction(b, "bob", "🎉", NOW + 2),
            reaction(a, "alice", "👍", NOW + 3),
            reaction(a, "bob", "👍", NOW + 4),
        ];
        for r in &added {
            assert!(
                store
                    .add_reaction(r, &system(room.id, "reaction", r.created_at))
                    .await?
            );
        }
        assert_eq!(
            store.reactions(a).await?,
            [added[0].clone(), added[2].clone(), added[3].clone()]
        );
        assert_eq!(store.reactions(b).await?, [added[1].clone()]);
        assert!(store.reactions(b + 1000).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn removing_a_reaction_rewrites_the_note_it_left() {
    each_backend(|store| async move {
        let room = room_with(&store, "r1", &["alice", "bob"]).await?;
        let id = post_each(&store, room.id, &["react to me"]).await?[0].id;
        let left = |name: &str, emoji: &str| NewMessage {
            parameters: serde_json::json!({"reaction": emoji}),
            parent_id: id,
            ..system(room.id, name, NOW)
        };
        store
            .add_reaction(&reaction(id, "alice", "👍", NOW), &left("reaction", "👍"))
            .await?;
        store
            .add_reaction(&reaction(id, "bob", "👍", NOW), &left("reaction", "👍"))
            .await?;
        let before = store.messages_after(room.id, id, 10).await?;
        assert_eq!(before.len(), 2);

        let retracted = NewMessage {
            message: "gone".to_owned(),
            ..system(room.id, "reaction_deleted", NOW + 1)
        };
        assert!(
            store
                .remove_reaction(
                    &reaction(id, "alice", "👍", NOW),
                    &retracted,
                    &system(room.id, "reaction_revoked", NOW + 1),
                )
                .await?
        );
        let after = store.messages_after(room.id, id, 10).await?;
        assert_eq!(
            after
                .iter()
                .map(|m| m.system_message.as_str())
                .collect::<Vec<_>>(),
            vec!["reaction_deleted", "reaction", "reaction_revoked"]
        );
        // Only text, name and parameters change; the note keeps its place, actor and parent.
        let rewritten = Message {
            message: "gone".to_owned(),
            system_message: "reaction_deleted".to_owned(),
            parameters: retracted.parameters.clone(),
            ..before[0].clone()
        };
        assert_eq!(after[0], rewritten);
        assert_eq!(after[1], before[1], "bob's note stays");
        Ok(())
    })
    .await;
}
