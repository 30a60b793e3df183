//! Alerts waiting for JS. Alerts are raised on connection threads; JS callbacks must run on
//! the JS thread, so alerts queue here and a waker (a threadsafe function in the binding)
//! tells JS to drain the queue. The waker fires only when the queue goes from empty to not
//! empty: a burst costs one wake-up. Bounded: past `MAX_QUEUED` the oldest are dropped.

use super::alerts::Alert;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const MAX_QUEUED: usize = 1000;

pub type Waker = Arc<dyn Fn() + Send + Sync>;

#[derive(Default)]
pub struct AlertQueue {
    queue: Mutex<VecDeque<Alert>>,
    waker: Mutex<Option<Waker>>,
    /// Nobody listening: alerts are counted but not queued.
    listening: AtomicBool,
    pub dropped: AtomicU64,
}

impl AlertQueue {
    pub fn listen(&self, waker: Option<Waker>) {
        *self.waker.lock().unwrap_or_else(|p| p.into_inner()) = waker;
        self.listening.store(true, Ordering::Release);
    }

    /// Stops queueing and releases the waker (and so the JS function it holds).
    pub fn stop(&self) {
        self.listening.store(false, Ordering::Release);
        let waker = self.waker.lock().unwrap_or_else(|p| p.into_inner()).take();
        drop(waker);
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    pub fn push(&self, alert: Alert) {
        if !self.is_listening() {
            return;
        }
        let was_empty = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            let was_empty = q.is_empty();
            if q.len() >= MAX_QUEUED {
                q.pop_front();
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            q.push_back(alert);
            was_empty
        };
        if was_empty {
            // Cloned out so the JS wake-up is requested without holding any lock.
            let waker = self.waker.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(w) = waker {
                w();
            }
        }
    }

    pub fn take(&self) -> Vec<Alert> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::alerts::Severity;

    fn alert(n: u64) -> Alert {
        Alert { kind: "slow_query", severity: Severity::Warning, message: String::new(), metrics: serde_json::Value::Null, timestamp: 0.0, pattern: None, suppressed: n }
    }

    #[test]
    fn wakes_once_per_burst_and_stays_bounded() {
        let q = AlertQueue::default();
        q.push(alert(0));
        assert!(q.take().is_empty(), "not listening: nothing queued");
        let wakes = Arc::new(AtomicU64::new(0));
        let w = wakes.clone();
        q.listen(Some(Arc::new(move || {
            w.fetch_add(1, Ordering::Relaxed);
        })));
        for n in 0..(MAX_QUEUED as u64 + 5) {
            q.push(alert(n));
        }
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        let got = q.take();
        assert_eq!(got.len(), MAX_QUEUED);
        assert_eq!(got[0].suppressed, 5);
        assert_eq!(q.dropped.load(Ordering::Relaxed), 5);
        q.push(alert(0));
        assert_eq!(wakes.load(Ordering::Relaxed), 2);
        q.stop();
        assert!(q.take().is_empty());
    }
}
