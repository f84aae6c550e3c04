//! API tests: the real application over real HTTP, on SQLite in a temporary directory.

mod helpers;

mod auth;
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
