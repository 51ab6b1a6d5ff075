//! One rule = one declaration. A rule's file states its id, category, default severity and
//! summary once, with [`declare_rule!`]; the one [`register_rules!`] list in `rules/mod.rs` names
//! each rule module once and yields the module items, the [`RuleId`] enum and the registry.
//! Everything else — `tfvpc rules`, `tfvpc explain` (the doc, `include_str!` of
//! `rules/<id>.md`), SARIF rule metadata, the rule index `docs/rules/README.md`, the rule names
//! configuration accepts and their default severities — is read from the declarations here
//! (the shape of oxc's `declare_oxc_lint!` and ruff's `#[violation]`, without a build script).

use super::RuleId;
use crate::finding::Severity;

/// What a rule is about: the `category` column of `tfvpc rules`, a SARIF tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// CIDR blocks and addresses.
    Addressing,
    /// Route tables and their targets.
    Routing,
    /// Whether intended flows get through.
    Reachability,
    /// What traffic costs.
    Cost,
    /// How the Terraform configuration is written.
    Configuration,
    /// Flows that should not exist.
    Security,
    /// tfvpc's own suppressions.
    Suppression,
    /// What a change does to reachability (`tfvpc diff`, `tfvpc lint --diff`).
    Change,
}

impl Category {
    /// The lower-case name shown to users.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Addressing => "addressing",
            Category::Routing => "routing",
            Category::Reachability => "reachability",
            Category::Cost => "cost",
            Category::Configuration => "configuration",
            Category::Security => "security",
            Category::Suppression => "suppression",
            Category::Change => "change",
        }
    }
}

/// What [`declare_rule!`] states about one rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Declaration {
    /// The public id, kebab-case: the stem of `rules/<id>.md` and `testdata/rules/<id>/`.
    pub(crate) id: &'static str,
    /// What the rule is about.
    pub(crate) category: Category,
    /// The severity unless the configuration sets one.
    pub(crate) default_severity: Severity,
    /// One line: what it finds.
    pub(crate) summary: &'static str,
    /// The user doc, `rules/<id>.md` (What it does / Why is this bad? / Example / Use instead /
    /// References).
    pub(crate) doc: &'static str,
}

/// Declares a rule: the unit struct that implements [`super::Rule`], and its id, category,
/// default severity and summary — the only place the id is written in the sources. The doc is
/// `rules/<id>.md`, included at compile time.
///
/// ```text
/// declare_rule! {
///     pub struct SubnetCidrOverlap {
///         id: "subnet-cidr-overlap",
///         category: Addressing,
///         default_severity: Error,
///         summary: "two subnets of one VPC have overlapping CIDR blocks",
///     }
/// }
/// ```
macro_rules! declare_rule {
    (
        pub struct $ty:ident {
            id: $id:literal,
            category: $category:ident,
            default_severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        #[doc = concat!("The `", $id, "` rule.")]
        pub(crate) struct $ty;

        impl $ty {
            /// Id, category, default severity, summary and doc of this rule.
            pub(crate) const DECLARATION: $crate::rules::registry::Declaration = $crate::rules::registry::Declaration {
                id: $id,
                category: $crate::rules::registry::Category::$category,
                default_severity: $crate::finding::Severity::$severity,
                summary: $summary,
                doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
            };
        }
    };
}

/// The registry: each line `module::Type` names a rule file `src/rules/<module>.rs` and the
/// type its [`declare_rule!`] declares. Yields the `mod` items, the [`RuleId`] enum (one
/// variant per rule, named like its type) and the registry behind [`RuleId::rule`]. The order
/// of the list is the order rules run in and claim path failures in (see
/// `paths::precedence`): keep it sorted.
macro_rules! register_rules {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule tfvpc has. Its id ([`RuleId::as_str`]) is the one its file declares.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $(
                #[doc = concat!("Declared in `src/rules/", stringify!($module), ".rs`.")]
                $ty,
            )*
        }

        impl RuleId {
            /// Every rule, in the order of the registry (the order they run and claim in).
            pub const ALL: &'static [RuleId] = &[$(RuleId::$ty),*];

            /// What the rule's file declares.
            pub(crate) const fn declaration(self) -> registry::Declaration {
                match self {
                    $(RuleId::$ty => $module::$ty::DECLARATION,)*
                }
            }

            /// The rule's code.
            pub(crate) fn rule(self) -> &'static dyn Rule {
                match self {
                    $(RuleId::$ty => &$module::$ty,)*
                }
            }
        }
    };
}

/// A name that is no rule's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl std::fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no rule is named `{}`", self.0)
    }
}

impl std::error::Error for UnknownRule {}

impl RuleId {
    /// The public id (`subnet-cidr-overlap`).
    pub const fn as_str(self) -> &'static str {
        self.declaration().id
    }

    /// The rule with this id.
    pub fn lookup(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.as_str() == id)
    }

    /// Its metadata.
    pub fn info(self) -> RuleInfo {
        let d = self.declaration();
        RuleInfo {
            name: d.id,
            category: d.category.as_str(),
            default_severity: d.default_severity,
            summary: d.summary,
            doc: d.doc,
        }
    }
}

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        RuleId::lookup(id).ok_or_else(|| UnknownRule(id.to_string()))
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Metadata of a rule, as its declaration states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Public id.
    pub name: &'static str,
    /// Category (`addressing`, `routing`, `reachability`, `cost`, `configuration`, `security`,
    /// `suppression`).
    pub category: &'static str,
    /// Default severity.
    pub default_severity: Severity,
    /// One-line summary.
    pub summary: &'static str,
    /// The whole markdown doc, `rules/<name>.md`.
    pub doc: &'static str,
}

/// Metadata of every rule, in id order.
pub fn infos() -> Vec<RuleInfo> {
    let mut out: Vec<RuleInfo> = RuleId::ALL.iter().map(|r| r.info()).collect();
    out.sort_by_key(|i| i.name);
    out
}

/// The rule index (`docs/rules/README.md`), generated from the declarations.
pub fn index_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from the rule declarations (`declare_rule!` in src/rules/) by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n\
         Severities are defaults; `.tfvpc.hcl` can change them (`rule \"<name>\" { severity = \"…\" }`).\n\n\
         | rule | category | default severity | what it finds |\n|---|---|---|---|\n",
    );
    for i in infos() {
        out.push_str(&format!(
            "| [`{}`](../../rules/{}.md) | {} | {} | {} |\n",
            i.name, i.name, i.category, i.default_severity, i.summary
        ));
    }
    out
}

/// `(name, default severity)` of every rule, for [`crate::config::resolve`].
pub fn defaults() -> Vec<(&'static str, Severity)> {
    infos().into_iter().map(|i| (i.name, i.default_severity)).collect()
}

/// Names of every rule (for configuration validation), in id order.
pub fn names() -> Vec<&'static str> {
    infos().into_iter().map(|i| i.name).collect()
}
