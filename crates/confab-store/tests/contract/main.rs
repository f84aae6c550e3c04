//! The store contract: what every storage port promises, checked against `SqlStore` on SQLite
//! always and on PostgreSQL when `CONFAB_TEST_POSTGRES_URL` names a server.
//!
//! Each test gets a fresh database per backend (a temporary directory for SQLite, a database
//! created for the test on PostgreSQL), so tests never see each other's rows.

mod account;
mod app_config;
mod chat;
mod participant;
mod room;
mod support;
