//! API tests: the real application over real HTTP, on SQLite in a temporary directory.

mod helpers;

mod cli;
mod cloud;
mod room;
