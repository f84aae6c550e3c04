//! confab's domain: the rules of Talk conversations, independent of HTTP and SQL.
//!
//! - [`account`]: users, groups, passwords and app passwords.
//! - [`room`]: conversations ("rooms" on the wire) and their settings.
//! - [`participant`]: attendees, sessions, roles and permissions.
//! - [`chat`]: messages, including the system messages every state change leaves.
//! - [`breakout_room`]: splitting a conversation into breakout rooms and back.
//! - [`ban`]: keeping actors and addresses out of a conversation.
//! - [`app_config`]: the Talk app settings confab honours.
//! - [`throttle`]: brute-force protection for logins and room passwords.
//! - [`store`]: the ports the storage adapters implement.
//! - [`clock`], [`error`], [`actor`], [`ip_range`]: shared building blocks.
//!
//! [`Services`] bundles every service; the server builds it once and hands it to handlers.

pub mod access;
pub mod account;
pub mod actor;
pub mod app_config;
pub mod ban;
pub mod breakout_room;
pub mod chat;
pub mod clock;
pub mod error;
pub mod ip_range;
pub mod participant;
pub mod room;
pub mod services;
pub mod store;
pub mod throttle;
pub mod token;

pub use actor::Actor;
pub use error::{Error, Result, StoreError};
pub use services::Services;
