//! Terraform's built-in functions over [`Value`]s: [`call`] dispatches by name to one family
//! file (CIDR, collections, strings, numeric, encoding, types).
//!
//! Rules every function follows, as Terraform does:
//! - Sensitive marks come off the arguments and go back on the result (`sensitive` and
//!   `nonsensitive` are the exceptions that set and clear them).
//! - An argument that is (or holds) an [`Unknown`](super::value::Unknown) makes the result
//!   unknown, of the function's result type, keeping what still holds (`cidrsubnet` of a known
//!   prefix and an unknown netnum is a string inside that prefix). Functions that only look at a
//!   collection's shape (`length`, `element`, `concat`, `keys`, ...) still answer when only
//!   elements are unknown. Never a made-up value.
//! - A function that is not in the library is [`FnError::Unsupported`]: the evaluator turns it
//!   into an unknown with a note naming it. `try`/`can` are lazy and belong to the evaluator;
//!   `file`, `templatefile`, `fileexists` and `fileset` need the filesystem sandbox.

mod cidr;
mod collections;
mod encoding;
mod numeric;
mod strings;
#[cfg(test)]
mod tests;
mod types;

use std::collections::BTreeMap;

use super::value::{Number, Type, Unknown, Value};

/// Why a function call has no value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum FnError {
    /// Not in the library (or needs the evaluator or the filesystem).
    #[error("function {0:?} is not supported by tfvpc's HCL evaluator")]
    Unsupported(String),
    /// Terraform itself rejects the call (wrong arguments, out of range, no match, ...).
    #[error("{function}: {message}")]
    Invalid {
        /// The function called.
        function: String,
        /// Terraform's reason, in our words.
        message: String,
    },
}

/// A family function: the arguments, unmarked and (unless the function is shape-only) known.
type Impl = fn(&[Value]) -> Result<Value, String>;

/// Functions that answer from a collection's shape even when some elements are unknown.
const SHAPE_ONLY: &[&str] = &[
    "length",
    "element",
    "concat",
    "merge",
    "keys",
    "values",
    "slice",
    "reverse",
    "chunklist",
    "zipmap",
    "lookup",
    "one",
    "tolist",
    "tomap",
    "coalescelist",
];

/// Calls the Terraform function `name` on `args`.
pub(crate) fn call(name: &str, args: Vec<Value>) -> Result<Value, FnError> {
    let invalid = |message: String| FnError::Invalid { function: name.to_string(), message };
    match name {
        "sensitive" => {
            let [v] = <[Value; 1]>::try_from(args).map_err(|_| invalid(count_msg(1)))?;
            return Ok(v.marked_if(true));
        }
        "nonsensitive" => {
            let [v] = <[Value; 1]>::try_from(args).map_err(|_| invalid(count_msg(1)))?;
            return Ok(v.unmarked().0);
        }
        _ => {}
    }
    let Some(imp) = lookup_impl(name) else {
        return Err(FnError::Unsupported(name.to_string()));
    };
    let mut marked = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|a| {
            let (a, m) = a.unmarked();
            marked |= m;
            a
        })
        .collect();
    let top_unknown = args.iter().any(|a| matches!(a, Value::Unknown(_)));
    let deep_unknown = args.iter().any(Value::has_unknown);
    // zipmap's keys must be known even though its values need not be.
    let unknown_keys = name == "zipmap" && args.first().is_some_and(Value::has_unknown);
    if top_unknown || unknown_keys || (deep_unknown && !SHAPE_ONLY.contains(&name)) {
        return Ok(unknown_result(name, &args).marked_if(marked));
    }
    imp(&args).map(|v| v.marked_if(marked)).map_err(invalid)
}

fn lookup_impl(name: &str) -> Option<Impl> {
    cidr::lookup(name)
        .or_else(|| collections::lookup(name))
        .or_else(|| strings::lookup(name))
        .or_else(|| numeric::lookup(name))
        .or_else(|| encoding::lookup(name))
        .or_else(|| types::lookup(name))
}

/// The unknown a call with unknown arguments returns: typed by the function, refined where the
/// arguments still decide something.
fn unknown_result(name: &str, args: &[Value]) -> Value {
    let list_of = |t: Type| Type::List(Box::new(t));
    let ty = match name {
        "cidrsubnet" | "cidrhost" => {
            let within = match args.first() {
                Some(Value::String(p)) => cidr::parse_cidr(p).ok(),
                _ => None,
            };
            return Value::Unknown(Box::new(Unknown {
                not_null: true,
                cidr_within: within,
                ..Unknown::of(Type::String)
            }));
        }
        "cidrnetmask" | "format" | "join" | "replace" | "trim" | "trimprefix" | "trimsuffix" | "trimspace"
        | "lower" | "upper" | "title" | "substr" | "jsonencode" | "tostring" => Type::String,
        "cidrsubnets" | "split" | "formatlist" | "keys" | "sort" | "compact" => list_of(Type::String),
        "length" | "index" | "min" | "max" | "sum" | "abs" | "ceil" | "floor" | "parseint" | "tonumber" => Type::Number,
        "contains" | "startswith" | "endswith" | "alltrue" | "anytrue" | "tobool" => Type::Bool,
        "range" => list_of(Type::Number),
        _ => Type::Dynamic,
    };
    Value::unknown(ty)
}

// ---- argument helpers shared by the families ----

pub(super) fn count_msg(n: usize) -> String {
    format!("expected {n} argument(s)")
}

/// Checks the argument count is within `min..=max`.
pub(super) fn arity(args: &[Value], min: usize, max: usize) -> Result<(), String> {
    if args.len() < min || args.len() > max {
        return Err(if min == max {
            count_msg(min)
        } else {
            format!("expected {min} to {max} arguments, got {}", args.len())
        });
    }
    Ok(())
}

/// The argument `i`, which must be given.
pub(super) fn arg(args: &[Value], i: usize) -> Result<&Value, String> {
    args.get(i).ok_or_else(|| format!("missing argument {}", i + 1))
}

/// The argument as a string (numbers and bools convert); null is an error.
pub(super) fn str_arg(v: &Value) -> Result<String, String> {
    match v.convert(&Type::String)? {
        Value::String(s) => Ok(s),
        Value::Null => Err("argument must not be null".into()),
        other => Err(format!("string required, got {}", other.ty().friendly())),
    }
}

/// The argument as a number (numeric strings convert); null is an error.
pub(super) fn num_arg(v: &Value) -> Result<Number, String> {
    match v.convert(&Type::Number)? {
        Value::Number(n) => Ok(n),
        Value::Null => Err("argument must not be null".into()),
        other => Err(format!("number required, got {}", other.ty().friendly())),
    }
}

/// The argument as a whole number.
pub(super) fn int_arg(v: &Value) -> Result<i64, String> {
    let n = num_arg(v)?;
    n.as_i64().ok_or_else(|| format!("{n} is not a whole number"))
}

/// The argument as a bool (`"true"`/`"false"` convert).
pub(super) fn bool_arg(v: &Value) -> Result<bool, String> {
    match v.convert(&Type::Bool)? {
        Value::Bool(b) => Ok(b),
        Value::Null => Err("argument must not be null".into()),
        other => Err(format!("bool required, got {}", other.ty().friendly())),
    }
}

/// The elements of a list, tuple or set argument.
pub(super) fn seq_arg(v: &Value) -> Result<&[Value], String> {
    v.as_seq().ok_or_else(|| format!("list, tuple or set required, got {}", v.ty().friendly()))
}

/// The attributes of a map or object argument.
pub(super) fn kv_arg(v: &Value) -> Result<&BTreeMap<String, Value>, String> {
    v.as_kv().ok_or_else(|| format!("map or object required, got {}", v.ty().friendly()))
}

/// A list of `items` converted to one element type (cty's unify), as `tolist` does.
pub(super) fn unified_list(items: &[Value]) -> Result<Vec<Value>, String> {
    let types: Vec<Type> = items.iter().map(Value::ty).collect();
    let ty = Type::unify(&types).ok_or("all elements must have the same type")?;
    items.iter().map(|v| v.convert(&ty)).collect()
}
