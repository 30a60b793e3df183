//! The migration steps, embedded from `steps/NNN_name.sql` and `steps/NNN_name.down.sql`.
//! Ids and order are the original migration script's (001..009), plus the data step 010.

use super::checksum::checksum;
use crate::error::{Error, Kind as ErrorKind, Result};

/// How a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// DDL and DML in one transaction: all of it or none of it.
    Schema,
    /// PRAGMAs that cannot run inside a transaction (journal_mode): run one by one, and
    /// restored to their previous values if one fails.
    Pragmas,
    /// Read-only checks whose rows say whether the earlier steps' objects are present.
    Validate,
    /// Rewrites rows (in one transaction); the plan counts the rows it would rewrite.
    Data,
}

#[derive(Debug)]
pub struct Step {
    pub id: &'static str,
    pub name: &'static str,
    /// The original script's step name.
    pub title: &'static str,
    pub kind: Kind,
    pub up: &'static str,
    pub down: &'static str,
    /// Steps whose objects this one uses: they cannot be rolled back while this one stays.
    pub needs: &'static [&'static str],
}

impl Step {
    pub fn checksum(&self) -> String {
        checksum(self.up)
    }

    pub fn transactional(&self) -> bool {
        self.kind != Kind::Pragmas
    }

    pub fn label(&self) -> String {
        format!("{} {}", self.id, self.name)
    }
}

macro_rules! step {
    ($id:literal, $name:literal, $title:literal, $kind:expr, $needs:expr) => {
        Step {
            id: $id,
            name: $name,
            title: $title,
            kind: $kind,
            up: include_str!(concat!("steps/", $id, "_", $name, ".sql")),
            down: include_str!(concat!("steps/", $id, "_", $name, ".down.sql")),
            needs: $needs,
        }
    };
}

pub static STEPS: &[Step] = &[
    step!("001", "backup_index_list", "Backup Current Indexes", Kind::Schema, &[]),
    step!("002", "study_indexes", "Apply Critical Study Indexes", Kind::Schema, &[]),
    step!("003", "progress_indexes", "Add Progress Tracking Indexes", Kind::Schema, &[]),
    step!("004", "twitter_indexes", "Add Twitter Analytics Indexes", Kind::Schema, &[]),
    step!("005", "fts_questions", "Create Full-Text Search", Kind::Schema, &[]),
    // The triggers write into questions_fts: dropping it under them breaks every write to questions.
    step!("006", "fts_triggers", "Add FTS Triggers", Kind::Schema, &["005"]),
    step!("007", "sqlite_pragmas", "Optimize SQLite Settings", Kind::Pragmas, &[]),
    step!("008", "monitoring_views", "Create Monitoring Views", Kind::Schema, &[]),
    step!("009", "validate", "Validate Performance", Kind::Validate, &[]),
    step!("010", "normalize_timestamps", "Normalize Timestamps", Kind::Data, &[]),
];

pub fn find(id: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.id == id)
}

/// Accepts `005`, `5` or `05`; anything else, or a step that does not exist, is refused
/// with the list of known ids.
pub fn normalize_id(raw: &str) -> Result<&'static str> {
    let known = || STEPS.iter().map(|s| s.id).collect::<Vec<_>>().join(", ");
    let trimmed = raw.trim();
    let n: Option<u32> = (!trimmed.is_empty() && trimmed.len() <= 3 && trimmed.bytes().all(|b| b.is_ascii_digit()))
        .then(|| trimmed.parse().ok())
        .flatten();
    n.and_then(|n| find(&format!("{n:03}")))
        .map(|s| s.id)
        .ok_or_else(|| Error::new(ErrorKind::Range, "ERR_UNKNOWN_STEP", format!("unknown step {raw:?} (known steps: {})", known())))
}

/// The selected steps, deduplicated, in id order; `None` selects every step.
pub fn select(ids: Option<&[String]>) -> Result<Vec<&'static Step>> {
    match ids {
        None => Ok(STEPS.iter().collect()),
        Some(ids) => {
            let wanted = ids.iter().map(|s| normalize_id(s)).collect::<Result<Vec<_>>>()?;
            Ok(STEPS.iter().filter(|s| wanted.contains(&s.id)).collect())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ordered_and_unique() {
        let ids: Vec<&str> = STEPS.iter().map(|s| s.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn every_step_file_reads_as_the_runner_expects() {
        use crate::migrations::sql::split;
        for step in STEPS {
            assert!(!split(step.up).is_empty(), "{} has statements", step.id);
            assert_eq!(step.checksum().len(), 16);
        }
        let pragmas = find("007").unwrap();
        for sql in [pragmas.up, pragmas.down] {
            assert!(split(sql).iter().all(|s| s.pragma().is_some()), "007 holds only `PRAGMA name = value`");
        }
        let data = find("010").unwrap();
        assert_eq!(split(data.up).iter().filter(|s| s.update_target().is_some()).count(), 32);
        let triggers = split(find("006").unwrap().up);
        assert_eq!(triggers.len(), 3, "one statement per trigger, bodies kept whole");
        let validate = split(find("009").unwrap().up);
        assert_eq!(validate.iter().filter(|s| s.returns_rows()).count(), 1);
        // Every object an up step creates, its down step drops (007 and 009 create none).
        for step in STEPS {
            let created: Vec<_> = split(step.up).iter().filter_map(|s| s.creates()).collect();
            let dropped: Vec<_> = split(step.down).iter().filter_map(|s| s.drops()).collect();
            for o in &created {
                assert!(dropped.contains(o), "{}: {o:?} is created but never dropped", step.id);
            }
        }
    }

    #[test]
    fn step_ids_normalize_and_unknown_ones_are_refused() {
        assert_eq!(normalize_id("5").unwrap(), "005");
        assert_eq!(normalize_id("010").unwrap(), "010");
        let e = normalize_id("999").unwrap_err();
        assert_eq!(e.code, "ERR_UNKNOWN_STEP");
        assert!(e.message.contains("999") && e.message.contains("001"), "{e}");
        assert!(normalize_id("abc").is_err());
        assert!(normalize_id("").is_err());
    }
}
