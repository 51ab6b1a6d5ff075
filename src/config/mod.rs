//! The configuration file `.tfvpc.hcl` and the resolved settings the rest of tfvpc reads.

mod pattern;

pub use pattern::AddrPattern;
