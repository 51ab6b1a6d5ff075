//! String functions: `format`, `formatlist`, `join`, `split`, `replace` (plain and `/regex/`),
//! `trim`, `trimprefix`, `trimsuffix`, `trimspace`, `lower`, `upper`, `title`, `substr`,
//! `startswith`, `endswith`, `regex`, `regexall`. Regular expressions use the `regex` crate,
//! whose syntax is RE2's (Terraform's).

use std::collections::BTreeMap;

use regex::Regex;

use super::{Impl, arg, arity, int_arg, num_arg, seq_arg, str_arg};
use crate::ingest::hcl::value::{Number, Value};

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "format" => format_fn,
        "formatlist" => formatlist,
        "join" => join,
        "split" => split,
        "replace" => replace,
        "trim" => trim,
        "trimprefix" => |a| two_strings(a, |s, p| s.strip_prefix(p).unwrap_or(s).to_string()),
        "trimsuffix" => |a| two_strings(a, |s, p| s.strip_suffix(p).unwrap_or(s).to_string()),
        "trimspace" => |a| one_string(a, |s| s.trim().to_string()),
        "lower" => |a| one_string(a, |s| s.chars().map(|c| simple_case(c, false)).collect()),
        "upper" => |a| one_string(a, |s| s.chars().map(|c| simple_case(c, true)).collect()),
        "title" => |a| one_string(a, title),
        "substr" => substr,
        "startswith" => |a| two_bool(a, |s, p| s.starts_with(p)),
        "endswith" => |a| two_bool(a, |s, p| s.ends_with(p)),
        "regex" => regex_fn,
        "regexall" => regexall,
        _ => return None,
    })
}

fn one_string(args: &[Value], f: fn(&str) -> String) -> Result<Value, String> {
    arity(args, 1, 1)?;
    Ok(Value::String(f(&str_arg(arg(args, 0)?)?)))
}

fn two_strings(args: &[Value], f: fn(&str, &str) -> String) -> Result<Value, String> {
    arity(args, 2, 2)?;
    Ok(Value::String(f(&str_arg(arg(args, 0)?)?, &str_arg(arg(args, 1)?)?)))
}

fn two_bool(args: &[Value], f: fn(&str, &str) -> bool) -> Result<Value, String> {
    arity(args, 2, 2)?;
    Ok(Value::Bool(f(&str_arg(arg(args, 0)?)?, &str_arg(arg(args, 1)?)?)))
}

/// Go's simple case mapping: a character whose mapping is several characters (`ß` → `SS`) stays.
fn simple_case(c: char, upper: bool) -> char {
    let mut m: Vec<char> = if upper { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
    match (m.pop(), m.is_empty()) {
        (Some(x), true) => x,
        _ => c,
    }
}

/// Go's `strings.Title`: the first letter of each word upper-cased, the rest kept.
fn title(s: &str) -> String {
    let mut after_separator = true;
    s.chars()
        .map(|c| {
            let out = if after_separator { simple_case(c, true) } else { c };
            after_separator = if c.is_ascii() { !(c.is_ascii_alphanumeric() || c == '_') } else { c.is_whitespace() };
            out
        })
        .collect()
}

fn trim(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let s = str_arg(arg(args, 0)?)?;
    let cut: Vec<char> = str_arg(arg(args, 1)?)?.chars().collect();
    Ok(Value::string(s.trim_matches(|c| cut.contains(&c))))
}

fn substr(args: &[Value]) -> Result<Value, String> {
    arity(args, 3, 3)?;
    let chars: Vec<char> = str_arg(arg(args, 0)?)?.chars().collect();
    let len = i64::try_from(chars.len()).map_err(|e| e.to_string())?;
    let mut offset = int_arg(arg(args, 1)?)?;
    let length = int_arg(arg(args, 2)?)?;
    if offset < 0 {
        offset = len.saturating_add(offset).max(0);
    }
    if offset >= len {
        return Ok(Value::string(""));
    }
    let end = if length < 0 { len } else { offset.saturating_add(length).min(len) };
    let (a, b) = (usize::try_from(offset).unwrap_or(0), usize::try_from(end).unwrap_or(0));
    Ok(Value::String(chars.get(a..b).unwrap_or_default().iter().collect()))
}

fn join(args: &[Value]) -> Result<Value, String> {
    if args.len() < 2 {
        return Err("at least one list is required".into());
    }
    let sep = str_arg(arg(args, 0)?)?;
    let mut parts = Vec::new();
    for list in args.iter().skip(1) {
        for v in seq_arg(list)? {
            parts.push(str_arg(v)?);
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

fn split(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let sep = str_arg(arg(args, 0)?)?;
    let s = str_arg(arg(args, 1)?)?;
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::string).collect()
    };
    Ok(Value::List(parts))
}

fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("invalid regular expression pattern: {e}"))
}

fn replace(args: &[Value]) -> Result<Value, String> {
    arity(args, 3, 3)?;
    let s = str_arg(arg(args, 0)?)?;
    let sub = str_arg(arg(args, 1)?)?;
    let rep = str_arg(arg(args, 2)?)?;
    if let Some(pattern) = sub.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
        let re = compile(pattern)?;
        return Ok(Value::String(re.replace_all(&s, rep.as_str()).into_owned()));
    }
    Ok(Value::String(s.replace(&sub, &rep)))
}

/// One match's value: the whole match without groups, a tuple of the groups, or an object of
/// the named groups (Terraform rejects a mix).
fn match_value(re: &Regex, caps: &regex::Captures<'_>) -> Result<Value, String> {
    let text = |m: Option<regex::Match<'_>>| m.map_or(Value::Null, |m| Value::string(m.as_str()));
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return Ok(text(caps.get(0)));
    }
    if names.iter().all(Option::is_some) {
        let mut out = BTreeMap::new();
        for name in names.into_iter().flatten() {
            out.insert(name.to_string(), text(caps.name(name)));
        }
        return Ok(Value::Object(out));
    }
    if names.iter().all(Option::is_none) {
        return Ok(Value::Tuple((1..=names.len()).map(|i| text(caps.get(i))).collect()));
    }
    Err("patterns may not mix named and unnamed capture groups".into())
}

fn regex_fn(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let re = compile(&str_arg(arg(args, 0)?)?)?;
    let s = str_arg(arg(args, 1)?)?;
    let caps = re.captures(&s).ok_or("pattern did not match any part of the given string")?;
    match_value(&re, &caps)
}

fn regexall(args: &[Value]) -> Result<Value, String> {
    arity(args, 2, 2)?;
    let re = compile(&str_arg(arg(args, 0)?)?)?;
    let s = str_arg(arg(args, 1)?)?;
    let all: Vec<Value> = re.captures_iter(&s).map(|c| match_value(&re, &c)).collect::<Result<_, _>>()?;
    Ok(Value::List(all))
}

fn formatlist(args: &[Value]) -> Result<Value, String> {
    let fmt = str_arg(arg(args, 0)?)?;
    let rest = args.get(1..).unwrap_or_default();
    let mut n: Option<usize> = None;
    for a in rest {
        if let Some(items) = a.as_seq() {
            match n {
                Some(m) if m != items.len() => {
                    return Err(format!("all lists must have the same length ({m} and {})", items.len()));
                }
                _ => n = Some(items.len()),
            }
        }
    }
    let n = n.unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<Value> = rest.iter().map(|a| a.as_seq().and_then(|s| s.get(i)).unwrap_or(a).clone()).collect();
        out.push(Value::String(format(&fmt, &row)?));
    }
    Ok(Value::List(out))
}

fn format_fn(args: &[Value]) -> Result<Value, String> {
    let fmt = str_arg(arg(args, 0)?)?;
    Ok(Value::String(format(&fmt, args.get(1..).unwrap_or_default())?))
}

/// The largest width or precision `format` accepts (a guard against huge strings).
const MAX_WIDTH: usize = 4096;

/// One `%` directive's flags, width and precision.
#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Spec {
    fn pad(&self, body: String) -> String {
        let len = body.chars().count();
        let Some(w) = self.width.filter(|w| *w > len) else {
            return body;
        };
        let fill = w - len;
        if self.minus {
            format!("{body}{}", " ".repeat(fill))
        } else if self.zero {
            let (sign, digits) = match body.strip_prefix(['-', '+']) {
                Some(d) => (body.get(..1).unwrap_or_default(), d),
                None => ("", body.as_str()),
            };
            format!("{sign}{}{digits}", "0".repeat(fill))
        } else {
            format!("{}{body}", " ".repeat(fill))
        }
    }

    fn signed(&self, n: f64, digits: String) -> String {
        if n >= 0.0 && self.plus {
            format!("+{digits}")
        } else if n >= 0.0 && self.space {
            format!(" {digits}")
        } else {
            digits
        }
    }
}

/// Terraform's `format`: Go's fmt verbs over cty values (`%v` of a collection is its JSON).
fn format(fmt: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next_arg = 0usize;
    let mut reordered = false;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut spec = Spec::default();
        while let Some(f) = chars.peek().copied() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
                chars.next();
            }
            n
        };
        if chars.peek() == Some(&'[') {
            chars.next();
            let i = number(&mut chars).ok_or("invalid argument index")?;
            if chars.next() != Some(']') || i == 0 {
                return Err("invalid argument index".into());
            }
            next_arg = i - 1;
            reordered = true;
        }
        spec.width = number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(number(&mut chars).unwrap_or(0));
        }
        if spec.width.max(spec.precision).is_some_and(|n| n > MAX_WIDTH) {
            return Err(format!("width and precision are limited to {MAX_WIDTH}"));
        }
        let verb = chars.next().ok_or("format string ends with an unfinished directive")?;
        let value = args.get(next_arg).ok_or_else(|| format!("not enough arguments for %{verb}"))?;
        next_arg += 1;
        out.push_str(&spec.pad(directive(verb, &spec, value)?));
    }
    if !reordered && next_arg < args.len() {
        return Err(format!("too many arguments; only {next_arg} used by format string"));
    }
    Ok(out)
}

fn json_text(v: &Value) -> Result<String, String> {
    v.to_json().map(|j| super::encoding::go_json(&j)).ok_or_else(|| "value is not known".into())
}

fn directive(verb: char, spec: &Spec, v: &Value) -> Result<String, String> {
    Ok(match verb {
        'v' if spec.sharp => json_text(v)?,
        'v' => match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            other => json_text(other)?,
        },
        's' => {
            let s = str_arg(v)?;
            match spec.precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            }
        }
        'q' => serde_json::to_string(&str_arg(v)?).map_err(|e| e.to_string())?,
        't' => match v.convert(&crate::ingest::hcl::value::Type::Bool)? {
            Value::Bool(b) => b.to_string(),
            _ => return Err("%t requires a bool".into()),
        },
        'd' | 'x' | 'X' | 'o' | 'b' => {
            let n = num_arg(v)?;
            let i = n.as_i64().ok_or_else(|| format!("%{verb} requires an integer, got {n}"))?;
            let m = i.unsigned_abs();
            let digits = match verb {
                'x' => format!("{m:x}"),
                'X' => format!("{m:X}"),
                'o' => format!("{m:o}"),
                'b' => format!("{m:b}"),
                _ => m.to_string(),
            };
            #[expect(clippy::cast_precision_loss, reason = "only the sign is used")]
            let body = spec.signed(i as f64, digits);
            if i < 0 { format!("-{body}") } else { body }
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            let x = num_arg(v)?.as_f64();
            let p = spec.precision.unwrap_or(6);
            let m = x.abs();
            let digits = match verb {
                'f' | 'F' => format!("{m:.p$}"),
                'e' | 'E' => go_exp(m, p, verb == 'E'),
                _ => Number::from_f64(m).to_string(),
            };
            let body = spec.signed(x, digits);
            if x < 0.0 { format!("-{body}") } else { body }
        }
        other => return Err(format!("unsupported format verb %{other}")),
    })
}

/// Go's `%e`: mantissa with `p` decimals and a signed exponent of at least two digits.
fn go_exp(m: f64, p: usize, upper: bool) -> String {
    let rust = format!("{m:.p$e}");
    let (mantissa, exp) = rust.split_once('e').unwrap_or((rust.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{e}{sign}{:02}", exp.unsigned_abs())
}
