//! Wiring: the store, the services and the HTTP server built from a [`Config`].

use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use confab_core::clock::{Clock, SystemClock};
use confab_core::throttle::Throttler;
use confab_core::Services;
use confab_store::SqlStore;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::cli::{GroupCommand, UserCommand};
use crate::config::{redact_url, Config};
use crate::http::{self, AppState, HttpSettings};
use crate::scheduler;

/// Opens the configured database (applying migrations).
pub async fn open_store(config: &Config) -> anyhow::Result<SqlStore> {
    match &config.database_url {
        Some(url) => SqlStore::connect(url.expose_secret())
            .await
            .with_context(|| format!("connecting to {}", redact_url(url.expose_secret()))),
        None => SqlStore::open_sqlite(&config.data_dir)
            .await
            .with_context(|| format!("opening the database in {}", config.data_dir.display())),
    }
}

/// A built application, bound to its address and ready to serve.
pub struct App {
    listener: TcpListener,
    state: AppState,
    store: SqlStore,
}

impl App {
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like [`App::build`] with the given clock (tests move time by hand).
    pub async fn build_with_clock(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let store = open_store(config).await?;
        let mut services = Services::new(Arc::new(store.clone()), clock)
            .await
            .context("loading the app settings")?;
        services.throttler = Arc::new(Throttler::new(config.brute_force));
        if let Some(password) = &config.admin_password {
            if services
                .accounts
                .ensure_admin(password.expose_secret())
                .await
                .context("creating the admin account")?
            {
                tracing::info!("created the account admin");
            }
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let state = AppState {
            services,
            settings: Arc::new(HttpSettings {
                trusted_proxies: config.trusted_proxies.clone(),
                trusted_domains: config.trusted_domains.clone(),
                ..HttpSettings::default()
            }),
            shutdown: CancellationToken::new(),
            lobby_timers: Arc::new(Notify::new()),
            pin_timers: Arc::new(Notify::new()),
        };
        Ok(Self {
            listener,
            state,
            store,
        })
    }

    /// The domain services, for embedding and tests.
    pub fn services(&self) -> confab_core::Services {
        self.state.services.clone()
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Cancelling this token shuts the server down gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.state.shutdown.clone()
    }

    /// Serves until the shutdown token is cancelled, then drains connections and closes the store.
    pub async fn run(self) -> anyhow::Result<()> {
        let Self {
            listener,
            state,
            store,
        } = self;
        let shutdown = state.shutdown.clone();
        let timers = tokio::spawn(scheduler::run_lobby_timers(
            state.services.clone(),
            state.lobby_timers.clone(),
            shutdown.clone(),
        ));
        let expiry = tokio::spawn(scheduler::run_message_expiry(
            state.services.clone(),
            shutdown.clone(),
        ));
        let pins = tokio::spawn(scheduler::run_pin_expiry(
            state.services.clone(),
            state.pin_timers.clone(),
            shutdown.clone(),
        ));
        let markers = tokio::spawn(scheduler::run_read_marker_flush(
            state.services.clone(),
            shutdown.clone(),
        ));
        tracing::info!(address = %listener.local_addr()?, "confab listening");
        let router = http::router(state);
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await
        .context("serving HTTP")?;
        shutdown.cancel();
        let _ = timers.await;
        let _ = expiry.await;
        let _ = pins.await;
        let _ = markers.await;
        store.close().await;
        tracing::info!("confab stopped");
        Ok(())
    }

    /// Serves until SIGINT or SIGTERM.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        let token = self.shutdown_token();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            token.cancel();
        });
        self.run().await
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn services_for(config: &Config) -> anyhow::Result<Services> {
    let store = open_store(config).await?;
    Ok(Services::new(Arc::new(store), Arc::new(SystemClock)).await?)
}

/// The given password, or the first line of standard input.
fn password_or_stdin(password: Option<String>) -> anyhow::Result<String> {
    if let Some(password) = password {
        return Ok(password);
    }
    eprintln!("Password:");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// `confab user …`
pub async fn run_user_command(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let accounts = services_for(config).await?.accounts;
    match command {
        UserCommand::Add {
            name,
            password,
            display_name,
        } => {
            let password = password_or_stdin(password)?;
            let user = accounts
                .create_user(&name, &password, display_name.as_deref(), "")
                .await?;
            println!("created user {}", user.id);
        }
        UserCommand::List => {
            for user in accounts.users("", i64::MAX, 0).await? {
                println!("{}\t{}", user.id, user.display_name);
            }
        }
        UserCommand::Delete { name } => {
            accounts.delete_user(&name).await?;
            println!("deleted user {name}");
        }
        UserCommand::Passwd { name, password } => {
            let password = password_or_stdin(password)?;
            accounts.set_password(&name, &password).await?;
            println!("changed the password of {name}");
        }
        UserCommand::AppPassword { name } => {
            println!("{}", accounts.create_app_password(&name).await?);
        }
    }
    Ok(())
}

/// `confab group …`
pub async fn run_group_command(config: &Config, command: GroupCommand) -> anyhow::Result<()> {
    let accounts = services_for(config).await?.accounts;
    match command {
        GroupCommand::Add { name, display_name } => {
            accounts
                .create_group(&name, display_name.as_deref())
                .await?;
            println!("created group {name}");
        }
        GroupCommand::List => {
            for group in accounts.groups("").await? {
                let members: Vec<String> = accounts
                    .group_members(&group.id)
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect();
                println!(
                    "{}\t{}\t{}",
                    group.id,
                    group.display_name,
                    members.join(",")
                );
            }
        }
        GroupCommand::Delete { name } => {
            accounts.delete_group(&name).await?;
            println!("deleted group {name}");
        }
        GroupCommand::AddMember { group, user } => {
            accounts.add_group_member(&group, &user).await?;
            println!("added {user} to {group}");
        }
    }
    Ok(())
}
