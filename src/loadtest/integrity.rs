//! The lost-write check: after the run, every answer the run was told it wrote is in the
//! database (found by its `lt:<run>:<n>` marker through a bound LIKE parameter), in its
//! user's own session, and every session it opened exists for its user.

use super::results::Integrity;
use crate::db::Database;
use crate::error::Result;
use libsql::Value;
use std::sync::Arc;

pub struct Written {
    pub run_id: String,
    pub answers_recorded: u64,
    pub answers_uncertain: u64,
    /// (session id, user id)
    pub sessions: Vec<(i64, i64)>,
}

pub async fn check(db: &Arc<Database>, w: Written) -> Integrity {
    let mut out = Integrity {
        answers_recorded: w.answers_recorded,
        answers_uncertain: w.answers_uncertain,
        sessions_created: w.sessions.len() as u64,
        ..Integrity::default()
    };
    let counted = count(db, &w).await;
    match counted {
        Ok((found, own, sessions)) => {
            out.answers_found = found;
            out.answers_in_own_session = own;
            out.sessions_found = sessions;
        }
        Err(e) => out.problems.push(format!("the check could not run: {e}")),
    }
    judge(&mut out);
    out
}

async fn count(db: &Arc<Database>, w: &Written) -> Result<(u64, u64, u64)> {
    let ready = db.ready().await?;
    // An embedded replica reads its local copy: bring it up to date with the primary first.
    if ready.sync.is_some() {
        db.sync().await?;
    }
    let pattern = format!("lt:{}:%", w.run_id);
    let pairs = serde_json::to_string(&w.sessions).unwrap_or_else(|_| "[]".into());
    ready
        .read_async(move |c| {
            let answers = c.query_map(
                "SELECT count(*), \
                        coalesce(sum(EXISTS (SELECT 1 FROM study_sessions s \
                                              WHERE s.id = ua.study_session_id AND s.user_id = ua.user_id)), 0) \
                   FROM user_answers ua WHERE ua.selected_answer LIKE ?1",
                vec![Value::Text(pattern)],
                |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?)),
            )?;
            let sessions = c.query_map(
                "SELECT count(*) FROM json_each(?1) j \
                   JOIN study_sessions s ON s.id = json_extract(j.value, '$[0]') AND s.user_id = json_extract(j.value, '$[1]')",
                vec![Value::Text(pairs)],
                |r| Ok(r.get::<i64>(0)?),
            )?;
            let (found, own) = answers.first().copied().unwrap_or((0, 0));
            Ok((found as u64, own as u64, sessions.first().copied().unwrap_or(0) as u64))
        })
        .await
}

fn judge(i: &mut Integrity) {
    if i.answers_found < i.answers_recorded {
        i.problems.push(format!(
            "{} of {} recorded answers are missing from the database (lost writes)",
            i.answers_recorded - i.answers_found,
            i.answers_recorded
        ));
    }
    if i.answers_found > i.answers_recorded + i.answers_uncertain {
        i.problems.push(format!(
            "{} answers are in the database that the run never saw succeed",
            i.answers_found - i.answers_recorded - i.answers_uncertain
        ));
    }
    if i.answers_in_own_session < i.answers_found {
        i.problems.push(format!(
            "{} answers are not in a session of their own user",
            i.answers_found - i.answers_in_own_session
        ));
    }
    if i.sessions_found < i.sessions_created {
        i.problems.push(format!(
            "{} of {} opened sessions are missing",
            i.sessions_created - i.sessions_found,
            i.sessions_created
        ));
    }
    i.ok = i.problems.is_empty();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_and_stray_writes_are_problems() {
        let mut i = Integrity { answers_recorded: 10, answers_found: 10, answers_in_own_session: 10, ..Default::default() };
        judge(&mut i);
        assert!(i.ok);
        let mut i = Integrity { answers_recorded: 10, answers_found: 9, answers_in_own_session: 9, ..Default::default() };
        judge(&mut i);
        assert!(!i.ok && i.problems[0].contains("lost writes"));
        let mut i = Integrity { answers_recorded: 10, answers_uncertain: 2, answers_found: 12, answers_in_own_session: 12, ..Default::default() };
        judge(&mut i);
        assert!(i.ok);
        let mut i = Integrity { sessions_created: 3, sessions_found: 2, ..Default::default() };
        judge(&mut i);
        assert!(!i.ok);
    }
}
