//! Terraform address patterns: `module.vpc.aws_subnet.private[*]`, `**.aws_instance.win_*`.
//!
//! An address is a list of segments separated by `.` outside brackets and quotes
//! (`module.vpc.aws_subnet.private["a.b"]` has four). In a pattern, `*` matches any run of
//! characters within one segment, a segment that is exactly `**` matches any number of whole
//! segments (zero included), and every other character (brackets, quotes, dots) is literal.
//!
//! Matching is a dynamic programme over (pattern segment, address segment) pairs, and each segment
//! glob is matched with the linear-backtrack algorithm that only ever resumes at the last `*`, so
//! the cost is bounded by the product of the lengths: no exponential backtracking.

use std::fmt;

/// A compiled address pattern (see the module documentation for the syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrPattern {
    text: String,
    segments: Vec<PatternSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternSegment {
    /// `**`: any number of whole segments.
    AnySegments,
    /// A segment glob: literal characters and `*`.
    Glob(Vec<GlobToken>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GlobToken {
    Char(char),
    Star,
}

impl AddrPattern {
    /// Compiles a pattern; the error says what is wrong with it, in one lower-case sentence
    /// that does not repeat the pattern.
    pub fn parse(text: &str) -> Result<AddrPattern, String> {
        if text.is_empty() {
            return Err("the pattern is empty".to_owned());
        }
        let pieces = split_segments(text).map_err(|unbalanced| unbalanced.to_string())?;
        let mut segments = Vec::with_capacity(pieces.len());
        for piece in pieces {
            if piece.is_empty() {
                return Err("it has an empty segment (a leading, trailing or doubled `.`)".to_owned());
            }
            if piece == "**" {
                segments.push(PatternSegment::AnySegments);
            } else if piece.contains("**") {
                return Err(format!(
                    "`**` must be a whole segment between dots, as in `**.{}`, not part of `{piece}`",
                    piece.replace("**", "*")
                ));
            } else {
                segments.push(PatternSegment::Glob(
                    piece.chars().map(|c| if c == '*' { GlobToken::Star } else { GlobToken::Char(c) }).collect(),
                ));
            }
        }
        Ok(AddrPattern { text: text.to_owned(), segments })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when `address` (a Terraform resource address) matches the whole pattern.
    pub fn matches(&self, address: &str) -> bool {
        let address_segments: Vec<Vec<char>> =
            split_address(address).into_iter().map(|segment| segment.chars().collect()).collect();
        let width = address_segments.len() + 1;
        // `next[j]`: the pattern segments after `i` match the address segments from `j` on.
        // Rows are computed from the last pattern segment backwards.
        let mut next = vec![false; width];
        next[address_segments.len()] = true;
        for segment in self.segments.iter().rev() {
            let mut row = vec![false; width];
            for j in (0..width).rev() {
                row[j] = match segment {
                    PatternSegment::AnySegments => next[j] || (j < address_segments.len() && row[j + 1]),
                    PatternSegment::Glob(glob) => {
                        next.get(j + 1).copied().unwrap_or(false)
                            && address_segments.get(j).is_some_and(|text| glob_matches(glob, text))
                    }
                };
            }
            next = row;
        }
        next[0]
    }
}

impl fmt::Display for AddrPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Matches one segment glob against one address segment, both whole.
fn glob_matches(glob: &[GlobToken], text: &[char]) -> bool {
    let (mut g, mut t) = (0, 0);
    // The last `*` seen and the text position it currently stands in for up to.
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match glob.get(g) {
            Some(GlobToken::Star) => {
                resume = Some((g, t));
                g += 1;
                continue;
            }
            Some(GlobToken::Char(c)) if Some(c) == text.get(t) => {
                g += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        // Only the last star needs to absorb one more character: earlier stars can never help
        // once a later star has matched, because a star matches any run.
        match resume {
            Some((star, taken)) => {
                g = star + 1;
                t = taken + 1;
                resume = Some((star, taken + 1));
            }
            None => return false,
        }
    }
    glob[g..].iter().all(|token| *token == GlobToken::Star)
}

/// Why a pattern's brackets or quotes do not balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unbalanced {
    UnclosedBracket,
    StrayClosingBracket,
    UnterminatedString,
}

impl fmt::Display for Unbalanced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unbalanced::UnclosedBracket => "a `[` is never closed",
            Unbalanced::StrayClosingBracket => "a `]` has no matching `[`",
            Unbalanced::UnterminatedString => "a `\"` string is never closed",
        })
    }
}

/// Splits at `.` outside brackets and quotes; the pieces joined with `.` give back the text.
fn split_segments(text: &str) -> Result<Vec<&str>, Unbalanced> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.checked_sub(1).ok_or(Unbalanced::StrayClosingBracket)?,
            '.' if depth == 0 => {
                segments.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    if in_string {
        return Err(Unbalanced::UnterminatedString);
    }
    if depth > 0 {
        return Err(Unbalanced::UnclosedBracket);
    }
    segments.push(&text[start..]);
    Ok(segments)
}

/// Splits an address the way patterns are split, tolerating a malformed address (the unbalanced
/// rest stays in the last segment: it can then only match a pattern `*` or `**`).
fn split_address(address: &str) -> Vec<&str> {
    match split_segments(address) {
        Ok(segments) => segments,
        Err(_) => {
            // Split only at the dots before the first bracket or quote.
            let cut = address.find(['[', ']', '"']).unwrap_or(address.len());
            let (head, tail) = address.split_at(cut);
            let mut segments: Vec<&str> = head.split('.').collect();
            if let Some(last) = segments.pop() {
                let from = head.len() - last.len();
                segments.push(&address[from..]);
            } else {
                segments.push(tail);
            }
            segments
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matches(pattern: &str, address: &str) -> bool {
        AddrPattern::parse(pattern).unwrap().matches(address)
    }

    #[test]
    fn star_in_brackets_matches_any_instance_key() {
        let p = "module.vpc.aws_subnet.private[*]";
        assert!(matches(p, "module.vpc.aws_subnet.private[0]"));
        assert!(matches(p, "module.vpc.aws_subnet.private[12]"));
        assert!(matches(p, r#"module.vpc.aws_subnet.private["a"]"#));
        assert!(matches(p, r#"module.vpc.aws_subnet.private["a.b"]"#));
        assert!(!matches(p, "module.vpc.aws_subnet.private"));
        assert!(!matches(p, "module.vpc.aws_subnet.public[0]"));
        assert!(!matches(p, "module.other.aws_subnet.private[0]"));
    }

    #[test]
    fn star_stays_within_one_segment() {
        assert!(matches("aws_instance.win_*", "aws_instance.win_01"));
        assert!(matches("aws_instance.win_*", "aws_instance.win_01[3]"));
        assert!(matches("aws_instance.win_*", "aws_instance.win_"));
        assert!(!matches("aws_instance.win_*", "aws_instance.linux"));
        assert!(!matches("aws_instance.*", "module.a.aws_instance.x"));
        assert!(!matches("*", "aws_instance.x"));
        assert!(matches("*.*", "aws_instance.x"));
        assert!(matches("module.*.aws_vpc.main", "module.net.aws_vpc.main"));
        assert!(matches("module.*.aws_vpc.main", r#"module.net["prod"].aws_vpc.main"#));
        assert!(!matches("module.*.aws_vpc.main", "module.a.module.b.aws_vpc.main"));
    }

    #[test]
    fn double_star_spans_whole_segments() {
        assert!(matches("**.aws_instance.web", "aws_instance.web"));
        assert!(matches("**.aws_instance.web", "module.a.aws_instance.web"));
        assert!(matches("**.aws_instance.web", r#"module.a["x"].module.b.aws_instance.web"#));
        assert!(!matches("**.aws_instance.web", "aws_instance.web2"));
        assert!(matches("module.vpc.**", "module.vpc"));
        assert!(matches("module.vpc.**", "module.vpc.aws_subnet.a[0]"));
        assert!(!matches("module.vpc.**", "module.vpc2.aws_subnet.a"));
        assert!(matches("**", "anything.at.all"));
        assert!(matches("**.**", "a"));
        assert!(matches("module.**.aws_*.x", "module.a.b.c.aws_eip.x"));
    }

    #[test]
    fn brackets_quotes_and_dots_are_literal() {
        assert!(matches(r#"aws_subnet.a["x"]"#, r#"aws_subnet.a["x"]"#));
        assert!(!matches(r#"aws_subnet.a["x"]"#, "aws_subnet.a[x]"));
        assert!(matches(r#"aws_subnet.a["*"]"#, r#"aws_subnet.a["eu-west-1a"]"#));
        assert!(!matches(r#"aws_subnet.a["*"]"#, "aws_subnet.a[0]"));
        assert!(matches("aws_subnet.a[1*]", "aws_subnet.a[10]"));
        assert!(!matches("aws_subnet.a[1*]", "aws_subnet.a[01]"));
    }

    #[test]
    fn several_stars_in_one_segment() {
        assert!(matches("a.*b*c*", "a.xxbyyczz"));
        assert!(matches("a.*b*c*", "a.bc"));
        assert!(!matches("a.*b*c*", "a.cb"));
    }

    #[test]
    fn bad_patterns_are_rejected_with_a_reason() {
        let err = |p: &str| AddrPattern::parse(p).unwrap_err();
        assert_eq!(err(""), "the pattern is empty");
        assert!(err("a..b").contains("empty segment"));
        assert!(err(".a").contains("empty segment"));
        assert!(err("a.").contains("empty segment"));
        assert!(err("a.b[0").contains("`[` is never closed"));
        assert!(err("a.b0]").contains("`]` has no matching `[`"));
        assert!(err(r#"a.b["x]"#).contains("string is never closed"));
        assert!(err("a**.b").contains("`**` must be a whole segment"));
        assert!(err("***").contains("`**` must be a whole segment"));
    }

    #[test]
    fn long_adversarial_input_is_fast() {
        let pattern = format!("{}b", "*a".repeat(40));
        let address = "a".repeat(5000);
        assert!(!matches(&pattern, &address));
        let pattern = ["**"; 50].join(".") + ".x";
        let address = ["a"; 2000].join(".");
        assert!(!matches(&pattern, &address));
    }

    #[test]
    fn malformed_addresses_do_not_panic() {
        assert!(matches("**", "a.b[0"));
        assert!(matches("a.*", "a.b[0"));
        assert!(!matches("a.b", "a.b[0.c"));
        assert!(matches("a.*", "a.b[0.c"));
        assert!(matches("*", "]"));
    }

    /// Reference semantics: naive recursion over segments and characters (exponential, small
    /// inputs only).
    fn naive(pattern: &[&str], address: &[&str]) -> bool {
        fn glob(p: &[char], s: &[char]) -> bool {
            match p.split_first() {
                None => s.is_empty(),
                Some(('*', rest)) => (0..=s.len()).any(|k| glob(rest, &s[k..])),
                Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
            }
        }
        match pattern.split_first() {
            None => address.is_empty(),
            Some((&"**", rest)) => (0..=address.len()).any(|k| naive(rest, &address[k..])),
            Some((seg, rest)) => {
                !address.is_empty()
                    && glob(&seg.chars().collect::<Vec<_>>(), &address[0].chars().collect::<Vec<_>>())
                    && naive(rest, &address[1..])
            }
        }
    }

    proptest! {
        #[test]
        fn star_free_patterns_match_only_themselves(
            pattern in r#"[ab.\[\]"0\\]{1,10}"#,
            address in r#"[ab.\[\]"0\\]{0,10}"#,
        ) {
            let Ok(compiled) = AddrPattern::parse(&pattern) else {
                return Ok(());
            };
            prop_assert!(compiled.matches(&pattern));
            prop_assert_eq!(compiled.matches(&address), address == pattern);
        }

        #[test]
        fn matcher_agrees_with_naive_reference(
            pattern in r#"(\*\*|[ab*]{1,3}|\[[a*"]{0,2}\])(\.(\*\*|[ab*]{1,3}|\[[a*"]{0,2}\])){0,3}"#,
            address in r#"[ab.\[\]"]{0,10}"#,
        ) {
            let Ok(compiled) = AddrPattern::parse(&pattern) else {
                return Ok(());
            };
            let Ok(address_segments) = split_segments(&address) else {
                return Ok(());
            };
            let pattern_segments = split_segments(&pattern).unwrap();
            prop_assert_eq!(
                compiled.matches(&address),
                naive(&pattern_segments, &address_segments)
            );
        }

        #[test]
        fn splitting_is_lossless(text in r#"[ab.\[\]"\\]{0,12}"#) {
            if let Ok(segments) = split_segments(&text) {
                prop_assert_eq!(segments.join("."), text.clone());
            }
            prop_assert_eq!(split_address(&text).join("."), text);
        }
    }
}
