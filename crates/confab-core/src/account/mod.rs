//! Accounts: users, groups, passwords and app passwords, and each user's Talk settings.

mod password;
mod service;
mod settings;

pub use password::{hash_app_password, hash_password, verify_password};
pub use service::AccountService;
pub(crate) use service::{
    hash_blocking as hash_password_blocking, verify_blocking as verify_password_blocking,
};
pub use settings::{SettingValue, UserSettings};

/// The group whose members administer the server.
pub const ADMIN_GROUP: &str = "admin";
/// The longest user id or group id accepted.
pub const MAX_ID_LEN: usize = 64;

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
}

/// A group of users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub display_name: String,
}

/// Whether `id` is a valid user or group id: Nextcloud's `[a-zA-Z0-9 _.@-']`, not blank.
pub fn is_valid_id(id: &str) -> bool {
    !id.trim().is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '@' | '-' | '\''))
}
