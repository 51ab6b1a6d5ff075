//! HCL text → validated [`Config`]. Parsing keeps byte spans (hcl-edit), so every error names the
//! file, line and column of the offending block, attribute or value, and carries the whole file
//! for miette to underline it. Validation is driven by [`SCHEMA`]; block-specific checks (ranges,
//! duplicates, protocol/ports combinations) follow in one function per block type.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use hcl::edit::Span;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, Structure};
use miette::NamedSource;

use super::schema::{AttrSpec, BlockSpec, CHANGE_NAMES, Kind, SCHEMA, block_spec};
use super::{
    AddrPattern, ClientPorts, Config, DiffOptions, Endpoint, Expect, Ignore, Location, PriceOverrides, Protocol,
    RuleOverride,
};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::suggest::closest;

/// Parses and validates `text`, the contents of the configuration file `path`.
pub(super) fn parse(text: &str, path: &Path, known_rules: &[&str]) -> Result<Config> {
    let parser = Parser { text, path, known_rules };
    parser.config().map_err(|problem| parser.to_error(problem))
}

/// What is wrong where; becomes an [`Error::Config`] at the module's edge (the crate-wide
/// `Error` is large, so the parser passes this small value around instead).
#[derive(Debug)]
struct Problem {
    span: Range<usize>,
    message: String,
    help: String,
}

type Checked<T> = std::result::Result<T, Problem>;

/// 1-based line and column (in characters) of a byte offset; an offset past the end or inside a
/// character is moved back to the nearest character start.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

struct Parser<'a> {
    text: &'a str,
    path: &'a Path,
    known_rules: &'a [&'a str],
}

/// A checked attribute value, typed by its [`Kind`].
#[derive(Debug)]
enum Value {
    Bool(bool),
    Text(String),
    Severity(Severity),
    Port(u16),
    Price(f64),
    Protocol(Protocol),
    Ports(Vec<(u16, u16)>),
    Icmp(u8),
    Pattern(AddrPattern),
    Endpoint(Endpoint),
    Changes(Vec<String>),
}

/// One attribute of a block, checked against its [`AttrSpec`].
#[derive(Debug)]
struct Field {
    spec: &'static AttrSpec,
    value: Value,
    value_span: Range<usize>,
}

/// The checked attributes of one block.
#[derive(Debug)]
struct Fields(Vec<Field>);

impl Fields {
    fn find(&self, name: &str) -> Option<&Field> {
        self.0.iter().find(|field| field.spec.name == name)
    }

    fn span(&self, name: &str) -> Option<Range<usize>> {
        self.find(name).map(|field| field.value_span.clone())
    }

    fn bool(&self, name: &str) -> Option<bool> {
        match self.find(name)?.value {
            Value::Bool(value) => Some(value),
            _ => None,
        }
    }

    fn text(&self, name: &str) -> Option<String> {
        match &self.find(name)?.value {
            Value::Text(value) => Some(value.clone()),
            _ => None,
        }
    }

    fn severity(&self, name: &str) -> Option<Severity> {
        match self.find(name)?.value {
            Value::Severity(value) => Some(value),
            _ => None,
        }
    }

    fn port(&self, name: &str) -> Option<u16> {
        match self.find(name)?.value {
            Value::Port(value) => Some(value),
            _ => None,
        }
    }

    fn protocol(&self, name: &str) -> Option<Protocol> {
        match self.find(name)?.value {
            Value::Protocol(value) => Some(value),
            _ => None,
        }
    }

    fn ports(&self, name: &str) -> Option<Vec<(u16, u16)>> {
        match &self.find(name)?.value {
            Value::Ports(value) => Some(value.clone()),
            _ => None,
        }
    }

    fn icmp(&self, name: &str) -> Option<u8> {
        match self.find(name)?.value {
            Value::Icmp(value) => Some(value),
            _ => None,
        }
    }

    fn pattern(&self, name: &str) -> Option<AddrPattern> {
        match &self.find(name)?.value {
            Value::Pattern(value) => Some(value.clone()),
            _ => None,
        }
    }

    fn endpoint(&self, name: &str) -> Option<Endpoint> {
        match &self.find(name)?.value {
            Value::Endpoint(value) => Some(value.clone()),
            _ => None,
        }
    }

    fn prices(&self) -> Vec<(&'static str, f64)> {
        self.0
            .iter()
            .filter_map(|field| match field.value {
                Value::Price(usd) => Some((field.spec.name, usd)),
                _ => None,
            })
            .collect()
    }
}

/// A literal value as written, before it is checked against a [`Kind`].
enum Literal<'e> {
    Null,
    Bool(bool),
    Number(&'e hcl::edit::Number),
    String(&'e str),
    Array,
    Object,
}

impl Literal<'_> {
    fn describe(&self) -> String {
        match self {
            Literal::Null => "null".to_owned(),
            Literal::Bool(value) => format!("the bool {value}"),
            Literal::Number(value) => format!("the number {value}"),
            Literal::String(value) => format!("the string \"{value}\""),
            Literal::Array => "a list".to_owned(),
            Literal::Object => "an object".to_owned(),
        }
    }
}

/// A block's checked label.
struct Label {
    text: String,
    span: Range<usize>,
    value: Value,
}

impl Parser<'_> {
    fn config(&self) -> Checked<Config> {
        let body = hcl::edit::parser::parse_body(self.text).map_err(|err| {
            let offset = err.location().offset();
            self.error(
                offset..offset,
                format!("invalid HCL: {}", err.message()),
                "the file holds blocks such as `rule \"cross-az-nat\" { severity = \"note\" }`; \
                 see docs/configuration.md",
            )
        })?;
        let mut config = Config {
            path: self.path.to_path_buf(),
            text: self.text.to_owned(),
            rules: Vec::new(),
            client_ports: Vec::new(),
            prices: None,
            expects: Vec::new(),
            ignores: Vec::new(),
            diff: DiffOptions::default(),
        };
        // (block type, label) → line of the first such block, for duplicate checks.
        let mut first_lines: HashMap<(&'static str, String), usize> = HashMap::new();
        for structure in body.iter() {
            let block = match structure {
                Structure::Block(block) => block,
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    let mut help = format!("the top level holds only blocks: {}", block_names().join(", "));
                    if let Some(owner) = SCHEMA.iter().find(|spec| spec.attribute(name).is_some()) {
                        help = format!("`{name}` belongs inside a `{}` block, e.g. {}", owner.name, owner.example);
                    }
                    return Err(self.error(
                        span_of(&attr.key),
                        format!("unexpected attribute `{name}` at the top level"),
                        help,
                    ));
                }
            };
            let ident = block.ident.as_str();
            let Some(spec) = block_spec(ident) else {
                let mut help = format!("the configuration file accepts these blocks: {}", block_names().join(", "));
                if let Some(near) = closest(ident, block_names()) {
                    help = format!("did you mean `{near}`? {help}");
                }
                return Err(self.error(span_of(&block.ident), format!("unknown block type `{ident}`"), help));
            };
            let label = self.label(spec, block)?;
            // Labelled blocks are unique per label; unlabelled ones are unique unless repeatable.
            if label.is_some() || !spec.repeatable {
                let key = (spec.name, label.as_ref().map_or(String::new(), |l| l.text.clone()));
                if let Some(first_line) = first_lines.get(&key) {
                    let span = label.as_ref().map_or_else(|| header_span(block), |l| l.span.clone());
                    return Err(self.duplicate(spec, label.as_ref(), span, *first_line));
                }
                let line = line_column(self.text, header_span(block).start).0;
                first_lines.insert(key, line);
            }
            let fields = self.fields(spec, block)?;
            let location = self.location(header_span(block));
            match spec.name {
                "rule" => config.rules.push(self.rule_block(label, &fields, location)?),
                "client_ports" => config.client_ports.push(self.client_ports_block(label, &fields, block, location)?),
                "prices" => {
                    config.prices =
                        Some(PriceOverrides { region: fields.text("region"), usd: fields.prices(), location });
                }
                "expect" => config.expects.push(self.expect_block(label, &fields, block, location)?),
                "ignore" => config.ignores.push(self.ignore_block(&fields, block, location)?),
                "diff" => {
                    if let Some(Field { value: Value::Changes(changes), .. }) = fields.find("fail_on") {
                        config.diff.fail_on.clone_from(changes);
                    }
                }
                "public" => {
                    if let Some(Label { value: Value::Pattern(pattern), .. }) = label {
                        config.diff.public.push(pattern);
                    }
                }
                other => {
                    return Err(self.error(
                        span_of(&block.ident),
                        format!("block type `{other}` is in the schema but has no reader"),
                        "this is a bug in tfvpc; please report it",
                    ));
                }
            }
        }
        Ok(config)
    }

    /// Checks the block's labels against its spec; returns the label, if any.
    fn label(&self, spec: &BlockSpec, block: &Block) -> Checked<Option<Label>> {
        match (spec.label, block.labels.as_slice()) {
            (None, []) => Ok(None),
            (None, [first, ..]) => Err(self.error(
                span_of(first),
                format!("a `{}` block takes no label", spec.name),
                format!("write it as {}", spec.example),
            )),
            (Some(label), []) => Err(self.error(
                span_of(&block.ident),
                format!("a `{}` block needs a label: the {}", spec.name, label.what),
                format!("write it as {}", spec.example),
            )),
            (Some(label), [only]) => {
                let text = only.as_str();
                let span = span_of(only);
                if text.trim().is_empty() {
                    return Err(self.error(
                        span,
                        format!("the `{}` block's label is empty", spec.name),
                        format!("write it as {}", spec.example),
                    ));
                }
                let value = self.convert("the label", label.kind, &Literal::String(text), span.clone())?;
                Ok(Some(Label { text: text.to_owned(), span, value }))
            }
            (Some(label), [_, second, ..]) => Err(self.error(
                span_of(second),
                format!("a `{}` block takes one label (the {}), found {}", spec.name, label.what, block.labels.len()),
                format!("write it as {}", spec.example),
            )),
        }
    }

    fn duplicate(&self, spec: &BlockSpec, label: Option<&Label>, span: Range<usize>, first_line: usize) -> Problem {
        match (spec.name, label.map(|l| l.text.as_str())) {
            ("client_ports", Some(pattern)) => self.error(
                span,
                format!("duplicate `client_ports \"{pattern}\"` block"),
                format!(
                    "the block at line {first_line} has the same pattern and, as the first match \
                     wins, this one is never used; remove one of them"
                ),
            ),
            (name, Some(label)) => self.error(
                span,
                format!("duplicate `{name} \"{label}\"` block"),
                format!("the first is at line {first_line}; merge the two into one block"),
            ),
            (name, None) => self.error(
                span,
                format!("duplicate `{name}` block"),
                format!("the first is at line {first_line}; merge the two into one block"),
            ),
        }
    }

    /// Checks every attribute of the block against the spec: known, literal, well-typed, and
    /// every required attribute present.
    fn fields(&self, spec: &'static BlockSpec, block: &Block) -> Checked<Fields> {
        let mut fields = Vec::new();
        for structure in block.body.iter() {
            match structure {
                Structure::Block(nested) => {
                    return Err(self.error(
                        span_of(&nested.ident),
                        format!("unexpected block `{}` inside a `{}` block", nested.ident.as_str(), spec.name),
                        format!(
                            "a `{}` block holds only `name = value` attributes: {}",
                            spec.name,
                            spec.attribute_names().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    let Some(attr_spec) = spec.attribute(name) else {
                        let accepted = spec.attribute_names().collect::<Vec<_>>().join(", ");
                        let help = match closest(name, spec.attribute_names()) {
                            Some(near) => format!("did you mean `{near}`? a `{}` block accepts: {accepted}", spec.name),
                            None => format!("a `{}` block accepts: {accepted}", spec.name),
                        };
                        return Err(self.error(
                            span_of(&attr.key),
                            format!("unknown attribute `{name}` in a `{}` block", spec.name),
                            help,
                        ));
                    };
                    let value = self.value(attr_spec, &attr.value)?;
                    fields.push(Field { spec: attr_spec, value, value_span: span_of(&attr.value) });
                }
            }
        }
        let fields = Fields(fields);
        if let Some(missing) = spec.attributes.iter().find(|attr| attr.required && fields.find(attr.name).is_none()) {
            return Err(self.missing(spec, block, missing));
        }
        Ok(fields)
    }

    fn missing(&self, spec: &BlockSpec, block: &Block, attr: &AttrSpec) -> Problem {
        let why = match (spec.name, attr.name) {
            ("ignore", "reason") => " (say why the finding is accepted)",
            _ => "",
        };
        self.error(
            header_span(block),
            format!("this `{}` block has no `{}`{why}", spec.name, attr.name),
            format!("add `{} = …`: {}", attr.name, attr.kind.expected()),
        )
    }

    /// The literal an attribute expression is, or an error when it is not a literal.
    fn literal<'e>(&self, spec: &AttrSpec, expr: &'e Expression) -> Checked<Literal<'e>> {
        match expr {
            Expression::Null(_) => Ok(Literal::Null),
            Expression::Bool(value) => Ok(Literal::Bool(*value.value())),
            Expression::Number(value) => Ok(Literal::Number(value.value())),
            Expression::String(value) => Ok(Literal::String(value.value().as_str())),
            Expression::Array(_) => Ok(Literal::Array),
            Expression::Object(_) => Ok(Literal::Object),
            _ => {
                let span = span_of(expr);
                let snippet = self.text.get(span.clone()).unwrap_or_default();
                let snippet = match snippet.char_indices().nth(40) {
                    Some((cut, _)) => format!("{}…", &snippet[..cut]),
                    None => snippet.to_owned(),
                };
                Err(self.error(
                    span,
                    format!("`{}` is an expression (`{snippet}`), not a literal value", spec.name),
                    format!(
                        "write the value itself, {}: the configuration file is data, so \
                         variables, functions, heredocs and `${{…}}` interpolation are not evaluated",
                        spec.kind.expected()
                    ),
                ))
            }
        }
    }

    /// Checks an attribute value against its kind.
    fn value(&self, spec: &AttrSpec, expr: &Expression) -> Checked<Value> {
        let literal = self.literal(spec, expr)?;
        self.convert(&format!("`{}`", spec.name), spec.kind, &literal, span_of(expr))
    }

    /// Checks a literal against a kind. `subject` names what holds it in messages: "`from`" or
    /// "the label".
    fn convert(&self, subject: &str, kind: Kind, literal: &Literal<'_>, span: Range<usize>) -> Checked<Value> {
        let write = format!("write {}", kind.expected());
        match (kind, literal) {
            (Kind::Bool, Literal::Bool(value)) => Ok(Value::Bool(*value)),
            (Kind::Text, Literal::String(text)) => {
                if text.trim().is_empty() {
                    Err(self.error(span, format!("{subject} is empty"), write))
                } else {
                    Ok(Value::Text((*text).to_owned()))
                }
            }
            (Kind::Severity, Literal::String(text)) => match Severity::parse(text) {
                Some(severity) => Ok(Value::Severity(severity)),
                None => Err(self.error(
                    span,
                    format!("unknown severity \"{text}\""),
                    with_suggestion(text, ["error", "warning", "note"], write),
                )),
            },
            (Kind::Port, Literal::Number(number)) => {
                let port = self.integer(subject, kind, number, span.clone())?;
                u16::try_from(port)
                    .map(Value::Port)
                    .map_err(|_| self.error(span, format!("port {port} is out of range"), write))
            }
            (Kind::IcmpNumber, Literal::Number(number)) => {
                let value = self.integer(subject, kind, number, span.clone())?;
                u8::try_from(value).map(Value::Icmp).map_err(|_| {
                    self.error(
                        span,
                        format!("{subject} {value} is out of range"),
                        format!("{write}; leave {subject} out to mean all"),
                    )
                })
            }
            (Kind::Price, Literal::Number(number)) => {
                let usd = number.as_f64().unwrap_or(f64::NAN);
                if usd >= 0.0 {
                    Ok(Value::Price(usd))
                } else {
                    Err(self.error(
                        span,
                        format!("{subject} is negative ({number})"),
                        format!("{write}; a free item costs 0"),
                    ))
                }
            }
            (Kind::Protocol, Literal::String(text)) => self.protocol_name(text, span).map(Value::Protocol),
            (Kind::Protocol, Literal::Number(number)) => {
                let value = self.integer(subject, kind, number, span.clone())?;
                match value {
                    -1 => Ok(Value::Protocol(Protocol::All)),
                    _ => u8::try_from(value)
                        .map(|n| Value::Protocol(Protocol::from_number(n)))
                        .map_err(|_| self.error(span, format!("protocol number {value} is out of range"), write)),
                }
            }
            (Kind::PortList, Literal::String(text)) => parse_port_list(text)
                .map(Value::Ports)
                .map_err(|reason| self.error(span, format!("invalid {subject}: {reason}"), write)),
            (Kind::Pattern, Literal::String(text)) => AddrPattern::parse(text)
                .map(Value::Pattern)
                .map_err(|reason| self.bad_pattern(subject, text, span, &reason)),
            (Kind::Endpoint, Literal::String("internet")) => Ok(Value::Endpoint(Endpoint::Internet)),
            (Kind::Endpoint, Literal::String(text)) => AddrPattern::parse(text)
                .map(|pattern| Value::Endpoint(Endpoint::Address(pattern)))
                .map_err(|reason| self.bad_pattern(subject, text, span, &reason)),
            (Kind::ChangeList, Literal::String(text)) => {
                let mut changes = Vec::new();
                for name in text.split(',').map(str::trim) {
                    if !CHANGE_NAMES.contains(&name) {
                        return Err(self.error(
                            span,
                            format!("unknown kind of change \"{name}\" in {subject}"),
                            with_suggestion(name, CHANGE_NAMES.iter().copied(), write),
                        ));
                    }
                    if !changes.iter().any(|c| c == name) {
                        changes.push(name.to_owned());
                    }
                }
                Ok(Value::Changes(changes))
            }
            (Kind::RuleName, Literal::String(text)) => {
                self.known_rule(text, span).map(|()| Value::Text((*text).to_owned()))
            }
            (_, literal) => {
                Err(self.error(span, format!("{subject} must be {}, found {}", noun(kind), literal.describe()), write))
            }
        }
    }

    /// A whole number, or an error naming its subject.
    fn integer(&self, subject: &str, kind: Kind, number: &hcl::edit::Number, span: Range<usize>) -> Checked<i64> {
        if let Some(value) = number.as_i64() {
            return Ok(value);
        }
        // Quote the number as written: a huge integer is stored as a float (1e20).
        let written = self.text.get(span.clone()).unwrap_or_default().to_owned();
        let fractional = number.as_f64().is_some_and(|value| value.fract() != 0.0);
        let message = if number.is_f64() && (fractional || written.contains(['.', 'e', 'E'])) {
            format!("{subject} must be a whole number, found {written}")
        } else {
            format!("{subject} {written} is out of range")
        };
        Err(self.error(span, message, format!("write {}", kind.expected())))
    }

    fn protocol_name(&self, text: &str, span: Range<usize>) -> Checked<Protocol> {
        const NAMES: [&str; 6] = ["tcp", "udp", "icmp", "icmpv6", "all", "-1"];
        let protocol = match text {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "icmp" => Some(Protocol::Icmp),
            "icmpv6" => Some(Protocol::Icmpv6),
            "all" | "-1" => Some(Protocol::All),
            number => number.parse::<u8>().ok().map(Protocol::from_number),
        };
        protocol.ok_or_else(|| {
            let lower = text.to_ascii_lowercase();
            let help = if NAMES.contains(&lower.as_str()) {
                format!("protocol names are lower-case: write \"{lower}\"")
            } else {
                with_suggestion(text, NAMES, format!("write {}", Kind::Protocol.expected()))
            };
            self.error(span, format!("unknown protocol \"{text}\""), help)
        })
    }

    fn known_rule(&self, name: &str, span: Range<usize>) -> Checked<()> {
        if self.known_rules.contains(&name) {
            return Ok(());
        }
        let help = "`tfvpc rules` lists the rules".to_owned();
        Err(self.error(
            span,
            format!("unknown rule \"{name}\""),
            with_suggestion(name, self.known_rules.iter().copied(), help),
        ))
    }

    fn bad_pattern(&self, subject: &str, text: &str, span: Range<usize>, reason: &str) -> Problem {
        self.error(
            span,
            format!("invalid address pattern \"{text}\" in {subject}: {reason}"),
            "an address pattern is a Terraform address where `*` matches within one segment \
             and `**` matches whole segments, e.g. \"module.vpc.aws_subnet.private[*]\" or \
             \"**.aws_instance.web\"",
        )
    }

    fn rule_block(&self, label: Option<Label>, fields: &Fields, location: Location) -> Checked<RuleOverride> {
        Ok(RuleOverride {
            name: label.map(|l| l.text).unwrap_or_default(),
            enabled: fields.bool("enabled"),
            severity: fields.severity("severity"),
            location,
        })
    }

    fn client_ports_block(
        &self,
        label: Option<Label>,
        fields: &Fields,
        block: &Block,
        location: Location,
    ) -> Checked<ClientPorts> {
        let (Some(Value::Pattern(pattern)), Some(from), Some(to)) =
            (label.map(|l| l.value), fields.port("from"), fields.port("to"))
        else {
            return Err(self.missing_any(block, &["label", "from", "to"]));
        };
        if from > to {
            return Err(self.error(
                fields.span("to").unwrap_or_default(),
                format!("`to` ({to}) is below `from` ({from})"),
                "a range runs from the lower port to the higher, e.g. from = 49152 and to = 65535",
            ));
        }
        Ok(ClientPorts { pattern, from, to, location })
    }

    fn expect_block(
        &self,
        label: Option<Label>,
        fields: &Fields,
        block: &Block,
        location: Location,
    ) -> Checked<Expect> {
        let name = label.map(|l| l.text).unwrap_or_default();
        let (Some(from), Some(to), Some(reachable)) =
            (fields.endpoint("from"), fields.endpoint("to"), fields.bool("reachable"))
        else {
            return Err(self.missing_any(block, &["from", "to", "reachable"]));
        };
        let protocol = fields.protocol("protocol").unwrap_or(Protocol::All);
        let ports = fields.ports("ports");
        if ports.is_some() && !protocol.has_ports() {
            let help = if protocol.is_icmp() {
                "ICMP has no ports: remove `ports` and use `icmp_type` and `icmp_code`"
            } else {
                "remove `ports`, or set protocol = \"tcp\" or \"udp\""
            };
            return Err(self.error(
                fields.span("ports").unwrap_or_default(),
                format!("`ports` applies only to tcp and udp, but protocol is {protocol}"),
                help,
            ));
        }
        let icmp_type = fields.icmp("icmp_type");
        let icmp_code = fields.icmp("icmp_code");
        for (attr, value) in [("icmp_type", icmp_type), ("icmp_code", icmp_code)] {
            if value.is_some() && !protocol.is_icmp() {
                return Err(self.error(
                    fields.span(attr).unwrap_or_default(),
                    format!("`{attr}` applies only to icmp and icmpv6, but protocol is {protocol}"),
                    format!("remove `{attr}`, or set protocol = \"icmp\" or \"icmpv6\""),
                ));
            }
        }
        if icmp_code.is_some() && icmp_type.is_none() {
            return Err(self.error(
                fields.span("icmp_code").unwrap_or_default(),
                "`icmp_code` is set without `icmp_type`".to_owned(),
                "a code refines a type: add `icmp_type` (e.g. icmp_type = 3 for destination \
                 unreachable), or remove `icmp_code`",
            ));
        }
        Ok(Expect { name, from, to, protocol, ports, icmp_type, icmp_code, reachable, location })
    }

    fn ignore_block(&self, fields: &Fields, block: &Block, location: Location) -> Checked<Ignore> {
        let (Some(rule), Some(reason)) = (fields.text("rule"), fields.text("reason")) else {
            return Err(self.missing_any(block, &["rule", "reason"]));
        };
        Ok(Ignore { rule, address: fields.pattern("address"), reason, location })
    }

    /// Reached only if a block reader and [`SCHEMA`] disagree about required attributes.
    fn missing_any(&self, block: &Block, names: &[&str]) -> Problem {
        self.error(
            header_span(block),
            format!(
                "this `{}` block needs {}",
                block.ident.as_str(),
                names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            ),
            "see docs/configuration.md",
        )
    }

    fn location(&self, span: Range<usize>) -> Location {
        let (line, column) = line_column(self.text, span.start);
        Location { file: self.path.to_path_buf(), line, column, offset: span.start, len: span.len() }
    }

    fn error(&self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem { span, message: message.into(), help: help.into() }
    }

    fn to_error(&self, problem: Problem) -> Error {
        let file = self.path.display().to_string();
        let (line, column) = line_column(self.text, problem.span.start);
        Error::Config(Box::new(crate::error::ConfigError {
            src: NamedSource::new(file.clone(), self.text.to_owned()),
            file,
            line,
            column,
            message: problem.message,
            span: (problem.span.start, problem.span.len()).into(),
            help: Some(problem.help),
        }))
    }
}

/// The byte span hcl-edit recorded; every parsed item has one.
fn span_of(item: &impl Span) -> Range<usize> {
    item.span().unwrap_or_default()
}

/// From the block type to the end of its labels: `rule "cross-az-nat"`.
fn header_span(block: &Block) -> Range<usize> {
    let start = span_of(&block.ident).start;
    let end = block.labels.last().map_or_else(|| span_of(&block.ident).end, |label| span_of(label).end);
    start..end.max(start)
}

fn block_names() -> Vec<&'static str> {
    SCHEMA.iter().map(|spec| spec.name).collect()
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "true or false",
        Kind::Text => "a string",
        Kind::Severity => "a severity string",
        Kind::Port => "a port number",
        Kind::Price => "a number of US dollars",
        Kind::Protocol => "a protocol",
        Kind::PortList => "a port list string",
        Kind::IcmpNumber => "an ICMP number",
        Kind::Pattern => "an address pattern string",
        Kind::Endpoint => "\"internet\" or an address pattern string",
        Kind::RuleName => "a rule name string",
        Kind::ChangeList => "a string of kinds of change",
    }
}

fn with_suggestion<'a>(text: &str, known: impl IntoIterator<Item = &'a str>, help: String) -> String {
    match closest(text, known) {
        Some(near) => format!("did you mean \"{near}\"? {help}"),
        None => help,
    }
}

/// Parses `"443"`, `"80,443"`, `"1024-65535"` (and mixtures) into sorted, merged inclusive ranges.
pub(crate) fn parse_port_list(text: &str) -> std::result::Result<Vec<(u16, u16)>, String> {
    let port = |item: &str| {
        item.trim().parse::<u16>().map_err(|_| format!("`{}` is not a port number from 0 to 65535", item.trim()))
    };
    let mut ranges = Vec::new();
    for item in text.split(',') {
        if item.trim().is_empty() {
            return Err(format!("\"{text}\" has an empty entry"));
        }
        let range = match item.split_once('-') {
            Some((from, to)) => (port(from)?, port(to)?),
            None => {
                let single = port(item)?;
                (single, single)
            }
        };
        if range.0 > range.1 {
            return Err(format!("the range `{}` runs backwards; write the lower port first", item.trim()));
        }
        ranges.push(range);
    }
    ranges.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
    for (from, to) in ranges {
        match merged.last_mut() {
            Some(last) if u32::from(from) <= u32::from(last.1) + 1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\nçd = 1\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // `d` is after the two-byte `ç`.
        assert_eq!(line_column(text, 5), (2, 2));
        // Inside `ç`: moved back to its start.
        assert_eq!(line_column(text, 4), (2, 1));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn port_lists() {
        assert_eq!(parse_port_list("443"), Ok(vec![(443, 443)]));
        assert_eq!(parse_port_list("80, 443"), Ok(vec![(80, 80), (443, 443)]));
        assert_eq!(parse_port_list("1024-65535"), Ok(vec![(1024, 65535)]));
        assert_eq!(parse_port_list("443,80-90,85-100,101"), Ok(vec![(80, 101), (443, 443)]));
        assert_eq!(parse_port_list("0-65535"), Ok(vec![(0, 65535)]));
        assert!(parse_port_list("").unwrap_err().contains("empty entry"));
        assert!(parse_port_list("80,").unwrap_err().contains("empty entry"));
        assert!(parse_port_list("70000").unwrap_err().contains("`70000`"));
        assert!(parse_port_list("http").unwrap_err().contains("`http`"));
        assert!(parse_port_list("90-80").unwrap_err().contains("backwards"));
    }

    #[test]
    fn every_schema_example_parses() {
        for spec in SCHEMA {
            parse(spec.example, Path::new("example.hcl"), &["cross-az-nat"])
                .unwrap_or_else(|err| panic!("{}: {err}", spec.name));
        }
    }
}
