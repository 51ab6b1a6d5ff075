//! The hash map of the evaluator's hot tables (the walk memo, the all-pairs interners and
//! classes): rustc-hash's FxHash, a fast non-cryptographic hash. Keys come from the evaluator, not
//! from an adversary, and these tables are hot.
//!
//! No output may depend on the order a map iterates in. Under `cfg(test)` the maps use
//! [`TestState`], which a test switches between FxHash and std's randomly keyed SipHash
//! ([`with_alternate_hasher`]) to check that results are the same under both.

use std::collections::HashMap;

/// A hash map with the evaluator's hasher.
pub(crate) type FxMap<K, V> = HashMap<K, V, MapState>;

/// The hasher of [`FxMap`]: FxHash.
#[cfg(not(test))]
pub(crate) type MapState = rustc_hash::FxBuildHasher;

/// The hasher of [`FxMap`] in tests: FxHash, or SipHash with random keys (see
/// [`with_alternate_hasher`]).
#[cfg(test)]
pub(crate) type MapState = TestState;

#[cfg(test)]
pub(crate) use self::under_test::{TestState, with_alternate_hasher};

#[cfg(test)]
mod under_test {
    use std::collections::hash_map::{DefaultHasher, RandomState};
    use std::hash::{BuildHasher, Hasher};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use rustc_hash::{FxBuildHasher, FxHasher};

    /// Maps created while this is set hash with SipHash.
    static ALTERNATE: AtomicBool = AtomicBool::new(false);
    /// One alternate run at a time.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// The state of one map: the hasher chosen when the map was made (it keeps it for life).
    #[derive(Clone, Debug)]
    pub(crate) struct TestState(Option<RandomState>);

    impl Default for TestState {
        fn default() -> Self {
            Self(ALTERNATE.load(Ordering::SeqCst).then(RandomState::new))
        }
    }

    /// FxHash or SipHash.
    pub(crate) enum TestHasher {
        Fx(FxHasher),
        Sip(DefaultHasher),
    }

    impl BuildHasher for TestState {
        type Hasher = TestHasher;

        fn build_hasher(&self) -> TestHasher {
            match &self.0 {
                None => TestHasher::Fx(FxBuildHasher.build_hasher()),
                Some(state) => TestHasher::Sip(state.build_hasher()),
            }
        }
    }

    impl Hasher for TestHasher {
        fn write(&mut self, bytes: &[u8]) {
            match self {
                TestHasher::Fx(h) => h.write(bytes),
                TestHasher::Sip(h) => h.write(bytes),
            }
        }

        fn write_u8(&mut self, i: u8) {
            match self {
                TestHasher::Fx(h) => h.write_u8(i),
                TestHasher::Sip(h) => h.write_u8(i),
            }
        }

        fn write_u32(&mut self, i: u32) {
            match self {
                TestHasher::Fx(h) => h.write_u32(i),
                TestHasher::Sip(h) => h.write_u32(i),
            }
        }

        fn write_u64(&mut self, i: u64) {
            match self {
                TestHasher::Fx(h) => h.write_u64(i),
                TestHasher::Sip(h) => h.write_u64(i),
            }
        }

        fn write_usize(&mut self, i: usize) {
            match self {
                TestHasher::Fx(h) => h.write_usize(i),
                TestHasher::Sip(h) => h.write_usize(i),
            }
        }

        fn finish(&self) -> u64 {
            match self {
                TestHasher::Fx(h) => h.finish(),
                TestHasher::Sip(h) => h.finish(),
            }
        }
    }

    /// Back to FxHash when the alternate run ends, even by a panic.
    struct Restore;

    impl Drop for Restore {
        fn drop(&mut self) {
            ALTERNATE.store(false, Ordering::SeqCst);
        }
    }

    /// Runs `f` with every map it creates hashing by SipHash with random keys (other threads'
    /// maps too: they must not care either).
    pub(crate) fn with_alternate_hasher<T>(f: impl FnOnce() -> T) -> T {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _restore = Restore;
        ALTERNATE.store(true, Ordering::SeqCst);
        f()
    }
}

#[cfg(test)]
mod tests;
