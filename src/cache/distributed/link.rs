//! The connection to Redis: one multiplexed RESP3 connection that carries commands and the
//! invalidation subscription, replaced whole when it fails. The supervisor (`supervise.rs`)
//! owns reconnecting; everyone else reads the current connection or marks it down.

use crate::error::{Error, Result};
use redis::aio::{AsyncPushSender, MultiplexedConnection};
use redis::{AsyncConnectionConfig, IntoConnectionInfo, ProtocolVersion};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{watch, Notify};

#[derive(Default)]
struct State {
    conn: Option<MultiplexedConnection>,
    /// Which connection attempt `conn` came from: a late "disconnected" from an older
    /// connection must not take down its successor.
    generation: u64,
    last_error: Option<String>,
}

pub struct Link {
    client: redis::Client,
    /// The URL with any password replaced, for stats and errors.
    pub display_url: String,
    state: Mutex<State>,
    connected: watch::Sender<bool>,
    stopped: AtomicBool,
    /// Wakes the supervisor: the connection went down, or `stop` was called.
    pub wake: Arc<Notify>,
    ever_connected: AtomicBool,
    pub reconnects: AtomicU64,
    command_timeout: Duration,
}

/// `redis://user:secret@host` -> `redis://user:***@host`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
            } else {
                format!("{}***{}", &url[..s + 3], &url[at..])
            }
        }
        _ => url.to_owned(),
    }
}

impl Link {
    pub fn new(url: &str, command_timeout: Duration) -> Result<Link> {
        let display_url = redact_url(url);
        let password = url.find("://").and_then(|s| url[s + 3..].rfind('@').map(|at| &url[s + 3..s + 3 + at]));
        let secrets: Vec<&str> = password.and_then(|u| u.split_once(':').map(|(_, p)| p)).into_iter().collect();
        let bad = |e: redis::RedisError| Error::config("redisUrl", &e.to_string()).redact(&secrets);
        if url.starts_with("rediss://") || url.contains("+tls") {
            return Err(Error::config("redisUrl", "TLS (rediss://) is not built into this addon"));
        }
        let info = url.into_connection_info().map_err(bad)?;
        // RESP3 lets one connection carry both commands and pub/sub pushes.
        let settings = info.redis_settings().clone().set_protocol(ProtocolVersion::RESP3);
        let client = redis::Client::open(info.set_redis_settings(settings)).map_err(bad)?;
        Ok(Link {
            client,
            display_url,
            state: Mutex::new(State::default()),
            connected: watch::channel(false).0,
            stopped: AtomicBool::new(false),
            wake: Arc::new(Notify::new()),
            ever_connected: AtomicBool::new(false),
            reconnects: AtomicU64::new(0),
            command_timeout,
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn command_timeout(&self) -> Duration {
        self.command_timeout
    }

    /// Opens a connection whose pushes go to `push` and subscribes it to `channel`.
    pub async fn connect(&self, push: impl AsyncPushSender, channel: &str) -> redis::RedisResult<MultiplexedConnection> {
        let cfg = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.command_timeout.max(Duration::from_millis(200)) * 2))
            .set_response_timeout(Some(self.command_timeout))
            .set_push_sender(push);
        let mut conn = self.client.get_multiplexed_async_connection_with_config(&cfg).await?;
        conn.subscribe(channel).await?;
        Ok(conn)
    }

    /// Starts a connection attempt: its generation.
    pub fn next_generation(&self) -> u64 {
        let mut st = self.state();
        st.generation += 1;
        st.generation
    }

    /// Makes `conn` current: Some(true) when an earlier connection existed (a reconnect),
    /// None when the link was stopped (or a newer attempt started) meanwhile.
    pub fn install(&self, conn: MultiplexedConnection, generation: u64) -> Option<bool> {
        {
            let mut st = self.state();
            if st.generation != generation || self.is_stopped() {
                return None;
            }
            st.conn = Some(conn);
        }
        self.connected.send_replace(true);
        let again = self.ever_connected.swap(true, Ordering::AcqRel);
        if again {
            self.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        Some(again)
    }

    /// The current connection and its generation, when up.
    pub fn current(&self) -> Option<(MultiplexedConnection, u64)> {
        let st = self.state();
        st.conn.clone().map(|c| (c, st.generation))
    }

    pub fn is_current(&self, generation: u64) -> bool {
        let st = self.state();
        st.conn.is_some() && st.generation == generation
    }

    pub fn is_connected(&self) -> bool {
        *self.connected.borrow()
    }

    /// Waits until connected; false after `timeout`.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let mut rx = self.connected.subscribe();
        let waited = tokio::time::timeout(timeout, rx.wait_for(|c| *c)).await;
        matches!(waited, Ok(Ok(_)))
    }

    /// Connection `generation` failed: drop it and wake the supervisor to reconnect.
    pub fn mark_down(&self, generation: u64, why: &str) {
        let mut st = self.state();
        if st.generation == generation && st.conn.is_some() {
            st.conn = None;
            st.last_error = Some(why.to_owned());
            drop(st);
            self.connected.send_replace(false);
            self.wake.notify_one();
        }
    }

    pub fn set_error(&self, why: String) {
        self.state().last_error = Some(why);
    }

    pub fn last_error(&self) -> Option<String> {
        self.state().last_error.clone()
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Closes the connection for good; the supervisor exits at its next wake.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.state().conn = None;
        self.connected.send_replace(false);
        self.wake.notify_one();
    }
}

/// Whether a failed command means the connection itself is unusable.
pub fn is_connection_error(e: &redis::RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_timeout() || e.is_unrecoverable_error() || e.is_connection_refusal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(redact_url("redis://u:s3cret@h:1/0"), "redis://u:***@h:1/0");
        assert_eq!(redact_url("redis://:s3cret@h"), "redis://:***@h");
        assert_eq!(redact_url("redis://token@h"), "redis://***@h");
        assert_eq!(redact_url("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        let e = Link::new("redis://u:s3cret@[bad", Duration::from_millis(100)).err().expect("invalid");
        assert!(!e.message.contains("s3cret"), "{}", e.message);
        assert!(Link::new("rediss://h", Duration::from_millis(100)).is_err());
    }
}
