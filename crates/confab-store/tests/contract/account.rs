//! `AccountStore`: users, app passwords, groups and memberships, and user settings.

use confab_core::participant::{ActorType, Privacy};
use confab_core::room::RoomType;
use confab_core::store::{AccountStore, ChatStore, ParticipantStore, RoomStore};

use crate::support::{
    assert_conflict, common_read, each_backend, group, guest, member, new_room, new_session, owner,
    room_with, user, user_in, NOW,
};

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| id(i).to_owned()).collect()
}

#[tokio::test]
async fn create_user_then_user_returns_it() {
    each_backend(|store| async move {
        let alice = user("alice", "Alice Liddell");
        store.create_user(&alice).await?;
        assert_eq!(store.user("alice").await?, Some(alice));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn user_returns_none_for_unknown_id() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        assert_eq!(store.user("bob").await?, None);
        // Ids are exact, not case-folded.
        assert_eq!(store.user("ALICE").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn create_user_rejects_duplicate_id() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        assert_conflict(store.create_user(&user("alice", "Another Alice")).await);
        assert_eq!(
            store.user("alice").await?.map(|u| u.display_name),
            Some("Alice".to_owned())
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn users_matches_id_or_display_name_case_insensitively_ordered_by_id() {
    each_backend(|store| async move {
        for (id, name) in [
            ("carol", "Carol"),
            ("alice", "Alice"),
            ("bob", "Robert Alison"),
            ("dave", "Dave"),
        ] {
            store.create_user(&user(id, name)).await?;
        }
        let all = store.users("", 100, 0).await?;
        assert_eq!(ids(&all, |u| &u.id), ["alice", "bob", "carol", "dave"]);

        // "ali" is in alice's id and in bob's display name; case does not matter.
        let found = store.users("ALI", 100, 0).await?;
        assert_eq!(ids(&found, |u| &u.id), ["alice", "bob"]);
        assert_eq!(found[0], user("alice", "Alice"));

        assert!(store.users("nobody", 100, 0).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn users_pages_with_limit_and_offset() {
    each_backend(|store| async move {
        for id in ["u1", "u2", "u3", "u4", "u5"] {
            store.create_user(&user(id, id)).await?;
        }
        assert_eq!(ids(&store.users("", 2, 0).await?, |u| &u.id), ["u1", "u2"]);
        assert_eq!(ids(&store.users("", 2, 2).await?, |u| &u.id), ["u3", "u4"]);
        assert_eq!(ids(&store.users("", 2, 4).await?, |u| &u.id), ["u5"]);
        assert!(store.users("", 2, 6).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn users_treats_like_wildcards_in_search_literally() {
    each_backend(|store| async move {
        store.create_user(&user("a_b", "Percent 100%")).await?;
        store.create_user(&user("axb", "Plain")).await?;
        store.create_user(&user("back\\slash", "Slash")).await?;
        assert_eq!(ids(&store.users("_", 10, 0).await?, |u| &u.id), ["a_b"]);
        assert_eq!(ids(&store.users("%", 10, 0).await?, |u| &u.id), ["a_b"]);
        assert_eq!(
            ids(&store.users("\\", 10, 0).await?, |u| &u.id),
            ["back\\slash"]
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_user_writes_display_name_email_and_password_hash() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        let mut changed = user("alice", "Alice Cooper");
        changed.email = "cooper@example.com".to_owned();
        changed.password_hash = "new-hash".to_owned();
        store.update_user(&changed).await?;
        assert_eq!(store.user("alice").await?, Some(changed));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn update_user_keeps_created_at() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        let mut changed = user("alice", "Alice");
        changed.created_at = NOW + 500;
        store.update_user(&changed).await?;
        assert_eq!(store.user("alice").await?.map(|u| u.created_at), Some(NOW));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_user_removes_app_passwords_memberships_and_attendees() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        store.create_user(&user("bob", "Bob")).await?;
        store.add_app_password("alice", "app-hash", NOW).await?;
        store.create_group(&group("staff", "Staff")).await?;
        store.add_group_member("staff", "alice").await?;
        store.add_group_member("staff", "bob").await?;
        let room = store
            .create_room(
                &new_room("room1", RoomType::Group),
                &[owner("bob"), member("alice"), guest("alice")],
                &[],
            )
            .await?;
        let alice = store
            .attendee_by_actor(room.id, ActorType::Users, "alice")
            .await?
            .expect("alice attends");
        store
            .open_session(room.id, alice.id, &new_session("s-alice", "c-alice", NOW))
            .await?;

        assert!(store.delete_user("alice").await?);

        assert_eq!(store.user("alice").await?, None);
        assert_eq!(store.user_by_app_password("app-hash").await?, None);
        assert_eq!(
            ids(&store.group_members("staff").await?, |u| &u.id),
            ["bob"]
        );
        assert!(store.user_groups("alice").await?.is_empty());
        assert_eq!(
            store
                .attendee_by_actor(room.id, ActorType::Users, "alice")
                .await?,
            None
        );
        assert!(store
            .rooms_of_actor(ActorType::Users, "alice")
            .await?
            .is_empty());
        assert_eq!(
            store.session("s-alice").await?,
            None,
            "the attendee's sessions go with it"
        );
        // Only the user's attendee goes: a guest with the same id and other users stay.
        let left: Vec<_> = store
            .attendees(room.id)
            .await?
            .into_iter()
            .map(|a| (a.actor_type, a.actor_id))
            .collect();
        assert_eq!(
            left,
            [
                (ActorType::Users, "bob".to_owned()),
                (ActorType::Guests, "alice".to_owned())
            ]
        );
        assert!(store.user("bob").await?.is_some());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_user_reports_false_for_unknown_user() {
    each_backend(|store| async move {
        assert!(!store.delete_user("ghost").await?);
        store.create_user(&user("alice", "Alice")).await?;
        assert!(store.delete_user("alice").await?);
        assert!(!store.delete_user("alice").await?);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn user_by_app_password_finds_the_owner_of_the_hash() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        store.create_user(&user("bob", "Bob")).await?;
        store.add_app_password("alice", "hash-a1", NOW).await?;
        store.add_app_password("alice", "hash-a2", NOW).await?;
        store.add_app_password("bob", "hash-b", NOW).await?;
        assert_eq!(
            store.user_by_app_password("hash-a1").await?,
            Some(user("alice", "Alice"))
        );
        assert_eq!(
            store.user_by_app_password("hash-a2").await?.map(|u| u.id),
            Some("alice".to_owned())
        );
        assert_eq!(
            store.user_by_app_password("hash-b").await?.map(|u| u.id),
            Some("bob".to_owned())
        );
        assert_eq!(store.user_by_app_password("unknown").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_app_password_rejects_duplicate_hash() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        store.create_user(&user("bob", "Bob")).await?;
        store.add_app_password("alice", "same-hash", NOW).await?;
        assert_conflict(store.add_app_password("bob", "same-hash", NOW).await);
        assert_eq!(
            store.user_by_app_password("same-hash").await?.map(|u| u.id),
            Some("alice".to_owned())
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn create_group_then_group_returns_it() {
    each_backend(|store| async move {
        store.create_group(&group("staff", "Staff Members")).await?;
        assert_eq!(
            store.group("staff").await?,
            Some(group("staff", "Staff Members"))
        );
        assert_eq!(store.group("other").await?, None);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn create_group_rejects_duplicate_id() {
    each_backend(|store| async move {
        store.create_group(&group("staff", "Staff")).await?;
        assert_conflict(store.create_group(&group("staff", "Other")).await);
        assert_eq!(store.group("staff").await?, Some(group("staff", "Staff")));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn groups_matches_id_or_display_name_ordered_by_id() {
    each_backend(|store| async move {
        store.create_group(&group("zeta", "Zeta Team")).await?;
        store
            .create_group(&group("admin", "Administrators"))
            .await?;
        store.create_group(&group("ops", "Operations TEAM")).await?;
        assert_eq!(
            ids(&store.groups("").await?, |g| &g.id),
            ["admin", "ops", "zeta"]
        );
        assert_eq!(
            ids(&store.groups("team").await?, |g| &g.id),
            ["ops", "zeta"]
        );
        assert_eq!(ids(&store.groups("ADM").await?, |g| &g.id), ["admin"]);
        assert!(store.groups("%").await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_group_removes_its_memberships() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        store.create_group(&group("staff", "Staff")).await?;
        store.create_group(&group("ops", "Ops")).await?;
        store.add_group_member("staff", "alice").await?;
        store.add_group_member("ops", "alice").await?;

        assert!(store.delete_group("staff").await?);
        assert_eq!(store.group("staff").await?, None);
        assert_eq!(store.user_groups("alice").await?, ["ops"]);
        assert!(store.group_members("staff").await?.is_empty());
        assert!(
            store.user("alice").await?.is_some(),
            "deleting a group keeps its users"
        );
        assert!(!store.delete_group("staff").await?);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn add_group_member_twice_changes_nothing() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        store.create_group(&group("staff", "Staff")).await?;
        store.add_group_member("staff", "alice").await?;
        store.add_group_member("staff", "alice").await?;
        assert_eq!(
            store.group_members("staff").await?,
            [user("alice", "Alice")]
        );
        assert_eq!(store.user_groups("alice").await?, ["staff"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn group_members_and_user_groups_are_ordered_by_id() {
    each_backend(|store| async move {
        for id in ["carol", "alice", "bob"] {
            store.create_user(&user(id, id)).await?;
        }
        for id in ["zeta", "alpha", "mid"] {
            store.create_group(&group(id, id)).await?;
            store.add_group_member(id, "alice").await?;
        }
        store.add_group_member("mid", "carol").await?;
        store.add_group_member("mid", "bob").await?;
        assert_eq!(
            ids(&store.group_members("mid").await?, |u| &u.id),
            ["alice", "bob", "carol"]
        );
        assert_eq!(store.user_groups("alice").await?, ["alpha", "mid", "zeta"]);
        assert!(store.user_groups("nobody").await?.is_empty());
        assert!(store.group_members("nothing").await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn remove_group_member_reports_whether_the_user_was_a_member() {
    each_backend(|store| async move {
        store.create_user(&user("alice", "Alice")).await?;
        store.create_user(&user("bob", "Bob")).await?;
        store.create_group(&group("staff", "Staff")).await?;
        store.add_group_member("staff", "alice").await?;
        store.add_group_member("staff", "bob").await?;

        assert!(store.remove_group_member("staff", "alice").await?);
        assert!(!store.remove_group_member("staff", "alice").await?);
        assert!(!store.remove_group_member("other", "bob").await?);
        assert_eq!(
            ids(&store.group_members("staff").await?, |u| &u.id),
            ["bob"]
        );
        assert!(store.user_groups("alice").await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn user_settings_keep_one_value_per_key_and_read_privacy_reaches_every_attendee() {
    each_backend(|store| async move {
        store.create_user(&user("bob", "Bob")).await?;
        assert!(store.user_settings("bob").await?.is_empty());
        store.set_user_setting("bob", "play_sounds", "no").await?;
        store.set_user_setting("bob", "play_sounds", "yes").await?;
        let before = room_with(&store, "r1", &["alice", "bob"]).await?;
        store
            .mark_read(user_in(&store, before.id, "alice").await.id, 9, false)
            .await?;
        store
            .mark_read(user_in(&store, before.id, "bob").await.id, 4, false)
            .await?;
        assert_eq!(common_read(&store, before.id).await?, 4);

        store.set_read_privacy("bob", Privacy::Private).await?;
        let mut settings = store.user_settings("bob").await?;
        settings.sort();
        assert_eq!(
            settings,
            [
                ("play_sounds".to_owned(), "yes".to_owned()),
                ("read_status_privacy".to_owned(), "1".to_owned())
            ]
        );
        let bob = user_in(&store, before.id, "bob").await;
        assert_eq!(bob.read_privacy, Privacy::Private);
        assert_eq!(
            user_in(&store, before.id, "alice").await.read_privacy,
            Privacy::Public
        );
        assert_eq!(
            common_read(&store, before.id).await?,
            9,
            "a private marker does not count"
        );

        // Attendees added later take the setting: with a new room, and one by one.
        let created = room_with(&store, "r2", &["bob", "alice"]).await?;
        assert_eq!(
            user_in(&store, created.id, "bob").await.read_privacy,
            Privacy::Private
        );
        let added = room_with(&store, "r3", &["alice"]).await?;
        store.add_attendees(added.id, &[member("bob")], &[]).await?;
        assert_eq!(
            user_in(&store, added.id, "bob").await.read_privacy,
            Privacy::Private
        );

        store.set_read_privacy("bob", Privacy::Public).await?;
        assert_eq!(common_read(&store, before.id).await?, 4);
        Ok(())
    })
    .await;
}
