//! confab's storage: one SQL implementation of every store port, over SQLite (the embedded
//! default) and PostgreSQL.
//!
//! Both backends run the same SQL text through sqlx's `Any` driver. Writing every query twice
//! would make the two drift apart; the few places where the dialects differ are named in
//! [`backend::Backend`]. Each area has its module, one transaction per method:
//!
//! - [`account`], [`app_config`], [`room`], [`room_avatar`], [`participant`], [`chat`],
//!   [`reaction`], [`poll`], [`pin`], [`ban`]: the port implementations.
//! - [`rows`]: mapping rows to domain types; `session`: opening and closing many sessions;
//!   `shared_item`: the index of objects shared to the chat.
//! - [`backend`]: connecting, pools, pragmas and migrations, and the only ways to write:
//!   `SqlStore::write` (one statement) and `SqlStore::begin` (a transaction), which move the
//!   write generation the member cache of the chat endpoints relies on.
//! - [`error`]: the only place that knows `sqlx::Error`.

pub mod account;
pub mod app_config;
pub mod backend;
pub mod ban;
pub mod chat;
pub mod error;
pub mod participant;
pub mod pin;
pub mod poll;
pub mod reaction;
pub mod room;
pub mod room_avatar;
mod rows;
mod session;
mod shared_item;

pub use backend::{Backend, SqlStore};
