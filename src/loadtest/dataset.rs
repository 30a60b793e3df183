//! The ids virtual users draw from, read once before the run: users, exams with their
//! range of active approved question ids. Bounded reads: a big production database does
//! not turn the setup into a full copy.

use super::rng::Rng;
use crate::db::Database;
use crate::error::{Error, Result};
use std::sync::Arc;

/// More users than any run has virtual users; beyond it, the first ones by id.
const MAX_USERS_READ: i64 = 1_000_000;
const MAX_EXAMS_READ: i64 = 100_000;

#[derive(Clone, Debug)]
pub struct ExamQuestions {
    pub exam_id: i64,
    pub min_question: i64,
    pub max_question: i64,
}

#[derive(Clone, Debug)]
pub struct Dataset {
    pub users: Vec<i64>,
    pub exams: Vec<ExamQuestions>,
}

impl Dataset {
    pub async fn load(db: &Arc<Database>) -> Result<Dataset> {
        let ready = db.ready().await?;
        let (users, exams) = ready
            .read_async(|c| {
                let users = c.query_map("SELECT id FROM users ORDER BY id LIMIT ?", vec![MAX_USERS_READ.into()], |r| {
                    Ok(r.get::<i64>(0)?)
                })?;
                // Served by the questions' exam index; seeded ids are contiguous per exam.
                let exams = c.query_map(
                    "SELECT exam_id, min(id), max(id) FROM questions \
                     WHERE is_active = 1 AND review_status = 'approved' GROUP BY exam_id ORDER BY exam_id LIMIT ?",
                    vec![MAX_EXAMS_READ.into()],
                    |r| Ok(ExamQuestions { exam_id: r.get(0)?, min_question: r.get(1)?, max_question: r.get(2)? }),
                )?;
                Ok((users, exams))
            })
            .await
            .map_err(|e| {
                if e.message.contains("no such table") {
                    Error::usage("ERR_NOT_SEEDED", "the database has no app schema: seed it first (npm run db:seed, or db:benchmark --seed-scale=1)")
                } else {
                    e
                }
            })?;
        if users.is_empty() || exams.is_empty() {
            return Err(Error::usage(
                "ERR_NOT_SEEDED",
                "the database has no users or no active approved questions: seed it first (npm run db:seed, or db:benchmark --seed-scale=1)",
            ));
        }
        Ok(Dataset { users, exams })
    }

    /// A distinct user per virtual user while there are enough (a partial shuffle), then
    /// users shared round-robin.
    pub fn assign_users(&self, n: usize, rng: &mut Rng) -> Vec<i64> {
        let mut ids = self.users.clone();
        let k = n.min(ids.len());
        for i in 0..k {
            let j = i + rng.below((ids.len() - i) as u64) as usize;
            ids.swap(i, j);
        }
        (0..n).map(|i| ids[i % k.max(1)]).collect()
    }

    pub fn random_exam(&self, rng: &mut Rng) -> &ExamQuestions {
        &self.exams[rng.below(self.exams.len() as u64) as usize]
    }

    pub fn exam(&self, exam_id: i64) -> Option<&ExamQuestions> {
        self.exams.iter().find(|e| e.exam_id == exam_id)
    }
}
