//! Locating findings in the sources: the stage after the rules. Each finding's primary resource
//! (at the rule's attribute when the source sets it), its related resources and its trace hops
//! are pointed at the `.tf` lines that declare them ([`crate::source::Sources::locate`]).

use crate::finding::{Finding, Location};
use crate::source::Sources;

/// Points findings at the source: the primary resource (at the rule's attribute when the source
/// sets it), every related resource and every trace hop. Without sources, or for an address
/// not in them, the primary location is `fallback` (the input file, line 1).
pub(crate) fn locate(findings: &mut [Finding], sources: Option<&Sources>, fallback: &Location) {
    for f in findings {
        let at = |address: &str, attribute: Option<&str>, key: &[String]| {
            sources.and_then(|s| s.locate(address, attribute, key))
        };
        // Findings about suppressions come with their location (the comment, the `ignore` block).
        if f.location.is_none() {
            f.location =
                f.resources.first().and_then(|a| at(a, f.attribute, &f.key)).or_else(|| Some(fallback.clone()));
        }
        for r in &mut f.related {
            r.location = at(&r.address, None, &[]);
        }
        if let Some(trace) = &mut f.trace {
            for hop in &mut trace.hops {
                hop.location = hop.resource.as_deref().and_then(|a| at(a, hop.attribute, &f.key));
            }
        }
    }
}
