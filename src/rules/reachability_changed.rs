//! `reachability-changed`: a flow the change opens, closes, may open or close (values unknown
//! until apply), or sends along another path (gateway, NAT, AZ, transit gateway route table).
//! Found by comparing the two sides of the change (`crate::diff`), not by `check`: `tfvpc diff`
//! and `tfvpc lint --diff` report it (docs/diff.md). A note unless `.tfvpc.hcl` makes the kind
//! of change fail (`diff { fail_on = [...] }`).

use super::{Context, Draft, Rule};

declare_rule! {
    pub struct ReachabilityChanged {
        id: "reachability-changed",
        category: Change,
        default_severity: Note,
        summary: "the change opens, closes or reroutes a flow between two resources",
    }
}

impl Rule for ReachabilityChanged {
    /// Nothing to check in one network: `crate::diff::policy` reports the differences.
    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Draft>) {}
}
