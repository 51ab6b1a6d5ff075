//! The network model: every AWS networking resource of one input, typed and keyed by address,
//! with values that are known, unknown until apply, or absent — never guessed — and links that
//! record how they were found.

pub(crate) mod attrs;
pub mod lower;
pub(crate) mod network;
pub(crate) mod objects;
pub(crate) mod refs;
pub(crate) mod value;

pub use crate::addr::{InstanceKey, Mode, ModuleStep, ResourceAddr};
/// What the plan does to a resource and what kind of document it came from, as the model records them.
pub use crate::ingest::{Action, DocKind};
pub use network::{Link, LinkRecord, Links, Network, Origin, Provenance, ResId, Resource, Summary};
pub use objects::*;
pub use value::Val;
