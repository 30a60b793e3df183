//! Per-minute slots for the last hour: what lets `getAnalytics(range)` answer for ranges the
//! 10,000-entry recent window no longer covers (at 1,000 queries/s it holds 10 seconds).
//! 61 slots (the last 60 minutes and the current one), reused round-robin.

pub const MINUTES: usize = 61;
pub const MINUTE_MS: f64 = 60_000.0;

pub fn minute_of(ms: f64) -> i64 {
    (ms / MINUTE_MS).floor() as i64
}

pub struct Timeline<T> {
    /// (minute, value); minute -1 marks an unused slot. Allocated on first use.
    slots: Vec<(i64, T)>,
}

impl<T: Default> Default for Timeline<T> {
    fn default() -> Self {
        Timeline { slots: Vec::new() }
    }
}

impl<T: Default> Timeline<T> {
    /// The slot of `minute`, cleared if it last held an older minute; `None` when `minute`
    /// is outside the hour ending at `now_minute`.
    pub fn at(&mut self, minute: i64, now_minute: i64) -> Option<&mut T> {
        if minute > now_minute || minute <= now_minute - MINUTES as i64 {
            return None;
        }
        if self.slots.is_empty() {
            self.slots.resize_with(MINUTES, || (-1, T::default()));
        }
        let slot = self.slots.get_mut(minute.rem_euclid(MINUTES as i64) as usize)?;
        if slot.0 != minute {
            if slot.0 > minute {
                return None;
            }
            *slot = (minute, T::default());
        }
        Some(&mut slot.1)
    }

    /// Slots whose minute ends after `cutoff_ms` and lies within the hour ending at `now_minute`.
    pub fn since(&self, cutoff_ms: f64, now_minute: i64) -> impl Iterator<Item = &T> {
        self.slots
            .iter()
            .filter(move |(m, _)| {
                *m >= 0 && *m > now_minute - MINUTES as i64 && *m <= now_minute && (*m + 1) as f64 * MINUTE_MS > cutoff_ms
            })
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_rotate_and_expire() {
        let mut t: Timeline<u32> = Timeline::default();
        *t.at(100, 100).expect("current minute") += 1;
        *t.at(99, 100).expect("last minute") += 2;
        assert!(t.at(39, 100).is_none(), "older than an hour");
        assert!(t.at(101, 100).is_none(), "in the future");
        let sum = |t: &Timeline<u32>, cutoff, now| t.since(cutoff, now).sum::<u32>();
        assert_eq!(sum(&t, 0.0, 100), 3);
        assert_eq!(sum(&t, 100.0 * MINUTE_MS, 100), 1);
        // 61 minutes later the slot of minute 100 is reused and starts empty.
        *t.at(161, 161).expect("reused slot") += 5;
        assert_eq!(sum(&t, 0.0, 161), 5);
        assert_eq!(minute_of(-1.0), -1);
    }
}
