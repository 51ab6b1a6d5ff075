//! The `tfvpc` binary: a thin wrapper around [`tfvpc::run`].

fn main() {}
