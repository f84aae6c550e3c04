//! API tests: the real application over real HTTP, on SQLite in a temporary directory.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers outside #[test] functions unwrap as well: a broken assumption fails the test"
)]

mod helpers;

mod access;
mod auth;
mod ban;
mod breakout_guest;
mod breakout_invariant;
mod breakout_presence;
mod breakout_room;
mod chat;
mod chat_access;
mod chat_edit;
mod chat_expiry;
mod chat_history;
mod chat_read;
mod chat_receive;
mod chat_rules;
mod chat_share;
mod chat_shared_items;
mod chat_support;
mod cli;
mod cloud;
mod import_emails;
mod input;
mod input_sweep;
mod lobby_timer;
mod participant;
mod participant_input;
mod pin;
mod pin_expiry;
mod poll;
mod poll_rules;
mod provisioning;
mod reaction;
mod room;
mod room_avatar;
mod room_policy;
mod room_settings;
mod room_view;
mod sessions;
mod transport;
mod user_settings;
