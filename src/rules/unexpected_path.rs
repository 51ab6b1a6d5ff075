//! `unexpected-path`: a path an `expect { reachable = false }` block of `.tfvpc.hcl` forbids
//! exists: the evaluator finds the flow passes both legs. The finding carries the trace that
//! shows where to cut it.

use super::paths::{self, Source, finding_trace};
use super::{Context, Draft, Rule};

declare_rule! {
    pub struct UnexpectedPath {
        id: "unexpected-path",
        category: Security,
        default_severity: Error,
        summary: "a path that an `expect { reachable = false }` block forbids exists",
    }
}

impl Rule for UnexpectedPath {
    fn is_path_rule(&self) -> bool {
        true
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for e in &ctx.paths().unexpected {
            let Source::Expect { name, .. } = &e.intent.source else { continue };
            let t = paths::touched(net, e);
            let Some(primary) = e.intent.dst.res.or(e.intent.src.res) else { continue };
            let mut resources = vec![primary];
            resources.extend(t.path.iter().copied());
            let mut seen = std::collections::BTreeSet::new();
            resources.retain(|r| seen.insert(*r));
            out.push(Draft {
                message: format!(
                    "{} reaches {} ({}), which expect \"{name}\" forbids; path: {}",
                    e.intent.src.name,
                    e.intent.dst.name,
                    paths::flow_text(&e.intent.flow),
                    if e.trace.path.is_empty() { "direct".to_string() } else { e.trace.path.join(" → ") }
                ),
                resources,
                key: vec![name.clone(), e.intent.src.name.clone()],
                trace: Some(finding_trace(net, &e.trace)),
                help: "block the flow where it should stop (a security group or NACL rule, a route), or change the expectation".into(),
                flows: vec![paths::broken(e).0],
                affects: paths::broken(e).1,
                ..Draft::default()
            });
        }
    }
}
