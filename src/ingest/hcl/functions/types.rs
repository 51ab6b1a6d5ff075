//! Type conversion functions: `tolist`, `toset`, `tomap`, `tostring`, `tonumber`, `tobool`,
//! with Terraform's automatic conversions ([`Value::convert`]). Null stays null.

use super::{Impl, arg, arity, kv_arg, seq_arg, unified_list};
use crate::ingest::hcl::value::{Type, Value};

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "tolist" => |a| to_seq(a, false),
        "toset" => |a| to_seq(a, true),
        "tomap" => tomap,
        "tostring" => |a| to_primitive(a, &Type::String),
        "tonumber" => |a| to_primitive(a, &Type::Number),
        "tobool" => |a| to_primitive(a, &Type::Bool),
        _ => return None,
    })
}

fn to_seq(args: &[Value], set: bool) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let v = arg(args, 0)?;
    if *v == Value::Null {
        return Ok(Value::Null);
    }
    let items = unified_list(seq_arg(v)?)?;
    Ok(if set { Value::set_from(items) } else { Value::List(items) })
}

fn tomap(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let v = arg(args, 0)?;
    if *v == Value::Null {
        return Ok(Value::Null);
    }
    let m = kv_arg(v)?;
    let values: Vec<Value> = m.values().cloned().collect();
    let converted = unified_list(&values)?;
    Ok(Value::Map(m.keys().cloned().zip(converted).collect()))
}

fn to_primitive(args: &[Value], ty: &Type) -> Result<Value, String> {
    arity(args, 1, 1)?;
    arg(args, 0)?.convert(ty)
}
