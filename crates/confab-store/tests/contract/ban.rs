//! `BanStore`: storing bans (with the banned attendee's removal), reading them by room, actor
//! and client, lifting them, and rooms deleted with their bans.

use anyhow::ensure;
use confab_core::ban::{Ban, BannedActorType};
use confab_core::participant::ActorType;
use confab_core::store::{BanStore, ChatStore, ParticipantStore, RoomStore};
use confab_store::SqlStore;

use crate::support::{
    assert_conflict, attendee_of, each_backend, guest, new_session, room_with, system, user_in, NOW,
};

/// Alice's ban of `kind`/`id` in room `room_id`.
fn ban(room_id: i64, kind: BannedActorType, id: &str) -> Ban {
    Ban {
        id: 0,
        room_id,
        moderator_actor_type: ActorType::Users,
        moderator_actor_id: "alice".to_owned(),
        moderator_display_name: "ALICE".to_owned(),
        banned_actor_type: kind,
        banned_actor_id: id.to_owned(),
        banned_display_name: id.to_uppercase(),
        banned_time: NOW,
        internal_note: format!("note on {id}"),
    }
}

async fn system_names(store: &SqlStore, room_id: i64) -> anyhow::Result<Vec<String>> {
    Ok(store
        .messages_after(room_id, 0, 100)
        .await?
        .into_iter()
        .map(|m| m.system_message)
        .collect())
}

#[tokio::test]
async fn a_ban_is_stored_with_every_field_and_read_back_by_room_and_actor() {
    each_backend(|store| async move {
        let room = room_with(&store, "bans", &["alice"]).await?;
        let mut wanted = ban(room.id, BannedActorType::Users, "bob");
        wanted.internal_note = "Ünïcode \u{1F600} and 'quotes'".to_owned();
        let stored = store.ban_actor(&wanted, None, &[]).await?;
        ensure!(stored.id > 0);
        ensure!(
            stored
                == Ban {
                    id: stored.id,
                    ..wanted
                }
        );
        ensure!(store.bans(&[room.id]).await? == std::slice::from_ref(&stored));
        ensure!(
            store
                .ban_of_actor(room.id, BannedActorType::Users, "bob")
                .await?
                == Some(stored)
        );
        // Exactly as banned: another kind, another case or another room is not banned.
        ensure!(store
            .ban_of_actor(room.id, BannedActorType::Guests, "bob")
            .await?
            .is_none());
        ensure!(store
            .ban_of_actor(room.id, BannedActorType::Users, "Bob")
            .await?
            .is_none());
        let other = room_with(&store, "other", &["alice"]).await?;
        ensure!(store
            .ban_of_actor(other.id, BannedActorType::Users, "bob")
            .await?
            .is_none());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn bans_are_listed_oldest_first_across_the_rooms_asked_for() {
    each_backend(|store| async move {
        let one = room_with(&store, "one", &["alice"]).await?;
        let two = room_with(&store, "two", &["alice"]).await?;
        let three = room_with(&store, "three", &["alice"]).await?;
        let a = store
            .ban_actor(&ban(one.id, BannedActorType::Users, "bob"), None, &[])
            .await?;
        let b = store
            .ban_actor(&ban(two.id, BannedActorType::Ip, "10.0.0.0/8"), None, &[])
            .await?;
        let c = store
            .ban_actor(&ban(one.id, BannedActorType::Guests, "g1"), None, &[])
            .await?;
        store
            .ban_actor(&ban(three.id, BannedActorType::Emails, "e1"), None, &[])
            .await?;
        ensure!(b.id > a.id && c.id > b.id);
        ensure!(store.bans(&[one.id]).await? == [a.clone(), c.clone()]);
        ensure!(store.bans(&[two.id, one.id]).await? == [a, b, c]);
        ensure!(store.bans(&[]).await?.is_empty());
        ensure!(store.bans(&[i64::MAX]).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn banning_an_actor_twice_conflicts_and_changes_nothing() {
    each_backend(|store| async move {
        let room = room_with(&store, "bans", &["alice", "bob"]).await?;
        let first = store
            .ban_actor(&ban(room.id, BannedActorType::Users, "carol"), None, &[])
            .await?;
        let bob = user_in(&store, room.id, "bob").await;
        let mut again = ban(room.id, BannedActorType::Users, "carol");
        again.internal_note = "second".to_owned();
        assert_conflict(
            store
                .ban_actor(
                    &again,
                    Some(bob.id),
                    &[system(room.id, "user_removed", NOW)],
                )
                .await,
        );
        // The failed ban removed no one and appended nothing.
        ensure!(store.bans(&[room.id]).await? == [first]);
        user_in(&store, room.id, "bob").await;
        ensure!(system_names(&store, room.id).await?.is_empty());
        // The same actor may be banned from another room, and an address once per room.
        let other = room_with(&store, "other", &["alice"]).await?;
        store
            .ban_actor(&ban(other.id, BannedActorType::Users, "carol"), None, &[])
            .await?;
        store
            .ban_actor(&ban(room.id, BannedActorType::Ip, "::1"), None, &[])
            .await?;
        assert_conflict(
            store
                .ban_actor(&ban(room.id, BannedActorType::Ip, "::1"), None, &[])
                .await,
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn banning_an_attendee_removes_them_with_their_sessions_and_appends_the_notes() {
    each_backend(|store| async move {
        let room = room_with(&store, "bans", &["alice", "bob", "carol"]).await?;
        let bob = user_in(&store, room.id, "bob").await;
        store
            .open_session(room.id, bob.id, &new_session("sb", "cb", NOW))
            .await?;
        let stored = store
            .ban_actor(
                &ban(room.id, BannedActorType::Users, "bob"),
                Some(bob.id),
                &[system(room.id, "user_removed", NOW)],
            )
            .await?;
        ensure!(store
            .attendee_by_actor(room.id, ActorType::Users, "bob")
            .await?
            .is_none());
        ensure!(store.session("sb").await?.is_none());
        ensure!(system_names(&store, room.id).await? == ["user_removed"]);
        ensure!(store.bans(&[room.id]).await? == [stored]);
        // Users are banned by account, not by client.
        ensure!(store.ban_of_client(room.id, "cb").await?.is_none());
        user_in(&store, room.id, "carol").await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_banned_guests_clients_stay_recognised_until_the_ban_is_lifted() {
    each_backend(|store| async move {
        let room = room_with(&store, "bans", &["alice"]).await?;
        let (g1, _) = store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("s1", "tab1", NOW))
            .await?;
        store
            .open_session(room.id, g1.id, &new_session("s2", "tab2", NOW))
            .await?;
        let (g2, _) = store
            .add_guest_with_session(room.id, &guest("g2"), &new_session("s3", "tab3", NOW))
            .await?;
        let stored = store
            .ban_actor(
                &ban(room.id, BannedActorType::Guests, "g1"),
                Some(g1.id),
                &[],
            )
            .await?;
        ensure!(store
            .attendee_by_actor(room.id, ActorType::Guests, "g1")
            .await?
            .is_none());
        // Removed guests lose their client bindings; the ban keeps knowing the clients.
        let membership = store.room_membership("bans", None, Some("tab1")).await?;
        ensure!(membership.is_some_and(|(_, attendee, _)| attendee.is_none()));
        for client in ["tab1", "tab2"] {
            ensure!(store.ban_of_client(room.id, client).await? == Some(stored.clone()));
        }
        ensure!(store.ban_of_client(room.id, "tab3").await?.is_none());
        ensure!(attendee_of(&store, room.id, ActorType::Guests, "g2").await == g2);
        let other = room_with(&store, "other", &["alice"]).await?;
        ensure!(store.ban_of_client(other.id, "tab1").await?.is_none());

        ensure!(store.remove_ban(room.id, stored.id).await?);
        ensure!(store.ban_of_client(room.id, "tab1").await?.is_none());
        ensure!(store.bans(&[room.id]).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_ban_is_lifted_only_in_its_own_room_and_once() {
    each_backend(|store| async move {
        let room = room_with(&store, "bans", &["alice"]).await?;
        let other = room_with(&store, "other", &["alice"]).await?;
        let stored = store
            .ban_actor(&ban(room.id, BannedActorType::Users, "bob"), None, &[])
            .await?;
        let kept = store
            .ban_actor(&ban(room.id, BannedActorType::Users, "carol"), None, &[])
            .await?;
        ensure!(!store.remove_ban(other.id, stored.id).await?);
        ensure!(!store.remove_ban(room.id, i64::MAX).await?);
        ensure!(store.bans(&[room.id]).await?.len() == 2);
        ensure!(store.remove_ban(room.id, stored.id).await?);
        ensure!(!store.remove_ban(room.id, stored.id).await?);
        ensure!(store.bans(&[room.id]).await? == [kept]);
        // Lifted, the actor may be banned again.
        store
            .ban_actor(&ban(room.id, BannedActorType::Users, "bob"), None, &[])
            .await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn deleting_a_room_deletes_its_bans() {
    each_backend(|store| async move {
        let room = room_with(&store, "bans", &["alice"]).await?;
        let other = room_with(&store, "other", &["alice"]).await?;
        let (g1, _) = store
            .add_guest_with_session(room.id, &guest("g1"), &new_session("s1", "tab1", NOW))
            .await?;
        store
            .ban_actor(
                &ban(room.id, BannedActorType::Guests, "g1"),
                Some(g1.id),
                &[],
            )
            .await?;
        store
            .ban_actor(&ban(room.id, BannedActorType::Users, "bob"), None, &[])
            .await?;
        let kept = store
            .ban_actor(&ban(other.id, BannedActorType::Users, "bob"), None, &[])
            .await?;
        ensure!(store.delete_room(room.id).await?);
        ensure!(store.bans(&[room.id]).await?.is_empty());
        ensure!(store.ban_of_client(room.id, "tab1").await?.is_none());
        ensure!(store.bans(&[other.id]).await? == [kept]);
        Ok(())
    })
    .await;
}
