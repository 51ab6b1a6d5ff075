//! Collection functions: `element`, `length`, `concat`, `merge`, `lookup`, `coalesce`,
//! `coalescelist`, `compact`, `distinct`, `flatten`, `slice`, `range`, `reverse`, `sort`,
//! `chunklist`, `zipmap`, `keys`, `values`, `contains`, `index`, `one`, `alltrue`, `anytrue`,
//! the `set*` family and `transpose`. Maps and sets iterate in lexical order (the value model
//! keeps them so).

use std::collections::BTreeMap;

use super::{Impl, arg, arity, bool_arg, int_arg, kv_arg, num_arg, seq_arg, str_arg, unified_list};
use crate::ingest::hcl::value::{Number, Type, Value};

/// Terraform's cap on `range` results.
const RANGE_LIMIT: usize = 1024;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "element" => element,
        "length" => length,
        "concat" => concat,
        "merge" => merge,
        "lookup" => lookup_fn,
        "coalesce" => coalesce,
        "coalescelist" => coalescelist,
        "compact" => compact,
        "distinct" => distinct,
        "flatten" => flatten,
        "slice" => slice,
        "range" => range,
        "reverse" => reverse,
        "sort" => sort,
        "chunklist" => chunklist,
        "zipmap" => zipmap,
        "keys" => keys,
        "values" => values,
        "contains" => contains,
        "index" => index,
        "one" => one,
        "alltrue" => |a| all_any(a, true),
        "anytrue" => |a| all_any(a, false),
        "setproduct" => setproduct,
        "setunion" => |a| set_op(a, SetOp::Union),
        "setintersection" => |a| set_op(a, SetOp::Intersection),
        "setsubtract" => |a| set_op(a, SetOp::Subtract),
        "transpose" => transpose,
        _ => return None,
    })
}

fn usize_of(i: i64) -> Result<usize, String> {
    usize::try_from(i).map_err(|_| format!("{i} must not be negative"))
}

fn element(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let list = arg(args, 0)?;
    if matches!(list, Value::Set(_)) {
        return Err("cannot read elements from a set (it has no order): use tolist first".into());
    }
    let items = seq_arg(list)?;
    let idx = int_arg(arg(args, 1)?)?;
    if idx < 0 {
        return Err("cannot use element function with a negative index".into());
    }
    if items.is_empty() {
        return Err("cannot use element function with an empty list".into());
    }
    // Terraform wraps the index modulo the length.
    let i = usize_of(idx)? % items.len();
    items.get(i).cloned().ok_or_else(|| "index out of range".into())
}

fn length(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let n = match arg(args, 0)? {
        // Terraform counts grapheme clusters; chars agree for the text network code holds.
        Value::String(s) => s.chars().count(),
        Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.len(),
        Value::Map(m) | Value::Object(m) => m.len(),
        other => {
            return Err(format!(
                "argument must be a string, a collection type, or a structural type, not {}",
                other.ty().friendly()
            ));
        }
    };
    Ok(Value::int(i64::try_from(n).map_err(|e| e.to_string())?))
}

fn concat(args: &[Value]) -> Result<Value, String> {
    if args.is_empty() {
        return Err("at least one argument is required".into());
    }
    let mut out = Vec::new();
    for a in args {
        out.extend_from_slice(seq_arg(a)?);
    }
    // Lists of one element type stay a list; anything else (tuple literals) makes a tuple.
    let first_ty = args.first().map(Value::ty);
    let all_lists = args.iter().all(|a| matches!(a, Value::List(_)) && Some(a.ty()) == first_ty);
    Ok(if all_lists { Value::List(out) } else { Value::Tuple(out) })
}

fn merge(args: &[Value]) -> Result<Value, String> {
    let mut out = BTreeMap::new();
    let mut all_maps = true;
    for a in args {
        if *a == Value::Null {
            continue;
        }
        all_maps &= matches!(a, Value::Map(_));
        for (k, v) in kv_arg(a)? {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(if all_maps && !args.is_empty() { Value::Map(out) } else { Value::Object(out) })
}

fn lookup_fn(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 3)?;
    let map = kv_arg(arg(args, 0)?)?;
    let key = str_arg(arg(args, 1)?)?;
    match (map.get(&key), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("the given key {key:?} does not exist in the map")),
    }
}

fn coalesce(args: &[Value]) -> Result<Value, String> {
    let converted = unified_list(args)?;
    converted
        .into_iter()
        .find(|v| *v != Value::Null && *v != Value::string(""))
        .ok_or_else(|| "no non-null, non-empty-string arguments".into())
}

fn coalescelist(args: &[Value]) -> Result<Value, String> {
    if args.is_empty() {
        return Err("at least one argument is required".into());
    }
    for a in args {
        if !seq_arg(a)?.is_empty() {
            return Ok(a.clone());
        }
    }
    Err("no non-null arguments".into())
}

fn compact(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let mut out = Vec::new();
    for v in seq_arg(arg(args, 0)?)? {
        if *v == Value::Null {
            continue;
        }
        let s = str_arg(v)?;
        if !s.is_empty() {
            out.push(Value::String(s));
        }
    }
    Ok(Value::List(out))
}

fn distinct(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let items = unified_list(seq_arg(arg(args, 0)?)?)?;
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if !out.iter().any(|o| o.equals(&v) == Some(true)) {
            out.push(v);
        }
    }
    Ok(Value::List(out))
}

fn flatten(args: &[Value]) -> Result<Value, String> {
    fn walk(items: &[Value], out: &mut Vec<Value>) {
        for v in items {
            match v.as_seq() {
                Some(inner) => walk(inner, out),
                None => out.push(v.clone()),
            }
        }
    }
    arity(args, 1, 1)?;
    let mut out = Vec::new();
    walk(seq_arg(arg(args, 0)?)?, &mut out);
    Ok(Value::Tuple(out))
}

fn slice(args: &[Value]) -> Result<Value, String> {
    arity(args, 3, 3)?;
    let list = arg(args, 0)?;
    let items = seq_arg(list)?;
    let start = usize_of(int_arg(arg(args, 1)?)?)?;
    let end = usize_of(int_arg(arg(args, 2)?)?)?;
    if end > items.len() {
        return Err("end index must not be greater than the length of the list".into());
    }
    if start > end {
        return Err("start index must not be greater than end index".into());
    }
    let part = items.get(start..end).unwrap_or_default().to_vec();
    Ok(if matches!(list, Value::Tuple(_)) { Value::Tuple(part) } else { Value::List(part) })
}

fn range(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 3)?;
    let nums: Vec<Number> = args.iter().map(num_arg).collect::<Result<_, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [end] => (Number::Int(0), *end, Number::Int(1)),
        [start, end] => {
            let step = if start.cmp(*end).is_gt() { -1 } else { 1 };
            (*start, *end, Number::Int(step))
        }
        [start, end, step] => (*start, *end, *step),
        _ => return Err("expected 1 to 3 arguments".into()),
    };
    let (s, e, st) = (start.as_f64(), end.as_f64(), step.as_f64());
    if st == 0.0 {
        return Err("step must not be zero".into());
    }
    if (st > 0.0 && s > e) || (st < 0.0 && s < e) {
        return Err("step must be positive when start is less than end, negative otherwise".into());
    }
    let mut out = Vec::new();
    let mut i = 0.0_f64;
    loop {
        let v = i.mul_add(st, s);
        if (st > 0.0 && v >= e) || (st < 0.0 && v <= e) {
            break;
        }
        if out.len() >= RANGE_LIMIT {
            return Err(format!("more than {RANGE_LIMIT} values were generated"));
        }
        out.push(Value::Number(Number::from_f64(v)));
        i += 1.0;
    }
    Ok(Value::List(out))
}

fn reverse(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let list = arg(args, 0)?;
    let mut items = seq_arg(list)?.to_vec();
    items.reverse();
    Ok(if matches!(list, Value::List(_)) { Value::List(items) } else { Value::Tuple(items) })
}

fn sort(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    // Terraform's sort is lexical over strings: numbers are converted first.
    let mut items: Vec<String> = seq_arg(arg(args, 0)?)?.iter().map(str_arg).collect::<Result<_, _>>()?;
    items.sort();
    Ok(Value::List(items.into_iter().map(Value::String).collect()))
}

fn chunklist(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let items = seq_arg(arg(args, 0)?)?;
    let size = int_arg(arg(args, 1)?)?;
    if size < 0 {
        return Err("the size argument must be positive".into());
    }
    if items.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    let size = if size == 0 { items.len() } else { usize_of(size)? };
    Ok(Value::List(items.chunks(size).map(|c| Value::List(c.to_vec())).collect()))
}

fn zipmap(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let ks = seq_arg(arg(args, 0)?)?;
    let vs_arg = arg(args, 1)?;
    let vs = seq_arg(vs_arg)?;
    if ks.len() != vs.len() {
        return Err(format!("number of keys ({}) does not match number of values ({})", ks.len(), vs.len()));
    }
    let mut out = BTreeMap::new();
    for (k, v) in ks.iter().zip(vs) {
        out.insert(str_arg(k)?, v.clone());
    }
    Ok(if matches!(vs_arg, Value::Tuple(_)) { Value::Object(out) } else { Value::Map(out) })
}

fn keys(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let m = kv_arg(arg(args, 0)?)?;
    Ok(Value::List(m.keys().map(|k| Value::string(k.clone())).collect()))
}

fn values(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let v = arg(args, 0)?;
    let items: Vec<Value> = kv_arg(v)?.values().cloned().collect();
    Ok(if matches!(v, Value::Map(_)) { Value::List(items) } else { Value::Tuple(items) })
}

fn contains(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let items = seq_arg(arg(args, 0)?)?;
    let needle = arg(args, 1)?;
    Ok(Value::Bool(items.iter().any(|v| v.equals(needle) == Some(true))))
}

fn index(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let items = seq_arg(arg(args, 0)?)?;
    let needle = arg(args, 1)?;
    let i = items.iter().position(|v| v.equals(needle) == Some(true)).ok_or("item not found")?;
    Ok(Value::int(i64::try_from(i).map_err(|e| e.to_string())?))
}

fn one(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    match seq_arg(arg(args, 0)?)? {
        [] => Ok(Value::Null),
        [v] => Ok(v.clone()),
        _ => Err("must be a list, set, or tuple value with either zero or one elements".into()),
    }
}

fn all_any(args: &[Value], all: bool) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let bools: Vec<bool> = seq_arg(arg(args, 0)?)?.iter().map(bool_arg).collect::<Result<_, _>>()?;
    Ok(Value::Bool(if all { bools.iter().all(|b| *b) } else { bools.iter().any(|b| *b) }))
}

fn setproduct(args: &[Value]) -> Result<Value, String> {
    if args.is_empty() {
        return Err("at least one argument is required".into());
    }
    let mut rows: Vec<Vec<Value>> = vec![Vec::new()];
    for a in args {
        let items = seq_arg(a)?;
        rows = rows
            .iter()
            .flat_map(|row| {
                items.iter().map(move |v| {
                    let mut r = row.clone();
                    r.push(v.clone());
                    r
                })
            })
            .collect();
    }
    let rows: Vec<Value> = rows.into_iter().map(Value::Tuple).collect();
    Ok(if args.iter().all(|a| matches!(a, Value::Set(_))) { Value::set_from(rows) } else { Value::List(rows) })
}

#[derive(Clone, Copy)]
enum SetOp {
    Union,
    Intersection,
    Subtract,
}

fn set_op(args: &[Value], op: SetOp) -> Result<Value, String> {
    if matches!(op, SetOp::Subtract) {
        arity(args, 2, 2)?;
    } else if args.is_empty() {
        return Err("at least one argument is required".into());
    }
    // All elements share one type (cty unifies across the arguments).
    let all: Vec<Value> = args.iter().map(seq_arg).collect::<Result<Vec<_>, _>>()?.concat();
    let types: Vec<Type> = all.iter().map(Value::ty).collect();
    let ty = Type::unify(&types).ok_or("given sets must all have compatible element types")?;
    let sets: Vec<Vec<Value>> = args
        .iter()
        .map(|a| seq_arg(a)?.iter().map(|v| v.convert(&ty)).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let has = |set: &[Value], v: &Value| set.iter().any(|x| x.equals(v) == Some(true));
    let (first, rest) = sets.split_first().ok_or("at least one argument is required")?;
    let out: Vec<Value> = match op {
        SetOp::Union => sets.concat(),
        SetOp::Intersection => first.iter().filter(|v| rest.iter().all(|s| has(s, v))).cloned().collect(),
        SetOp::Subtract => first.iter().filter(|v| !rest.iter().any(|s| has(s, v))).cloned().collect(),
    };
    Ok(Value::set_from(out))
}

fn transpose(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, list) in kv_arg(arg(args, 0)?)? {
        for v in seq_arg(list)? {
            out.entry(str_arg(v)?).or_default().push(Value::string(k.clone()));
        }
    }
    Ok(Value::Map(out.into_iter().map(|(k, v)| (k, Value::List(v))).collect()))
}
