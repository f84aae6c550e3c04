//! Durable timers. The next due time lives in the store, so a restart simply picks up where
//! the last run stopped: a lobby whose timer passed while the server was down opens at start,
//! messages that expired meanwhile are deleted, and pins that ran out are dropped.

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
                let seconds = next.saturating_sub(services.context.now()).max(0);
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

/// Deletes expired messages from storage, until `shutdown`. Reads hide expired messages at
/// once; this task makes them gone for good, also for messages that expired while stopped.
pub async fn run_message_expiry(services: Services, shutdown: CancellationToken) {
    loop {
        let store = &services.context.store;
        let now = services.context.now();
        let sleep = match store.delete_expired_messages(now).await {
            Ok(_) => match store.next_message_expiry().await {
                Ok(Some(next)) => {
                    Duration::from_secs(next.saturating_sub(now).max(1) as u64).min(MAX_SLEEP)
                }
                Ok(None) => MAX_SLEEP,
                Err(err) => {
                    tracing::error!(error = %err, "reading the next message expiry failed");
                    Duration::from_secs(5)
                }
            },
            Err(err) => {
                tracing::error!(error = %err, "deleting expired messages failed");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = shutdown.cancelled() => return,
        }
    }
}

/// Unpins messages whose pin ran out, until `shutdown`. `changed` wakes it when a pin with an
/// end was made, so a short pin does not wait out a long sleep.
pub async fn run_pin_expiry(services: Services, changed: Arc<Notify>, shutdown: CancellationToken) {
    loop {
        let sleep = match services.chat.unpin_expired().await {
            Ok(Some(next)) => {
                let seconds = (next - services.context.now()).max(1);
                Duration::from_secs(seconds as u64).min(MAX_SLEEP)
            }
            Ok(None) => MAX_SLEEP,
            Err(err) => {
                tracing::error!(error = %err, "unpinning expired pins failed");
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

/// Writes buffered read markers every second, and once more at shutdown.
pub async fn run_read_marker_flush(services: Services, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let stop = tokio::select! {
            _ = tick.tick() => false,
            () = shutdown.cancelled() => true,
        };
        if let Err(err) = services.context.flush_read_markers().await {
            tracing::error!(error = %err, "writing read markers failed");
        }
        if stop {
            return;
        }
    }
}
