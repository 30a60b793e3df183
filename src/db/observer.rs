//! A hook for whoever watches queries (the monitoring system). The pool calls it once per
//! statement it runs, from the connection's thread, so it must be cheap and never block.

use crate::error::Error;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub trait QueryObserver: Send + Sync {
    /// `operation` names the caller (`execute`, `batch`, `study.getOptimizedStudyQuestions`, ...).
    fn record(&self, operation: &str, sql: &str, duration: Duration, error: Option<&Error>);
}

#[derive(Default)]
pub struct Observers {
    inner: RwLock<Vec<Arc<dyn QueryObserver>>>,
}

impl Observers {
    pub fn add(&self, o: Arc<dyn QueryObserver>) {
        self.inner.write().unwrap_or_else(|p| p.into_inner()).push(o);
    }

    pub fn remove(&self, o: &Arc<dyn QueryObserver>) {
        self.inner.write().unwrap_or_else(|p| p.into_inner()).retain(|x| !Arc::ptr_eq(x, o));
    }

    pub fn is_empty(&self) -> bool {
        self.inner.read().unwrap_or_else(|p| p.into_inner()).is_empty()
    }

    pub fn record(&self, operation: &str, sql: &str, duration: Duration, error: Option<&Error>) {
        for o in self.inner.read().unwrap_or_else(|p| p.into_inner()).iter() {
            o.record(operation, sql, duration, error);
        }
    }
}
