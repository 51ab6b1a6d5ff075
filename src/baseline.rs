//! Baselines: the findings a team accepted on the day it adopted tfvpc, recorded by fingerprint,
//! so that later runs report only what is new (`--baseline FILE`) and say how many recorded
//! findings no longer occur (fixed, or their resource gone).
//!
//! The file (`--write-baseline FILE`) is JSON, documented in `docs/baseline.md`:
//!
//! ```json
//! {"format": "tfvpc-baseline", "version": 1, "tool": {"name": "tfvpc", "version": "0.1.0"},
//!  "findings": [{"fingerprint": "…32 hex digits…", "rule": "cross-az-nat",
//!                "address": "aws_subnet.private[1]", "input": "plan.json", "message": "…"}]}
//! ```
//!
//! Only `fingerprint` takes part in matching ([`crate::finding::Finding::fingerprint`]: rule,
//! primary address and key values, nothing positional — stable across runs, moved lines and
//! renamed plan files); the other fields are there for the people who review the file. Entries
//! are sorted and the file holds no timestamp, so rewriting an unchanged baseline changes
//! nothing and a diff shows exactly what was accepted or fixed.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::Finding;

/// The value of the `format` field.
pub(crate) const FORMAT: &str = "tfvpc-baseline";
/// The version this tfvpc writes and reads.
pub(crate) const VERSION: u32 = 1;

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
        // One entry per fingerprint: the same finding in two inputs is one accepted finding.
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
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
            Some(v) if v == u64::from(VERSION) => {}
            other => {
                return Err(problem(
                    format!(
                        "baseline version {} is not the version this tfvpc reads ({VERSION})",
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

    /// The recorded fingerprints.
    pub(crate) fn fingerprints(&self) -> BTreeSet<&str> {
        self.findings.iter().map(|e| e.fingerprint.as_str()).collect()
    }

    /// Leaves out of `findings` those the baseline holds and counts the entries that match no
    /// finding. `all` is every finding of the run before other filters (`--new-only`), so an
    /// entry is stale only when its finding is really gone.
    pub(crate) fn apply(&self, findings: &mut Vec<Finding>, all: &[Finding], file: &str) -> Comparison {
        let recorded = self.fingerprints();
        let before = findings.len();
        findings.retain(|f| !recorded.contains(f.fingerprint.as_str()));
        let current: BTreeSet<&str> = all.iter().map(|f| f.fingerprint.as_str()).collect();
        Comparison {
            file: file.to_string(),
            entries: recorded.len(),
            hidden: before - findings.len(),
            stale: recorded.iter().filter(|fp| !current.contains(*fp)).count(),
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
        assert!(Baseline::parse(r#"{"format": "tfvpc-baseline", "version": 2, "findings": []}"#, "b.json").is_err());
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
