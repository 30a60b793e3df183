//! The original's performance assessment (EXCELLENT / GOOD / NEEDS_IMPROVEMENT / POOR and its
//! recommendations), with the same thresholds, plus one rule it could not have: a run that
//! lost writes is POOR whatever its latency.

use super::results::Integrity;

pub struct Inputs {
    pub p95_ms: f64,
    pub average_ms: f64,
    /// Percent.
    pub error_rate: f64,
    pub throughput_rps: f64,
}

pub fn assess(r: &Inputs, integrity: &Integrity) -> (&'static str, Vec<String>) {
    let mut recommendations = Vec::new();
    if r.p95_ms > 200.0 {
        recommendations.push("95th percentile exceeds 200ms target - optimize slow queries".to_string());
    }
    if r.error_rate > 5.0 {
        recommendations.push(format!("Error rate of {:.1}% is too high - investigate failures", r.error_rate));
    }
    if r.average_ms > 100.0 {
        recommendations.push("Average response time exceeds 100ms - consider caching and indexing".to_string());
    }
    if r.throughput_rps < 50.0 {
        recommendations.push("Low throughput - check connection pooling and database configuration".to_string());
    }
    let mut grade = if r.p95_ms <= 100.0 && r.error_rate <= 1.0 {
        "EXCELLENT"
    } else if r.p95_ms <= 200.0 && r.error_rate <= 3.0 {
        "GOOD"
    } else if r.p95_ms <= 500.0 && r.error_rate <= 10.0 {
        "NEEDS_IMPROVEMENT"
    } else {
        "POOR"
    };
    if !integrity.ok {
        grade = "POOR";
        for p in &integrity.problems {
            recommendations.push(format!("Integrity check failed: {p} - investigate before trusting any figure"));
        }
    }
    if recommendations.is_empty() {
        recommendations.push("Performance meets or exceeds targets!".to_string());
    }
    (grade, recommendations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Integrity {
        Integrity { ok: true, ..Default::default() }
    }

    #[test]
    fn thresholds_are_the_originals() {
        let i = |p95: f64, err: f64| Inputs { p95_ms: p95, average_ms: 1.0, error_rate: err, throughput_rps: 1000.0 };
        assert_eq!(assess(&i(100.0, 1.0), &ok()).0, "EXCELLENT");
        assert_eq!(assess(&i(150.0, 0.0), &ok()).0, "GOOD");
        assert_eq!(assess(&i(50.0, 2.0), &ok()).0, "GOOD");
        assert_eq!(assess(&i(400.0, 0.0), &ok()).0, "NEEDS_IMPROVEMENT");
        assert_eq!(assess(&i(600.0, 0.0), &ok()).0, "POOR");
        assert_eq!(assess(&i(1.0, 11.0), &ok()).0, "POOR");
        let (_, recs) = assess(&i(1.0, 0.0), &ok());
        assert_eq!(recs, vec!["Performance meets or exceeds targets!".to_string()]);
        let (_, recs) = assess(&Inputs { p95_ms: 300.0, average_ms: 150.0, error_rate: 6.0, throughput_rps: 10.0 }, &ok());
        assert_eq!(recs.len(), 4);
        assert!(recs[1].starts_with("Error rate of 6.0%"));
    }

    #[test]
    fn lost_writes_make_it_poor() {
        let bad = Integrity { ok: false, problems: vec!["1 of 2 recorded answers are missing".into()], ..Default::default() };
        let (g, recs) = assess(&Inputs { p95_ms: 1.0, average_ms: 1.0, error_rate: 0.0, throughput_rps: 1000.0 }, &bad);
        assert_eq!(g, "POOR");
        assert!(recs[0].contains("Integrity"));
    }
}
