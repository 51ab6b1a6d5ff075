//! `suppression-without-reason`: a `tfvpc:ignore:<rule>` comment with no reason after the rule
//! name. The reason is required — it is what a reviewer reads — so such a comment suppresses
//! nothing and is reported instead. Reported by [`super::audit`], not by `check`.

use super::{AuditDraft, Context, Draft, Rule, RuleId};
use crate::source::InlineIgnore;

declare_rule! {
    pub struct SuppressionWithoutReason {
        id: "suppression-without-reason",
        category: Suppression,
        default_severity: Warning,
        summary: "a `tfvpc:ignore:<rule>` comment gives no reason, so it suppresses nothing",
    }
}

impl Rule for SuppressionWithoutReason {
    /// Nothing to check in the network: [`super::audit`] reports these comments.
    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Draft>) {}
}

/// The finding for one comment without a reason.
pub(super) fn draft(comment: &InlineIgnore) -> AuditDraft {
    let rule = if comment.rule.is_empty() { "<rule>" } else { comment.rule.as_str() };
    AuditDraft {
        rule: RuleId::SuppressionWithoutReason,
        message: format!("`tfvpc:ignore:{rule}` on {} gives no reason, so it suppresses nothing", comment.block),
        address: Some(comment.block.clone()),
        help: format!("write why the finding is accepted after the rule name: `# tfvpc:ignore:{rule} <reason>`"),
        key: vec![comment.rule.clone()],
        location: comment.location.clone(),
    }
}
