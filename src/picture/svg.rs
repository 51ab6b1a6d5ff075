//! The picture as SVG: plain shapes and text, styled by class (the page restyles hops and
//! findings through those classes), every resource a `<g>` with `data-address` and a `<title>`
//! (its full address, shown on hover). No scripts, no external references: the file opens in a
//! browser, a pull request or an image viewer as is.

use std::fmt::Write as _;

use super::{Node, Picture};

/// Colours and fonts of the picture (also used when the SVG is viewed on its own).
const STYLE: &str = "\
.vpc>rect{fill:#f5f8ff;stroke:#3b5bdb;stroke-width:1.5}\
.subnet>rect{stroke:#868e96;stroke-width:1}\
.tier-public>rect{fill:#ebfbee}.tier-private>rect{fill:#fff9db}.tier-isolated>rect{fill:#f1f3f5}.tier-unknown>rect{fill:#fff}\
.chip>rect{fill:#fff;stroke:#495057;stroke-width:1}\
.gw>rect{fill:#e7f5ff;stroke:#1c7ed6;stroke-width:1}\
.tgw>rect{fill:#f3f0ff;stroke:#7048e8;stroke-width:1.5}\
.az text{fill:#495057;font-style:italic}\
text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#212529}\
text.title{font-weight:600;font-size:13px}text.detail{font-size:11px;fill:#495057}\
line.peering{stroke:#2b8a3e;stroke-width:2.5}line.tgw{stroke:#7048e8;stroke-width:2;stroke-dasharray:6 3}\
line.vpn{stroke:#e8590c;stroke-width:2;stroke-dasharray:2 3}\
.badge circle{stroke:#fff;stroke-width:1.5}.badge.sev-error circle{fill:#e03131}.badge.sev-warning circle{fill:#f08c00}\
.badge.sev-note circle{fill:#1c7ed6}.badge text{fill:#fff;font-size:10px;font-weight:700}";

/// A finding badge drawn on a resource (`tfvpc lint --format html`; the live page draws its
/// own): how many findings it carries, the worst severity, where a click goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Badge {
    /// The drawn resource.
    pub address: String,
    /// Findings on it.
    pub count: usize,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// The link target (`#finding-3`).
    pub href: String,
}

/// Escapes text for XML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Cuts a label to what fits `width` pixels at `px` pixels a character (about 6.6 at 12 px,
/// 7.8 for the 13 px bold titles).
fn fit(text: &str, width: f64, px: f64) -> String {
    let max = ((width - 12.0) / px).max(4.0) as usize;
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

fn class_of(n: &Node) -> String {
    match n.kind {
        "vpc" => "vpc".into(),
        "subnet" => {
            let tier = n.detail.rsplit(' ').next().unwrap_or("unknown");
            format!("subnet tier-{tier}")
        }
        "igw" | "eigw" | "vgw" | "endpoint" => format!("gw {}", n.kind),
        "tgw" => "tgw".into(),
        "az" => "az".into(),
        kind => format!("chip {kind}"),
    }
}

fn icon(kind: &str) -> &'static str {
    match kind {
        "igw" => "IGW",
        "eigw" => "EIGW",
        "vgw" => "VGW",
        "endpoint" => "VPCE",
        "tgw" => "TGW",
        "nat" => "NAT",
        "instance" => "EC2",
        "alb" => "ALB",
        "nlb" => "NLB",
        "gwlb" => "GWLB",
        "clb" => "CLB",
        "lambda" => "λ",
        "database" => "DB",
        "eni" => "ENI",
        _ => "",
    }
}

/// Renders the picture.
pub(crate) fn render(pic: &Picture) -> String {
    render_with(pic, &[])
}

/// Renders the picture with finding badges on their resources.
pub(crate) fn render_with(pic: &Picture, badges: &[Badge]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tfvpc-picture\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\">\n<style>{STYLE}</style>\n",
        w = pic.width,
        h = pic.height
    );
    if pic.nodes.is_empty() {
        out.push_str("<text x=\"20\" y=\"40\">no VPC in this input: the network comes from data sources or another root</text>\n");
    }
    for e in &pic.edges {
        let _ = writeln!(
            out,
            "<g class=\"edge\" data-address=\"{a}\"><title>{a}: {f} ↔ {t}</title><line class=\"{k}\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/></g>",
            e.x1,
            e.y1,
            e.x2,
            e.y2,
            a = esc(&e.address),
            f = esc(&e.from),
            t = esc(&e.to),
            k = e.kind
        );
    }
    for n in &pic.nodes {
        let class = class_of(n);
        if n.kind == "az" {
            let _ = writeln!(
                out,
                "<g class=\"az\"><text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
                n.x + 2.0,
                n.y + 13.0,
                esc(&fit(&n.label, n.w, 6.6))
            );
            continue;
        }
        let _ = write!(
            out,
            "<g class=\"{class}\" data-address=\"{a}\" data-kind=\"{k}\"><title>{a}{d}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{r}\"/>",
            n.x,
            n.y,
            n.w,
            n.h,
            a = esc(&n.address),
            k = n.kind,
            d = if n.detail.is_empty() { String::new() } else { format!("\n{}", esc(&n.detail)) },
            r = if n.kind == "vpc" { 8 } else { 4 },
        );
        let tag = icon(n.kind);
        let label = if tag.is_empty() { n.label.clone() } else { format!("{tag} {}", n.label) };
        let (tx, ty) = (n.x + 6.0, n.y + if n.h < 30.0 { n.h / 2.0 + 4.0 } else { 16.0 });
        let title_class = if matches!(n.kind, "vpc" | "subnet" | "tgw") { "title" } else { "label" };
        let _ = write!(
            out,
            "<text class=\"{title_class}\" x=\"{tx:.1}\" y=\"{ty:.1}\">{}</text>",
            esc(&fit(&label, n.w, if title_class == "title" { 7.8 } else { 6.6 }))
        );
        if !n.detail.is_empty() && n.h >= 30.0 {
            let _ = write!(
                out,
                "<text class=\"detail\" x=\"{tx:.1}\" y=\"{:.1}\">{}</text>",
                ty + 15.0,
                esc(&fit(&n.detail, n.w, 6.2))
            );
        }
        for b in badges.iter().filter(|b| b.address == n.address) {
            let (x, y) = (n.x + n.w - 4.0, n.y + 4.0);
            let _ = write!(
                out,
                "<a href=\"{h}\"><g class=\"badge sev-{s}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"9\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{c}</text></g></a>",
                y + 3.5,
                h = esc(&b.href),
                s = b.severity,
                c = b.count
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}
