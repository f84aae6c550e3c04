//! The command line: `confab serve` and the account administration commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "confab",
    version,
    about = "A conversation server that speaks the Nextcloud Talk API"
)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "CONFAB_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory holding the SQLite database (default ./data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL; `postgres://…` selects PostgreSQL (default: SQLite in the data directory).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage groups.
    #[command(subcommand)]
    Group(GroupCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input when not given.
    Add {
        name: String,
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List accounts.
    List,
    /// Delete an account.
    Delete { name: String },
    /// Set an account's password; read from standard input when not given.
    Passwd {
        name: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Issue a new app password for an account and print it.
    AppPassword { name: String },
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group.
    Add {
        name: String,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List groups with their members.
    List,
    /// Delete a group.
    Delete { name: String },
    /// Add a user to a group.
    AddMember { group: String, user: String },
}
