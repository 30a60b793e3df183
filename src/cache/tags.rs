//! The tag index: which live keys carry a tag, so invalidating `user:1` drops exactly that
//! user's entries without scanning the cache (and never `user:11`'s: tags are whole strings,
//! not substrings). It also keeps a short log of recent invalidations so a value loaded while
//! an invalidation ran is refused (see `ticket`/`fresh`).
//!
//! Locking: moka may call the eviction listener on the thread that is inserting, so the
//! listener never takes `state`; it drops the removed entry into `graveyard`, which is
//! settled the next time `state` is locked. Neither lock is held while calling moka.

use super::entry::Tag;
use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

/// Invalidations remembered for tickets. A load that outlives this many invalidations is
/// refused rather than risk missing one.
const LOG_CAPACITY: usize = 4096;

struct Grave {
    key: Arc<str>,
    id: u64,
    tags: Arc<[Tag]>,
}

#[derive(Default)]
struct State {
    /// tag -> key -> id of the entry that carried the tag when it was inserted.
    members: HashMap<Tag, HashMap<Arc<str>, u64>>,
    /// (sequence number, tag hash; None = everything) of recent invalidations.
    log: VecDeque<(u64, Option<u64>)>,
    seq: u64,
    /// Sequence number of the newest invalidation that has left the log.
    forgotten: u64,
}

#[derive(Default)]
pub struct TagIndex {
    state: Mutex<State>,
    graveyard: Mutex<Vec<Grave>>,
}

fn tag_hash(tag: &str) -> u64 {
    let mut h = DefaultHasher::new();
    tag.hash(&mut h);
    h.finish()
}

impl State {
    fn record(&mut self, tag: Option<u64>) {
        self.seq += 1;
        self.log.push_back((self.seq, tag));
        if self.log.len() > LOG_CAPACITY {
            if let Some((s, _)) = self.log.pop_front() {
                self.forgotten = s;
            }
        }
    }

    fn fresh(&self, ticket: u64, tags: &[Tag]) -> bool {
        if self.forgotten > ticket {
            return false;
        }
        let hashes: Vec<u64> = tags.iter().map(|t| tag_hash(t)).collect();
        for &(seq, tag) in self.log.iter().rev() {
            if seq <= ticket {
                break;
            }
            match tag {
                None => return false,
                Some(h) if hashes.contains(&h) => return false,
                Some(_) => {}
            }
        }
        true
    }
}

impl TagIndex {
    fn lock(&self) -> MutexGuard<'_, State> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let graves = std::mem::take(&mut *self.graveyard.lock().unwrap_or_else(|p| p.into_inner()));
        for g in graves {
            for tag in g.tags.iter() {
                if let Some(keys) = st.members.get_mut(tag) {
                    // Only the entry that registered the key: a successor keeps its place.
                    if keys.get(&g.key) == Some(&g.id) {
                        keys.remove(&g.key);
                    }
                    if keys.is_empty() {
                        st.members.remove(tag);
                    }
                }
            }
        }
        st
    }

    /// Called from moka's eviction listener: must not block on `state`.
    pub fn bury(&self, key: Arc<str>, id: u64, tags: Arc<[Tag]>) {
        self.graveyard.lock().unwrap_or_else(|p| p.into_inner()).push(Grave { key, id, tags });
    }

    /// The position in the invalidation log a load starts from.
    pub fn ticket(&self) -> u64 {
        self.lock().seq
    }

    /// True when none of `tags` was invalidated since `ticket` was taken.
    pub fn fresh(&self, ticket: u64, tags: &[Tag]) -> bool {
        self.lock().fresh(ticket, tags)
    }

    /// Registers an inserted entry under its tags; with a ticket, only if it is still fresh.
    pub fn attach(&self, key: &Arc<str>, id: u64, tags: &[Tag], ticket: Option<u64>) -> bool {
        let mut st = self.lock();
        if let Some(t) = ticket {
            if !st.fresh(t, tags) {
                return false;
            }
        }
        for tag in tags {
            st.members.entry(tag.clone()).or_default().insert(key.clone(), id);
        }
        true
    }

    /// Forgets the tags and returns the keys that carried them, for the caller to remove.
    pub fn take(&self, tags: &[Tag]) -> Vec<Arc<str>> {
        let mut st = self.lock();
        let mut keys = Vec::new();
        for tag in tags {
            st.record(Some(tag_hash(tag)));
            if let Some(members) = st.members.remove(tag) {
                keys.extend(members.into_keys());
            }
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Everything was dropped: no member survives, and no load in flight may be stored.
    pub fn forget_all(&self) {
        let mut st = self.lock();
        st.members.clear();
        st.record(None);
    }

    /// Tags currently indexed (for tests and stats).
    pub fn tag_count(&self) -> usize {
        self.lock().members.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<Tag> {
        list.iter().map(|t| Arc::from(*t)).collect()
    }

    #[test]
    fn take_returns_exactly_the_members_of_the_tag() {
        let ix = TagIndex::default();
        let k1: Arc<str> = Arc::from("a");
        let k11: Arc<str> = Arc::from("b");
        ix.attach(&k1, 1, &tags(&["user:1"]), None);
        ix.attach(&k11, 2, &tags(&["user:11"]), None);
        assert_eq!(ix.take(&tags(&["user:1"])), vec![k1]);
        assert_eq!(ix.take(&tags(&["user:11"])), vec![k11]);
        assert_eq!(ix.tag_count(), 0);
    }

    #[test]
    fn a_buried_entry_leaves_the_index_but_its_successor_stays() {
        let ix = TagIndex::default();
        let k: Arc<str> = Arc::from("k");
        let t = tags(&["exam:3"]);
        ix.attach(&k, 1, &t, None);
        ix.attach(&k, 2, &t, None); // replaced by a newer insert
        ix.bury(k.clone(), 1, t.clone().into());
        assert_eq!(ix.take(&t), vec![k.clone()]);
        ix.attach(&k, 3, &t, None);
        ix.bury(k, 3, t.into());
        assert_eq!(ix.tag_count(), 0);
    }

    #[test]
    fn a_ticket_goes_stale_only_for_its_own_tags() {
        let ix = TagIndex::default();
        let t = ix.ticket();
        ix.take(&tags(&["user:2"]));
        assert!(ix.fresh(t, &tags(&["user:1", "exam:1"])));
        assert!(!ix.fresh(t, &tags(&["user:2"])));
        let t2 = ix.ticket();
        assert!(ix.fresh(t2, &tags(&["user:2"])));
        ix.forget_all();
        assert!(!ix.fresh(t2, &tags(&["user:9"])));
    }

    #[test]
    fn a_ticket_older_than_the_log_is_refused() {
        let ix = TagIndex::default();
        let t = ix.ticket();
        for i in 0..=LOG_CAPACITY {
            ix.take(&tags(&[&format!("user:{i}")]));
        }
        assert!(!ix.fresh(t, &tags(&["exam:1"])));
    }
}
