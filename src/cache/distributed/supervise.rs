//! The background task that keeps the Redis connection up: connects (with backoff), drops the
//! local tiers after a reconnect (invalidations sent meanwhile were missed), replays the
//! invalidations made while down, and pings so a silent server (paused, partitioned) is
//! noticed. It holds the cache only weakly: dropping the cache or `cleanup()` ends it. It
//! runs on the shared runtime and holds no Node handle, so it never keeps Node alive.

use super::link::Link;
use super::Shared;
use redis::{PushInfo, PushKind, Value};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Notify;

const MIN_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
const PING_EVERY: Duration = Duration::from_secs(1);

/// Pub/sub messages are applied where they arrive (on the connection's task): applying one is
/// a few map operations. A "disconnected" push takes this connection down.
fn push_handler(weak: Weak<Shared>, generation: u64) -> impl Fn(PushInfo) -> Result<(), ()> + Send + Sync + 'static {
    move |info: PushInfo| {
        if let Some(sh) = weak.upgrade() {
            match info.kind {
                PushKind::Message => {
                    if let Some(Value::BulkString(bytes)) = info.data.get(1) {
                        sh.apply_remote(bytes);
                    }
                }
                PushKind::Disconnection => sh.link.mark_down(generation, "connection closed"),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Sleeps for `d` or until woken; false when the cache is gone or stopped.
async fn pause(weak: &Weak<Shared>, wake: &Arc<Notify>, d: Duration) -> bool {
    tokio::select! {
        _ = wake.notified() => {}
        _ = tokio::time::sleep(d) => {}
    }
    weak.upgrade().is_some_and(|sh| !sh.link.is_stopped())
}

async fn ping(link: &Link, generation: u64) -> bool {
    let Some((mut conn, g)) = link.current() else { return false };
    if g != generation {
        return false;
    }
    let r = tokio::time::timeout(link.command_timeout(), redis::cmd("PING").query_async::<String>(&mut conn)).await;
    matches!(r, Ok(Ok(_)))
}

pub async fn supervise(weak: Weak<Shared>) {
    let mut backoff = MIN_BACKOFF;
    loop {
        let Some(sh) = weak.upgrade() else { return };
        if sh.link.is_stopped() {
            return;
        }
        let wake = sh.link.wake.clone();
        let generation = sh.link.next_generation();
        let attempt = sh.link.connect(push_handler(weak.clone(), generation), &sh.channel).await;
        match attempt {
            Ok(conn) => {
                match sh.link.install(conn, generation) {
                    None => continue, // stopped meanwhile: the loop's head exits
                    // Messages published while we were away never reached us.
                    Some(true) => sh.drop_local_tiers(),
                    Some(false) => {}
                }
                sh.replay_pending().await;
                backoff = MIN_BACKOFF;
                drop(sh);
                // Watch the connection until it fails or the cache stops.
                loop {
                    if !pause(&weak, &wake, PING_EVERY).await {
                        return;
                    }
                    let Some(sh) = weak.upgrade() else { return };
                    if !sh.link.is_current(generation) {
                        break;
                    }
                    if !ping(&sh.link, generation).await {
                        sh.link.mark_down(generation, "no answer to PING");
                        break;
                    }
                }
            }
            Err(e) => {
                sh.link.set_error(e.to_string());
                drop(sh);
                if !pause(&weak, &wake, backoff).await {
                    return;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}
