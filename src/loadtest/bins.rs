//! Coarse latency bins (1-2-5 steps from 10 us to 10 s) for the report's per-operation
//! histogram chart. Percentiles come from the fine histogram (monitoring::histogram), which
//! does not expose its buckets; a person reading a chart wants a dozen readable bars.

use serde::{Deserialize, Serialize};

/// Upper bounds in microseconds; one more bin takes everything slower.
pub const BOUNDS_US: [u64; 19] = [
    10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
    1_000_000, 2_000_000, 5_000_000, 10_000_000,
];

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Bins {
    /// `counts[i]` holds latencies <= BOUNDS_US[i] (and above the previous bound); the last
    /// entry everything above 10 s.
    pub counts: Vec<u64>,
}

impl Bins {
    pub fn new() -> Self {
        Bins { counts: vec![0; BOUNDS_US.len() + 1] }
    }

    pub fn record(&mut self, ns: u64) {
        let us = ns.div_ceil(1000);
        let i = BOUNDS_US.partition_point(|&b| b < us);
        if let Some(c) = self.counts.get_mut(i) {
            *c += 1;
        }
    }
}

/// "≤ 500 µs", "≤ 2 ms", "> 10 s": the label of bin `i`.
pub fn label(i: usize) -> String {
    let fmt = |us: u64| {
        if us >= 1_000_000 {
            format!("{} s", us / 1_000_000)
        } else if us >= 1000 {
            format!("{} ms", us / 1000)
        } else {
            format!("{us} µs")
        }
    };
    match BOUNDS_US.get(i) {
        Some(&b) => format!("≤ {}", fmt(b)),
        None => format!("> {}", fmt(BOUNDS_US[BOUNDS_US.len() - 1])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_land_in_their_bin() {
        let mut b = Bins::new();
        b.record(10_000); // 10 us: the first bin
        b.record(10_001); // just above: the second
        b.record(3_000_000); // 3 ms: <= 5 ms
        b.record(60_000_000_000); // a minute: the overflow bin
        assert_eq!(b.counts[0], 1);
        assert_eq!(b.counts[1], 1);
        assert_eq!(b.counts[8], 1);
        assert_eq!(b.counts[19], 1);
        assert_eq!(label(8), "≤ 5 ms");
        assert_eq!(label(19), "> 10 s");
    }
}
