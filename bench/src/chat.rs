//! Chat benchmark: one conversation, 20 users all long-polling, 8 concurrent senders,
//! 2000 messages. Prints messages per second, delivery latency from send to every listener
//! (p50/p99), server CPU seconds per 1000 messages and the server's peak memory.
//!
//! `cargo run --release -p confab-bench --bin chat-bench [-- --database-url postgres://…]`
//! It starts `target/release/confab` (or `CONFAB_BIN`) as a separate process, so the numbers
//! are the server's own.
#![expect(
    clippy::cast_precision_loss,
    reason = "counts and durations far below 2^52"
)]
#![expect(
    clippy::expect_used,
    reason = "a benchmark stops at the first broken assumption"
)]
#![expect(
    clippy::too_many_lines,
    reason = "one scenario reads best top to bottom"
)]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

const USERS: usize = 20;
const SENDERS: usize = 8;
const MESSAGES: usize = 2000;
const PASSWORD: &str = "bench-password";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    /// Stops the server the way an operator would (SIGTERM), so it shuts down cleanly.
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        if stopped.is_err() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn binary() -> String {
    std::env::var("CONFAB_BIN").unwrap_or_else(|_| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        root.join("target/release/confab").display().to_string()
    })
}

fn confab(data_dir: &std::path::Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(binary());
    command.arg("--data-dir").arg(data_dir);
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

/// Server CPU seconds so far (user + system), from /proc.
fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("stat format")?
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

/// Peak resident memory of the server in MiB.
fn peak_memory_mib(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .context("VmHWM")?;
    let kib: f64 = line
        .split_whitespace()
        .nth(1)
        .context("VmHWM value")?
        .parse()?;
    Ok(kib / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

async fn start(database_url: Option<&str>, data_dir: &std::path::Path) -> Result<Server> {
    for i in 0..USERS {
        let status = confab(data_dir, database_url)
            .args(["user", "add", &format!("bench{i}"), "--password", PASSWORD])
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("creating user bench{i} failed");
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = confab(data_dir, database_url)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .context("starting confab")?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{}/status.php", server.base))
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            bail!("confab did not start");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(server)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client")
}

async fn ocs(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    user: usize,
    body: Option<Value>,
) -> Result<(u16, Value)> {
    let mut request = client
        .request(method, url)
        .basic_auth(format!("bench{user}"), Some(PASSWORD))
        .header("OCS-APIRequest", "true")
        .header("Accept", "application/json");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        },
    ))
}

/// Long-polls until every benchmark message arrived; returns arrival time per message number.
async fn listen(
    base: String,
    token: String,
    user: usize,
    start_after: i64,
) -> Result<HashMap<usize, Instant>> {
    let client = client();
    let mut arrived = HashMap::with_capacity(MESSAGES);
    let mut cursor = start_after;
    while arrived.len() < MESSAGES {
        let url = format!(
            "{base}/ocs/v2.php/apps/spreed/api/v1/chat/{token}?lookIntoFuture=1&timeout=30&limit=200&lastKnownMessageId={cursor}"
        );
        let (status, body) = ocs(&client, reqwest::Method::GET, url, user, None).await?;
        let now = Instant::now();
        match status {
            304 => continue,
            200 => {}
            other => bail!("listener {user} got {other}: {body}"),
        }
        for message in body["ocs"]["data"].as_array().context("message list")? {
            cursor = cursor.max(message["id"].as_i64().unwrap_or(0));
            if let Some(n) = message["message"]
                .as_str()
                .and_then(|m| m.strip_prefix("bench "))
                .and_then(|n| n.parse().ok())
            {
                arrived.entry(n).or_insert(now);
            }
        }
    }
    Ok(arrived)
}

async fn run(database_url: Option<&str>) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = start(database_url, dir.path()).await?;
    let pid = server.child.id();
    let base = server.base.clone();
    let talk = format!("{base}/ocs/v2.php/apps/spreed/api");
    let setup = client();
    let (_, room) = ocs(
        &setup,
        reqwest::Method::POST,
        format!("{talk}/v4/room"),
        0,
        Some(json!({"roomType": 2, "roomName": "bench"})),
    )
    .await?;
    let token = room["ocs"]["data"]["token"]
        .as_str()
        .context("token")?
        .to_owned();
    for i in 1..USERS {
        let body = json!({"newParticipant": format!("bench{i}"), "source": "users"});
        ocs(
            &setup,
            reqwest::Method::POST,
            format!("{talk}/v4/room/{token}/participants"),
            0,
            Some(body),
        )
        .await?;
    }
    let (_, history) = ocs(
        &setup,
        reqwest::Method::GET,
        format!("{talk}/v1/chat/{token}?lookIntoFuture=0&limit=1"),
        0,
        None,
    )
    .await?;
    let last = history["ocs"]["data"][0]["id"].as_i64().unwrap_or(0);

    // Log everyone in once first: verifying 20 passwords is not what the benchmark measures.
    for u in 0..USERS {
        ocs(
            &setup,
            reqwest::Method::GET,
            format!("{base}/ocs/v2.php/cloud/user"),
            u,
            None,
        )
        .await?;
    }
    let listeners: Vec<_> = (0..USERS)
        .map(|u| tokio::spawn(listen(base.clone(), token.clone(), u, last)))
        .collect();
    // Let every listener reach its wait before the first message.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let cpu_before = cpu_seconds(pid)?;
    let sent_at = Arc::new(std::sync::Mutex::new(vec![None::<Instant>; MESSAGES]));
    let started = Instant::now();
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (talk, token, sent_at) = (talk.clone(), token.clone(), sent_at.clone());
            tokio::spawn(async move {
                let client = client();
                for n in (s..MESSAGES).step_by(SENDERS) {
                    let at = Instant::now();
                    let body = json!({"message": format!("bench {n}")});
                    let (status, _) = ocs(
                        &client,
                        reqwest::Method::POST,
                        format!("{talk}/v1/chat/{token}"),
                        s,
                        Some(body),
                    )
                    .await?;
                    if status != 201 {
                        bail!("send {n} answered {status}");
                    }
                    sent_at.lock().expect("lock")[n] = Some(at);
                }
                Ok::<_, anyhow::Error>(())
            })
        })
        .collect();
    for sender in senders {
        sender.await??;
    }
    let sending = started.elapsed();
    let mut latencies = Vec::with_capacity(MESSAGES * USERS);
    for listener in listeners {
        let arrived = listener.await??;
        let sent_at = sent_at.lock().expect("lock");
        for (n, at) in arrived {
            if let Some(sent) = sent_at[n] {
                latencies.push(at.saturating_duration_since(sent).as_secs_f64() * 1000.0);
            }
        }
    }
    let delivered = started.elapsed();
    let cpu = cpu_seconds(pid)? - cpu_before;
    latencies.sort_by(f64::total_cmp);
    let backend = if database_url.is_some() {
        "postgresql"
    } else {
        "sqlite"
    };
    println!("chat benchmark ({backend}): {USERS} users listening, {SENDERS} senders, {MESSAGES} messages");
    println!(
        "  sent (all 201):        {:.0} messages/s ({:.2} s)",
        MESSAGES as f64 / sending.as_secs_f64(),
        sending.as_secs_f64()
    );
    println!(
        "  delivered to all:      {:.0} messages/s ({:.2} s)",
        MESSAGES as f64 / delivered.as_secs_f64(),
        delivered.as_secs_f64()
    );
    println!(
        "  delivery latency:      p50 {:.1} ms, p99 {:.1} ms ({} deliveries)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.len()
    );
    println!(
        "  server CPU:            {:.3} s per 1000 messages",
        cpu / (MESSAGES as f64 / 1000.0)
    );
    println!("  server peak memory:    {:.1} MiB", peak_memory_mib(pid)?);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let database_url = args
        .iter()
        .position(|a| a == "--database-url")
        .and_then(|i| args.get(i + 1))
        .cloned();
    match database_url {
        Some(url) => {
            let database = confab_bench::FreshDatabase::create(&url).await?;
            let result = run(Some(&database.url)).await;
            database.drop().await?;
            result
        }
        None => run(None).await,
    }
}
