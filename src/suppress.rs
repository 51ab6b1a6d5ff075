//! Suppressions: findings a team has accepted, with the reason why.
//!
//! Two sources, one meaning ("findings of this rule on these resources are accepted"):
//!
//! - `ignore { rule, address, reason }` blocks of `.tfvpc.hcl` ([`crate::config::Ignore`]): the
//!   rule's findings whose primary address matches the [`crate::config::AddrPattern`] (every
//!   address when `address` is left out);
//! - `# tfvpc:ignore:<rule> <reason>` comments in the `.tf` sources
//!   ([`crate::source::InlineIgnore`]): the rule's findings whose primary resource is declared by
//!   the block the comment sits on — every `count`/`for_each` instance of it, and for a `module`
//!   block everything inside that module call.
//!
//! [`crate::rules::run`], the choke point every rule's findings pass, drops the findings a
//! suppression covers and records which suppressions were used; [`crate::rules::audit`] then
//! reports the ones that covered nothing (`unused-suppression`) and the comments that give no
//! reason (`suppression-without-reason`, which suppress nothing). A finding is matched by its
//! rule and its primary address only, never by its location, so suppressions survive moved
//! lines exactly as fingerprints do.

use std::collections::HashMap;
use std::path::Path;

use crate::config::{AddrPattern, Settings};
use crate::finding::{Location, LocationKind};
use crate::source::{InlineIgnore, Sources, uri_of};

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// An `ignore` block of the configuration file.
    Config,
    /// A `tfvpc:ignore` comment in the `.tf` sources.
    Inline,
}

/// One suppression with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The rule whose findings it suppresses.
    pub rule: String,
    /// Why the findings are accepted.
    pub reason: String,
    /// Where it was written.
    pub origin: Origin,
    /// The `ignore` block or the comment.
    pub location: Location,
    /// What it covers, as written: the address pattern of an `ignore` block (`None`: every
    /// address), or the address of the block an inline comment sits on.
    pub scope: Option<String>,
}

impl Suppression {
    /// What it covers, for messages: the pattern or block address, or `every address`.
    pub fn scope_text(&self) -> &str {
        self.scope.as_deref().unwrap_or("every address")
    }
}

/// The suppressions in force for one input: the configuration's `ignore` blocks, then the
/// sources' `tfvpc:ignore` comments that give a reason.
#[derive(Debug, Clone, Default)]
pub struct Suppressions<'a> {
    list: Vec<Suppression>,
    /// `ignore` blocks: index into `list` and the compiled pattern.
    config: Vec<(usize, Option<AddrPattern>)>,
    /// Inline comments with a reason: index into [`Sources::ignores`] → index into `list`.
    inline: HashMap<usize, usize>,
    sources: Option<&'a Sources>,
    without_reason: Vec<InlineIgnore>,
}

impl<'a> Suppressions<'a> {
    /// No suppressions at all.
    pub fn none() -> Suppressions<'static> {
        Suppressions::default()
    }

    /// The suppressions of one input: the `ignore` blocks of its configuration and the inline
    /// comments of its sources. `repo_root` makes the configuration file's
    /// [`Location::uri`].
    pub fn new(settings: &Settings, sources: Option<&'a Sources>, repo_root: Option<&Path>) -> Suppressions<'a> {
        let mut out = Suppressions { sources, ..Suppressions::default() };
        for ignore in settings.ignores() {
            let l = &ignore.location;
            let location = Location {
                file: shown_path(&l.file),
                line: l.line,
                column: l.column,
                end_line: l.line,
                // The block's header (`ignore`) is ASCII: bytes are characters.
                end_column: l.column + l.len,
                kind: LocationKind::Config,
                uri: repo_root.and_then(|root| uri_of(&l.file, root)),
            };
            out.config.push((out.list.len(), ignore.address.clone()));
            out.list.push(Suppression {
                rule: ignore.rule.clone(),
                reason: ignore.reason.clone(),
                origin: Origin::Config,
                location,
                scope: ignore.address.as_ref().map(|p| p.as_str().to_string()),
            });
        }
        for (id, comment) in sources.map(Sources::ignores).unwrap_or_default().iter().enumerate() {
            match &comment.reason {
                Some(reason) => {
                    out.inline.insert(id, out.list.len());
                    out.list.push(Suppression {
                        rule: comment.rule.clone(),
                        reason: reason.clone(),
                        origin: Origin::Inline,
                        location: comment.location.clone(),
                        scope: Some(comment.block.clone()),
                    });
                }
                None => out.without_reason.push(comment.clone()),
            }
        }
        out
    }

    /// Every suppression with a reason, configuration first, in file and source order.
    pub fn all(&self) -> &[Suppression] {
        &self.list
    }

    /// The inline comments that name a rule but give no reason: they suppress nothing.
    pub fn without_reason(&self) -> &[InlineIgnore] {
        &self.without_reason
    }

    /// The suppressions (indexes into [`Suppressions::all`]) that cover a finding of `rule` whose
    /// primary resource is `address` (`None` for a finding without one: only `ignore` blocks
    /// without `address` cover it).
    pub fn covering(&self, rule: &str, address: Option<&str>) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .config
            .iter()
            .filter(|(i, pattern)| {
                self.list[*i].rule == rule
                    && match (pattern, address) {
                        (None, _) => true,
                        (Some(p), Some(a)) => p.matches(a),
                        (Some(_), None) => false,
                    }
            })
            .map(|(i, _)| *i)
            .collect();
        if let (Some(sources), Some(address)) = (self.sources, address) {
            out.extend(
                sources
                    .ignores_for(address)
                    .into_iter()
                    .filter_map(|id| self.inline.get(&id).copied())
                    .filter(|i| self.list[*i].rule == rule),
            );
        }
        out
    }
}

/// A configuration file's path as shown: relative to the working directory when inside it
/// (discovery finds files by absolute path).
pub fn shown_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| path.display().to_string())
}

/// Identifies a suppression across the inputs of one run (several plans may share a
/// configuration file or sources): its file, line and column.
pub fn site(location: &Location) -> (String, usize, usize) {
    (location.file.clone(), location.line, location.column)
}
