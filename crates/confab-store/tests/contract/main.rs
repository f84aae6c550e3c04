//! The store contract: what every storage port promises, checked against `SqlStore` on `SQLite`
//! always and on `PostgreSQL` when `CONFAB_TEST_POSTGRES_URL` names a server.
//!
//! Each test gets a fresh database per backend (a temporary directory for `SQLite`, a database
//! created for the test on `PostgreSQL`), so tests never see each other's rows.

// Setup helpers fail the test by panicking, like assertions do; clippy.toml's
// allow-expect-in-tests only covers the `#[test]` functions themselves.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod account;
mod app_config;
mod ban;
mod chat;
mod participant;
mod pin;
mod poll;
mod reaction;
mod room;
mod room_avatar;
mod shared_item;
mod support;
