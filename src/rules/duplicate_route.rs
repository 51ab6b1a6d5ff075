//! `duplicate-route`: two routes of one route table with the same destination. AWS refuses the
//! second (`RouteAlreadyExists`), and Terraform's inline routes and `aws_route` fight over it
//! (docs/semantics.md §1.8: inline routes and `aws_route` must not be mixed on one table).

use super::facts;
use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::{Destination, Object, Val};

declare_rule! {
    pub struct DuplicateRoute {
        id: "duplicate-route",
        category: Routing,
        default_severity: Error,
        summary: "one route table has two routes to the same destination",
    }
}

impl Rule for DuplicateRoute {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (table, r) in net.present() {
            let Object::RouteTable(t) = &r.obj else { continue };
            let Some(routes) = facts::routes(t) else { continue };
            for (i, a) in routes.iter().enumerate() {
                let comparable = match &a.dest {
                    Destination::V4(Val::Known(_)) | Destination::V6(Val::Known(_)) => true,
                    Destination::PrefixList(l) => l.res().is_some(),
                    _ => false,
                };
                if !comparable {
                    continue;
                }
                // Report each duplicate once, on the later route.
                if let Some(b) = routes[i + 1..].iter().find(|b| b.dest == a.dest) {
                    let (first, second) = (facts::route_owner(a, table), facts::route_owner(b, table));
                    let mut resources = vec![second];
                    if first != second {
                        resources.push(first);
                    }
                    if !resources.contains(&table) {
                        resources.push(table);
                    }
                    out.push(Draft {
                        message: format!(
                            "{} has two routes to {}: AWS accepts one destination once per table, so apply fails or the routes overwrite each other",
                            net.name(table),
                            facts::dest_text(&a.dest)
                        ),
                        resources,
                        key: vec![facts::dest_text(&a.dest)],
                        help: "keep one route per destination; do not mix inline `route` blocks with aws_route resources on one table".into(),
                        ..Draft::default()
                    });
                }
            }
        }
    }

    /// Two routes for one destination explain a routing drop in their table of a flow to that
    /// destination, not a drop of another destination in the same table.
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        matches!(failure.stage, Stage::Route | Stage::ReturnPath | Stage::Tgw)
            && failure.names_the_decider(draft)
            && failure.routes_into_key(draft)
    }
}
