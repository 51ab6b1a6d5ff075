//! The command line (clap derive). Parsing only: `run` turns it into work.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A command-line value with its position among the values of several flags (`--var` and
/// `--var-file` apply in the order they were given, as in Terraform).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordered<T> {
    /// Position on the command line (increasing).
    pub seq: usize,
    /// The value.
    pub value: T,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

fn parse_var(s: &str) -> Result<Ordered<(String, String)>, String> {
    let (name, value) = s.split_once('=').ok_or_else(|| format!("{s:?}: expected NAME=VALUE"))?;
    if name.is_empty() {
        return Err(format!("{s:?}: the variable name is empty"));
    }
    Ok(Ordered { seq: SEQ.fetch_add(1, Ordering::Relaxed), value: (name.to_string(), value.to_string()) })
}

fn parse_var_file(s: &str) -> Result<Ordered<PathBuf>, String> {
    Ok(Ordered { seq: SEQ.fetch_add(1, Ordering::Relaxed), value: PathBuf::from(s) })
}

/// Values for a Terraform folder's root variables (HCL mode), as `terraform plan` takes them.
#[derive(Debug, Clone, Default, Args)]
pub struct VarArgs {
    /// HCL mode (a folder input): set a root variable, as `terraform plan -var NAME=VALUE`.
    /// Applied after `terraform.tfvars` and `*.auto.tfvars`, in command-line order with
    /// `--var-file`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<Ordered<(String, String)>>,
    /// HCL mode (a folder input): read root variables from a `.tfvars` or `.tfvars.json` file.
    #[arg(long = "var-file", value_name = "FILE", value_parser = parse_var_file)]
    pub var_files: Vec<Ordered<PathBuf>>,
}

/// Catch broken AWS VPC networking in Terraform plans before `terraform apply`.
#[derive(Debug, Parser)]
#[command(name = "tfvpc", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint plans or states (`terraform show -json` output, or terraform.tfstate).
    Lint(LintArgs),
    /// Print the network graph of a plan or state.
    Graph(GraphArgs),
    /// Trace one flow from X to Y, hop by hop, both ways, with the bill.
    Trace(TraceArgs),
    /// What a change opens and closes: reachability before and after a plan (or between two
    /// plans, states or folders), over every port and protocol.
    Diff(DiffArgs),
    /// The packet-flow simulator in the browser: the network drawn, findings on it, send a
    /// packet and watch each hop (a local web app on 127.0.0.1).
    Serve(ServeArgs),
    /// List the rules.
    Rules,
    /// Print the documentation of a rule.
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff) to standard output.
    Man,
}

/// `tfvpc completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Output format of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Diagnostics for people (default).
    Human,
    /// The JSON report (a stable contract).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request's files).
    Github,
    /// Markdown for a pull-request comment: a table, and Mermaid diagrams of paths.
    Markdown,
    /// GitLab code quality report (a Code Climate JSON array) for merge-request widgets.
    Gitlab,
    /// One self-contained HTML page (the network picture, the findings and their traces) for a
    /// CI artifact; no server, nothing loaded from elsewhere.
    Html,
}

/// When findings fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors.
    Error,
    /// Warnings and errors (default).
    Warning,
    /// Notes, warnings and errors.
    Note,
    /// Never (exit 0 unless tfvpc itself fails).
    Never,
}

/// Colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `tfvpc lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Plan or state files (`-` reads standard input), or folders of Terraform configuration
    /// (HCL mode: the root module is evaluated without a plan). Each is linted as its own network.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Root variables for folder inputs.
    #[command(flatten)]
    pub var_args: VarArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Lowest severity that makes the run fail (exit 1). Informational notes never fail.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Configuration file (default: `.tfvpc.hcl` found by walking up from each input's folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also list resources of other providers and AWS types tfvpc does not model.
    #[arg(long, short)]
    pub verbose: bool,
    /// Write the report to FILE instead of standard output; a short summary still goes to
    /// standard error.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The Terraform configuration that produced the inputs, to point findings at `.tf` lines
    /// (default: each input's folder; needed for standard input).
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
    /// The repository root that SARIF and GitHub paths are relative to (default: the nearest
    /// folder with `.git` above the sources).
    #[arg(long, value_name = "DIR")]
    pub repo_root: Option<PathBuf>,
    /// SARIF `runAutomationDetails.id` category, so several Terraform roots of one repository
    /// upload separate analyses (e.g. `tfvpc/prod`).
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
    /// Report only findings this plan introduces (absent before the change); findings of state
    /// inputs, which have no before, are all reported.
    #[arg(long)]
    pub new_only: bool,
    /// Also report flows whose fate depends on values unknown until apply, as informational
    /// notes (they never fail the run).
    #[arg(long)]
    pub show_indeterminate: bool,
    /// Report only findings whose fingerprint is not in this baseline file (written by
    /// `--write-baseline`), and count the baseline's entries that no longer occur.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding (after suppressions) in FILE as a baseline; they are then
    /// not reported.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Append what each plan opens and closes (the differences of `tfvpc diff`) to the report.
    #[arg(long)]
    pub diff: bool,
}

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Grouped differences for people (default).
    Human,
    /// The JSON report (a stable contract: a `differences` array).
    Json,
    /// Markdown for a pull-request comment: a table and a Mermaid diagram.
    Markdown,
    /// SARIF 2.1.0, at the `.tf` lines that caused each difference.
    Sarif,
    /// GitHub Actions workflow commands (annotations at the `.tf` lines).
    Github,
}

/// `tfvpc diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// A plan (its prior state is the before side), or the before side of two inputs: a plan,
    /// state or folder of Terraform configuration (`-` reads standard input).
    #[arg(value_name = "BEFORE|PLAN")]
    pub before: String,
    /// The after side (a plan, state or folder); without it, INPUT is a plan compared with its
    /// own prior state.
    #[arg(value_name = "AFTER")]
    pub after: Option<String>,
    /// Root variables for folder inputs.
    #[command(flatten)]
    pub var_args: VarArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Lowest severity of a difference that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Configuration file (default: `.tfvpc.hcl` found by walking up from the after input's folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The Terraform configuration of the after side, to point differences at `.tf` lines
    /// (default: the after input's folder).
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
    /// The repository root that SARIF and GitHub paths are relative to.
    #[arg(long, value_name = "DIR")]
    pub repo_root: Option<PathBuf>,
    /// SARIF `runAutomationDetails.id` category.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
}

/// Output format of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// The network picture as SVG: VPCs, AZ columns, subnets by tier, gateways, links.
    Svg,
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
    /// JSON (a stable contract).
    Json,
}

/// `tfvpc graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Plan or state file (`-` reads standard input), or a folder of Terraform configuration.
    #[arg(value_name = "INPUT")]
    pub input: String,
    /// Root variables for a folder input.
    #[command(flatten)]
    pub var_args: VarArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Draw only this VPC (its address) and what it links to (`--format svg`).
    #[arg(long, value_name = "ADDRESS")]
    pub vpc: Option<String>,
}

/// `tfvpc serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Plan or state file, or a Terraform root module folder (HCL mode).
    #[arg(value_name = "INPUT")]
    pub input: String,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Configuration file (default: `.tfvpc.hcl` beside the input or above it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Answer this many requests, then stop (for tests; default: run until interrupted).
    #[arg(long, hide = true)]
    pub max_requests: Option<usize>,
    /// Variables of HCL mode (a folder input).
    #[command(flatten)]
    pub var_args: VarArgs,
}

/// `tfvpc explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule name (`tfvpc rules` lists them).
    pub rule: String,
}

/// Output format of `trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// One line per hop, then the bill (default).
    Human,
    /// The JSON trace report (a stable contract).
    Json,
}

/// `tfvpc trace`.
///
/// Exit status: 0 reachable, 1 unreachable, 0 indeterminate (with a note; 1 with
/// `--fail-on-indeterminate`), 2 when X or Y names nothing traceable or the input is unreadable.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Plan or state file (`-` reads standard input), or a folder of Terraform configuration.
    #[arg(value_name = "INPUT")]
    pub input: String,
    /// Root variables for a folder input.
    #[command(flatten)]
    pub var_args: VarArgs,
    /// Where the flow starts: a resource address (aws_instance.web), a subnet, an IP address,
    /// `internet`, or an AWS service name (com.amazonaws.us-east-1.s3).
    #[arg(long, value_name = "X")]
    pub from: String,
    /// Where the flow goes (same forms as --from).
    #[arg(long, value_name = "Y")]
    pub to: String,
    /// Protocol: tcp, udp, icmp, icmpv6, all (or -1), or a protocol number.
    #[arg(long, value_name = "P", default_value = "tcp")]
    pub protocol: String,
    /// Destination port or range (`443`, `8080-8090`); required for tcp and udp.
    #[arg(long, value_name = "N")]
    pub port: Option<String>,
    /// ICMP type (default 8, echo request; 128 for icmpv6).
    #[arg(long, value_name = "T")]
    pub icmp_type: Option<u8>,
    /// ICMP code (default 0).
    #[arg(long, value_name = "C")]
    pub icmp_code: Option<u8>,
    /// GB per month sent from X to Y: per-GB cost lines become a monthly figure.
    #[arg(long, value_name = "N")]
    pub gb_per_month: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Human)]
    pub format: TraceFormat,
    /// Exit 1 when the verdict is indeterminate (default: 0, with a note).
    #[arg(long)]
    pub fail_on_indeterminate: bool,
    /// Configuration file (default: `.tfvpc.hcl` found by walking up from the input's folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}
