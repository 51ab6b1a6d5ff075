//! tfvpc: catch broken AWS VPC networking in Terraform before `terraform apply`.
//!
//! The pipeline flows one way (see `docs/architecture.md`):
//! ingest (plan/state JSON) → model (typed resources, Known/Unknown/Absent values, links) →
//! graph (petgraph) → eval (packet verdicts) → rules (findings, in parallel) → report.

pub mod catalog;
pub mod config;
pub mod error;
pub mod eval;
pub mod finding;
pub mod ingest;
pub mod model;

pub use error::{Error, Result};
