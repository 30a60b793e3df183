//! Twitter growth analytics.

use super::input;
use super::list;
use crate::db::Call;
use crate::error::Result;
use libsql::Value;
use serde_json::Value as Json;

// Served by the app's growth_metrics date index.
pub(crate) const GROWTH: &str = include_str!("sql/growth_analytics.sql");

/// `twitter.getPendingOpportunitiesOptimized(limit = 20)`: every pending opportunity, best first.
pub fn pending_opportunities(limit: &Json) -> Result<Call> {
    let limit = input::opt_int(limit, "limit", 1, 1000)?.unwrap_or(20) as usize;
    Ok(Call {
        operation: "twitter.getPendingOpportunitiesOptimized",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| super::pending::top(conn, limit)),
    })
}

/// `twitter.getGrowthAnalyticsOptimized(days = 30)`.
pub fn growth_analytics(days: &Json) -> Result<Call> {
    let params = vec![Value::Integer(input::opt_int(days, "days", 1, 3650)?.unwrap_or(30))];
    Ok(Call {
        operation: "twitter.getGrowthAnalyticsOptimized",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| list(conn, GROWTH, params.clone())),
    })
}
