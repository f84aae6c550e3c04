//! Durable timers. The next due time lives in the store, so a restart simply picks up where
//! the last run stopped: a lobby whose timer passed while the server was down opens at start,
//! messages that expired meanwhile are deleted, and pins that ran out are dropped.

use std::future::Future;
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
    run_timer(
        &services,
        "opening due lobbies",
        Some(&changed),
        &shutdown,
        || services.rooms.open_due_lobbies(),
    )
    .await;
}

/// Deletes expired messages from storage, until `shutdown`. Reads hide expired messages at
/// once; this task makes them gone for good, also for messages that expired while stopped.
pub async fn run_message_expiry(services: Services, shutdown: CancellationToken) {
    let store = &services.context.store;
    run_timer(&services, "expiring messages", None, &shutdown, || async {
        store
            .delete_expired_messages(services.context.now())
            .await?;
        Ok(store.next_message_expiry().await?)
    })
    .await;
}

/// Unpins messages whose pin ran out, until `shutdown`. `changed` wakes it when a pin with an
/// end was made, so a short pin does not wait out a long sleep.
pub async fn run_pin_expiry(services: Services, changed: Arc<Notify>, shutdown: CancellationToken) {
    run_timer(
        &services,
        "unpinning expired pins",
        Some(&changed),
        &shutdown,
        || services.chat.unpin_expired(),
    )
    .await;
}

/// The loop of a durable timer, until `shutdown`: `step` does the work that is due and returns
/// when more is next due (a Unix time; `None` when nothing is scheduled). Sleeps until then
/// (at least a second, at most [`MAX_SLEEP`]) or until `changed` fires; after a failure, `what`
/// is logged and the step retried in five seconds.
async fn run_timer<F, Fut>(
    services: &Services,
    what: &str,
    changed: Option<&Notify>,
    shutdown: &CancellationToken,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = confab_core::Result<Option<i64>>>,
{
    loop {
        let sleep = match step().await {
            Ok(Some(next)) => {
                let seconds = next.saturating_sub(services.context.now()).max(1);
                Duration::from_secs(seconds as u64).min(MAX_SLEEP)
            }
            Ok(None) => MAX_SLEEP,
            Err(err) => {
                tracing::error!(error = %err, "{what} failed");
                Duration::from_secs(5)
            }
        };
        let changed = async {
            match changed {
                Some(changed) => changed.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = changed => {}
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
