//! Property tests of the diff: a network compared with itself differs in nothing, whatever its
//! routes, NACLs, security groups, peering and NAT (the random networks of the evaluator's
//! property tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::{Sides, diff};
use crate::eval::Evaluator;
use crate::eval::tests::{build, settings, spec};

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, .. ProptestConfig::default() })]

    /// Diffing a network with itself reports nothing.
    #[test]
    fn a_network_does_not_differ_from_itself(spec in spec()) {
        let net = build(&spec);
        let ev = Evaluator::new(&net, settings());
        let other = Evaluator::new(&net, settings());
        let sides = Sides { before: &net, after: &net, rename: BTreeMap::new(), changed: BTreeSet::new() };
        let found = diff(&sides, &ev, &other);
        prop_assert!(found.is_empty(), "{found:#?}");
    }
}
