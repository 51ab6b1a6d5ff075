//! "Did you mean …?": the closest known name to a misspelt one, by edit distance.

/// Levenshtein distance (insertions, deletions, substitutions), counted in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the classic table: `row[j]` is the distance between the prefix of `a` read so
    // far and the first `j` characters of `b`.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The known name closest to `name`, if it is close enough to be a plausible typo: at most a
/// third of the name's length away, rounded up. Ties go to the earlier name.
pub(crate) fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = name.chars().count().div_ceil(3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in known {
        let distance = edit_distance(name, candidate);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("cross-az-nat", "cross-az-nat"), 0);
        assert_eq!(edit_distance("cros-az-nat", "cross-az-nat"), 1);
        assert_eq!(edit_distance("ü", "u"), 1);
    }

    #[test]
    fn suggestions() {
        let known = ["cross-az-nat", "missing-return-route", "sg-open-to-world"];
        assert_eq!(closest("cross-az-nt", known), Some("cross-az-nat"));
        assert_eq!(closest("crossaznat", known), Some("cross-az-nat"));
        assert_eq!(closest("unrelated", known), None);
        assert_eq!(closest("prise", ["prices", "rule"]), Some("prices"));
        assert_eq!(closest("x", ["y"]), Some("y"));
    }
}
