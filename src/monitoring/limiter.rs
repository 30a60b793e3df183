//! Alert rate limiting: the same alert type for the same query pattern goes out at most once
//! per cooldown (a minute by default), and the next one says how many were held back. The
//! original raised one alert per slow query, which floods any channel under load.

use super::alerts::AlertType;
use std::collections::HashMap;

struct Gate {
    last_ms: f64,
    held: u64,
}

pub struct Limiter {
    cooldown_ms: f64,
    /// Keyed by (type, pattern id); bounded by 4 types x the interner's pattern bound.
    gates: HashMap<(AlertType, u32), Gate>,
}

impl Limiter {
    pub fn new(cooldown_ms: f64) -> Self {
        Limiter { cooldown_ms, gates: HashMap::new() }
    }

    /// `Some(held back since the last one)` when the alert may go out now, else `None`.
    pub fn admit(&mut self, kind: AlertType, pattern: u32, now_ms: f64) -> Option<u64> {
        match self.gates.get_mut(&(kind, pattern)) {
            Some(g) if now_ms - g.last_ms < self.cooldown_ms => {
                g.held += 1;
                None
            }
            Some(g) => {
                let held = std::mem::take(&mut g.held);
                g.last_ms = now_ms;
                Some(held)
            }
            None => {
                self.gates.insert((kind, pattern), Gate { last_ms: now_ms, held: 0 });
                Some(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_cooldown_per_type_and_pattern() {
        let mut l = Limiter::new(60_000.0);
        assert_eq!(l.admit(AlertType::SlowQuery, 1, 0.0), Some(0));
        assert_eq!(l.admit(AlertType::SlowQuery, 1, 10.0), None);
        assert_eq!(l.admit(AlertType::SlowQuery, 1, 59_999.0), None);
        assert_eq!(l.admit(AlertType::SlowQuery, 2, 20.0), Some(0), "another pattern");
        assert_eq!(l.admit(AlertType::HighErrorRate, 1, 30.0), Some(0), "another type");
        assert_eq!(l.admit(AlertType::SlowQuery, 1, 60_000.0), Some(2));
        assert_eq!(l.admit(AlertType::SlowQuery, 1, 60_001.0), None);
    }
}
