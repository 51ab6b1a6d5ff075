//! Reports: the only layer that formats and writes. Everything above it is data.

pub mod human;
pub mod json;

use crate::finding::{Finding, Severity};
use crate::model::Summary;

/// What one linted input produced.
#[derive(Debug, Clone)]
pub struct InputReport {
    /// The input's name.
    pub input: String,
    /// What kind of document it was.
    pub kind: &'static str,
    /// Model summary.
    pub summary: Summary,
    /// Warnings about the input (partial plan…).
    pub warnings: Vec<String>,
}

/// Everything a lint run produced.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    /// Inputs that were linted, in command-line order.
    pub inputs: Vec<InputReport>,
    /// Findings of every input, sorted.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read, with the error message.
    pub errors: Vec<(String, String)>,
}

impl LintReport {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}
