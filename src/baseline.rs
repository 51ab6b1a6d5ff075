//! Baselines: the findings a team accepted on the day it adopted tfvpc, recorded by fingerprint,
//! so that later runs report only what is new (`--baseline FILE`) and say how many recorded
//! findings no longer occur (fixed, or their resource gone).
//!
//! The file (`--write-baseline FILE`) is JSON, documented in `docs/baseline.md`:
//!
//! ```json
//! {"format": "tfvpc-baseline", "version": 2, "tool": {"name": "tfvpc", "version": "0.1.0"},
//!  "findings": [{"fingerprint": "…32 hex digits…", "rule": "cross-az-nat",
//!                "address": "module.vpc[\"a\"].aws_subnet.private[1]", "input": "plan.json", "message": "…",
//!                "members": ["…32 hex digits…", "…"]}]}
//! ```
//!
//! One entry per grouped finding (`crate::group`): `fingerprint` is the grouped finding's,
//! `members` the version 1 fingerprints of the findings merged into it
//! ([`crate::finding::fingerprint`]: rule, primary address and key values, nothing positional —
//! stable across runs, moved lines and renamed plan files). Matching is by member: a grouped
//! finding is accepted when the baseline holds every one of its members, so a defect that
//! breaks one more flow, subnet or module instance than when it was accepted is reported
//! again. A version 1 baseline (written before grouping: one entry per member, no `members`)
//! is read the same way — each entry is one member — so it keeps hiding the grouped findings
//! it covers completely. The other fields are there for the people who review the file. Entries
//! are sorted and the file holds no timestamp, so rewriting an unchanged baseline changes
//! nothing and a diff shows exactly what was accepted or fixed.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::Finding;

/// The value of the `format` field.
pub(crate) const FORMAT: &str = "tfvpc-baseline";
/// The version this tfvpc writes (it also reads [`VERSION_UNGROUPED`]).
pub(crate) const VERSION: u32 = 2;
/// The version written before findings were grouped: one entry per member, no `members`.
pub(crate) const VERSION_UNGROUPED: u32 = 1;

/// The tool that wrote a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Tool {
    /// `tfvpc`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The finding's fingerprint: what matching uses.
    pub fingerprint: String,
    /// Its rule (for readers).
    #[serde(default)]
    pub rule: String,
    /// Its primary address, if it has one (for readers).
    #[serde(default)]
    pub address: Option<String>,
    /// The input it came from (for readers; not matched, so renamed plan files keep working).
    #[serde(default)]
    pub input: String,
    /// Its message when recorded (for readers).
    #[serde(default)]
    pub message: String,
    /// The version 1 fingerprints of the findings merged into it (version 2; absent in version
    /// 1, where each entry is one such finding).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Baseline {
    /// Always [`FORMAT`]: tells a baseline from a report.
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// Who wrote it.
    pub tool: Tool,
    /// The accepted findings, sorted by rule, address and fingerprint.
    pub findings: Vec<Entry>,
}

/// How a run's findings compared with a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Comparison {
    /// The baseline file, as named on the command line.
    pub file: String,
    /// Entries in the baseline.
    pub entries: usize,
    /// Findings left out because the baseline holds them.
    pub hidden: usize,
    /// Entries no finding of this run matches (fixed, or their resource is gone).
    pub stale: usize,
    /// Findings reported although the baseline holds some of the findings merged into them: the
    /// defect now breaks more (a new flow, subnet or module instance). Counted in the reported
    /// findings, not in `hidden`.
    pub grown: usize,
}

impl Baseline {
    /// A baseline holding these findings.
    pub(crate) fn of(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.to_string(),
                address: f.resources.first().cloned(),
                input: f.input.clone(),
                message: f.message.clone(),
                members: {
                    let mut m: Vec<String> = f.affected.members.iter().map(|m| m.fingerprint.clone()).collect();
                    m.sort();
                    m.dedup();
                    m
                },
            })
            .collect();
        entries.sort_by(|a, b| {
            (a.rule.as_str(), a.address.as_deref().unwrap_or(""), a.fingerprint.as_str(), a.input.as_str()).cmp(&(
                b.rule.as_str(),
                b.address.as_deref().unwrap_or(""),
                b.fingerprint.as_str(),
                b.input.as_str(),
            ))
        });
        // One entry per fingerprint: the same finding in two inputs is one accepted finding,
        // with the members of both (another input may hold other instances of the defect).
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut unique: Vec<Entry> = Vec::with_capacity(entries.len());
        for e in entries {
            match seen.get(&e.fingerprint) {
                Some(&i) => {
                    unique[i].members.extend(e.members);
                    unique[i].members.sort();
                    unique[i].members.dedup();
                }
                None => {
                    seen.insert(e.fingerprint.clone(), unique.len());
                    unique.push(e);
                }
            }
        }
        let entries = unique;
        Baseline {
            format: FORMAT.to_string(),
            version: VERSION,
            tool: Tool { name: "tfvpc".into(), version: env!("CARGO_PKG_VERSION").into() },
            findings: entries,
        }
    }

    /// The file's text: pretty JSON with a trailing newline.
    pub(crate) fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        out.push('\n');
        out
    }

    /// Writes the file.
    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json()).map_err(|e| Error::Baseline {
            path: path.display().to_string(),
            message: format!("cannot write the baseline: {e}"),
            help: Some("check that the folder exists and that you may write to it".into()),
        })
    }

    /// Reads and checks a baseline file.
    pub(crate) fn load(path: &Path) -> Result<Baseline> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: shown.clone(), source })?;
        Baseline::parse(&text, &shown)
    }

    /// Parses and checks a baseline's text; `shown` names the file in errors.
    pub(crate) fn parse(text: &str, shown: &str) -> Result<Baseline> {
        let problem = |message: String, help: &str| Error::Baseline {
            path: shown.to_string(),
            message,
            help: Some(help.to_string()),
        };
        let value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            problem(
                format!("not valid JSON at line {}, column {}: {e}", e.line(), e.column()),
                "write a baseline with `tfvpc lint --write-baseline FILE …`",
            )
        })?;
        match value.get("format").and_then(serde_json::Value::as_str) {
            Some(FORMAT) => {}
            _ => {
                return Err(problem(
                    format!("not a tfvpc baseline (no \"format\": \"{FORMAT}\")"),
                    "a baseline is what `tfvpc lint --write-baseline FILE …` writes; a JSON report \
                     (`--format json`) is not one",
                ));
            }
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(VERSION) || v == u64::from(VERSION_UNGROUPED) => {}
            other => {
                return Err(problem(
                    format!(
                        "baseline version {} is not a version this tfvpc reads ({VERSION_UNGROUPED} or {VERSION})",
                        other.map_or_else(|| "missing".to_string(), |v| v.to_string())
                    ),
                    "write the baseline again with this tfvpc (`--write-baseline FILE`)",
                ));
            }
        }
        serde_json::from_value(value).map_err(|e| {
            problem(
                format!("a field has the wrong type: {e}"),
                "every entry of `findings` needs a `fingerprint` string; write the baseline again with \
                 `--write-baseline FILE`",
            )
        })
    }

    /// The fingerprints of the accepted findings before grouping: version 1 entries, and the
    /// `members` of version 2 entries.
    fn members(&self) -> BTreeSet<&str> {
        self.findings
            .iter()
            .flat_map(|e| {
                let own = e.members.is_empty().then_some(e.fingerprint.as_str());
                own.into_iter().chain(e.members.iter().map(String::as_str))
            })
            .collect()
    }

    /// Whether the baseline accepts a finding: it holds every finding merged into it (an entry
    /// without `members` also matches by the grouped fingerprint).
    fn accepts(&self, f: &Finding, members: &BTreeSet<&str>) -> bool {
        let all = !f.affected.members.is_empty()
            && f.affected.members.iter().all(|m| members.contains(m.fingerprint.as_str()));
        all || members.contains(f.fingerprint.as_str())
    }

    /// Leaves out of `findings` those the baseline accepts and counts the entries that match no
    /// finding. `all` is every finding of the run before other filters (`--new-only`), so an
    /// entry is stale only when its finding is really gone.
    pub(crate) fn apply(&self, findings: &mut Vec<Finding>, all: &[Finding], file: &str) -> Comparison {
        let members = self.members();
        let before = findings.len();
        let known = |f: &Finding| f.affected.members.iter().any(|m| members.contains(m.fingerprint.as_str()));
        findings.retain(|f| !self.accepts(f, &members));
        let grown = findings.iter().filter(|f| known(f)).count();
        let current: BTreeSet<&str> = all
            .iter()
            .flat_map(|f| {
                std::iter::once(f.fingerprint.as_str()).chain(f.affected.members.iter().map(|m| m.fingerprint.as_str()))
            })
            .collect();
        let stale = self
            .findings
            .iter()
            .filter(|e| {
                !current.contains(e.fingerprint.as_str()) && !e.members.iter().any(|m| current.contains(m.as_str()))
            })
            .count();
        Comparison {
            file: file.to_string(),
            entries: self.findings.len(),
            hidden: before - findings.len(),
            stale,
            grown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_reports_other_versions_and_garbage() {
        assert!(Baseline::parse("{", "b.json").is_err());
        assert!(Baseline::parse(r#"{"version": 1, "findings": []}"#, "b.json").is_err());
        assert!(Baseline::parse(r#"{"format": "tfvpc-baseline", "version": 3, "findings": []}"#, "b.json").is_err());
        assert!(
            Baseline::parse(
                r#"{"format": "tfvpc-baseline", "version": 1, "tool": {"name": "tfvpc", "version": "0"}, "findings": [{"rule": "x"}]}"#,
                "b.json"
            )
            .is_err()
        );
        let ok = Baseline::parse(
            r#"{"format": "tfvpc-baseline", "version": 1, "tool": {"name": "tfvpc", "version": "0"},
                "findings": [{"fingerprint": "ab", "extra": true}]}"#,
            "b.json",
        );
        assert_eq!(ok.map(|b| b.findings.len()).ok(), Some(1));
    }
}
