//! Breakout rooms: a parent conversation split into smaller rooms for a while.
//!
//! A breakout room is a conversation with objectType `room` and objectId the parent's token.
//! Talk's behaviour (TALK-BEHAVIOR §1) is the baseline; confab validates everything before
//! writing, includes guests, moves only the attendees a map names, accepts named rooms and
//! more rooms when configured.

mod assignment;
mod attendee_map;
mod listing;
pub(crate) mod presence;
pub(crate) mod propagate;
mod run;
mod service;

pub use assignment::{automatic, least_filled};
pub use attendee_map::parse as parse_attendee_map;
pub use service::{BreakoutService, Configure};

pub const MODE_NOT_CONFIGURED: i64 = 0;
pub const MODE_AUTOMATIC: i64 = 1;
pub const MODE_MANUAL: i64 = 2;
pub const MODE_FREE: i64 = 3;
pub const STATUS_STOPPED: i64 = 0;
pub const STATUS_STARTED: i64 = 1;
pub const STATUS_ASSISTANCE_REQUESTED: i64 = 2;
/// Upstream's limit, the default of `breakout_rooms_max`.
pub const DEFAULT_MAX_ROOMS: i64 = 20;
/// The highest `breakout_rooms_max` an administrator may set.
pub const MAX_ROOMS_LIMIT: i64 = 500;
