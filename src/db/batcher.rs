//! Turn batching for Rust callers (the load tester, background jobs): what many tasks submit
//! at about the same moment runs as one turn, as JS requests of one event-loop turn do, so
//! concurrent writes are group-committed instead of paying a transaction each.

use super::database::Database;
use super::execute::Request;
use std::sync::{Arc, Weak};
use tokio::sync::{mpsc, oneshot};

/// The most requests one turn takes: bounds the latency a turn adds to its first request.
const MAX_TURN: usize = 2048;

pub type Submission = (Request, oneshot::Sender<String>);

pub fn start(db: Weak<Database>, rt: &tokio::runtime::Handle) -> mpsc::UnboundedSender<Submission> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Submission>();
    rt.spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut turn = vec![first];
            while turn.len() < MAX_TURN {
                match rx.try_recv() {
                    Ok(s) => turn.push(s),
                    Err(_) => break,
                }
            }
            let Some(db) = db.upgrade() else { return };
            // The next turn collects while this one runs.
            tokio::spawn(async move {
                let (requests, replies): (Vec<Request>, Vec<oneshot::Sender<String>>) = turn.into_iter().unzip();
                for (outcome, reply) in db.run_each(requests).await.into_iter().zip(replies) {
                    let _ = reply.send(outcome);
                }
            });
        }
    });
    tx
}

impl Database {
    /// Runs one request with whatever else is submitted at the same moment; its JSON outcome.
    pub async fn submit(self: &Arc<Self>, request: Request) -> String {
        let sender = self.batcher.get_or_init(|| start(Arc::downgrade(self), &crate::runtime::handle())).clone();
        let (tx, rx) = oneshot::channel();
        if sender.send((request, tx)).is_err() {
            return crate::error::Error::closed().to_json();
        }
        rx.await.unwrap_or_else(|_| crate::error::Error::closed().to_json())
    }
}
