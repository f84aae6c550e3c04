//! Bans (API v1, capability `ban-v1`): moderators keep users, guests, email guests and IP
//! addresses out of a conversation (TALK-BEHAVIOR §1.1, §3.5).
//!
//! - `model`: the ban record and what may be banned.
//! - `service`: banning, listing and lifting bans.
//! - `enforce`: keeping banned people out when they join or are added.

mod enforce;
mod model;
mod service;

pub use model::{validate, Ban, BannedActorType, NOTE_MAX_BYTES};
pub use service::{BanRequest, BanService};
