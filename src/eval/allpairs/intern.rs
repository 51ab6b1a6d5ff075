//! Interning: equal keys get equal ids across the threads of one batch (one lock per batch of
//! keys), and the protocol × ports part of a box, the key most tables share.

use std::hash::Hash;
use std::sync::Mutex;

use crate::eval::hash::FxMap;
use crate::eval::sets::{Address, Family, PacketBox, PortSet, ProtoSet};

/// Gives equal keys equal ids, across threads (one lock per batch of keys).
pub(super) struct Interner<K> {
    pub(super) map: Mutex<FxMap<K, u32>>,
}

impl<K: Hash + Eq> Interner<K> {
    pub(super) fn new() -> Self {
        Self { map: Mutex::new(FxMap::default()) }
    }

    pub(super) fn intern_all(&self, keys: Vec<K>) -> Vec<u32> {
        let mut map = match self.map.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        keys.into_iter()
            .map(|k| {
                let next = map.len() as u32;
                *map.entry(k).or_insert(next)
            })
            .collect()
    }
}

/// Local ids for keys, then global ones in one batch.
pub(super) struct LocalIds<K> {
    pub(super) map: FxMap<K, u32>,
    pub(super) keys: Vec<K>,
}

impl<K: Hash + Eq + Clone> LocalIds<K> {
    pub(super) fn new() -> Self {
        Self { map: FxMap::default(), keys: Vec::new() }
    }

    pub(super) fn id(&mut self, key: K) -> u32 {
        if let Some(&id) = self.map.get(&key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key.clone());
        self.map.insert(key, id);
        id
    }

    pub(super) fn globalize(self, interner: &Interner<K>) -> Vec<u32> {
        interner.intern_all(self.keys)
    }
}

impl<T: Hash + Eq + Clone> LocalIds<Vec<T>> {
    /// [`LocalIds::id`] of a slice, allocating only for a new key.
    pub(super) fn id_of(&mut self, key: &[T]) -> u32 {
        if let Some(&id) = self.map.get(key) {
            return id;
        }
        self.id(key.to_vec())
    }
}

/// The protocol × ports part of a box (its addresses dropped).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct Af {
    pub(super) v6: bool,
    pub(super) protocols: ProtoSet,
    pub(super) a: PortSet,
    pub(super) b: PortSet,
}

impl Af {
    pub(super) fn of<A: Address>(b: &PacketBox<A>) -> Self {
        Self { v6: A::FAMILY == Family::V6, protocols: b.protocols.clone(), a: b.a.clone(), b: b.b.clone() }
    }
}
