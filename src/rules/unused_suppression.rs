//! `unused-suppression`: a suppression (`ignore` block or `tfvpc:ignore` comment) that covers no
//! finding. It hides nothing today and would silently hide a future finding it was never meant
//! for; a misspelt rule name or a comment on the wrong block ends up here too. Reported by
//! [`super::audit`] after every other rule has run (ruff's `unused-noqa`), not by `check`.

use super::{AuditDraft, Context, Draft, Rule, RuleId};
use crate::config::closest_name;
use crate::suppress::{Origin, Suppression};

declare_rule! {
    pub struct UnusedSuppression {
        id: "unused-suppression",
        category: Suppression,
        default_severity: Note,
        summary: "a suppression (`tfvpc:ignore` comment or `ignore` block) that suppresses no finding",
    }
}

impl Rule for UnusedSuppression {
    /// Nothing to check in the network: [`super::audit`] reports unused suppressions.
    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Draft>) {}
}

/// The finding for one unused suppression; `known` is the list of rule names when the
/// suppression names a rule tfvpc does not have.
pub(super) fn draft(s: &Suppression, known: Option<&[&'static str]>) -> AuditDraft {
    let unknown = known.map(|names| match closest_name(&s.rule, names.iter().copied()) {
        Some(close) if !s.rule.is_empty() => format!(" (no rule is named `{}`; did you mean `{close}`?)", s.rule),
        _ if s.rule.is_empty() => " (it names no rule: write `tfvpc:ignore:<rule> <reason>`)".to_string(),
        _ => format!(" (no rule is named `{}`; `tfvpc rules` lists them)", s.rule),
    });
    let (message, address, help, origin) = match s.origin {
        Origin::Inline => (
            format!("`tfvpc:ignore:{}` on {} suppresses no finding", s.rule, s.scope_text()),
            s.scope.clone(),
            "remove the comment, or move it to the line above the block whose finding it accepts \
             (or the end of that block's first line)"
                .to_string(),
            "inline",
        ),
        Origin::Config => (
            format!("ignore block for {} on {} suppresses no finding", s.rule, s.scope_text()),
            None,
            "remove the block, or correct its `rule` or `address` (`*` stays within one address \
             segment, `**` crosses them)"
                .to_string(),
            "config",
        ),
    };
    AuditDraft {
        rule: RuleId::UnusedSuppression,
        message: format!("{message}{}", unknown.unwrap_or_default()),
        address,
        help,
        key: vec![origin.to_string(), s.rule.clone(), s.scope_text().to_string(), s.reason.clone()],
        location: s.location.clone(),
    }
}
