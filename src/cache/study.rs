//! `StudyCache`: the question, session and progress caches with the original's sizes and
//! TTLs, every entry tagged by the user, exam and session it depends on.

use super::entry::Tag;
use super::keys::{self, exam_tag, leaderboard_tag, session_tag, user_tag};
use super::stats::CacheStats;
use super::store::PerformanceCache;
use super::Invalidate;
use crate::error::Result;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

const QUESTIONS: (u64, u64) = (5_000, 600);
const SESSIONS: (u64, u64) = (1_000, 300);
const PROGRESS: (u64, u64) = (500, 900);
/// Leaderboards share the progress cache but change with every answer of any user of the
/// exam: five minutes, like the edge's dynamic content.
const LEADERBOARD_TTL: Duration = Duration::from_secs(300);

/// Which of the three caches a ticket or a load belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Questions,
    Sessions,
    Progress,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "questions" => Some(Kind::Questions),
            "sessions" => Some(Kind::Sessions),
            "progress" | "leaderboard" => Some(Kind::Progress),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StudyStats {
    pub questions: CacheStats,
    pub sessions: CacheStats,
    pub progress: CacheStats,
}

pub struct StudyCache {
    questions: PerformanceCache,
    sessions: PerformanceCache,
    progress: PerformanceCache,
}

fn cache((size, secs): (u64, u64)) -> Result<PerformanceCache> {
    PerformanceCache::new(size, Duration::from_secs(secs))
}

impl StudyCache {
    pub fn new() -> Result<Self> {
        Ok(StudyCache { questions: cache(QUESTIONS)?, sessions: cache(SESSIONS)?, progress: cache(PROGRESS)? })
    }

    fn of(&self, kind: Kind) -> &PerformanceCache {
        match kind {
            Kind::Questions => &self.questions,
            Kind::Sessions => &self.sessions,
            Kind::Progress => &self.progress,
        }
    }

    /// Position in `kind`'s invalidation log; pass it back with the loaded value.
    pub fn ticket(&self, kind: Kind) -> u64 {
        self.of(kind).ticket()
    }

    fn put(&self, kind: Kind, key: &str, json: Arc<str>, ttl: Option<Duration>, tags: &[Tag], ticket: Option<u64>) -> bool {
        let c = self.of(kind);
        match ticket {
            Some(t) => c.set_if_fresh(key, json, ttl, tags, t),
            None => {
                c.set(key, json, ttl, tags);
                true
            }
        }
    }

    pub fn get_questions(&self, user: u64, exam: u64, params_json: &str) -> Result<Option<Arc<str>>> {
        Ok(self.questions.get(&keys::question_key(user, exam, &keys::study_params(params_json)?)))
    }

    pub fn set_questions(&self, user: u64, exam: u64, params_json: &str, json: Arc<str>, ticket: Option<u64>) -> Result<bool> {
        let key = keys::question_key(user, exam, &keys::study_params(params_json)?);
        Ok(self.put(Kind::Questions, &key, json, None, &[user_tag(user), exam_tag(exam)], ticket))
    }

    pub fn get_session(&self, session: u64) -> Option<Arc<str>> {
        self.sessions.get(&keys::session_key(session))
    }

    /// `user`, when known (the session row's userId), lets `invalidate_user` reach it.
    pub fn set_session(&self, session: u64, user: Option<u64>, json: Arc<str>, ticket: Option<u64>) -> bool {
        let mut tags = vec![session_tag(session)];
        tags.extend(user.map(user_tag));
        self.put(Kind::Sessions, &keys::session_key(session), json, None, &tags, ticket)
    }

    pub fn get_progress(&self, user: u64, exam: u64) -> Option<Arc<str>> {
        self.progress.get(&keys::progress_key(user, exam))
    }

    pub fn set_progress(&self, user: u64, exam: u64, json: Arc<str>, ticket: Option<u64>) -> bool {
        self.put(Kind::Progress, &keys::progress_key(user, exam), json, None, &[user_tag(user)], ticket)
    }

    pub fn get_leaderboard(&self, exam: u64, limit: u64) -> Option<Arc<str>> {
        self.progress.get(&keys::leaderboard_key(exam, limit))
    }

    pub fn set_leaderboard(&self, exam: u64, limit: u64, json: Arc<str>, ticket: Option<u64>) -> bool {
        let tags = [exam_tag(exam), leaderboard_tag(exam)];
        self.put(Kind::Progress, &keys::leaderboard_key(exam, limit), json, Some(LEADERBOARD_TTL), &tags, ticket)
    }

    /// The user's question, session and progress entries. Returns the tags dropped, for
    /// other processes.
    pub fn invalidate_user(&self, user: u64) -> (usize, Vec<Tag>) {
        let tags = vec![user_tag(user)];
        (self.invalidate_tags(&tags), tags)
    }

    /// The exam's question lists and leaderboards.
    pub fn invalidate_exam(&self, exam: u64) -> (usize, Vec<Tag>) {
        let tags = vec![exam_tag(exam)];
        (self.invalidate_tags(&tags), tags)
    }

    pub fn invalidate_session(&self, session: u64) -> (usize, Vec<Tag>) {
        let tags = vec![session_tag(session)];
        (self.invalidate_tags(&tags), tags)
    }

    pub fn invalidate_leaderboard(&self, exam: u64) -> (usize, Vec<Tag>) {
        let tags = vec![leaderboard_tag(exam)];
        (self.invalidate_tags(&tags), tags)
    }

    /// Removes expired entries now; returns how many.
    pub fn cleanup(&self) -> u64 {
        self.questions.cleanup() + self.sessions.cleanup() + self.progress.cleanup()
    }

    pub fn clear(&self) {
        self.questions.clear();
        self.sessions.clear();
        self.progress.clear();
    }

    pub fn stats(&self) -> StudyStats {
        StudyStats { questions: self.questions.stats(), sessions: self.sessions.stats(), progress: self.progress.stats() }
    }
}

impl Invalidate for StudyCache {
    fn invalidate_tags(&self, tags: &[Tag]) -> usize {
        // Tags are namespaced (user:, exam:, session:, leaderboard:), so asking every cache
        // costs three index lookups and drops nothing that does not carry the tag.
        self.questions.invalidate_tags(tags) + self.sessions.invalidate_tags(tags) + self.progress.invalidate_tags(tags)
    }

    /// Study entries are reached by tags only; plain keys belong to the distributed tier.
    fn invalidate_keys(&self, _: &[String]) -> usize {
        0
    }

    fn drop_all(&self) {
        self.questions.drop_all();
        self.sessions.drop_all();
        self.progress.drop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> StudyCache {
        StudyCache::new().expect("valid sizes")
    }

    #[test]
    fn invalidating_user_1_leaves_user_11() {
        let s = study();
        for user in [1, 11, 21] {
            s.set_questions(user, 5, "{}", Arc::from("[]"), None).expect("ok");
            s.set_progress(user, 5, Arc::from("{}"), None);
            s.set_session(100 + user, Some(user), Arc::from("{}"), None);
        }
        let (n, tags) = s.invalidate_user(1);
        assert_eq!((n, tags[0].as_ref()), (3, "user:1"));
        assert!(s.get_questions(1, 5, "{}").expect("ok").is_none());
        assert!(s.get_progress(1, 5).is_none());
        assert!(s.get_session(101).is_none());
        for user in [11, 21] {
            assert!(s.get_questions(user, 5, "{}").expect("ok").is_some());
            assert!(s.get_progress(user, 5).is_some());
            assert!(s.get_session(100 + user).is_some());
        }
    }

    #[test]
    fn invalidating_an_exam_drops_its_questions_and_leaderboards_only() {
        let s = study();
        s.set_questions(1, 3, "{}", Arc::from("[]"), None).expect("ok");
        s.set_questions(1, 33, "{}", Arc::from("[]"), None).expect("ok");
        s.set_leaderboard(3, 20, Arc::from("[]"), None);
        s.set_progress(1, 3, Arc::from("{}"), None);
        assert_eq!(s.invalidate_exam(3).0, 2);
        assert!(s.get_questions(1, 3, "{}").expect("ok").is_none());
        assert!(s.get_leaderboard(3, 20).is_none());
        assert!(s.get_questions(1, 33, "{}").expect("ok").is_some());
        assert!(s.get_progress(1, 3).is_some());
    }

    #[test]
    fn question_keys_ignore_parameter_order() {
        let s = study();
        s.set_questions(2, 4, r#"{"limit":15,"difficulty":{"min":3,"max":5}}"#, Arc::from("[1]"), None).expect("ok");
        let hit = s.get_questions(2, 4, r#"{"difficulty":{"max":5,"min":3},"limit":15}"#).expect("ok");
        assert_eq!(hit.as_deref(), Some("[1]"));
    }

    #[test]
    fn original_sizes_and_ttls() {
        let st = study().stats();
        assert_eq!((st.questions.max_size, st.sessions.max_size, st.progress.max_size), (5000, 1000, 500));
    }
}
