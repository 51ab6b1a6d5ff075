//! A naive reference evaluator (placeholder).
