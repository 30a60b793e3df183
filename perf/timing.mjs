// Shared timing helpers of the benchmark drivers: per-operation samples in microseconds.
export function summarise(samples, totalMs, ops) {
  samples.sort((a, b) => a - b)
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]
  return { median: at(0.5), p99: at(0.99), opsPerSec: (ops / totalMs) * 1000 }
}

/** Runs `fn(i)` n times one after another, timing each call. */
export async function timeEach(n, fn) {
  const samples = new Array(n)
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const s = performance.now()
    await fn(i)
    samples[i] = (performance.now() - s) * 1000
  }
  return summarise(samples, performance.now() - t0, n)
}
