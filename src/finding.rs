//! Findings are data: what a rule found, on which resources, and why. Rules create them; one
//! choke point (`rules::stamp`) sets the configured severity and the [`fingerprint`], and sorts
//! them; `locate` adds the source locations; `group` merges the findings of one defect into one
//! (keyed by what must change, with what it breaks in [`Affected`]); `report` formats them.

use serde::Serialize;

/// How serious a finding is. Set by configuration (each rule has a default), never by a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never fails a run.
    Note,
    /// Likely a problem; fails the run with the default `--fail-on warning`.
    Warning,
    /// Broken: apply fails or traffic is dropped.
    Error,
}

impl Severity {
    /// The lower-case name used in configuration and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `note`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a [`Location`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// The attribute (or nested block) of the resource that matters (`cidr_block`, `route`).
    Attribute,
    /// The header of the resource block (`resource "aws_subnet" "a" {`).
    Block,
    /// The `module` block, in the user's own code, that instantiates a module whose source is
    /// not on disk or is downloaded code (`.terraform/modules/…`).
    ModuleCall,
    /// An argument of the caller's `module` block (`single_nat = true`): the input that makes
    /// the module instances a finding names differ from the others.
    ModuleArgument,
    /// No source: the input file itself, line 1.
    Input,
    /// An inline suppression comment (`# tfvpc:ignore:<rule> <reason>`) in a `.tf` file.
    Comment,
    /// A block of the configuration file `.tfvpc.hcl` (an `ignore` block).
    Config,
}

impl LocationKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            LocationKind::Attribute => "attribute",
            LocationKind::Block => "block",
            LocationKind::ModuleCall => "module_call",
            LocationKind::ModuleArgument => "module_argument",
            LocationKind::Input => "input",
            LocationKind::Comment => "comment",
            LocationKind::Config => "config",
        }
    }
}

/// Where a finding (or one of its resources) points in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// File path as shown to the user: the source folder as given (or the input's folder) joined
    /// with the file's path inside it (`testdata/plans/basic-vpc/main.tf`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode code points.
    pub column: usize,
    /// 1-based line where the located text ends.
    pub end_line: usize,
    /// 1-based column just past the located text (exclusive, as in SARIF).
    pub end_column: usize,
    /// What is located.
    pub kind: LocationKind,
    /// The file relative to the repository root, `/`-separated (for SARIF and GitHub), when
    /// the file is inside it.
    pub uri: Option<String>,
}

/// One supporting resource of a finding (every resource but the primary one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Its address.
    pub address: String,
    /// Its location, when known.
    pub location: Option<Location>,
}

/// One hop of a path finding's trace: a resource that forwarded, filtered or dropped the
/// packet, and what it decided. `R` is [`crate::model::ResId`] in a rule's draft and the
/// address (`String`) in a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop<R = String> {
    /// The resource deciding this hop, if any (`None` for "the internet", "the client").
    #[serde(rename = "address")]
    pub resource: Option<R>,
    /// What happened, lower-case (`route 0.0.0.0/0 → nat-gateway`, `nacl rule 100 allows tcp 443`).
    pub message: String,
    /// Whether the packet went on past this hop (`Some(false)` marks where it stops).
    pub passes: Option<bool>,
    /// The attribute of the resource that decided (`route`, `ingress`), located like a finding's.
    #[serde(skip)]
    pub attribute: Option<&'static str>,
    /// Source location of the hop's resource (filled by `locate`).
    pub location: Option<Location>,
}

impl<R> Default for Hop<R> {
    fn default() -> Self {
        Hop { resource: None, message: String::new(), passes: None, attribute: None, location: None }
    }
}

/// A path finding's trace and its cost lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace<R = String> {
    /// The hops, from the source of the packet to where it stops or arrives.
    pub hops: Vec<Hop<R>>,
    /// Cost lines (`nat gateway processing: $0.045/GB`), in order.
    pub cost: Vec<String>,
}

impl<R> Default for Trace<R> {
    fn default() -> Self {
        Trace { hops: Vec::new(), cost: Vec::new() }
    }
}

/// One finding: data, no formatting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's public id (`subnet-cidr-overlap`).
    pub rule: &'static str,
    /// Configured severity (stamped by `rules::stamp`, never chosen by the rule).
    pub severity: Severity,
    /// Lower-case message with the concrete values, no trailing period.
    pub message: String,
    /// Resources involved, primary first.
    pub resources: Vec<String>,
    /// The input the finding is about.
    pub input: String,
    /// Source location of the primary resource (the attribute that matters when the rule names
    /// one and the source sets it, else the resource block); the input file, line 1, when there
    /// is no source.
    pub location: Option<Location>,
    /// How to fix it.
    pub help: String,
    /// The attribute of the primary resource that matters (`cidr_block`), when the rule names one.
    pub attribute: Option<&'static str>,
    /// The values that identify this finding besides its rule and primary resource (a CIDR, a
    /// destination), as the rule gave them; part of the fingerprint.
    pub key: Vec<String>,
    /// Stable identity: a hash of rule, primary address and key (or, without a key, the other
    /// resources). Unchanged when lines move; used by SARIF, `introduced` and baselines.
    pub fingerprint: String,
    /// `true` when the plan introduces the finding (absent before the change), `false` when it
    /// was already present, `null` when the input has no "before" (a state).
    pub introduced: Option<bool>,
    /// The other resources with their locations, in the order of `resources[1..]`.
    pub related: Vec<Related>,
    /// For path findings: the hop trace and cost lines.
    pub trace: Option<Trace>,
    /// An informational note about a flow whose fate depends on values unknown until apply
    /// (`--show-indeterminate`): never a defect, never fails the run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub indeterminate: bool,
    /// What the finding breaks and, once grouped (`crate::group`), the findings of the same
    /// defect it stands for (JSON report version 2).
    pub affected: Affected,
    /// Where the values that make this finding are written, besides its own attribute: for
    /// `cross-az-nat`, the route's `nat_gateway_id` (not output; used to point the finding at
    /// the caller's argument that decides them, `crate::caller`).
    #[serde(skip)]
    pub decided_by: Vec<Decider>,
}

/// An attribute whose value decides a finding ([`Finding::decided_by`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decider {
    /// The resource.
    pub address: String,
    /// Its attribute, as [`Finding::attribute`] (`nat_gateway_id`, `route.nat_gateway_id`).
    pub attribute: &'static str,
    /// Values that pick one of several nested blocks, as [`Finding::key`].
    pub key: Vec<String>,
}

/// What one finding breaks: the flows, subnets, instances and module instances of every
/// finding of the same defect (one rule × one thing to change) merged into it. Counts are exact.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Affected {
    /// How many findings of the rules (one per rule × primary resource × key, the findings of
    /// JSON report version 1) this one stands for: `members.len()`.
    pub count: usize,
    /// The flows it breaks (`aws_instance.web → aws_instance.app (tcp 8080)`), sorted.
    pub flows: Vec<String>,
    /// The subnets involved, sorted.
    pub subnets: Vec<String>,
    /// The instances, functions, load balancers and other workloads involved, sorted.
    pub instances: Vec<String>,
    /// The module instances the merged findings' primary resources sit in
    /// (`module.vpc["a"]`), sorted; empty at the root module.
    pub module_instances: Vec<String>,
    /// The merged findings, in report order.
    pub members: Vec<Member>,
}

impl Affected {
    /// One line for people when the finding stands for several (`None` for one): how many, and
    /// the first few of what it breaks — `3 findings of one defect: 3 module instances
    /// (module.vpc["a"], …); 3 subnets`. The JSON report has every one.
    pub fn summary(&self) -> Option<String> {
        const SHOWN: usize = 3;
        if self.count < 2 {
            return None;
        }
        let addresses: Vec<String> = self
            .members
            .iter()
            .filter_map(|m| m.address.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let lists: [(&str, &str, &[String]); 5] = [
            ("module instance", "module instances", &self.module_instances),
            ("flow", "flows", &self.flows),
            ("instance", "instances", &self.instances),
            ("subnet", "subnets", &self.subnets),
            ("resource", "resources", &addresses),
        ];
        let mut parts = Vec::new();
        for (one, many, list) in lists {
            if list.is_empty() || (one == "resource" && !parts.is_empty()) {
                continue;
            }
            let n = list.len();
            let mut part = format!("{n} {}", if n == 1 { one } else { many });
            if parts.is_empty() {
                let shown: Vec<&str> = list.iter().take(SHOWN).map(String::as_str).collect();
                let more = if n > SHOWN { format!(" and {} more", n - SHOWN) } else { String::new() };
                part.push_str(&format!(" ({}{more})", shown.join(", ")));
            }
            parts.push(part);
        }
        Some(format!("{} findings of one defect: {}", self.count, parts.join("; ")))
    }
}

/// One finding of a rule merged into a grouped [`Finding`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Its rule (`missing-return-route` merged into `unreachable-path` keeps its own id here).
    pub rule: &'static str,
    /// Its primary address.
    pub address: Option<String>,
    /// Its fingerprint by the version 1 recipe ([`fingerprint`]): what baselines of format
    /// version 1 hold, and what `introduced` compares.
    pub fingerprint: String,
    /// Whether the plan introduces it.
    pub introduced: Option<bool>,
    /// Its message.
    pub message: String,
}

/// The stable identity of one rule's finding (a [`Member`] of a grouped finding): rule, primary address and key values — or, when the rule
/// gives no key, the other resources' addresses. Nothing positional (lines, columns, file
/// names, the input's name) takes part, so the fingerprint survives moved lines and renamed
/// plan files. FNV-1a, 128 bits, as 32 hex digits; `v1` versions the recipe.
pub fn fingerprint(rule: &str, resources: &[String], key: &[String]) -> String {
    let mut parts: Vec<&str> = vec!["tfvpc-fingerprint-v1", rule];
    parts.extend(resources.first().map(String::as_str));
    if key.is_empty() {
        parts.push("resources");
        parts.extend(resources.iter().skip(1).map(String::as_str));
    } else {
        parts.push("key");
        parts.extend(key.iter().map(String::as_str));
    }
    fnv128(&parts)
}

/// FNV-1a, 128 bits, of length-prefixed parts (so ("ab", "c") and ("a", "bc") differ), as 32
/// hex digits.
fn fnv128(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    for part in parts {
        for byte in (part.len() as u64).to_le_bytes().iter().chain(part.as_bytes()) {
            hash ^= u128::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

/// The stable identity of a grouped finding: rule, and what must change — the block address
/// (the smallest among the merged findings') with every instance key left out (`module.vpc.aws_subnet.private`: the
/// block every `count`/`for_each` and module instance shares), the attribute the finding points
/// at, and, when that attribute picks one of several nested blocks, the key values with instance
/// keys left out. Nothing positional and no instance key takes part: the fingerprint survives
/// moved lines, renamed plan files and instances added or removed. FNV-1a, 128 bits, as 32 hex
/// digits; `v2` versions the recipe.
pub fn group_fingerprint(rule: &str, block: &str, attribute: Option<&str>, key: &[String]) -> String {
    let mut parts: Vec<&str> = vec!["tfvpc-fingerprint-v2", rule, block, attribute.unwrap_or(""), "key"];
    parts.extend(key.iter().map(String::as_str));
    fnv128(&parts)
}
