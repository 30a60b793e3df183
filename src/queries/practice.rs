//! Study questions in random order (`practice` and `custom` modes) without sorting the exam.
//!
//! The original's ORDER BY RANDOM() sorted every eligible question of the exam per request.
//! Here each question has a fixed pseudo-random sample key, indexed per exam: a request draws
//! `limit / run + 2` random points in the key space and takes a run of up to `run` eligible
//! questions from each (one index seek and a short walk, all points in one statement),
//! skipping the ones the user answered recently, then shuffles what it drew. Runs of 4 rather than single picks keep every
//! question's chance close to uniform (a single pick favours the questions behind large gaps
//! in the key space); large limits take longer runs, so a request never costs more than
//! `MAX_POINTS` walks (each a round trip on a remote server). A small pool, where the runs
//! cannot find `limit` questions, is walked whole from the first point.

use super::list;
use crate::db::conn::Conn;
use crate::error::{Error, Result};
use libsql::Value;
use std::collections::HashSet;

// Served by idx_questions_study_practice_sample (002): the first step from every point.
pub(crate) const POINTS: &str = include_str!("sql/study_questions_practice_points.sql");
// Served by idx_questions_study_practice_sample (002): a point's walk, past its first step.
pub(crate) const WALK: &str = include_str!("sql/study_questions_practice.sql");
// Served by idx_user_answers_progress_timeline (003).
pub(crate) const RECENT: &str = include_str!("sql/study_recent_answers.sql");
// Served by the primary keys of questions and objectives.
pub(crate) const ROWS: &str = include_str!("sql/study_questions_rows.sql");

const KEY_SPACE: i64 = 1 << 32;
const MIN_RUN: usize = 4;
const MAX_POINTS: usize = 16;

pub struct Practice {
    pub user_id: i64,
    pub exam_id: i64,
    pub difficulty: (i64, i64),
    /// JSON array text of objective ids, or Null for every objective.
    pub objectives: Value,
    /// Leave out questions answered at or after this unix time.
    pub cutoff: i64,
    pub limit: usize,
    pub seed: u64,
}

fn splitmix(x: u64) -> u64 {
    let x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The questions `ids` lists, in that order, as `{"rows": [...], "dates": [...]}`: what every
/// study mode returns.
pub fn questions(conn: &mut Conn, ids: &[i64]) -> Result<String> {
    let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    list(conn, ROWS, vec![Value::Text(ids)])
}

impl Practice {
    /// The questions, as `{"rows": [...], "dates": [...]}`; the same seed gives the same result.
    pub fn run(&self, conn: &mut Conn) -> Result<String> {
        let excluded: HashSet<i64> = conn
            .query_map(RECENT, vec![Value::Integer(self.user_id), Value::Integer(self.cutoff)], |r| Ok(r.get::<i64>(0)?))?
            .into_iter()
            .collect();
        let mut taken = HashSet::new();
        let mut chosen = Vec::new();
        let run = MIN_RUN.max(self.limit.div_ceil(MAX_POINTS - 2));
        let points: Vec<i64> =
            (0..self.limit / run + 2).map(|i| (splitmix(self.seed ^ splitmix(i as u64)) % KEY_SPACE as u64) as i64).collect();
        let first_steps = self.first_steps(conn, &points, run)?;
        for (&p, first) in points.iter().zip(first_steps) {
            self.walk(conn, p, run, Some(first), &mut |id| !excluded.contains(&id) && taken.insert(id), &mut chosen)?;
        }
        if chosen.len() < self.limit {
            let missing = self.limit - chosen.len();
            self.walk(conn, points[0], missing, None, &mut |id| !excluded.contains(&id) && taken.insert(id), &mut chosen)?;
        }
        chosen.sort_by_key(|&id| (splitmix(id as u64 ^ self.seed), id));
        chosen.truncate(self.limit);
        questions(conn, &chosen)
    }

    /// The first step of every point's walk, `run + MIN_RUN` rows each (`walk`'s first batch):
    /// (id, sample key) in key order, per point.
    fn first_steps(&self, conn: &mut Conn, points: &[i64], run: usize) -> Result<Vec<Vec<(i64, i64)>>> {
        let keys = serde_json::to_string(points).unwrap_or_else(|_| "[]".into());
        let runs = conn.query_map(
            POINTS,
            vec![
                Value::Integer(self.exam_id),
                Value::Integer(self.difficulty.0),
                Value::Integer(self.difficulty.1),
                self.objectives.clone(),
                Value::Text(keys),
                Value::Integer((run + MIN_RUN) as i64),
            ],
            |r| Ok(r.get::<String>(1)?),
        )?;
        runs.iter()
            .map(|text| {
                let mut pairs: Vec<(i64, i64)> = serde_json::from_str(text)
                    .map_err(|e| Error::internal(format!("practice walk: unreadable run {text:?}: {e}")))?;
                pairs.sort_by_key(|&(id, key)| (key, id));
                Ok(pairs)
            })
            .collect()
    }

    /// Appends up to `want` accepted questions in key order from key `from`, wrapping around
    /// past the largest key once. `first`, when given, is the first step's rows, fetched for
    /// `want + MIN_RUN` rows.
    fn walk(
        &self,
        conn: &mut Conn,
        from: i64,
        want: usize,
        mut first: Option<Vec<(i64, i64)>>,
        accept: &mut dyn FnMut(i64) -> bool,
        out: &mut Vec<i64>,
    ) -> Result<()> {
        let (mut start, mut wrapped, mut got) = (from, false, 0);
        loop {
            // A few spare rows per step, since some may be left out.
            let batch = (want - got + MIN_RUN) as i64;
            let rows = match first.take() {
                Some(rows) => rows,
                None => conn.query_map(
                    WALK,
                    vec![
                        Value::Integer(self.exam_id),
                        Value::Integer(start),
                        Value::Integer(self.difficulty.0),
                        Value::Integer(self.difficulty.1),
                        self.objectives.clone(),
                        Value::Integer(batch),
                    ],
                    |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?)),
                )?,
            };
            let reached_end = (rows.len() as i64) < batch;
            for (id, key) in rows {
                if wrapped && key >= from {
                    return Ok(());
                }
                start = key + 1;
                if accept(id) {
                    out.push(id);
                    got += 1;
                    if got == want {
                        return Ok(());
                    }
                }
            }
            if reached_end {
                if wrapped || from == 0 {
                    return Ok(());
                }
                wrapped = true;
                start = 0;
            }
        }
    }
}
