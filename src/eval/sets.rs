//! Set algebra for the packet evaluator.

mod interval;

pub use interval::{IntervalSet, Unsigned};
