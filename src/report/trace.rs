//! The human form of `tfvpc trace`: the verdict, one line per hop (allow in green, deny in red
//! when colour is on, naming the rule or route that decided), the return leg, then the bill with
//! its price region. JSON is [`TraceReport::to_json`].

use std::fmt::Write as _;

use crate::eval::cost::CostLine;
use crate::eval::reach::{Decision, Hop, Leg, Verdict};
use crate::eval::trace::{PairTrace, TraceReport};

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(text: &str, colour: &str, on: bool) -> String {
    if on { format!("{colour}{text}{RESET}") } else { text.to_string() }
}

fn marker(d: Decision, colour: bool) -> String {
    match d {
        Decision::Allow => paint("allow", GREEN, colour),
        Decision::Deny => paint("DENY ", RED, colour),
        Decision::Forward => "  -> ".into(),
        Decision::Translate => "  nat".into(),
        Decision::Deliver => "  ok ".into(),
        Decision::Skip => "  -  ".into(),
        Decision::Undetermined => paint("  ?  ", YELLOW, colour),
    }
}

fn write_hops(out: &mut String, hops: &[Hop], colour: bool) {
    for h in hops {
        let _ = writeln!(out, "  {} {:<13} {}  {}", marker(h.decision, colour), h.stage.as_str(), h.resource, h.reason);
    }
}

fn money(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0');
    let s = s.strip_suffix('.').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    format!("${int}.{:0<2}", frac)
}

fn verdict_text(v: Verdict, colour: bool) -> String {
    match v {
        Verdict::Reachable => paint("reachable", GREEN, colour),
        Verdict::Unreachable => paint("unreachable", RED, colour),
        Verdict::Indeterminate => paint("indeterminate", YELLOW, colour),
    }
}

fn write_pair(out: &mut String, t: &PairTrace, colour: bool) {
    let _ = writeln!(out, "{} -> {}: {}", t.source, t.destination, verdict_text(t.verdict, colour));
    if let Some(stage) = t.dropped_at {
        let leg = t.dropped_leg.map_or("", |l| if l == Leg::Forward { " (forward leg)" } else { " (return leg)" });
        let _ = writeln!(out, "  dropped at {stage}{leg} in {}", t.dropped_in.as_deref().unwrap_or("-"));
    }
    if let Some(stage) = t.undetermined_at {
        let _ = writeln!(out, "  undetermined at {stage}");
    }
    if let Some(reason) = &t.reason {
        let _ = writeln!(out, "  reason: {reason}");
    }
    if !t.failing_ports.is_empty() && t.verdict == Verdict::Unreachable {
        let ranges: Vec<String> = t
            .failing_ports
            .iter()
            .map(|r| if r.from == r.to { r.from.to_string() } else { format!("{}-{}", r.from, r.to) })
            .collect();
        let by = t.failing_ports_chosen_by.as_deref().map_or(String::new(), |b| format!(" (chosen by {b})"));
        let _ = writeln!(out, "  failing source ports: {}{by}", ranges.join(", "));
    }
    if !t.forward.is_empty() {
        let _ = writeln!(out, "forward");
        write_hops(out, &t.forward, colour);
    }
    if !t.return_hops.is_empty() {
        let _ = writeln!(out, "return");
        write_hops(out, &t.return_hops, colour);
    }
    if !t.path.is_empty() {
        let _ = writeln!(out, "path: {}", t.path.join(" -> "));
    }
    for n in &t.notes {
        let _ = writeln!(out, "note: {n}");
    }
}

/// The human form of a report.
#[must_use]
pub fn render_human(report: &TraceReport, colour: bool) -> String {
    let mut out = String::new();
    let flow = &report.flow;
    let what = match (&flow.ports, flow.icmp_type) {
        (Some(p), _) => format!("{} {p}", flow.protocol),
        (None, Some(t)) => {
            format!("{} type {t} code {}", flow.protocol, flow.icmp_code.map_or("any".into(), |c| c.to_string()))
        }
        _ => flow.protocol.clone(),
    };
    let _ = writeln!(
        out,
        "{}",
        paint(&format!("trace {} -> {} ({what}, {})", report.from, report.to, flow.family), BOLD, colour)
    );
    let _ = writeln!(out, "verdict: {}", verdict_text(report.verdict(), colour));
    let _ = writeln!(out);
    for (i, t) in report.traces.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        write_pair(&mut out, t, colour);
    }
    let bill = &report.decisive.bill;
    let _ = writeln!(out);
    let _ =
        writeln!(out, "cost ({} list prices checked {}; per GB sent from X to Y)", bill.price_region, bill.price_date);
    let per_gb: Vec<&CostLine> = report.decisive.cost.iter().filter(|l| l.usd_per_gb.is_some()).collect();
    let hourly: Vec<&CostLine> = report.decisive.cost.iter().filter(|l| l.usd_per_hour.is_some()).collect();
    if per_gb.is_empty() {
        let _ = writeln!(out, "  no per-GB charge on this path");
    }
    for l in &per_gb {
        let month = l.usd_per_month.map_or(String::new(), |m| format!("  ({}/month)", money(m)));
        let _ = writeln!(
            out,
            "  {}/GB  {}  {}{}{}",
            money(l.usd_per_gb.unwrap_or(0.0)),
            l.item,
            l.resource,
            if l.note.is_empty() { String::new() } else { format!("  ({})", l.note) },
            month
        );
    }
    if !per_gb.is_empty() {
        let month = match (bill.gb_per_month, bill.usd_per_month) {
            (Some(gb), Some(m)) => format!("; {gb} GB/month: {}", money(m)),
            _ => String::new(),
        };
        let _ = writeln!(out, "  total {}/GB{month}", money(bill.usd_per_gb));
    }
    if !hourly.is_empty() {
        let _ = writeln!(out, "fixed costs of the components (not of this path alone)");
        for l in &hourly {
            let _ = writeln!(out, "  {}/hour  {}  {}", money(l.usd_per_hour.unwrap_or(0.0)), l.item, l.resource);
        }
    }
    for n in &bill.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}
