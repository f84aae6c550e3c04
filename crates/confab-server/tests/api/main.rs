//! API tests: the real application over real HTTP, on SQLite in a temporary directory.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers outside #[test] functions unwrap as well: a broken assumption fails the test"
)]

mod helpers;

mod auth;
mod breakout_guest;
mod breakout_invariant;
mod breakout_presence;
mod breakout_room;
mod chat;
mod cli;
mod cloud;
mod lobby_timer;
mod participant;
mod poll;
mod provisioning;
mod room;
mod room_settings;
mod transport;
