//! Synthetic Terraform estates for benchmarks: the HCL of an AWS estate with many VPCs, and the
//! plan JSON real Terraform makes of it, without running Terraform.
//!
//! Used by the `tfvpc-gen` example, the benchmarks and the shape test (they include this folder
//! with `#[path]`, so the library does not compile it).

pub(crate) mod estate;
pub(crate) mod hcl;
pub(crate) mod json;
pub(crate) mod plan;
pub(crate) mod record;

use std::path::Path;

pub(crate) use estate::{Estate, Params};

/// Writes the HCL (`main.tf`, `providers.tf`, `modules/…`) and `plan.json` of an estate into
/// `dir`, and returns the plan's size in bytes.
pub(crate) fn write_estate(estate: &Estate, dir: &Path) -> Result<usize, String> {
    for (rel, content) in hcl::files(estate) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // The HCL first: it is what a new `templates.json` is recorded from.
    let plan = plan::plan_json(estate, &plan::templates()?)?;
    let path = dir.join("plan.json");
    std::fs::write(&path, &plan).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(plan.len())
}

/// Writes the configuration of a rich estate ([`hcl::files_rich`]) and its `terraform.tfstate`
/// into `dir`, and returns the number of files written. Real Terraform makes the plan.
pub(crate) fn write_rich(estate: &Estate, dir: &Path) -> Result<usize, String> {
    let mut files = hcl::files_rich(estate);
    files.push(("terraform.tfstate".to_string(), hcl::rich_state(estate)));
    for (rel, content) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(files.len())
}

/// The plan JSON of an estate, in memory.
pub(crate) fn plan_for(params: Params) -> Result<String, String> {
    let estate = Estate::new(params).map_err(|e| e.to_string())?;
    plan::plan_json(&estate, &plan::templates()?)
}
