//! The configuration file `.tfvpc.hcl` and the resolved [`Settings`] the rest of tfvpc reads.
//!
//! The file is HCL data: `rule`, `client_ports`, `prices`, `expect` and `ignore` blocks of literal
//! values (see `docs/configuration.md`; [`SCHEMA`] is the authoritative list). It is validated
//! strictly: anything unknown, mistyped or out of range is an [`Error::Config`] pointing at the
//! offending place. [`resolve`] merges the file with the rule registry's defaults and the built-in
//! price table into [`Settings`]; rules only ever see `Settings`, never the file.
//!
//! Discovery walks up from the input's folder to the filesystem root and uses the first
//! `.tfvpc.hcl` it finds; `--config FILE` names one explicitly.

mod parse;
mod pattern;
mod prices;
mod schema;
mod settings;

use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::NamedSource;

use crate::error::{Error, Result};
use crate::finding::Severity;

pub(crate) use crate::suggest::closest as closest_name;
pub use pattern::AddrPattern;
pub use prices::Prices;
pub use schema::{AttrSpec, BlockSpec, CHANGE_NAMES, Kind, LabelSpec, SCHEMA, block_spec};
pub use settings::{Settings, resolve};

/// The file name discovery looks for.
pub const FILE_NAME: &str = ".tfvpc.hcl";

/// A parsed, validated configuration file. Everything is optional; an empty file is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file as it was named or found.
    pub path: PathBuf,
    /// The file's text, for diagnostics that point into it.
    pub text: String,
    /// `rule` blocks, in file order (at most one per rule).
    pub rules: Vec<RuleOverride>,
    /// `client_ports` blocks, in file order (the first matching pattern wins).
    pub client_ports: Vec<ClientPorts>,
    /// The `prices` block, if any.
    pub prices: Option<PriceOverrides>,
    /// `expect` blocks, in file order.
    pub expects: Vec<Expect>,
    /// `ignore` blocks, in file order.
    pub ignores: Vec<Ignore>,
    /// The `diff` block and the `public` blocks.
    pub diff: DiffOptions,
}

/// What `tfvpc diff` reads of the file: `diff { fail_on = "…" }` and `public "<pattern>" {}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// The kinds of change (`opened`, `closed`, `may-open`, `may-close`, `rerouted`) whose
    /// `reachability-changed` findings are errors.
    pub fail_on: Vec<String>,
    /// Resources meant to be reachable from the internet (no `internet-exposure-added`).
    pub public: Vec<AddrPattern>,
}

/// Where a block sits in the configuration file, for diagnostics and findings about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The configuration file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 0-based byte offset of the start.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Location {
    /// The byte range in the file's text.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A `rule "<name>" { … }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOverride {
    /// The rule name (a known rule).
    pub name: String,
    /// `enabled`, if set.
    pub enabled: Option<bool>,
    /// `severity`, if set.
    pub severity: Option<Severity>,
    /// The block.
    pub location: Location,
}

/// A `client_ports "<pattern>" { from = …, to = … }` block: the source ports clients whose
/// address matches pick for their connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPorts {
    /// Which resources this applies to.
    pub pattern: AddrPattern,
    /// Lowest port, inclusive.
    pub from: u16,
    /// Highest port, inclusive.
    pub to: u16,
    /// The block.
    pub location: Location,
}

/// The `prices { … }` block: overrides of the built-in price table.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceOverrides {
    /// `region`, the price region to show in output, if set.
    pub region: Option<String>,
    /// The prices set, in USD, by attribute name (`nat_gateway_gb`, …), in file order.
    pub usd: Vec<(&'static str, f64)>,
    /// The block.
    pub location: Location,
}

/// One end of an expected flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `"internet"`: any address outside AWS.
    Internet,
    /// The resources whose address matches.
    Address(AddrPattern),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Internet => f.write_str("internet"),
            Endpoint::Address(pattern) => pattern.fmt(f),
        }
    }
}

/// An IP protocol as security groups and NACLs name it. Numbers with a name (6, 17, 1, 58) are
/// stored as the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Every protocol (`all`, `-1`).
    All,
    /// TCP (6).
    Tcp,
    /// UDP (17).
    Udp,
    /// ICMP (1).
    Icmp,
    /// ICMPv6 (58).
    Icmpv6,
    /// Any other protocol number.
    Number(u8),
}

impl Protocol {
    /// The protocol with this IANA number.
    pub fn from_number(number: u8) -> Protocol {
        match number {
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp,
            58 => Protocol::Icmpv6,
            other => Protocol::Number(other),
        }
    }

    /// Whether flows of this protocol have ports.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// Whether flows of this protocol have an ICMP type and code.
    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Icmp | Protocol::Icmpv6)
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::Number(n) => write!(f, "{n}"),
        }
    }
}

/// An `expect "<name>" { … }` block: a reachability expectation the evaluator checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The block's label.
    pub name: String,
    /// Where the flow starts.
    pub from: Endpoint,
    /// Where the flow goes.
    pub to: Endpoint,
    /// The protocol (`all` when not set).
    pub protocol: Protocol,
    /// Destination port ranges, inclusive, sorted and merged; `None` means all ports.
    /// Only set for tcp and udp.
    pub ports: Option<Vec<(u16, u16)>>,
    /// The ICMP type; `None` means all. Only set for icmp and icmpv6.
    pub icmp_type: Option<u8>,
    /// The ICMP code; `None` means all. Only set together with `icmp_type`.
    pub icmp_code: Option<u8>,
    /// Whether the flow must be possible (`true`) or impossible (`false`).
    pub reachable: bool,
    /// The block.
    pub location: Location,
}

/// An `ignore { … }` block: suppresses a rule's findings, everywhere or on matching addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The rule whose findings are suppressed.
    pub rule: String,
    /// The resources it applies to; `None` means every address.
    pub address: Option<AddrPattern>,
    /// Why the finding is accepted.
    pub reason: String,
    /// The block.
    pub location: Location,
}

impl Ignore {
    /// Whether this suppression covers a finding of `rule` on `address`.
    pub fn covers(&self, rule: &str, address: &str) -> bool {
        self.rule == rule && self.address.as_ref().is_none_or(|pattern| pattern.matches(address))
    }
}

impl Config {
    /// Parses and validates configuration text. `path` names the file in diagnostics;
    /// `known_rules` are the rule names tfvpc has (from the rule registry).
    pub fn parse(text: &str, path: &Path, known_rules: &[&str]) -> Result<Config> {
        parse::parse(text, path, known_rules)
    }

    /// Reads and parses the file `--config FILE` names. A missing file is an [`Error::Read`].
    pub fn load(path: &Path, known_rules: &[&str]) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.display().to_string(), source })?;
        Config::parse(&text, path, known_rules)
    }

    /// Looks for [`FILE_NAME`] in `start_dir` (the input's folder; relative paths are taken from
    /// the working directory), then in each parent up to the filesystem root, and loads the
    /// first one found. `Ok(None)` when there is none.
    pub fn discover(start_dir: &Path, known_rules: &[&str]) -> Result<Option<(PathBuf, Config)>> {
        let start = if start_dir.as_os_str().is_empty() { Path::new(".") } else { start_dir };
        let start = std::path::absolute(start)
            .map_err(|source| Error::Read { path: start_dir.display().to_string(), source })?;
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                let config = Config::load(&candidate, known_rules)?;
                return Ok(Some((candidate, config)));
            }
        }
        Ok(None)
    }

    /// The file as a miette source, for diagnostics that point into it.
    pub fn source(&self) -> NamedSource<String> {
        NamedSource::new(self.path.display().to_string(), self.text.clone())
    }
}
