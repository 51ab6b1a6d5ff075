//! Evaluation: packet and packet-set verdicts over the network graph (see `SEMANTICS.md`).

pub mod sets;
