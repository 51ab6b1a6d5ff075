//! No panic on any input: arbitrary bytes, and real plans with bytes flipped, cut or
//! duplicated, go through the whole pipeline and end in exit 0, 1 or 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use proptest::prelude::*;

fn plan() -> Vec<u8> {
    std::fs::read(common::root().join("testdata/plans/families-endpoints-sg-nacl/plan.json")).unwrap()
}

fn lint(bytes: &[u8]) -> u8 {
    let r = common::run_with_stdin(&["lint", "--format", "json", "--fail-on", "never", "-"], bytes);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r.code
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_end_in_a_verdict_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(lint(&bytes) <= 2);
    }

    #[test]
    fn damaged_plans_end_in_a_verdict_or_an_error(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = plan();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(c) = cut {
            bytes.truncate(c.index(bytes.len()));
        }
        prop_assert!(lint(&bytes) <= 2);
    }

    #[test]
    fn plans_with_values_of_the_wrong_type_never_panic(pick in 0usize..6) {
        // Type confusion inside otherwise valid JSON: numbers for strings, objects for lists.
        let text = String::from_utf8(plan()).unwrap();
        let changed = match pick {
            0 => text.replacen("\"10.0.", "\"not-a-cidr.", 5),
            1 => text.replacen(":true", ":\"true\"", 20),
            2 => text.replacen("\"from_port\":443", "\"from_port\":-70000", 3),
            3 => text.replacen("[]", "{}", 10),
            4 => text.replacen("\"protocol\":\"tcp\"", "\"protocol\":\"bogus\"", 5),
            _ => text.replacen("\"cidr_block\":\"", "\"cidr_block\":\"::", 5),
        };
        prop_assert!(lint(changed.as_bytes()) <= 2);
    }
}
