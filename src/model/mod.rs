//! The network model: every AWS networking resource of one input, typed and keyed by address.

pub mod addr;
pub mod value;

pub use addr::{InstanceKey, Mode, ModuleStep, ResourceAddr};
pub use value::Val;
