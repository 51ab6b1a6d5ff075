//! `internet-exposure-added`: a change makes a workload reachable from the internet (or may,
//! depending on values unknown until apply) that is neither a load balancer nor declared public
//! (a `public "<address>" {}` block or an `expect` from the internet with `reachable = true` in
//! `.tfvpc.hcl`). Found by comparing the two sides of the change (`crate::diff`), not by
//! `check`: `tfvpc diff` and `tfvpc lint --diff` report it (docs/diff.md).

use super::{Context, Draft, Rule};

declare_rule! {
    pub struct InternetExposureAdded {
        id: "internet-exposure-added",
        category: Change,
        default_severity: Error,
        summary: "the change makes a resource that is not a load balancer or declared public reachable from the internet",
    }
}

impl Rule for InternetExposureAdded {
    /// Nothing to check in one network: `crate::diff::policy` reports the differences.
    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Draft>) {}
}
