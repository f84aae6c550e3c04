//! Who is making a request, as established by the HTTP layer's authentication.

/// A logged-in account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    pub id: String,
    pub display_name: String,
    pub is_admin: bool,
}

/// The caller of a domain operation.
///
/// `client_session` is the opaque id of the client's web session (a cookie): it is how a
/// guest is recognised between requests and which Talk session of a user is "current".
/// `remote_addr` is where the request came from (`ip` bans keep guests out by it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<UserRef>,
    pub client_session: Option<String>,
    pub remote_addr: Option<std::net::IpAddr>,
}

impl Actor {
    pub fn user(user: UserRef) -> Self {
        Self {
            user: Some(user),
            client_session: None,
            remote_addr: None,
        }
    }

    /// The logged-in user, or [`crate::Error::Unauthenticated`] for guests and anonymous callers.
    pub fn require_user(&self) -> crate::Result<&UserRef> {
        self.user.as_ref().ok_or(crate::Error::Unauthenticated)
    }

    pub fn user_id(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.id.as_str())
    }
}
