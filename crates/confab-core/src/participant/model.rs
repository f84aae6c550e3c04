//! The attendee and session records and their enumerations.

use sha2::{Digest, Sha256};

pub const NOTIFY_DEFAULT: i64 = 0;
pub const NOTIFY_ALWAYS: i64 = 1;
pub const NOTIFY_MENTION: i64 = 2;
pub const NOTIFY_NEVER: i64 = 3;

/// Kinds of actors Talk knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorType {
    Users,
    Guests,
    Emails,
    Groups,
    Circles,
    FederatedUsers,
    Phones,
    Bots,
}

impl ActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Guests => "guests",
            Self::Emails => "emails",
            Self::Groups => "groups",
            Self::Circles => "circles",
            Self::FederatedUsers => "federated_users",
            Self::Phones => "phones",
            Self::Bots => "bots",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "users" => Self::Users,
            "guests" => Self::Guests,
            "emails" => Self::Emails,
            "groups" => Self::Groups,
            "circles" => Self::Circles,
            "federated_users" => Self::FederatedUsers,
            "phones" => Self::Phones,
            "bots" => Self::Bots,
            _ => return None,
        })
    }

    /// Guests and email guests join without an account.
    pub fn is_guest(self) -> bool {
        matches!(self, Self::Guests | Self::Emails)
    }
}

/// A participant's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantType {
    Owner = 1,
    Moderator = 2,
    User = 3,
    Guest = 4,
    UserSelfJoined = 5,
    GuestModerator = 6,
}

impl ParticipantType {
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            1 => Self::Owner,
            2 => Self::Moderator,
            3 => Self::User,
            4 => Self::Guest,
            5 => Self::UserSelfJoined,
            6 => Self::GuestModerator,
            _ => return None,
        })
    }

    pub fn as_i64(self) -> i64 {
        self as i64
    }

    /// Owners, moderators and guest moderators.
    pub fn is_moderator(self) -> bool {
        matches!(self, Self::Owner | Self::Moderator | Self::GuestModerator)
    }

    /// Owners and moderators: moderators who are logged in (guest moderators excluded), as
    /// user-only moderator rules require.
    pub fn is_user_moderator(self) -> bool {
        matches!(self, Self::Owner | Self::Moderator)
    }
}

/// Membership of an actor in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub id: i64,
    pub room_id: i64,
    pub actor_type: ActorType,
    pub actor_id: String,
    pub display_name: String,
    pub participant_type: ParticipantType,
    /// Custom permissions; 0 means "use the room's default".
    pub permissions: i64,
    pub notification_level: i64,
    pub notification_calls: i64,
    pub favorite: bool,
    pub archived: bool,
    pub important: bool,
    pub sensitive: bool,
    pub last_read_message: i64,
    pub last_mention_message: i64,
    pub last_mention_direct: i64,
    pub invited_cloud_id: String,
    pub pin: String,
    /// Whether others learn how far this attendee read (a user's `read_status_privacy`).
    pub read_privacy: Privacy,
}

impl Attendee {
    /// Whether this attendee shares how far they read, and so may learn how far the others
    /// did (the common read marker).
    pub fn shares_read_status(&self) -> bool {
        self.read_privacy == Privacy::Public
    }
}

/// A user's choice whether others see what they do (read markers, typing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Privacy {
    #[default]
    Public,
    Private,
}

impl Privacy {
    pub fn as_i64(self) -> i64 {
        match self {
            Self::Public => 0,
            Self::Private => 1,
        }
    }

    pub fn from_i64(value: i64) -> Option<Self> {
        match value {
            0 => Some(Self::Public),
            1 => Some(Self::Private),
            _ => None,
        }
    }
}

/// An attendee to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendee {
    pub actor_type: ActorType,
    pub actor_id: String,
    pub display_name: String,
    pub participant_type: ParticipantType,
    pub invited_cloud_id: String,
}

impl NewAttendee {
    pub fn user(id: &str, display_name: &str, participant_type: ParticipantType) -> Self {
        Self {
            actor_type: ActorType::Users,
            actor_id: id.to_owned(),
            display_name: display_name.to_owned(),
            participant_type,
            invited_cloud_id: String::new(),
        }
    }

    /// A guest invited by email, or `None` when `address` is not one. The actor id is the
    /// SHA-256 of the lowercased address, as upstream names email guests.
    pub fn email(address: &str) -> Option<Self> {
        let address = address.trim();
        let valid = address.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !address.contains(char::is_whitespace)
        });
        valid.then(|| Self {
            actor_type: ActorType::Emails,
            actor_id: hex::encode(Sha256::digest(address.to_lowercase().as_bytes())),
            display_name: String::new(),
            participant_type: ParticipantType::Guest,
            invited_cloud_id: address.to_owned(),
        })
    }
}

/// One connection of an attendee (a device or browser tab).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub attendee_id: i64,
    pub client_session: String,
    pub in_call: i64,
    pub last_ping: i64,
    /// 1 active, 0 inactive (the app is in the background).
    pub state: i64,
}

/// A session to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub id: String,
    pub client_session: String,
    pub last_ping: i64,
}
