//! HCL mode (issue 11): evaluating a Terraform root module without a plan into the same
//! [`Document`](crate::ingest::Document) plan ingest produces. [`load`] reads a module directory
//! (overrides merged), [`eval`] evaluates expressions over Terraform's value model ([`value`]) and
//! built-in functions ([`functions`]), [`vars`] gives variables their values, [`root`] expands
//! modules and resources and writes the document, [`tfrefs`] the plan-shaped configuration.

pub(crate) mod attach;
pub(crate) mod eval;
pub(crate) mod functions;
pub(crate) mod load;
pub(crate) mod root;
pub(crate) mod schema;
pub(crate) mod tfrefs;
pub(crate) mod value;
pub(crate) mod vars;

pub use attach::{Attached, attach_sources, module_inputs};
pub use root::HclOptions;
pub use vars::VarArg;
