//! HCL mode (issue 11): evaluating a Terraform root module without a plan. This module holds the
//! foundation the evaluator builds on: Terraform's value model ([`value`]) and the function
//! library ([`functions`]). It is not wired into `lint` yet.
#![cfg_attr(not(test), expect(dead_code, reason = "HCL mode is wired into lint by issue 11's next items"))]

pub(crate) mod functions;
pub(crate) mod value;
