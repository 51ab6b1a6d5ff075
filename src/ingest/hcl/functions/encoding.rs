//! Encoding functions: `jsonencode`, `jsondecode`.

use super::{Impl, arg, arity, str_arg};
use crate::ingest::hcl::value::Value;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "jsonencode" => jsonencode,
        "jsondecode" => jsondecode,
        _ => return None,
    })
}

/// JSON text as Go's encoder writes it (Terraform's): compact, keys sorted, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped.
pub(super) fn go_json(j: &serde_json::Value) -> String {
    j.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn jsonencode(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let j = arg(args, 0)?.to_json().ok_or("value is not known")?;
    Ok(Value::String(go_json(&j)))
}

fn jsondecode(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let s = str_arg(arg(args, 0)?)?;
    let j: serde_json::Value = serde_json::from_str(&s).map_err(|e| e.to_string())?;
    Ok(Value::from_json(&j))
}
