//! The one table of what `.tfvpc.hcl` may contain: block types, their label, their attributes and
//! each attribute's type and default. The parser validates against it and a test checks
//! `docs/configuration.md` against it, so the two cannot drift apart.

/// One block type of the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpec {
    /// The block type, e.g. `rule`.
    pub name: &'static str,
    /// The block's single label, or `None` when the block takes no label.
    pub label: Option<LabelSpec>,
    /// Whether the block may appear more than once.
    pub repeatable: bool,
    /// The attributes the block accepts.
    pub attributes: &'static [AttrSpec],
    /// A short valid example, for help lines.
    pub example: &'static str,
}

/// The label of a block type that takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelSpec {
    /// What the label names, e.g. `rule name`.
    pub what: &'static str,
    /// The type of its value.
    pub kind: Kind,
}

/// One attribute of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrSpec {
    /// The attribute name.
    pub name: &'static str,
    /// The type of value it takes.
    pub kind: Kind,
    /// Whether the block is invalid without it.
    pub required: bool,
    /// What applies when it is absent, as documented (`required` for required attributes).
    pub default: &'static str,
}

/// The type of an attribute value. Every value is a literal: the file is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `true` or `false`.
    Bool,
    /// A non-empty string.
    Text,
    /// `"error"`, `"warning"` or `"note"`.
    Severity,
    /// An integer port number, 0 to 65535.
    Port,
    /// A non-negative number of US dollars.
    Price,
    /// An IP protocol: a name, `-1`/`all`, or a protocol number.
    Protocol,
    /// A port list string: `"443"`, `"80,443"`, `"1024-65535"`.
    PortList,
    /// An ICMP type or code, 0 to 255.
    IcmpNumber,
    /// A Terraform address pattern (see [`super::AddrPattern`]).
    Pattern,
    /// `"internet"` or a Terraform address pattern.
    Endpoint,
    /// The name of a rule tfvpc knows.
    RuleName,
    /// A list of kinds of change: `"opened,closed"` (`opened`, `closed`, `may-open`,
    /// `may-close`, `rerouted`).
    ChangeList,
}

/// The kinds of change of `tfvpc diff`, as `diff { fail_on = "…" }` names them.
pub const CHANGE_NAMES: &[&str] = &["opened", "closed", "may-open", "may-close", "rerouted"];

impl Kind {
    /// How the type is written in the type column of `docs/configuration.md`.
    pub fn doc_type(self) -> &'static str {
        match self {
            Kind::Bool => "bool",
            Kind::Text => "string",
            Kind::Severity => "string: `error`, `warning` or `note`",
            Kind::Port => "integer, 0–65535",
            Kind::Price => "number ≥ 0 (USD)",
            Kind::Protocol => "string or integer: `tcp`, `udp`, `icmp`, `icmpv6`, `all`, `-1` or 0–255",
            Kind::PortList => "string: `\"443\"`, `\"80,443\"`, `\"1024-65535\"`",
            Kind::IcmpNumber => "integer, 0–255",
            Kind::Pattern => "string: address pattern",
            Kind::Endpoint => "string: `internet` or address pattern",
            Kind::RuleName => "string: rule name",
            Kind::ChangeList => "string: kinds of change separated by commas",
        }
    }

    /// What a value of this type looks like, for error help lines.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Kind::Bool => "`true` or `false`",
            Kind::Text => "a non-empty string in double quotes",
            Kind::Severity => "one of \"error\", \"warning\" or \"note\"",
            Kind::Port => "a whole number from 0 to 65535, without quotes",
            Kind::Price => "a number of US dollars, 0 or more, without quotes (e.g. 0.045)",
            Kind::Protocol => {
                "\"tcp\", \"udp\", \"icmp\", \"icmpv6\", \"all\" (or -1), or a protocol number from 0 to 255"
            }
            Kind::PortList => {
                "a string of ports and ranges separated by commas, e.g. \"443\", \"80,443\" or \"1024-65535\""
            }
            Kind::IcmpNumber => "a whole number from 0 to 255, without quotes",
            Kind::Pattern => "a Terraform address pattern in double quotes, e.g. \"module.vpc.aws_subnet.private[*]\"",
            Kind::Endpoint => "\"internet\" or a Terraform address pattern, e.g. \"module.db.aws_db_instance.main\"",
            Kind::RuleName => "the name of a tfvpc rule in double quotes (`tfvpc rules` lists them)",
            Kind::ChangeList => {
                "a string of kinds of change separated by commas, from opened, closed, may-open, may-close and rerouted, e.g. \"opened,closed\""
            }
        }
    }
}

const fn required(name: &'static str, kind: Kind) -> AttrSpec {
    AttrSpec { name, kind, required: true, default: "required" }
}

const fn optional(name: &'static str, kind: Kind, default: &'static str) -> AttrSpec {
    AttrSpec { name, kind, required: false, default }
}

const LIST_PRICE: &str = "us-east-1 list price";

/// Every block type the configuration file accepts, in the order the documentation lists them.
pub const SCHEMA: &[BlockSpec] = &[
    BlockSpec {
        name: "rule",
        example: "rule \"cross-az-nat\" { severity = \"note\" }",
        label: Some(LabelSpec { what: "rule name", kind: Kind::RuleName }),
        repeatable: true,
        attributes: &[
            optional("enabled", Kind::Bool, "`true`"),
            optional("severity", Kind::Severity, "the rule's default severity"),
        ],
    },
    BlockSpec {
        name: "client_ports",
        example: "client_ports \"aws_instance.win_*\" {\n  from = 49152\n  to   = 65535\n}",
        label: Some(LabelSpec { what: "address pattern", kind: Kind::Pattern }),
        repeatable: true,
        attributes: &[required("from", Kind::Port), required("to", Kind::Port)],
    },
    BlockSpec {
        name: "prices",
        example: "prices { nat_gateway_gb = 0.048 }",
        label: None,
        repeatable: false,
        attributes: &[
            optional("region", Kind::Text, "`us-east-1`"),
            optional("nat_gateway_hour", Kind::Price, LIST_PRICE),
            optional("nat_gateway_gb", Kind::Price, LIST_PRICE),
            optional("inter_az_gb", Kind::Price, LIST_PRICE),
            optional("transit_gateway_attachment_hour", Kind::Price, LIST_PRICE),
            optional("transit_gateway_gb", Kind::Price, LIST_PRICE),
            optional("interface_endpoint_az_hour", Kind::Price, LIST_PRICE),
            optional("interface_endpoint_gb", Kind::Price, LIST_PRICE),
            optional("gateway_endpoint_gb", Kind::Price, LIST_PRICE),
            optional("internet_egress_gb", Kind::Price, LIST_PRICE),
            optional("public_ipv4_hour", Kind::Price, LIST_PRICE),
        ],
    },
    BlockSpec {
        name: "expect",
        example: "expect \"db-private\" {\n  from      = \"internet\"\n  to        = \"module.db.aws_db_instance.main\"\n  reachable = false\n}",
        label: Some(LabelSpec { what: "expectation name", kind: Kind::Text }),
        repeatable: true,
        attributes: &[
            required("from", Kind::Endpoint),
            required("to", Kind::Endpoint),
            optional("protocol", Kind::Protocol, "`all`"),
            optional("ports", Kind::PortList, "all ports"),
            optional("icmp_type", Kind::IcmpNumber, "all types"),
            optional("icmp_code", Kind::IcmpNumber, "all codes"),
            required("reachable", Kind::Bool),
        ],
    },
    BlockSpec {
        name: "ignore",
        example: "ignore {\n  rule   = \"cross-az-nat\"\n  reason = \"one NAT gateway accepted in dev\"\n}",
        label: None,
        repeatable: true,
        attributes: &[
            required("rule", Kind::RuleName),
            optional("address", Kind::Pattern, "every address"),
            required("reason", Kind::Text),
        ],
    },
    BlockSpec {
        name: "diff",
        example: "diff { fail_on = \"opened,closed\" }",
        label: None,
        repeatable: false,
        attributes: &[optional("fail_on", Kind::ChangeList, "none (internet exposure only)")],
    },
    BlockSpec {
        name: "public",
        example: "public \"aws_instance.bastion\" { reason = \"the SSH bastion\" }",
        label: Some(LabelSpec { what: "address pattern", kind: Kind::Pattern }),
        repeatable: true,
        attributes: &[optional("reason", Kind::Text, "none")],
    },
];

/// The specification of one block type.
pub fn block_spec(name: &str) -> Option<&'static BlockSpec> {
    SCHEMA.iter().find(|block| block.name == name)
}

impl BlockSpec {
    /// The specification of one of this block's attributes.
    pub fn attribute(&self, name: &str) -> Option<&'static AttrSpec> {
        self.attributes.iter().find(|attr| attr.name == name)
    }

    /// The attribute names, for suggestions and help lines.
    pub fn attribute_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attributes.iter().map(|attr| attr.name)
    }
}
