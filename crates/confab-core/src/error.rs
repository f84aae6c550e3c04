//! The domain's errors. The HTTP layer maps each variant to a status in one table.

/// Everything that can go wrong in a domain operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The endpoint needs a logged-in user and the caller is anonymous or a guest.
    #[error("authentication required")]
    Unauthenticated,
    /// Credentials were given and are wrong.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The conversation does not exist or the caller may not see it.
    #[error("conversation not found")]
    RoomNotFound,
    /// Something named in the request does not exist (the key says what).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller's role does not allow the action.
    #[error("moderator permissions required")]
    NotModerator,
    /// The action is refused for a reason the key names (`owner`, `password`, …).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The conversation is read-only.
    #[error("conversation is read-only")]
    ReadOnly,
    /// The caller's permissions lack the one the action needs (chat, …); Talk's permission
    /// middleware answers 403 without an `error` key.
    #[error("permission missing")]
    MissingPermission,
    /// The lobby keeps the caller out.
    #[error("lobby is active")]
    LobbyActive,
    /// The action needs something this server does not have configured (the key says what,
    /// upstream's `config` for a missing SIP bridge).
    #[error("not configured: {0}")]
    NotConfigured(&'static str),
    /// A parameter or state is invalid for the action (the key names which).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// The request is refused without a reason upstream names (a vote on a closed poll).
    #[error("request refused")]
    Rejected,
    /// A value is longer than allowed (the key names which).
    #[error("{0} too long")]
    TooLarge(&'static str),
    /// `force=false` join while the same client session is already in a call.
    #[error("session already in a call")]
    SessionConflict {
        session_id: String,
        in_call: i64,
        last_ping: i64,
    },
    /// Rows of an uploaded list are invalid (`error: rows`); the 1-based line numbers say which.
    #[error("invalid rows")]
    InvalidRows { lines: Vec<usize> },
    /// Too many failed attempts from this address.
    #[error("too many failed attempts")]
    Throttled,
    /// The account is not an administrator.
    #[error("administrator required")]
    NotAdmin,
    /// A user or group with that id exists already.
    #[error("{0} exists already")]
    AlreadyExists(&'static str),
    /// The action does not apply to this kind of object (system messages cannot be edited;
    /// the key names the object).
    #[error("not allowed for this {0}")]
    NotAllowed(&'static str),
    /// A conversation picture is refused; upstream explains why in a `message`.
    #[error("invalid avatar: {0}")]
    Avatar(#[from] crate::room::AvatarError),
    /// The endpoint exists upstream but confab does not implement it (yet).
    #[error("not implemented: {0}")]
    NotImplemented(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// The `error` key Talk puts into `ocs.data` for this failure, if any.
    pub fn wire_key(&self) -> Option<&'static str> {
        match self {
            Error::NotFound(key)
            | Error::Forbidden(key)
            | Error::Invalid(key)
            | Error::TooLarge(key)
            | Error::NotConfigured(key)
            | Error::NotAllowed(key)
            | Error::NotImplemented(key) => Some(key),
            Error::InvalidRows { .. } => Some("rows"),
            Error::Avatar(reason) => Some(reason.wire_key()),
            Error::NotModerator
            | Error::Unauthenticated
            | Error::InvalidCredentials
            | Error::RoomNotFound
            | Error::ReadOnly
            | Error::MissingPermission
            | Error::LobbyActive
            | Error::SessionConflict { .. }
            | Error::Throttled
            | Error::NotAdmin
            | Error::AlreadyExists(_)
            | Error::Rejected
            | Error::Store(_) => None,
        }
    }
}

/// What a store adapter reports. Only the store crate knows the driver's error type.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("row not found")]
    NotFound,
    #[error("constraint {constraint} violated")]
    Conflict { constraint: String },
    #[error("storage backend failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
