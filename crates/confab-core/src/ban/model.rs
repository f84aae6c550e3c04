//! The ban record, what can be banned, and the checks a ban request passes before anything is
//! looked up.

use crate::error::{Error, Result};
use crate::ip_range::IpRange;
use crate::participant::ActorType;
use crate::room::RoomType;

/// Longest internal note, in bytes (upstream counts bytes, not characters).
pub const NOTE_MAX_BYTES: usize = 4000;

/// What a ban keeps out: an actor of one of the kinds that join without being invited as a
/// group, or a remote address (`ip`: one address or a range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BannedActorType {
    Users,
    Guests,
    Emails,
    Ip,
}

impl BannedActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Guests => "guests",
            Self::Emails => "emails",
            Self::Ip => "ip",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "users" => Self::Users,
            "guests" => Self::Guests,
            "emails" => Self::Emails,
            "ip" => Self::Ip,
            _ => return None,
        })
    }

    /// The attendee kind this ban names, `None` for an address.
    pub fn actor_type(self) -> Option<ActorType> {
        match self {
            Self::Users => Some(ActorType::Users),
            Self::Guests => Some(ActorType::Guests),
            Self::Emails => Some(ActorType::Emails),
            Self::Ip => None,
        }
    }

    /// The ban kind that names attendees of `actor_type`, if they can be banned.
    pub fn of(actor_type: ActorType) -> Option<Self> {
        match actor_type {
            ActorType::Users => Some(Self::Users),
            ActorType::Guests => Some(Self::Guests),
            ActorType::Emails => Some(Self::Emails),
            _ => None,
        }
    }
}

/// One ban in one conversation. Display names are kept as they were when the ban was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// Assigned by the store; ignored when a ban is stored.
    pub id: i64,
    pub room_id: i64,
    pub moderator_actor_type: ActorType,
    pub moderator_actor_id: String,
    pub moderator_display_name: String,
    pub banned_actor_type: BannedActorType,
    pub banned_actor_id: String,
    pub banned_display_name: String,
    /// Unix seconds.
    pub banned_time: i64,
    pub internal_note: String,
}

/// The checks upstream makes on a ban request before it looks at the room's attendees, in its
/// order: the kind of room, the kind of actor, an actor id (a valid address or range for
/// `ip`), the note's length, and banning oneself. Answers 400 with upstream's key.
pub fn validate(
    room_type: RoomType,
    moderator: (ActorType, &str),
    actor_type: &str,
    actor_id: &str,
    internal_note: &str,
) -> Result<BannedActorType> {
    if !matches!(room_type, RoomType::Group | RoomType::Public) {
        return Err(Error::Invalid("room"));
    }
    let banned = BannedActorType::parse(actor_type).ok_or(Error::Invalid("bannedActor"))?;
    if actor_id.is_empty() {
        return Err(Error::Invalid("bannedActor"));
    }
    if banned == BannedActorType::Ip && IpRange::parse(actor_id).is_none() {
        return Err(Error::Invalid("bannedActor"));
    }
    if internal_note.len() > NOTE_MAX_BYTES {
        return Err(Error::Invalid("internalNote"));
    }
    if actor_type == moderator.0.as_str() && actor_id == moderator.1 {
        return Err(Error::Invalid("self"));
    }
    Ok(banned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: (ActorType, &str) = (ActorType::Users, "alice");

    fn key(result: Result<BannedActorType>) -> Option<&'static str> {
        result.err().and_then(|e| e.wire_key())
    }

    #[test]
    fn only_group_and_public_conversations_have_bans() {
        for room_type in [
            RoomType::OneToOne,
            RoomType::FormerOneToOne,
            RoomType::NoteToSelf,
            RoomType::Changelog,
        ] {
            assert_eq!(
                key(validate(room_type, ALICE, "users", "bob", "")),
                Some("room")
            );
        }
        for room_type in [RoomType::Group, RoomType::Public] {
            assert_eq!(
                validate(room_type, ALICE, "users", "bob", "").ok(),
                Some(BannedActorType::Users)
            );
        }
    }

    #[test]
    fn the_room_is_checked_before_the_actor() {
        assert_eq!(
            key(validate(RoomType::OneToOne, ALICE, "groups", "", "")),
            Some("room")
        );
    }

    #[test]
    fn unknown_kinds_and_empty_ids_are_refused() {
        for (kind, id) in [
            ("groups", "g"),
            ("circles", "c"),
            ("federated_users", "f"),
            ("phones", "p"),
            ("range", "participant2"),
            ("Users", "bob"),
            ("", "bob"),
            ("users", ""),
            ("ip", ""),
        ] {
            assert_eq!(
                key(validate(RoomType::Group, ALICE, kind, id, "")),
                Some("bannedActor"),
                "{kind} {id}"
            );
        }
    }

    #[test]
    fn ip_bans_need_an_address_or_a_range() {
        for id in [
            "127.0.0.1",
            "127.0.0.1/24",
            "127.0.0.1/32",
            "::1",
            "::1/32",
            "::1/64",
        ] {
            assert_eq!(
                validate(RoomType::Public, ALICE, "ip", id, "").ok(),
                Some(BannedActorType::Ip),
                "{id}"
            );
        }
        for id in [
            "participant2",
            "127.0.0.1/64",
            "::1/129",
            "127.0.0.1/",
            "1.2.3",
        ] {
            assert_eq!(
                key(validate(RoomType::Public, ALICE, "ip", id, "")),
                Some("bannedActor"),
                "{id}"
            );
        }
    }

    #[test]
    fn the_note_is_limited_in_bytes() {
        let ok = "a".repeat(NOTE_MAX_BYTES);
        assert!(validate(RoomType::Group, ALICE, "users", "bob", &ok).is_ok());
        let long = "a".repeat(NOTE_MAX_BYTES + 1);
        assert_eq!(
            key(validate(RoomType::Group, ALICE, "users", "bob", &long)),
            Some("internalNote")
        );
        // 2000 two-byte characters fit; one more does not.
        let wide = "\u{e9}".repeat(NOTE_MAX_BYTES / 2 + 1);
        assert_eq!(
            key(validate(RoomType::Group, ALICE, "users", "bob", &wide)),
            Some("internalNote")
        );
    }

    #[test]
    fn banning_oneself_is_refused_after_the_note() {
        assert_eq!(
            key(validate(RoomType::Group, ALICE, "users", "alice", "")),
            Some("self")
        );
        let long = "a".repeat(NOTE_MAX_BYTES + 1);
        assert_eq!(
            key(validate(RoomType::Group, ALICE, "users", "alice", &long)),
            Some("internalNote")
        );
        // The same id of another kind is someone else.
        assert!(validate(RoomType::Group, ALICE, "guests", "alice", "").is_ok());
        let guest = (ActorType::Guests, "abc");
        assert_eq!(
            key(validate(RoomType::Public, guest, "guests", "abc", "")),
            Some("self")
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            BannedActorType::Users,
            BannedActorType::Guests,
            BannedActorType::Emails,
            BannedActorType::Ip,
        ] {
            assert_eq!(BannedActorType::parse(kind.as_str()), Some(kind));
            if let Some(actor_type) = kind.actor_type() {
                assert_eq!(BannedActorType::of(actor_type), Some(kind));
            }
        }
        assert_eq!(BannedActorType::of(ActorType::Groups), None);
    }
}
