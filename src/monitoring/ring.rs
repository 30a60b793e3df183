//! A fixed-capacity ring buffer: the recent-query window. Pushing past capacity overwrites
//! the oldest entry, so memory stays at `capacity` entries however long the process runs.

pub struct Ring<T> {
    items: Vec<T>,
    /// Where the next push goes once full (the oldest entry).
    head: usize,
    capacity: usize,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Ring { items: Vec::new(), head: 0, capacity: capacity.max(1) }
    }

    /// Adds `v`; returns the entry it displaced, if the ring was full.
    pub fn push(&mut self, v: T) -> Option<T> {
        if self.items.len() < self.capacity {
            if self.items.capacity() == 0 {
                // One allocation up front rather than doubling past the capacity.
                self.items.reserve_exact(self.capacity);
            }
            self.items.push(v);
            return None;
        }
        let old = std::mem::replace(&mut self.items[self.head], v);
        self.head = (self.head + 1) % self.capacity;
        Some(old)
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        let (newer, older) = self.items.split_at(self.head);
        older.iter().chain(newer.iter())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn keeps_the_newest_in_order() {
        let mut r = Ring::new(3);
        assert_eq!(r.push(1), None);
        r.push(2);
        r.push(3);
        assert_eq!(r.push(4), Some(1));
        assert_eq!(r.push(5), Some(2));
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(r.iter().next_back(), Some(&5));
        assert_eq!(r.len(), 3);
    }
}
