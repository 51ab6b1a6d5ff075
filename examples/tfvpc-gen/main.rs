//! `tfvpc-gen`: writes a large, realistic Terraform estate (HCL) and the plan JSON Terraform
//! would make of it, for benchmarks. See `docs/performance.md`. An example, not a binary, so that
//! `cargo install` does not ship it.
//!
//! ```text
//! cargo run --release --example tfvpc-gen -- --vpcs 100 --subnets-per-vpc 12 --seed 1 --out target/estate
//! ```

#[expect(dead_code, reason = "the benchmarks and the shape test use parts of `synth` the binary does not")]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generate a synthetic AWS estate: Terraform configuration and its create plan JSON.
#[derive(Debug, Parser)]
#[command(name = "tfvpc-gen", version)]
struct Cli {
    /// Number of VPCs (1-256), each a `module.vpc` instance.
    #[arg(long, default_value_t = 10)]
    vpcs: usize,
    /// Subnets per VPC, public (at most 3, one per AZ) and private together.
    #[arg(long, default_value_t = 12)]
    subnets_per_vpc: usize,
    /// Average services per VPC (instances, IAM, S3, logs, queues: the non-network bulk).
    #[arg(long, default_value_t = 3)]
    services_per_vpc: usize,
    /// Seed of the random choices (names, counts, peerings).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder: main.tf, providers.tf, modules/ and plan.json are written there.
    #[arg(long, required_unless_present = "record_templates")]
    out: Option<PathBuf>,
    /// Write a richer estate for real Terraform (data tier, per-tier NACL rule sets, ALBs, TGW
    /// route tables, a peering mesh with cross-VPC security group rules, a nested module) and a
    /// small `terraform.tfstate`; no plan.json (run `examples/tfvpc-gen/real.sh` for the plan).
    #[arg(long)]
    rich: bool,
    /// Maintainers: print the templates.json recorded from a real plan of the generated HCL.
    #[arg(long, value_name = "PLAN_JSON", hide = true)]
    record_templates: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tfvpc-gen: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<(), String> {
    if let Some(plan) = &cli.record_templates {
        let text = std::fs::read_to_string(plan).map_err(|e| format!("{}: {e}", plan.display()))?;
        print!("{}", synth::record::record(&text)?);
        return Ok(());
    }
    let params = synth::Params {
        vpcs: cli.vpcs,
        subnets_per_vpc: cli.subnets_per_vpc,
        services_per_vpc: cli.services_per_vpc,
        seed: cli.seed,
    };
    let estate = synth::Estate::new(params).map_err(|e| e.to_string())?;
    let Some(out) = &cli.out else { return Err("--out is required".into()) };
    if cli.rich {
        let files = synth::write_rich(&estate, out)?;
        eprintln!(
            "wrote {}: {} files, {} VPCs, {} services, {} + {} peerings, terraform.tfstate (no plan.json: run Terraform)",
            out.display(),
            files,
            estate.vpcs.len(),
            estate.services.len(),
            estate.peerings.len(),
            synth::hcl::mesh(&estate).len()
        );
        return Ok(());
    }
    let bytes = synth::write_estate(&estate, out)?;
    eprintln!(
        "wrote {}: {} VPCs, {} subnets, {} services, {} peerings; plan.json {:.1} MB",
        out.display(),
        estate.vpcs.len(),
        estate.subnet_count(),
        estate.services.len(),
        estate.peerings.len(),
        bytes as f64 / 1e6
    );
    Ok(())
}
