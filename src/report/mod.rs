//! Reports: the only layer that formats and writes. Everything above it is data.
//!
//! | format | module | for |
//! |---|---|---|
//! | `human` | [`human`] | a terminal: miette diagnostics with the `.tf` snippet |
//! | `json` | [`json`] | tools: the versioned contract |
//! | `sarif` | [`sarif`] | GitHub code scanning and SARIF viewers |
//! | `github` | [`github`] | GitHub Actions annotations |
//! | `markdown` | [`markdown`] | a pull-request comment |
//! | `gitlab` | [`gitlab`] | GitLab code quality (merge-request widget) |
//! | `html` | [`html`] | a CI artifact: the picture, the findings and their traces in one file |
//! | trace | [`trace`] | `tfvpc trace` (human; JSON is the report's serialisation) |

pub mod diff;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod trace;

use std::collections::BTreeMap;
use std::sync::Arc;

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
    /// Warnings about the input (partial plan, unreadable sources…).
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
    /// Source texts by displayed path (as in [`crate::finding::Location::file`]), for snippets.
    pub files: BTreeMap<String, Arc<str>>,
    /// Findings already present before the change that `--new-only` left out.
    pub hidden_present: usize,
    /// The repository root that [`crate::finding::Location::uri`]s are relative to (SARIF's
    /// `%SRCROOT%`), when one was found.
    pub repo_root: Option<std::path::PathBuf>,
    /// Findings that suppressions (`ignore` blocks, `tfvpc:ignore` comments) left out.
    pub suppressed: usize,
    /// How the findings compared with `--baseline FILE`, when one was given.
    pub baseline: Option<crate::baseline::Comparison>,
    /// `--write-baseline FILE`: the file and how many findings it records (they are not reported).
    pub baseline_written: Option<(String, usize)>,
    /// `--diff`: what each plan opens and closes (their findings are among `findings` too).
    pub differences: Option<Vec<crate::diff::policy::Reported>>,
}

impl LintReport {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// `(introduced, already present)` among the reported findings plus those `--new-only`
    /// left out, or `None` when no finding comes from a plan (states have no before).
    pub fn introduced_counts(&self) -> Option<(usize, usize)> {
        let known: Vec<bool> = self.findings.iter().filter_map(|f| f.introduced).collect();
        if known.is_empty() && self.hidden_present == 0 {
            return None;
        }
        let new = known.iter().filter(|i| **i).count();
        Some((new, known.len() - new + self.hidden_present))
    }
}

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// ANSI colour (human output).
    pub color: bool,
    /// List resources of other providers and unmodelled types (human output).
    pub verbose: bool,
    /// SARIF `runAutomationDetails.id` category.
    pub sarif_category: Option<String>,
    /// `--new-only` was given.
    pub new_only: bool,
}

/// `1 finding`, `2 findings`.
/// The input warning (and summary line) of an input that yields no VPC and no subnet: nothing
/// was checked, though the run would otherwise look clean.
pub const NOTHING_MODELLED: &str = "0 VPCs modelled: the network comes from data sources or another root; \
     no network rule had anything to check";

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("{n} {one}") } else { format!("{n} {many}") }
}

/// The location of a finding as `file:line:column`, or the input name.
pub(crate) fn position(f: &Finding) -> String {
    match &f.location {
        Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
        None => f.input.clone(),
    }
}
