//! Durable timers. The next due time lives in the store, so a restart simply picks up where
//! the last run stopped: a lobby whose timer passed while the server was down opens at start.

use std::sync::Arc;
use std::time::Duration;

use confab_core::Services;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Longest sleep between checks, so clock jumps and missed notifications heal on their own.
const MAX_SLEEP: Duration = Duration::from_mins(1);

/// Opens lobbies when their timer is reached, until `shutdown`.
pub async fn run_lobby_timers(
    services: Services,
    changed: Arc<Notify>,
    shutdown: CancellationToken,
) {
    loop {
        let sleep = match services.rooms.open_due_lobbies().await {
            Ok(Some(next)) => {
                let seconds = (next - services.context.now()).max(0);
                Duration::from_secs(seconds as u64).min(MAX_SLEEP)
            }
            Ok(None) => MAX_SLEEP,
            Err(err) => {
                tracing::error!(error = %err, "opening due lobbies failed");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = changed.notified() => {}
            () = shutdown.cancelled() => return,
        }
    }
}
