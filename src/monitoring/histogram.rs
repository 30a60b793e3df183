//! A latency histogram with HDR-style log-linear buckets over nanoseconds.
//!
//! Every power of two is split into 64 equal buckets, so a bucket is never wider than 1/64
//! of the values it holds and its midpoint is within 0.8% of any of them: percentiles are
//! exact to 1% whatever the range, at a fixed memory cost. Buckets are allocated an octave
//! (64 counters, 512 bytes) at a time, on first use: a query pattern whose latencies span
//! 20 us to 5 ms touches 8 octaves, 4 KB; the bound is 38 octaves, under 20 KB.

const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;
const OCTAVES: usize = 38;
/// About 2.4 hours. Longer durations are counted in the top bucket (and summed exactly).
pub const MAX_NS: u64 = (1 << (OCTAVES as u32 + SUB_BITS - 1)) - 1;

type Octave = Box<[u64; SUB as usize]>;

#[derive(Clone, Default)]
pub struct Histogram {
    /// Octave 0 holds 0..64 ns one by one; octave `c` holds [2^(c+5), 2^(c+6)).
    octaves: Vec<Option<Octave>>,
    count: u64,
    sum_ns: u128,
    min_ns: u64,
    max_ns: u64,
}

/// (octave, offset) of the bucket holding `ns`.
fn locate(ns: u64) -> (usize, usize) {
    let v = ns.min(MAX_NS);
    if v < SUB {
        return (0, v as usize);
    }
    let e = 63 - v.leading_zeros();
    let shift = e - SUB_BITS;
    ((shift + 1) as usize, ((v >> shift) - SUB) as usize)
}

/// The value reported for a bucket: exact below 128 ns, else the midpoint.
fn bucket_value(octave: usize, offset: usize) -> u64 {
    if octave <= 1 {
        return (octave as u64) * SUB + offset as u64;
    }
    let shift = octave as u32 - 1;
    let low = (offset as u64 + SUB) << shift;
    low + (1u64 << shift) / 2
}

impl Histogram {
    pub fn new() -> Self {
        Histogram::default()
    }

    pub fn record(&mut self, ns: u64) {
        self.record_n(ns, 1);
    }

    pub fn record_n(&mut self, ns: u64, n: u64) {
        if n == 0 {
            return;
        }
        if self.octaves.is_empty() {
            self.octaves.resize_with(OCTAVES, || None);
        }
        let (o, i) = locate(ns);
        if let Some(slot) = self.octaves.get_mut(o) {
            slot.get_or_insert_with(|| Box::new([0; SUB as usize]))[i] += n;
        }
        if self.count == 0 || ns < self.min_ns {
            self.min_ns = ns;
        }
        if ns > self.max_ns {
            self.max_ns = ns;
        }
        self.count += n;
        self.sum_ns += ns as u128 * n as u128;
    }

    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.octaves.is_empty() {
            self.octaves.resize_with(OCTAVES, || None);
        }
        for (mine, theirs) in self.octaves.iter_mut().zip(&other.octaves) {
            if let Some(t) = theirs {
                let m = mine.get_or_insert_with(|| Box::new([0; SUB as usize]));
                for (a, b) in m.iter_mut().zip(t.iter()) {
                    *a += b;
                }
            }
        }
        if self.count == 0 || other.min_ns < self.min_ns {
            self.min_ns = other.min_ns;
        }
        self.max_ns = self.max_ns.max(other.max_ns);
        self.count += other.count;
        self.sum_ns += other.sum_ns;
    }

    pub fn clear(&mut self) {
        *self = Histogram::default();
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn sum_ns(&self) -> u128 {
        self.sum_ns
    }

    pub fn min_ns(&self) -> u64 {
        self.min_ns
    }

    pub fn max_ns(&self) -> u64 {
        self.max_ns
    }

    pub fn mean_ns(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_ns as f64 / self.count as f64
        }
    }

    /// The value of the `rank`-th smallest sample (1-based), within 0.8%; 0 when empty.
    pub fn value_at_rank(&self, rank: u64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let rank = rank.clamp(1, self.count);
        // The extremes are known exactly.
        if rank == 1 {
            return self.min_ns;
        }
        if rank == self.count {
            return self.max_ns;
        }
        let mut seen = 0u64;
        for (o, octave) in self.octaves.iter().enumerate() {
            let Some(counts) = octave else { continue };
            for (i, &c) in counts.iter().enumerate() {
                seen += c;
                if seen >= rank {
                    // The top bucket also holds everything beyond MAX_NS.
                    if o == OCTAVES - 1 && i == SUB as usize - 1 {
                        return self.max_ns;
                    }
                    return bucket_value(o, i).clamp(self.min_ns, self.max_ns);
                }
            }
        }
        self.max_ns
    }

    /// `(value_ns, count)` of every non-empty bucket, smallest first, the extremes exact:
    /// enough for another process to merge histograms and take percentiles of the whole.
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        for (o, octave) in self.octaves.iter().enumerate() {
            let Some(counts) = octave else { continue };
            for (i, &c) in counts.iter().enumerate().filter(|(_, &c)| c > 0) {
                out.push((bucket_value(o, i).clamp(self.min_ns, self.max_ns), c));
            }
        }
        out
    }

    /// Nearest-rank percentile (`p` in 0..=100), as the original monitor computed it.
    pub fn percentile_ns(&self, p: f64) -> u64 {
        let rank = ((p / 100.0) * self.count as f64).ceil() as u64;
        self.value_at_rank(rank.max(1))
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        ns_to_ms(self.percentile_ns(p))
    }

    /// Bytes held by the counters, for the memory bound.
    pub fn heap_bytes(&self) -> usize {
        self.octaves.capacity() * std::mem::size_of::<Option<Octave>>()
            + self.octaves.iter().flatten().count() * std::mem::size_of::<[u64; SUB as usize]>()
    }
}

pub fn ms_to_ns(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms * 1e6).round().min(u64::MAX as f64) as u64
    } else {
        0
    }
}

pub fn ns_to_ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic spread of latencies from 1 us to 10 s (log-uniform).
    fn samples(n: usize, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                (1_000.0 * 10f64.powf(u * 7.0)) as u64
            })
            .collect()
    }

    fn exact(sorted: &[u64], p: f64) -> u64 {
        let idx = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[idx.max(1) - 1]
    }

    #[test]
    fn every_bucket_is_within_one_percent_of_its_values() {
        for v in (0..200_000u64).chain((1..40).map(|k| (1u64 << k) + 12_345)).chain([MAX_NS]) {
            let (o, i) = locate(v);
            let rep = bucket_value(o, i);
            let err = (rep as f64 - v as f64).abs() / (v.max(1) as f64);
            assert!(err <= 0.008, "value {v}: bucket value {rep}, error {err}");
        }
    }

    #[test]
    fn percentiles_match_the_exact_ones_within_one_percent() {
        for seed in [1, 7, 42] {
            let mut xs = samples(50_000, seed);
            let mut h = Histogram::new();
            for &x in &xs {
                h.record(x);
            }
            xs.sort_unstable();
            for p in [1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0] {
                let (got, want) = (h.percentile_ns(p) as f64, exact(&xs, p) as f64);
                assert!((got - want).abs() / want <= 0.01, "p{p}: {got} vs {want}");
            }
            assert_eq!(h.count(), 50_000);
            assert_eq!(h.min_ns(), xs[0]);
            assert_eq!(h.max_ns(), xs[xs.len() - 1]);
            let sum: u128 = xs.iter().map(|&x| x as u128).sum();
            assert_eq!(h.sum_ns(), sum);
        }
    }

    #[test]
    fn merging_equals_recording_everything_in_one() {
        let xs = samples(10_000, 3);
        let (mut a, mut b, mut all) = (Histogram::new(), Histogram::new(), Histogram::new());
        for (i, &x) in xs.iter().enumerate() {
            if i % 3 == 0 { a.record(x) } else { b.record(x) }
            all.record(x);
        }
        a.merge(&b);
        for p in [50.0, 95.0, 99.0] {
            assert_eq!(a.percentile_ns(p), all.percentile_ns(p));
        }
        assert_eq!((a.count(), a.sum_ns(), a.min_ns(), a.max_ns()), (all.count(), all.sum_ns(), all.min_ns(), all.max_ns()));
    }

    #[test]
    fn buckets_rebuild_the_same_percentiles() {
        let xs = samples(20_000, 9);
        let mut h = Histogram::new();
        for &x in &xs {
            h.record(x);
        }
        let buckets = h.buckets();
        assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0), "smallest first, one entry per bucket");
        assert_eq!(buckets.iter().map(|b| b.1).sum::<u64>(), h.count());
        let mut rebuilt = Histogram::new();
        for &(ns, n) in &buckets {
            rebuilt.record_n(ns, n);
        }
        for p in [50.0, 95.0, 99.0] {
            let (a, b) = (h.percentile_ns(p) as f64, rebuilt.percentile_ns(p) as f64);
            assert!((a - b).abs() <= a * 0.01, "p{p}: {a} vs {b}");
        }
    }

    #[test]
    fn memory_is_bounded_and_small_values_are_exact() {
        let mut h = Histogram::new();
        for v in 0..128 {
            h.record(v);
        }
        assert_eq!(h.percentile_ns(50.0), 63);
        for k in 0..64 {
            h.record(1u64 << k);
        }
        assert!(h.heap_bytes() <= 20 * 1024, "{} bytes", h.heap_bytes());
        assert_eq!(h.max_ns(), 1u64 << 63);
        assert_eq!(h.percentile_ns(100.0), 1u64 << 63);
    }

    #[test]
    fn empty_is_zero() {
        let h = Histogram::new();
        assert_eq!((h.percentile_ns(99.0), h.mean_ns(), h.count()), (0, 0.0, 0));
    }
}
