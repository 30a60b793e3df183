//! Pending Twitter engagement opportunities, best first, without ranking all of them.
//!
//! The rank is the engagement potential: the relevance score times 1.5, 1.2 or 1 by the
//! account's followers, so it never exceeds max(1.5 × relevance, relevance). Walking the
//! pending opportunities in relevance order, the walk can stop at the first row whose bound
//! falls below the `limit`-th best potential seen so far: no row after it can enter the top.
//! The original computed the potential of every pending row and sorted them all.

use super::list;
use crate::db::conn::Conn;
use crate::error::Result;
use libsql::Value;
use std::cmp::Ordering;

// Served by idx_opportunities_pending_queue (004).
pub(crate) const WALK: &str = include_str!("sql/pending_opportunities_walk.sql");
// Served by the rowid of engagement_opportunities and the primary keys of tweets and accounts.
pub(crate) const ROWS: &str = include_str!("sql/pending_opportunities_rows.sql");

/// One walked opportunity: what the order compares.
struct Candidate {
    potential: Value,
    created_at: Value,
    row_id: i64,
}

/// The result order: potential descending, then created_at descending (NULLs last in both, as
/// SQLite orders them), then the older row first.
fn rank(a: &Candidate, b: &Candidate) -> Ordering {
    sqlite_order(&b.potential, &a.potential)
        .then_with(|| sqlite_order(&b.created_at, &a.created_at))
        .then(a.row_id.cmp(&b.row_id))
}

/// SQLite's order of values of mixed types (BINARY collation): NULL, numbers, text, blobs.
fn sqlite_order(a: &Value, b: &Value) -> Ordering {
    fn class(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 1,
            Value::Text(_) => 2,
            Value::Blob(_) => 3,
        }
    }
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
        (Value::Integer(_) | Value::Real(_), Value::Integer(_) | Value::Real(_)) => {
            number(a).partial_cmp(&number(b)).unwrap_or(Ordering::Equal)
        }
        (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Blob(x), Value::Blob(y)) => x.cmp(y),
        _ => class(a).cmp(&class(b)),
    }
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Real(r) => *r,
        _ => f64::NAN,
    }
}

/// The highest potential of a row of this relevance or of any row after it in the walk; None
/// when there is no such bound (text or blob relevance, which the multiplication converts).
fn bound(relevance: &Value) -> Option<Value> {
    match relevance {
        Value::Null => Some(Value::Null),
        Value::Integer(_) | Value::Real(_) => {
            let r = number(relevance);
            Some(Value::Real((r * 1.5).max(r)))
        }
        Value::Text(_) | Value::Blob(_) => None,
    }
}

/// The top `limit` pending opportunities, as `{"rows": [...], "dates": [...]}`.
pub fn top(conn: &mut Conn, limit: usize) -> Result<String> {
    let mut best: Vec<Candidate> = Vec::with_capacity(limit + 1);
    conn.query_until(WALK, vec![], |row| {
        let relevance = row.get_value(1)?;
        if best.len() == limit {
            let worst = &best[limit - 1].potential;
            if bound(&relevance).is_some_and(|b| sqlite_order(&b, worst) == Ordering::Less) {
                return Ok(None);
            }
        }
        let c = Candidate { potential: row.get_value(2)?, created_at: row.get_value(3)?, row_id: row.get::<i64>(0)? };
        let at = best.partition_point(|b| rank(b, &c) == Ordering::Less);
        if at < limit {
            best.insert(at, c);
            best.truncate(limit);
        }
        Ok(Some(()))
    })?;
    let ids: Vec<i64> = best.iter().map(|c| c.row_id).collect();
    let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    list(conn, ROWS, vec![Value::Text(ids)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(potential: Value, created_at: Value, row_id: i64) -> Candidate {
        Candidate { potential, created_at, row_id }
    }

    #[test]
    fn values_order_as_sqlite_orders_them() {
        let ordered = [
            Value::Null,
            Value::Integer(-3),
            Value::Real(-2.5),
            Value::Integer(0),
            Value::Real(0.5),
            Value::Integer(1),
            Value::Text("".into()),
            Value::Text("abc".into()),
            Value::Blob(vec![0]),
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(sqlite_order(a, b), i.cmp(&j), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn rank_is_potential_then_newest_then_oldest_row() {
        let mut v = vec![
            c(Value::Null, Value::Integer(9), 1),
            c(Value::Real(0.5), Value::Null, 2),
            c(Value::Real(0.5), Value::Integer(5), 4),
            c(Value::Real(0.5), Value::Integer(5), 3),
            c(Value::Real(0.9), Value::Integer(1), 5),
        ];
        v.sort_by(rank);
        assert_eq!(v.iter().map(|c| c.row_id).collect::<Vec<_>>(), [5, 3, 4, 2, 1]);
    }

    #[test]
    fn the_bound_covers_every_multiplier() {
        for r in [-2.0, -0.5, 0.0, 0.3, 0.99, 7.0] {
            let Some(Value::Real(b)) = bound(&Value::Real(r)) else { panic!("no bound for {r}") };
            for m in [1.0, 1.2, 1.5] {
                assert!(r * m <= b, "{r} * {m} > {b}");
            }
        }
        assert!(bound(&Value::Text("0.5".into())).is_none());
        assert_eq!(bound(&Value::Null), Some(Value::Null));
    }
}
