//! Numeric functions: `min`, `max`, `sum`, `abs`, `ceil`, `floor`, `parseint`.

use super::{Impl, arg, arity, int_arg, num_arg, seq_arg, str_arg};
use crate::ingest::hcl::value::{Number, Value};

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "min" => |a| extreme(a, true),
        "max" => |a| extreme(a, false),
        "sum" => sum,
        "abs" => |a| unary(a, f64::abs, |i| i.checked_abs()),
        "ceil" => |a| unary(a, f64::ceil, Some),
        "floor" => |a| unary(a, f64::floor, Some),
        "parseint" => parseint,
        _ => return None,
    })
}

fn extreme(args: &[Value], min: bool) -> Result<Value, String> {
    let nums: Vec<Number> = args.iter().map(num_arg).collect::<Result<_, _>>()?;
    let pick = nums.into_iter().reduce(|a, b| {
        let b_wins = if min { b.cmp(a).is_lt() } else { b.cmp(a).is_gt() };
        if b_wins { b } else { a }
    });
    pick.map(Value::Number).ok_or_else(|| "must pass at least one number".into())
}

fn sum(args: &[Value]) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let items = seq_arg(arg(args, 0)?)?;
    if items.is_empty() {
        return Err("cannot sum an empty list".into());
    }
    let mut total = Number::Int(0);
    for v in items {
        let n = num_arg(v)?;
        total = match (total, n) {
            (Number::Int(a), Number::Int(b)) => {
                a.checked_add(b).map_or_else(|| Number::from_f64(total.as_f64() + n.as_f64()), Number::Int)
            }
            _ => Number::from_f64(total.as_f64() + n.as_f64()),
        };
    }
    Ok(Value::Number(total))
}

fn unary(args: &[Value], f: fn(f64) -> f64, int: fn(i64) -> Option<i64>) -> Result<Value, String> {
    arity(args, 1, 1)?;
    let n = num_arg(arg(args, 0)?)?;
    let out = match n.as_i64().and_then(int) {
        Some(i) => Number::Int(i),
        None => Number::from_f64(f(n.as_f64())),
    };
    Ok(Value::Number(out))
}

/// `parseint(s, base)`, base 2 to 62 as Go's big.Int reads digits: `0-9`, then `a-z` and `A-Z`
/// alike up to base 36, then `a-z` for 10-35 and `A-Z` for 36-61.
fn parseint(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let s = str_arg(arg(args, 0)?)?;
    let base = int_arg(arg(args, 1)?)?;
    if !(2..=62).contains(&base) {
        return Err("base must be a whole number between 2 and 62 inclusive".into());
    }
    let bad = || format!("cannot parse {s:?} as a base {base} integer");
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'a'..='z' => u32::from(c) - u32::from('a') + 10,
            'A'..='Z' if base <= 36 => u32::from(c) - u32::from('A') + 10,
            'A'..='Z' => u32::from(c) - u32::from('A') + 36,
            _ => return Err(bad()),
        };
        if i64::from(d) >= base {
            return Err(bad());
        }
        total = total.checked_mul(base).and_then(|t| t.checked_add(i64::from(d))).ok_or_else(bad)?;
    }
    Ok(Value::int(if neg { -total } else { total }))
}
