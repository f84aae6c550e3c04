//! confab's server: the HTTP faces over the domain services, configuration and start-up.
//!
//! - [`http`]: routes and wire formats, one module per API area.
//! - [`config`]: layered configuration (defaults < file < environment < flags).
//! - [`cli`]: the `confab` command line (`serve` and the admin commands).
//! - [`startup`]: building the application from a configuration, and running it.
//! - [`scheduler`]: durable timers (lobby timers) that fire after restarts too.
//! - [`telemetry`]: structured logs.

pub mod cli;
pub mod config;
pub mod http;
pub mod scheduler;
pub mod startup;
pub mod telemetry;
