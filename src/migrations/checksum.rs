//! The checksum recorded in the journal for each step: FNV-1a 64 over the step's SQL bytes,
//! as 16 hex digits. Not cryptographic; it only has to notice that a shipped step changed
//! after it was applied, and stay the same across builds, platforms and Rust versions
//! (std's hashers promise none of that).

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(OFFSET_BASIS, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

pub fn checksum(sql: &str) -> String {
    format!("{:016x}", fnv1a64(sql.as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(checksum("a"), "af63dc4c8601ec8c");
    }
}
