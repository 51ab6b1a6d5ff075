//! `tfvpc trace`: one flow, hop by hop, both legs, with the bill.

use super::{settings_for, write_err, write_out};
use crate::cli::{self, ColorChoice};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, Error, Io, Result};
use crate::{eval, ingest, report};

/// `tfvpc trace`: exit 0 reachable, 1 unreachable, 0 indeterminate (1 with
/// `--fail-on-indeterminate`), 2 for a bad X or Y (with close matches) or an unreadable input.
pub(crate) fn trace(args: &cli::TraceArgs, io: &mut Io<'_>) -> Result<u8> {
    let flow = trace_flow(args)?;
    let explicit = super::explicit_config(args.config.as_deref())?;
    let opts = super::hcl_options(&args.var_args);
    let (input, mut doc, _notes) = ingest::load_any(&args.input, io.stdin, &opts)?;
    let settings = settings_for(explicit.as_ref(), input.dir())?;
    let (net, _) = super::lower_after(&input.name, &mut doc, input.dir(), &opts);
    let options = eval::TraceOptions { gb_per_month: args.gb_per_month, family: None };
    let report = eval::trace(&net, settings.eval(), &args.from, &args.to, &flow, &options).map_err(endpoint_error)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io.stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let text = match args.format {
        cli::TraceFormat::Json => report.to_json(),
        cli::TraceFormat::Human => report::trace::render_human(&report, color),
    };
    write_out(io, &text)?;
    Ok(match report.verdict() {
        eval::Verdict::Reachable => EXIT_CLEAN,
        eval::Verdict::Unreachable => EXIT_FINDINGS,
        eval::Verdict::Indeterminate if args.fail_on_indeterminate => EXIT_FINDINGS,
        eval::Verdict::Indeterminate => {
            if args.format == cli::TraceFormat::Human {
                write_err(io, "note: the verdict is indeterminate (exit 0); pass --fail-on-indeterminate to fail\n");
            }
            EXIT_CLEAN
        }
    })
}

/// The flow of `tfvpc trace` from its flags.
pub(crate) fn trace_flow(args: &cli::TraceArgs) -> Result<eval::Flow> {
    use eval::sets::{PortSet, Protocol, RuleProtocol};
    let protocol: RuleProtocol = args.protocol.parse().map_err(|_| {
        Error::usage(
            format!("--protocol {}: not a protocol", args.protocol),
            "use tcp, udp, icmp, icmpv6, all (or -1), or a protocol number 0-255",
        )
    })?;
    let ports = match &args.port {
        None => None,
        Some(text) => {
            let parse = |s: &str| s.trim().parse::<u16>().ok();
            let range = match text.split_once('-') {
                Some((a, b)) => parse(a).zip(parse(b)).filter(|(a, b)| a <= b),
                None => parse(text).map(|p| (p, p)),
            };
            let Some((from, to)) = range else {
                return Err(Error::usage(
                    format!("--port {text}: not a port or range"),
                    "use a port (443) or a range (8080-8090)",
                ));
            };
            Some(PortSet::range(from, to))
        }
    };
    let kind = match protocol {
        RuleProtocol::All => None,
        RuleProtocol::Only(p) => Some(p),
    };
    match kind {
        Some(p) if p == Protocol::TCP || p == Protocol::UDP => {
            if ports.is_none() {
                return Err(Error::usage(
                    format!("--protocol {p} needs --port"),
                    "give the destination port: --port 443",
                ));
            }
            if args.icmp_type.is_some() || args.icmp_code.is_some() {
                return Err(Error::usage(
                    "--icmp-type and --icmp-code apply to icmp and icmpv6 only",
                    "drop them, or use --protocol icmp",
                ));
            }
            Ok(eval::Flow { protocol, ports, icmp_type: None, icmp_code: None })
        }
        Some(p) if p == Protocol::ICMP || p == Protocol::ICMPV6 => {
            if ports.is_some() {
                return Err(Error::usage("--port does not apply to ICMP", "use --icmp-type and --icmp-code"));
            }
            let echo = if p == Protocol::ICMP { 8 } else { 128 };
            Ok(eval::Flow {
                protocol,
                ports: None,
                icmp_type: Some(args.icmp_type.unwrap_or(echo)),
                icmp_code: Some(args.icmp_code.unwrap_or(0)),
            })
        }
        _ => {
            if ports.is_some() || args.icmp_type.is_some() || args.icmp_code.is_some() {
                return Err(Error::usage(
                    format!("--protocol {} has no ports or ICMP types", args.protocol),
                    "drop --port/--icmp-type/--icmp-code, or pick tcp, udp or icmp",
                ));
            }
            Ok(eval::Flow { protocol, ports: None, icmp_type: None, icmp_code: None })
        }
    }
}

/// `tfvpc trace` with an endpoint that does not resolve: a usage error whose help line offers the
/// closest names, or says what an endpoint may be.
pub(crate) fn endpoint_error(e: eval::TraceError) -> Error {
    let help = if e.error.suggestions.is_empty() {
        "use a resource address (aws_instance.web), a subnet, an IP address, `internet` or an AWS service name (com.amazonaws.us-east-1.s3)".to_string()
    } else {
        format!("did you mean {}?", e.error.suggestions.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
    };
    let flag = match e.which {
        eval::TraceEnd::From => "--from",
        eval::TraceEnd::To => "--to",
    };
    Error::usage(format!("{flag} {}: {}", e.error.input, e.error.message), help)
}
