//! "Did you mean …?": the closest known name to a misspelt one, by edit distance. Below both
//! `config` (rule names, attributes, keywords) and `eval` (resource addresses in `trace`).

/// Edit distance counted in characters: insertions, deletions, substitutions and swaps of two
/// adjacent characters (`tpc` → `tcp` is one edit), each costing one ("optimal string alignment").
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the classic table: `current[j]` is the distance between the first `i`
    // characters of `a` and the first `j` of `b`; the two rows before it allow swaps.
    let mut before_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut distance = (previous[j - 1] + cost).min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                distance = distance.min(before_previous[j - 2] + 1);
            }
            current[j] = distance;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The known name closest to `name`, if it is close enough to be a plausible typo: at most a
/// third of the name's length away, rounded up. Ties go to the earlier name. Failing that, the
/// first known name that `name` abbreviates (`warn` → `warning`), for names of 3+ characters.
pub(crate) fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = name.chars().count().div_ceil(3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut prefixed = Vec::new();
    for candidate in known {
        prefixed.push(candidate);
        let distance = edit_distance(name, candidate);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate).or_else(|| {
        if name.chars().count() < 3 {
            return None;
        }
        prefixed.into_iter().find(|candidate| candidate.starts_with(name))
    })
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
        assert_eq!(edit_distance("tpc", "tcp"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }

    #[test]
    fn suggestions() {
        let known = ["cross-az-nat", "missing-return-route", "sg-open-to-world"];
        assert_eq!(closest("cross-az-nt", known), Some("cross-az-nat"));
        assert_eq!(closest("crossaznat", known), Some("cross-az-nat"));
        assert_eq!(closest("unrelated", known), None);
        assert_eq!(closest("prise", ["prices", "rule"]), Some("prices"));
        assert_eq!(closest("x", ["y"]), Some("y"));
        assert_eq!(closest("tpc", ["udp", "tcp"]), Some("tcp"));
        assert_eq!(closest("warn", ["error", "warning", "note"]), Some("warning"));
        assert_eq!(closest("wa", ["error", "warning", "note"]), None);
    }
}
