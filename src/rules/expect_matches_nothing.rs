//! `expect-matches-nothing`: an `expect` block of `.tfvpc.hcl` whose `from` or `to` names
//! nothing in the network after the change (a typo such as `aws_instance.wbe`, a resource
//! renamed or moved into a module). Such a block produces no flow to evaluate, so
//! `unreachable-path` and `unexpected-path` stay silent and the run looks clean although the
//! expectation was never checked. Reported by [`super::audit_expects`] after the other rules,
//! with the block's location in the configuration file (like `unused-suppression`), not by
//! `check`.

use super::{AuditDraft, Context, Draft, Rule, RuleId};
use crate::config::{Endpoint, Expect};
use crate::finding::{Location, LocationKind};

declare_rule! {
    pub struct ExpectMatchesNothing {
        id: "expect-matches-nothing",
        category: Reachability,
        default_severity: Error,
        summary: "an `expect` block whose `from` or `to` matches nothing in the network, so nothing was checked",
    }
}

impl Rule for ExpectMatchesNothing {
    /// Nothing to check in the network: [`super::audit_expects`] reports these blocks.
    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Draft>) {}
}

/// The findings for the `expect` blocks of the configuration one of whose ends matches no
/// resource of the network: an address (or pattern) is matched when the evaluator resolves it
/// (as `tfvpc trace` does) or when any resource present after the change has a matching
/// address — the same two ways the path analysis turns an `expect` into flows.
/// `repo_root` makes the configuration file's [`Location::uri`].
pub(super) fn drafts(ctx: &Context<'_>, repo_root: Option<&std::path::Path>) -> Vec<AuditDraft> {
    let mut out = Vec::new();
    for e in ctx.settings.expects() {
        for (side, endpoint) in [("from", &e.from), ("to", &e.to)] {
            let Endpoint::Address(pattern) = endpoint else { continue };
            let text = pattern.as_str();
            let suggestions = match ctx.eval.resolve(text, None) {
                Ok(_) => continue,
                Err(err) => err.suggestions,
            };
            if ctx.net.present().any(|(_, r)| pattern.matches(&r.name)) {
                continue;
            }
            // The one closest address when there is a plausible typo, else the evaluator's list.
            let closest = crate::config::closest_name(text, ctx.net.present().map(|(_, r)| r.name.as_str()));
            let suggestions: Vec<String> = match closest {
                Some(one) => vec![one.to_string()],
                None => suggestions,
            };
            let hint = match suggestions.as_slice() {
                [] => " (`tfvpc graph` lists the addresses of this input)".to_string(),
                [one] => format!(" (did you mean `{one}`?)"),
                many => {
                    let list: Vec<String> = many.iter().take(3).map(|s| format!("`{s}`")).collect();
                    format!(" (did you mean one of {}?)", list.join(", "))
                }
            };
            out.push(AuditDraft {
                rule: RuleId::ExpectMatchesNothing,
                message: format!(
                    "expect \"{}\": {side} = \"{text}\" matches nothing in the network, so this \
                     expectation checks nothing{hint}",
                    e.name
                ),
                address: None,
                help: "correct the address (`*` stays within one address segment, `**` crosses them), \
                       or remove the block"
                    .to_string(),
                key: vec![e.name.clone(), side.to_string(), text.to_string()],
                location: location_of(e, repo_root),
            });
        }
    }
    out
}

/// The `expect` block's header in the configuration file, as a finding's location.
fn location_of(e: &Expect, repo_root: Option<&std::path::Path>) -> Location {
    let l = &e.location;
    Location {
        file: crate::suppress::shown_path(&l.file),
        line: l.line,
        column: l.column,
        end_line: l.line,
        // The block's header (`expect "name"`) is on one line; bytes stand for characters.
        end_column: l.column + l.len,
        kind: LocationKind::Config,
        uri: repo_root.and_then(|root| crate::source::uri_of(&l.file, root)),
    }
}
