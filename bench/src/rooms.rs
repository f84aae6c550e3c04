//! Room list benchmark: `GET /room` for a user in 100 group and 100 one-to-one conversations,
//! each with a message. Prints the median and slowest list, with the per-room caches cold (as
//! after a second without chat) and warm, on SQLite and (with `--database-url postgres://…`)
//! on PostgreSQL.
//!
//! `cargo run --release -p confab-bench --bin rooms-bench [-- --database-url postgres://…]`
//! It drives confab's services over a real store in-process, without HTTP.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use confab_core::account::User;
use confab_core::chat::SendMessage;
use confab_core::clock::SystemClock;
use confab_core::room::{CreateRoom, ListOptions};
use confab_core::{Actor, Services};
use confab_store::SqlStore;

const ROOMS_OF_EACH_KIND: usize = 100;
const LISTS: usize = 30;

fn user(id: &str) -> User {
    User {
        id: id.to_owned(),
        display_name: id.to_uppercase(),
        email: String::new(),
        password_hash: String::new(),
        created_at: 0,
    }
}

fn actor(id: &str) -> Actor {
    Actor {
        client_session: Some(format!("client-{id}")),
        ..Actor::user(confab_core::actor::UserRef {
            id: id.to_owned(),
            display_name: id.to_uppercase(),
            is_admin: false,
        })
    }
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:.1} ms, slowest {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    )
}

async fn run(store: SqlStore, label: &'static str) -> Result<()> {
    let services = Services::new(Arc::new(store), Arc::new(SystemClock)).await?;
    let store = services.context.store.clone();
    let alice = actor("alice");
    store.create_user(&user("alice")).await?;
    for i in 0..ROOMS_OF_EACH_KIND {
        let partner = format!("partner-{i}");
        store.create_user(&user(&partner)).await?;
        for (room_type, invite) in [(1, partner.clone()), (2, String::new())] {
            let request = CreateRoom {
                room_type,
                room_name: format!("room {i}"),
                invite,
                ..CreateRoom::default()
            };
            let token = services
                .rooms
                .create(&alice, request)
                .await?
                .view
                .room
                .token;
            let message = SendMessage {
                message: format!("hello {i}"),
                ..SendMessage::default()
            };
            services.chat.send(&alice, &token, message).await?;
        }
    }
    let options = || ListOptions {
        modified_since: 0,
        include_last_message: true,
    };
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..LISTS {
        services.context.feed.forget_common_reads();
        let started = Instant::now();
        let listed = services.rooms.list(&alice, options()).await?;
        cold.push(started.elapsed());
        anyhow::ensure!(listed.len() == 2 * ROOMS_OF_EACH_KIND, "every room listed");
        let started = Instant::now();
        services.rooms.list(&alice, options()).await?;
        warm.push(started.elapsed());
    }
    println!(
        "room list benchmark ({label}): {} conversations, {LISTS} lists",
        2 * ROOMS_OF_EACH_KIND
    );
    println!("  cold caches:  {}", summary(cold));
    println!("  warm caches:  {}", summary(warm));
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    confab_bench::run_on_chosen_store(run).await
}
