//! `.tfvpc.hcl`: parsing good files, every error kind (message, line, column, help), discovery,
//! and the resolved `Settings`.

// clippy.toml allows these in `#[test]` functions only; the helpers below are test code too.
#![expect(clippy::unwrap_used, clippy::panic, reason = "test helpers")]

use std::path::{Path, PathBuf};

use tfvpc::Error;
use tfvpc::config::{Config, Endpoint, FILE_NAME, Protocol, resolve};
use tfvpc::finding::Severity;

const RULES: &[&str] = &["cross-az-nat", "missing-return-route", "sg-open-to-world"];

fn parse(text: &str) -> Config {
    Config::parse(text, Path::new(".tfvpc.hcl"), RULES).unwrap_or_else(|err| panic!("{err}"))
}

/// A failed parse: (message, line, column, help).
fn fail(text: &str) -> (String, usize, usize, String) {
    match Config::parse(text, Path::new("dir/.tfvpc.hcl"), RULES) {
        Ok(config) => panic!("expected an error, parsed {config:?}"),
        Err(Error::Config(e)) => {
            let tfvpc::error::ConfigError { file, line, column, message, src, span, help } = *e;
            assert_eq!(file, "dir/.tfvpc.hcl");
            assert_eq!(src.name(), "dir/.tfvpc.hcl");
            assert_eq!(src.inner(), text);
            assert!(span.offset() + span.len() <= text.len(), "span inside the file");
            (message, line, column, help.unwrap_or_default())
        }
        Err(other) => panic!("expected Error::Config, got {other:?}"),
    }
}

/// Asserts message, line and column, and that the help line contains `help`.
#[track_caller]
fn assert_error(text: &str, message: &str, line: usize, column: usize, help: &str) {
    let (got_message, got_line, got_column, got_help) = fail(text);
    assert_eq!(got_message, message);
    assert_eq!((got_line, got_column), (line, column), "line, column");
    assert!(got_help.contains(help), "help {got_help:?} should contain {help:?}");
}

const FULL: &str = r#"# per rule: enable/disable and severity
rule "cross-az-nat" {
  enabled  = true
  severity = "warning"
}

rule "sg-open-to-world" {
  enabled = false
}

client_ports "aws_instance.win_*" {
  from = 49152
  to   = 65535
}

client_ports "**.aws_instance.*" {
  from = 32768
  to   = 60999
}

prices {
  region                          = "eu-west-1"
  nat_gateway_hour                = 0.048
  nat_gateway_gb                  = 0.048
  inter_az_gb                     = 0.01 # per direction
  transit_gateway_attachment_hour = 0.05
  transit_gateway_gb              = 0.02
  interface_endpoint_az_hour      = 0.011
  interface_endpoint_gb           = 0.01
  gateway_endpoint_gb             = 0
  internet_egress_gb              = 0.09
  public_ipv4_hour                = 0.005
}

expect "db-private" {
  from      = "internet"
  to        = "module.db.aws_db_instance.main"
  protocol  = "tcp"
  ports     = "0-65535"
  reachable = false
}

expect "ping" {
  from      = "module.app.aws_instance.web[*]"
  to        = "internet"
  protocol  = "icmp"
  icmp_type = 8
  icmp_code = 0
  reachable = true
}

// a suppression
ignore {
  rule    = "cross-az-nat"
  address = "module.vpc.aws_subnet.private[*]"
  reason  = "one NAT accepted in dev"
}

/* everywhere */
ignore {
  rule   = "missing-return-route"
  reason = "the peer's routes live in another stack"
}
"#;

#[test]
fn full_file() {
    let config = parse(FULL);
    assert_eq!(config.path, PathBuf::from(".tfvpc.hcl"));
    assert_eq!(config.rules.len(), 2);
    assert_eq!(config.rules[0].name, "cross-az-nat");
    assert_eq!(config.rules[0].enabled, Some(true));
    assert_eq!(config.rules[0].severity, Some(Severity::Warning));
    assert_eq!(config.rules[1].enabled, Some(false));
    assert_eq!(config.rules[1].severity, None);
    assert_eq!((config.rules[1].location.line, config.rules[1].location.column), (7, 1));

    assert_eq!(config.client_ports.len(), 2);
    assert_eq!(config.client_ports[0].pattern.as_str(), "aws_instance.win_*");
    assert_eq!((config.client_ports[0].from, config.client_ports[0].to), (49152, 65535));

    let prices = config.prices.as_ref().unwrap();
    assert_eq!(prices.region.as_deref(), Some("eu-west-1"));
    assert_eq!(prices.usd.len(), 10);
    assert_eq!(prices.usd[0], ("nat_gateway_hour", 0.048));
    assert_eq!(prices.usd[7], ("gateway_endpoint_gb", 0.0));

    assert_eq!(config.expects.len(), 2);
    let db = &config.expects[0];
    assert_eq!(db.name, "db-private");
    assert_eq!(db.from, Endpoint::Internet);
    assert!(matches!(&db.to, Endpoint::Address(p) if p.as_str() == "module.db.aws_db_instance.main"));
    assert_eq!(db.protocol, Protocol::Tcp);
    assert_eq!(db.ports, Some(vec![(0, 65535)]));
    assert!(!db.reachable);
    assert_eq!((db.location.line, db.location.column), (35, 1));
    assert_eq!(db.location.file, PathBuf::from(".tfvpc.hcl"));
    assert_eq!(&FULL[db.location.range()], r#"expect "db-private""#, "the location covers the block header");
    let ping = &config.expects[1];
    assert_eq!(ping.protocol, Protocol::Icmp);
    assert_eq!((ping.icmp_type, ping.icmp_code), (Some(8), Some(0)));
    assert_eq!(ping.ports, None);
    assert!(ping.reachable);

    assert_eq!(config.ignores.len(), 2);
    let ignore = &config.ignores[0];
    assert_eq!(ignore.rule, "cross-az-nat");
    assert_eq!(ignore.reason, "one NAT accepted in dev");
    assert_eq!((ignore.location.line, ignore.location.column), (53, 1));
    assert!(ignore.covers("cross-az-nat", r#"module.vpc.aws_subnet.private["a"]"#));
    assert!(!ignore.covers("cross-az-nat", "module.vpc.aws_subnet.public[0]"));
    assert!(!ignore.covers("missing-return-route", "module.vpc.aws_subnet.private[0]"));
    assert!(config.ignores[1].address.is_none());
    assert!(config.ignores[1].covers("missing-return-route", "anything.at_all"));
}

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "\n\n", "# nothing yet\n", "// nothing\n/* still nothing */\n"] {
        let config = parse(text);
        assert!(config.rules.is_empty());
        assert!(config.client_ports.is_empty());
        assert!(config.prices.is_none());
        assert!(config.expects.is_empty());
        assert!(config.ignores.is_empty());
    }
}

#[test]
fn empty_blocks_and_single_line_blocks() {
    let config = parse("rule \"cross-az-nat\" {}\nprices {}\nrule \"sg-open-to-world\" { severity = \"error\" }\n");
    assert_eq!(config.rules[0].enabled, None);
    assert_eq!(config.rules[1].severity, Some(Severity::Error));
    assert!(config.prices.unwrap().usd.is_empty());
}

#[test]
fn protocol_spellings() {
    let protocol = |value: &str| {
        parse(&format!(
            "expect \"x\" {{\n  from = \"internet\"\n  to = \"a.b\"\n  protocol = {value}\n  reachable = true\n}}\n"
        ))
        .expects[0]
            .protocol
    };
    assert_eq!(protocol("\"tcp\""), Protocol::Tcp);
    assert_eq!(protocol("\"udp\""), Protocol::Udp);
    assert_eq!(protocol("\"icmpv6\""), Protocol::Icmpv6);
    assert_eq!(protocol("\"all\""), Protocol::All);
    assert_eq!(protocol("\"-1\""), Protocol::All);
    assert_eq!(protocol("-1"), Protocol::All);
    assert_eq!(protocol("6"), Protocol::Tcp);
    assert_eq!(protocol("\"17\""), Protocol::Udp);
    assert_eq!(protocol("58"), Protocol::Icmpv6);
    assert_eq!(protocol("47"), Protocol::Number(47));
    let default = parse("expect \"x\" {\n  from = \"internet\"\n  to = \"a.b\"\n  reachable = true\n}\n");
    assert_eq!(default.expects[0].protocol, Protocol::All);
    assert_eq!(default.expects[0].ports, None);
}

#[test]
fn ports_lists_are_sorted_and_merged() {
    let config = parse(
        "expect \"x\" {\n  from = \"internet\"\n  to = \"a.b\"\n  protocol = \"tcp\"\n  ports = \"443, 80,81-90\"\n  reachable = true\n}\n",
    );
    assert_eq!(config.expects[0].ports, Some(vec![(80, 90), (443, 443)]));
}

// ---- errors: syntax and structure ----

#[test]
fn hcl_syntax_error() {
    // hcl-edit reports the end of the line where the value is missing.
    let (message, line, column, _) = fail("rule \"cross-az-nat\" {\n  enabled = \n}\n");
    assert!(message.starts_with("invalid HCL: "), "{message}");
    assert_eq!((line, column), (2, 13));
}

#[test]
fn duplicate_attribute_is_a_syntax_error() {
    let (message, line, column, _) = fail("rule \"cross-az-nat\" {\n  enabled = true\n  enabled = false\n}\n");
    assert!(message.contains("redefined attribute"), "{message}");
    assert_eq!((line, column), (3, 3));
}

#[test]
fn unknown_block_type() {
    assert_error(
        "rule \"cross-az-nat\" {}\n\nprice {\n  nat_gateway_gb = 1\n}\n",
        "unknown block type `price`",
        3,
        1,
        "did you mean `prices`? the configuration file accepts these blocks: rule, client_ports, prices, expect, ignore",
    );
    assert_error("suppress {}\n", "unknown block type `suppress`", 1, 1, "accepts these blocks");
}

#[test]
fn top_level_attribute() {
    assert_error(
        "\nseverity = \"note\"\n",
        "unexpected attribute `severity` at the top level",
        2,
        1,
        "`severity` belongs inside a `rule` block",
    );
    assert_error(
        "colour = 1\n",
        "unexpected attribute `colour` at the top level",
        1,
        1,
        "the top level holds only blocks",
    );
}

#[test]
fn unknown_attribute() {
    assert_error(
        "rule \"cross-az-nat\" {\n  enabled = true\n  severty = \"note\"\n}\n",
        "unknown attribute `severty` in a `rule` block",
        3,
        3,
        "did you mean `severity`? a `rule` block accepts: enabled, severity",
    );
    assert_error(
        "prices {\n  nat_gw_gb = 0.1\n}\n",
        "unknown attribute `nat_gw_gb` in a `prices` block",
        2,
        3,
        "a `prices` block accepts: region, nat_gateway_hour",
    );
}

#[test]
fn nested_block() {
    assert_error(
        "rule \"cross-az-nat\" {\n  options {\n  }\n}\n",
        "unexpected block `options` inside a `rule` block",
        2,
        3,
        "holds only `name = value` attributes: enabled, severity",
    );
}

#[test]
fn labels() {
    assert_error(
        "rule {\n  enabled = false\n}\n",
        "a `rule` block needs a label: the rule name",
        1,
        1,
        "write it as rule \"cross-az-nat\"",
    );
    assert_error(
        "rule \"cross-az-nat\" \"extra\" {}\n",
        "a `rule` block takes one label (the rule name), found 2",
        1,
        21,
        "write it as",
    );
    assert_error("prices \"eu\" {}\n", "a `prices` block takes no label", 1, 8, "write it as prices {");
    assert_error("expect \"\" {}\n", "the `expect` block's label is empty", 1, 8, "write it as expect \"db-private\"");
}

// ---- errors: values ----

#[test]
fn wrong_value_types() {
    assert_error(
        "client_ports \"a.b\" {\n  from = \"49152\"\n  to   = 65535\n}\n",
        "`from` must be a port number, found the string \"49152\"",
        2,
        10,
        "write a whole number from 0 to 65535, without quotes",
    );
    assert_error(
        "rule \"cross-az-nat\" {\n  enabled = \"yes\"\n}\n",
        "`enabled` must be true or false, found the string \"yes\"",
        2,
        13,
        "write `true` or `false`",
    );
    assert_error(
        "rule \"cross-az-nat\" {\n  severity = 2\n}\n",
        "`severity` must be a severity string, found the number 2",
        2,
        14,
        "one of \"error\", \"warning\" or \"note\"",
    );
    assert_error(
        "ignore {\n  rule = [\"cross-az-nat\"]\n  reason = \"x\"\n}\n",
        "`rule` must be a rule name string, found a list",
        2,
        10,
        "the name of a tfvpc rule",
    );
    assert_error(
        "prices {\n  nat_gateway_gb = null\n}\n",
        "`nat_gateway_gb` must be a number of US dollars, found null",
        2,
        20,
        "0 or more",
    );
    assert_error(
        "prices {\n  region = { name = \"x\" }\n}\n",
        "`region` must be a string, found an object",
        2,
        12,
        "non-empty string",
    );
}

#[test]
fn expressions_are_not_values() {
    let cases = [
        ("var.from", "`from` is an expression (`var.from`), not a literal value"),
        ("local.ports[0]", "`from` is an expression (`local.ports[0]`), not a literal value"),
        ("max(1, 2)", "`from` is an expression (`max(1, 2)`), not a literal value"),
        ("1 + 2", "`from` is an expression (`1 + 2`), not a literal value"),
        ("(5)", "`from` is an expression (`(5)`), not a literal value"),
        ("true ? 1 : 2", "`from` is an expression (`true ? 1 : 2`), not a literal value"),
        ("\"${var.x}\"", "`from` is an expression (`\"${var.x}\"`), not a literal value"),
    ];
    for (expr, message) in cases {
        assert_error(
            &format!("client_ports \"a.b\" {{\n  from = {expr}\n  to = 2\n}}\n"),
            message,
            2,
            10,
            "the configuration file is data",
        );
    }
    assert_error(
        "ignore {\n  rule = \"cross-az-nat\"\n  reason = <<EOT\nlong\nEOT\n}\n",
        "`reason` is an expression (`<<EOT\nlong\nEOT`), not a literal value",
        3,
        12,
        "heredocs",
    );
    assert_error(
        "ignore {\n  rule = \"cross-az-nat\"\n  reason = \"accepted in ${terraform.workspace}\"\n}\n",
        "`reason` is an expression (`\"accepted in ${terraform.workspace}\"`), not a literal value",
        3,
        12,
        "interpolation",
    );
}

#[test]
fn ports_out_of_range() {
    assert_error(
        "client_ports \"a.b\" {\n  from = 1024\n  to   = 70000\n}\n",
        "port 70000 is out of range",
        3,
        10,
        "from 0 to 65535",
    );
    assert_error(
        "client_ports \"a.b\" {\n  from = -1\n  to   = 2\n}\n",
        "port -1 is out of range",
        2,
        10,
        "from 0 to 65535",
    );
    assert_error(
        "client_ports \"a.b\" {\n  from = 1.5\n  to   = 2\n}\n",
        "`from` must be a whole number, found 1.5",
        2,
        10,
        "whole number",
    );
    assert_error(
        "client_ports \"a.b\" {\n  from = 1\n  to   = 99999999999999999999\n}\n",
        "`to` 99999999999999999999 is out of range",
        3,
        10,
        "from 0 to 65535",
    );
    // HCL numbers are numbers: 80.0 is the whole number 80, as in Terraform.
    let config = parse("client_ports \"a.b\" {\n  from = 80.0\n  to   = 90\n}\n");
    assert_eq!(config.client_ports[0].from, 80);
}

#[test]
fn port_range_backwards() {
    assert_error(
        "client_ports \"aws_instance.win_*\" {\n  from = 65535\n  to   = 49152\n}\n",
        "`to` (49152) is below `from` (65535)",
        3,
        10,
        "from the lower port to the higher",
    );
}

#[test]
fn unknown_severity() {
    assert_error(
        "rule \"cross-az-nat\" {\n  severity = \"warn\"\n}\n",
        "unknown severity \"warn\"",
        2,
        14,
        "did you mean \"warning\"?",
    );
    assert_error(
        "rule \"cross-az-nat\" {\n  severity = \"fatal\"\n}\n",
        "unknown severity \"fatal\"",
        2,
        14,
        "write one of \"error\", \"warning\" or \"note\"",
    );
}

#[test]
fn unknown_rule() {
    assert_error(
        "rule \"cross-az-nta\" {\n  enabled = false\n}\n",
        "unknown rule \"cross-az-nta\"",
        1,
        6,
        "did you mean \"cross-az-nat\"? `tfvpc rules` lists the rules",
    );
    assert_error(
        "rule \"no-such-thing-at-all\" {}\n",
        "unknown rule \"no-such-thing-at-all\"",
        1,
        6,
        "`tfvpc rules` lists the rules",
    );
    assert_error(
        "ignore {\n  rule   = \"sg-open-to-wrld\"\n  reason = \"x\"\n}\n",
        "unknown rule \"sg-open-to-wrld\"",
        2,
        12,
        "did you mean \"sg-open-to-world\"?",
    );
}

#[test]
fn duplicate_blocks() {
    assert_error(
        "rule \"cross-az-nat\" {\n  enabled = false\n}\n\nrule \"cross-az-nat\" {\n  severity = \"note\"\n}\n",
        "duplicate `rule \"cross-az-nat\"` block",
        5,
        6,
        "the first is at line 1; merge the two into one block",
    );
    assert_error("prices {}\n# again\nprices {}\n", "duplicate `prices` block", 3, 1, "the first is at line 1");
    assert_error(
        "expect \"a\" {\n  from = \"internet\"\n  to = \"a.b\"\n  reachable = true\n}\nexpect \"a\" {\n  from = \"internet\"\n  to = \"a.c\"\n  reachable = true\n}\n",
        "duplicate `expect \"a\"` block",
        6,
        8,
        "the first is at line 1",
    );
    assert_error(
        "client_ports \"a.*\" {\n  from = 1\n  to = 2\n}\nclient_ports \"a.*\" {\n  from = 3\n  to = 4\n}\n",
        "duplicate `client_ports \"a.*\"` block",
        5,
        14,
        "this one is never used",
    );
    // Two suppressions of one rule are fine: they may name different addresses.
    parse(
        "ignore {\n  rule = \"cross-az-nat\"\n  reason = \"a\"\n}\nignore {\n  rule = \"cross-az-nat\"\n  reason = \"b\"\n}\n",
    );
}

#[test]
fn ignore_needs_rule_and_reason() {
    assert_error(
        "# first\nignore {\n  rule = \"cross-az-nat\"\n}\n",
        "this `ignore` block has no `reason` (say why the finding is accepted)",
        2,
        1,
        "add `reason = …`: a non-empty string",
    );
    assert_error(
        "ignore {\n  reason = \"dev\"\n}\n",
        "this `ignore` block has no `rule`",
        1,
        1,
        "add `rule = …`: the name of a tfvpc rule",
    );
    assert_error(
        "ignore {\n  rule = \"cross-az-nat\"\n  reason = \"  \"\n}\n",
        "`reason` is empty",
        3,
        12,
        "non-empty string",
    );
}

#[test]
fn required_attributes_of_other_blocks() {
    assert_error(
        "client_ports \"a.b\" {\n  from = 1\n}\n",
        "this `client_ports` block has no `to`",
        1,
        1,
        "add `to = …`",
    );
    assert_error(
        "expect \"x\" {\n  from = \"internet\"\n  to = \"a.b\"\n}\n",
        "this `expect` block has no `reachable`",
        1,
        1,
        "add `reachable = …`: `true` or `false`",
    );
}

#[test]
fn negative_price() {
    assert_error(
        "prices {\n  region = \"eu-west-1\"\n  nat_gateway_gb = -0.045\n}\n",
        "`nat_gateway_gb` is negative (-0.045)",
        3,
        20,
        "a free item costs 0",
    );
}

#[test]
fn bad_address_patterns() {
    assert_error(
        "client_ports \"aws_instance.win[*\" {\n  from = 1\n  to = 2\n}\n",
        "invalid address pattern \"aws_instance.win[*\" in the label: a `[` is never closed",
        1,
        14,
        "\"module.vpc.aws_subnet.private[*]\"",
    );
    assert_error(
        "ignore {\n  rule    = \"cross-az-nat\"\n  address = \"module.vpc..x\"\n  reason  = \"x\"\n}\n",
        "invalid address pattern \"module.vpc..x\" in `address`: it has an empty segment (a leading, trailing or doubled `.`)",
        3,
        13,
        "\"**.aws_instance.web\"",
    );
    assert_error(
        "expect \"x\" {\n  from = \"internet\"\n  to = \"module**.x\"\n  reachable = true\n}\n",
        "invalid address pattern \"module**.x\" in `to`: `**` must be a whole segment between dots, as in `**.module*`, not part of `module**`",
        3,
        8,
        "address pattern",
    );
}

#[test]
fn expect_protocol_checks() {
    let expect = |lines: &str| {
        format!("expect \"x\" {{\n  from = \"internet\"\n  to = \"a.b\"\n{lines}  reachable = true\n}}\n")
    };
    assert_error(
        &expect("  protocol = \"TCP\"\n"),
        "unknown protocol \"TCP\"",
        4,
        14,
        "protocol names are lower-case: write \"tcp\"",
    );
    assert_error(&expect("  protocol = \"tpc\"\n"), "unknown protocol \"tpc\"", 4, 14, "did you mean \"tcp\"?");
    assert_error(
        &expect("  protocol = 256\n"),
        "protocol number 256 is out of range",
        4,
        14,
        "a protocol number from 0 to 255",
    );
    assert_error(
        &expect("  protocol = \"icmp\"\n  ports = \"0\"\n"),
        "`ports` applies only to tcp and udp, but protocol is icmp",
        5,
        11,
        "ICMP has no ports",
    );
    assert_error(
        &expect("  ports = \"443\"\n"),
        "`ports` applies only to tcp and udp, but protocol is all",
        4,
        11,
        "set protocol = \"tcp\" or \"udp\"",
    );
    assert_error(
        &expect("  protocol = \"tcp\"\n  ports = \"443-80\"\n"),
        "invalid `ports`: the range `443-80` runs backwards; write the lower port first",
        5,
        11,
        "\"1024-65535\"",
    );
    assert_error(
        &expect("  protocol = \"tcp\"\n  ports = \"https\"\n"),
        "invalid `ports`: `https` is not a port number from 0 to 65535",
        5,
        11,
        "\"80,443\"",
    );
    assert_error(
        &expect("  protocol = \"tcp\"\n  icmp_type = 8\n"),
        "`icmp_type` applies only to icmp and icmpv6, but protocol is tcp",
        5,
        15,
        "set protocol = \"icmp\" or \"icmpv6\"",
    );
    assert_error(
        &expect("  protocol = \"icmp\"\n  icmp_code = 0\n"),
        "`icmp_code` is set without `icmp_type`",
        5,
        15,
        "add `icmp_type`",
    );
    assert_error(
        &expect("  protocol = \"icmp\"\n  icmp_type = 300\n"),
        "`icmp_type` 300 is out of range",
        5,
        15,
        "leave `icmp_type` out to mean all",
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // `ü` and `→` are multi-byte; the error column counts them as one character each.
    assert_error(
        "expect \"→ü\" { from = 5 }\n",
        "`from` must be \"internet\" or an address pattern string, found the number 5",
        1,
        22,
        "\"internet\" or a Terraform address pattern",
    );
    let (_, line, column, _) = fail("rule \"cross-az-nat\" { enabled = \"ü\" } # ü\nrule \"→\" {}\n");
    assert_eq!((line, column), (1, 33));
    let (message, line, column, _) = fail("# ünïcödé\nrule \"ü\" {}\n");
    assert_eq!(message, "unknown rule \"ü\"");
    assert_eq!((line, column), (2, 6));
}

#[test]
fn errors_render_with_miette() {
    let err = Config::parse("rule \"cross-az-nat\" {\n  severity = \"warn\"\n}\n", Path::new("proj/.tfvpc.hcl"), RULES)
        .unwrap_err();
    assert_eq!(err.to_string(), "proj/.tfvpc.hcl:2:14: unknown severity \"warn\"");
    let report = miette::Report::new(err);
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut rendered, report.as_ref())
        .unwrap();
    assert!(rendered.contains("[proj/.tfvpc.hcl:2:14]"), "{rendered}");
    assert!(rendered.contains("severity = \"warn\""), "{rendered}");
    assert!(rendered.contains("did you mean \"warning\"?"), "{rendered}");
}

// ---- loading and discovery ----

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "tfvpc-config-{tag}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nearest_config_above(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

#[test]
fn discover_walks_up_to_the_nearest_file() {
    let temp = TempDir::new("walk");
    let root = &temp.0;
    let deep = root.join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(root.join("a").join(FILE_NAME), "rule \"cross-az-nat\" { severity = \"note\" }\n").unwrap();

    let (path, config) = Config::discover(&deep, RULES).unwrap().unwrap();
    assert_eq!(path, root.join("a").join(FILE_NAME));
    assert_eq!(config.path, path);
    assert_eq!(config.rules[0].severity, Some(Severity::Note));

    // A nearer file wins; a directory called `.tfvpc.hcl` is not a file.
    std::fs::write(root.join("a/b").join(FILE_NAME), "rule \"cross-az-nat\" { enabled = false }\n").unwrap();
    std::fs::create_dir_all(root.join("a/b/c").join(FILE_NAME)).unwrap();
    let (path, config) = Config::discover(&deep, RULES).unwrap().unwrap();
    assert_eq!(path, root.join("a/b").join(FILE_NAME));
    assert_eq!(config.rules[0].enabled, Some(false));

    // Starting in the folder that holds the file finds it too.
    let (path, _) = Config::discover(&root.join("a"), RULES).unwrap().unwrap();
    assert_eq!(path, root.join("a").join(FILE_NAME));
}

#[test]
fn discover_without_a_file_is_none() {
    let temp = TempDir::new("none");
    let deep = temp.0.join("x/y");
    std::fs::create_dir_all(&deep).unwrap();
    // Only meaningful when nothing above the temp dir has a config file.
    if nearest_config_above(&temp.0).is_none() {
        assert!(Config::discover(&deep, RULES).unwrap().is_none());
    }
}

#[test]
fn discover_reports_an_invalid_file() {
    let temp = TempDir::new("invalid");
    std::fs::write(temp.0.join(FILE_NAME), "\nrule \"nope\" {}\n").unwrap();
    let sub = temp.0.join("plans");
    std::fs::create_dir_all(&sub).unwrap();
    match Config::discover(&sub, RULES) {
        Err(Error::Config(e)) => {
            let (file, line, column) = (e.file.clone(), e.line, e.column);
            assert_eq!(file, temp.0.join(FILE_NAME).display().to_string());
            assert_eq!((line, column), (2, 6));
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn load_explicit_file() {
    let temp = TempDir::new("load");
    let path = temp.0.join("custom.hcl");
    std::fs::write(&path, FULL).unwrap();
    let config = Config::load(&path, RULES).unwrap();
    assert_eq!(config.path, path);
    assert_eq!(config.text, FULL);
    assert_eq!(config.expects.len(), 2);

    let missing = temp.0.join("missing.hcl");
    match Config::load(&missing, RULES) {
        Err(Error::Read { path, source }) => {
            assert_eq!(path, missing.display().to_string());
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Error::Read, got {other:?}"),
    }
}

// ---- resolved settings ----

const DEFAULTS: &[(&str, Severity)] = &[
    ("cross-az-nat", Severity::Warning),
    ("missing-return-route", Severity::Error),
    ("sg-open-to-world", Severity::Warning),
];

#[test]
fn settings_without_a_file_are_the_defaults() {
    let settings = resolve(None, DEFAULTS).unwrap();
    assert_eq!(settings.severity("cross-az-nat"), Some(Severity::Warning));
    assert_eq!(settings.severity("missing-return-route"), Some(Severity::Error));
    assert_eq!(settings.severity("not-a-rule"), None);
    assert_eq!(settings.client_ports_for("aws_instance.x"), None);
    assert_eq!(settings.prices().region, "us-east-1");
    assert_eq!(settings.prices().nat_gateway_gb, 0.045);
    assert!(settings.expects().is_empty());
    assert!(settings.ignores().is_empty());
    assert!(settings.config_path().is_none());
    assert!(settings.config_source().is_none());
}

#[test]
fn settings_from_a_file() {
    let config = parse(
        r#"
rule "cross-az-nat" {
  severity = "error"
}
rule "sg-open-to-world" {
  enabled  = false
  severity = "error"
}
rule "missing-return-route" {
  enabled = true
}
client_ports "aws_instance.win_*" {
  from = 49152
  to   = 65535
}
client_ports "**.aws_instance.*" {
  from = 32768
  to   = 60999
}
prices {
  region         = "eu-west-1"
  nat_gateway_gb = 0.048
}
ignore {
  rule    = "cross-az-nat"
  address = "module.vpc.**"
  reason  = "dev"
}
"#,
    );
    let settings = resolve(Some(&config), DEFAULTS).unwrap();
    assert_eq!(settings.severity("cross-az-nat"), Some(Severity::Error));
    assert_eq!(settings.severity("sg-open-to-world"), None, "enabled = false wins");
    assert_eq!(settings.severity("missing-return-route"), Some(Severity::Error));

    assert_eq!(settings.client_ports_for("aws_instance.win_01"), Some((49152, 65535)), "first matching block wins");
    assert_eq!(settings.client_ports_for("module.app.aws_instance.web[0]"), Some((32768, 60999)));
    assert_eq!(settings.client_ports_for("aws_lambda_function.x"), None);

    let prices = settings.prices();
    assert_eq!(prices.region, "eu-west-1");
    assert_eq!(prices.nat_gateway_gb, 0.048);
    assert_eq!(prices.nat_gateway_hour, 0.045, "unset prices keep the list price");
    assert_eq!(prices.overridden, ["region", "nat_gateway_gb"]);
    assert_eq!(prices.date, "2026-11-21");

    let ignore = settings.suppression("cross-az-nat", "module.vpc.aws_subnet.private[0]").unwrap();
    assert_eq!(ignore.reason, "dev");
    assert_eq!(ignore.location.line, 24);
    assert!(settings.suppression("cross-az-nat", "aws_subnet.x").is_none());
    assert!(settings.suppression("sg-open-to-world", "module.vpc.aws_subnet.x").is_none());

    assert_eq!(settings.config_path(), Some(Path::new(".tfvpc.hcl")));
    assert_eq!(settings.config_source().unwrap().inner(), &config.text);
}
