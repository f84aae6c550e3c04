//! Group commit for chat posts: concurrent posts share one durable transaction.
//!
//! Each post must be on disk before its 201; a commit costs an fsync. One task takes every
//! post waiting in the queue, commits them together, then updates the room windows in commit
//! order and answers each sender. Under load this turns N fsyncs into one; alone, a post
//! commits as fast as before.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::model::{ChatPost, Message, Posted};
use crate::error::{Error, Result, StoreError};
use crate::services::Context;

/// Posts committed together at most.
const MAX_BATCH: usize = 128;

struct Job {
    post: ChatPost,
    reply: oneshot::Sender<Result<Arc<Message>>>,
}

#[derive(Clone)]
pub(crate) struct Committer {
    queue: mpsc::Sender<Job>,
}

impl Committer {
    /// Starts the committing task; it ends when the last handle is dropped.
    pub(crate) fn start(ctx: Arc<Context>) -> Self {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(ctx, jobs));
        Self { queue }
    }

    /// Posts a message; returns it once it is durably stored (the room's window holds the
    /// same message).
    pub(crate) async fn post(&self, post: ChatPost) -> Result<Arc<Message>> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { post, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Store(StoreError::Backend("the chat committer stopped".into()))
}

/// Puts a committed post into its room's window, waking the room's pollers.
fn publish(ctx: &Context, posted: Posted) -> Arc<Message> {
    let message = Arc::new(posted.message);
    ctx.feed
        .room(message.room_id)
        .posted(message.clone(), posted.previous_last_id);
    message
}

async fn run(ctx: Arc<Context>, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (posts, replies): (Vec<ChatPost>, Vec<_>) =
            batch.drain(..).map(|job| (job.post, job.reply)).unzip();
        match ctx.store.post_chat_messages(&posts).await {
            Ok(posted) => {
                for (reply, posted) in replies.into_iter().zip(posted) {
                    let _ = reply.send(Ok(publish(&ctx, posted)));
                }
            }
            // One bad post must not fail its neighbours: retry each alone.
            Err(_) if posts.len() > 1 => {
                for (post, reply) in posts.iter().zip(replies) {
                    let result = ctx
                        .store
                        .post_chat_messages(std::slice::from_ref(post))
                        .await
                        .map_err(Error::from)
                        .and_then(|mut p| p.pop().ok_or_else(stopped))
                        .map(|posted| publish(&ctx, posted));
                    let _ = reply.send(result);
                }
            }
            Err(err) => {
                for reply in replies {
                    let _ = reply.send(Err(Error::Store(StoreError::Backend(
                        err.to_string().into(),
                    ))));
                }
            }
        }
    }
}
