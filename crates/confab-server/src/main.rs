//! The `confab` binary: parse the command line, load configuration, run.

use clap::Parser;
use confab_server::cli::{Cli, Command};
use confab_server::config::Config;
use confab_server::{startup, telemetry};

/// The server allocates and frees many small objects per request; mimalloc spends fewer
/// cycles on that than the system allocator and fragments less under concurrency.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(&cli)?;
    telemetry::init(&config.log_format);
    match cli.command {
        Command::Serve(_) => {
            let app = startup::App::build(&config).await?;
            app.run_until_signal().await
        }
        Command::User(command) => startup::run_user_command(&config, command).await,
        Command::Group(command) => startup::run_group_command(&config, command).await,
    }
}
