//! Findings are data: what a rule found, on which resources, and why. Rules create them; one
//! choke point (`rules::stamp`) sets the configured severity and sorts them; `report` formats them.

use serde::Serialize;

/// How serious a finding is. Set by configuration (each rule has a default), never by a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never fails a run.
    Note,
    /// Likely a problem; fails the run with the default `--fail-on warning`.
    Warning,
    /// Broken: apply fails or traffic is dropped.
    Error,
}

impl Severity {
    /// The lower-case name used in configuration and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `note`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding points in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// File path as shown to the user.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One finding: data, no formatting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's public id (`subnet-cidr-overlap`).
    pub rule: &'static str,
    /// Configured severity (stamped by `rules::stamp`, never chosen by the rule).
    pub severity: Severity,
    /// Lower-case message with the concrete values, no trailing period.
    pub message: String,
    /// Resources involved, primary first.
    pub resources: Vec<String>,
    /// The input the finding is about.
    pub input: String,
    /// Source location, when known.
    pub location: Option<Location>,
    /// How to fix it.
    pub help: String,
}
