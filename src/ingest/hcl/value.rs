//! Terraform's value model, after go-cty: known values, `null`, and an [`Unknown`] that keeps what
//! is still certain about an apply-time value (its type, not-null, what it refers to, a CIDR range
//! it lies in). Sensitivity is a mark ([`Value::Sensitive`]) that operations carry through.
//!
//! Numbers are [`Number`]: an `i64` when the value is an integer that fits (exact: counts,
//! indexes, netnums, ports, ASNs), else an `f64`. Terraform's numbers are arbitrary-precision
//! decimals; the difference shows only past 2^63 or in decimal fractions (`0.1 + 0.2`), which
//! network code does not use.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use ipnet::IpNet;

/// A Terraform number: exact for integers in `i64`, `f64` otherwise (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Number {
    /// An integer (always used when the value is integral and fits).
    Int(i64),
    /// A non-integral (or huge) number.
    Float(f64),
}

impl Number {
    /// The number for `f`, as an `Int` when `f` is integral and fits.
    pub(crate) fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && f.is_finite() && f.abs() < 9.0e18 {
            #[expect(clippy::cast_possible_truncation, reason = "checked integral and in range")]
            return Number::Int(f as i64);
        }
        Number::Float(f)
    }

    /// The value as `f64`.
    #[expect(clippy::cast_precision_loss, reason = "f64 is the documented fallback")]
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// The value as an integer, if it is one.
    pub(crate) fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(_) => None,
        }
    }

    /// Parses Terraform's number syntax (decimal, optional fraction and exponent).
    pub(crate) fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        if t.is_empty() || t.starts_with('+') || t.contains(['x', 'X', 'i', 'I', 'n', 'N']) {
            return None;
        }
        if let Ok(i) = t.parse::<i64>() {
            return Some(Number::Int(i));
        }
        t.parse::<f64>().ok().filter(|f| f.is_finite()).map(Number::from_f64)
    }

    /// Numeric comparison.
    pub(crate) fn cmp(self, other: Number) -> Ordering {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.cmp(&b),
            (a, b) => a.as_f64().total_cmp(&b.as_f64()),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp(*other) == Ordering::Equal
    }
}

impl fmt::Display for Number {
    /// Terraform's canonical text: integers without a fraction, others in shortest form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A Terraform type (cty's type system). `Dynamic` is "any type": not known yet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Type {
    /// Not known (cty's `DynamicPseudoType`).
    Dynamic,
    /// `bool`.
    Bool,
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `list(T)`.
    List(Box<Type>),
    /// `set(T)`.
    Set(Box<Type>),
    /// `map(T)`.
    Map(Box<Type>),
    /// A tuple of the given element types.
    Tuple(Vec<Type>),
    /// An object with the given attribute types.
    Object(BTreeMap<String, Type>),
}

impl Type {
    /// Whether `bool`, `number` or `string`.
    pub(crate) fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    /// The type that values of all `types` convert to, as cty's unify does for lists, sets and
    /// maps: equal types stay; primitives mixed with strings become strings; `Dynamic` defers.
    pub(crate) fn unify(types: &[Type]) -> Option<Type> {
        let known: Vec<&Type> = types.iter().filter(|t| **t != Type::Dynamic).collect();
        let Some(first) = known.first() else {
            return Some(Type::Dynamic);
        };
        if known.iter().all(|t| t == first) {
            return Some((*first).clone());
        }
        if known.iter().all(|t| t.is_primitive()) {
            // number + bool has no common type; anything with a string becomes a string.
            return known.iter().any(|t| **t == Type::String).then_some(Type::String);
        }
        let elements = |t: &Type| -> Option<Vec<Type>> {
            match t {
                Type::List(e) | Type::Set(e) => Some(vec![(**e).clone()]),
                Type::Tuple(es) => Some(es.clone()),
                _ => None,
            }
        };
        if known.iter().all(|t| matches!(t, Type::List(_) | Type::Tuple(_))) {
            let all: Option<Vec<Vec<Type>>> = known.iter().map(|t| elements(t)).collect();
            let flat: Vec<Type> = all?.concat();
            return Some(Type::List(Box::new(Type::unify(&flat)?)));
        }
        if known.iter().all(|t| matches!(t, Type::Map(_) | Type::Object(_))) {
            let mut flat = Vec::new();
            for t in &known {
                match t {
                    Type::Map(e) => flat.push((**e).clone()),
                    Type::Object(attrs) => flat.extend(attrs.values().cloned()),
                    _ => {}
                }
            }
            return Some(Type::Map(Box::new(Type::unify(&flat)?)));
        }
        None
    }

    /// Terraform's name of the type, as in error messages (`list of string`).
    pub(crate) fn friendly(&self) -> String {
        match self {
            Type::Dynamic => "dynamic".into(),
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::String => "string".into(),
            Type::List(e) => format!("list of {}", e.friendly()),
            Type::Set(e) => format!("set of {}", e.friendly()),
            Type::Map(e) => format!("map of {}", e.friendly()),
            Type::Tuple(_) => "tuple".into(),
            Type::Object(_) => "object".into(),
        }
    }
}

/// An apply-time value: what is still certain about it. Never replaced by a made-up value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unknown {
    /// Its type, `Dynamic` when even that is not known.
    pub(crate) ty: Type,
    /// Certain not to be null (a resource id after apply).
    pub(crate) not_null: bool,
    /// What it refers to, as Terraform writes it (`aws_nat_gateway.this[1].id`), when known.
    pub(crate) refers_to: Option<Refers>,
    /// For a string that is a CIDR: a known range it lies inside.
    pub(crate) cidr_within: Option<IpNet>,
}

/// What an unknown refers to ([`Unknown::refers_to`]): a reference as written, or a resource
/// instance's address and one of its attributes, the address shared by all the instance's
/// computed attributes (made for every instance, read for few). Compared and shown as its text.
#[derive(Debug, Clone)]
pub(crate) enum Refers {
    /// The whole reference.
    Text(String),
    /// `ADDRESS.ATTR`.
    Attr(Arc<str>, &'static str),
}

impl Refers {
    /// The reference as Terraform writes it.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Refers::Text(t) => Cow::Borrowed(t),
            Refers::Attr(base, attr) => Cow::Owned(format!("{base}.{attr}")),
        }
    }
}

impl PartialEq for Refers {
    fn eq(&self, other: &Refers) -> bool {
        match (self, other) {
            (Refers::Text(a), Refers::Text(b)) => a == b,
            (Refers::Attr(a, x), Refers::Attr(b, y)) if a == b && x == y => true,
            (a, b) => a.text() == b.text(),
        }
    }
}

impl fmt::Display for Refers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refers::Text(t) => f.write_str(t),
            Refers::Attr(base, attr) => write!(f, "{base}.{attr}"),
        }
    }
}

impl From<&str> for Refers {
    fn from(s: &str) -> Refers {
        Refers::Text(s.to_string())
    }
}

impl Unknown {
    /// An unknown of type `ty` and nothing else certain.
    pub(crate) fn of(ty: Type) -> Unknown {
        Unknown { ty, not_null: false, refers_to: None, cidr_within: None }
    }
}

/// A Terraform value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list: elements of one type.
    List(Vec<Value>),
    /// A tuple: `[...]` literals, elements of any type.
    Tuple(Vec<Value>),
    /// A set: deduplicated, in Terraform's order ([`Value::set_from`]).
    Set(Vec<Value>),
    /// A map: values of one type, keys in lexical order.
    Map(BTreeMap<String, Value>),
    /// An object: `{...}` literals, attributes in lexical order.
    Object(BTreeMap<String, Value>),
    /// Not known until apply.
    Unknown(Box<Unknown>),
    /// A value marked sensitive.
    Sensitive(Box<Value>),
}

impl Value {
    /// A string value.
    pub(crate) fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An integer value.
    pub(crate) fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    /// An unknown of type `ty`, not null (a function result over unknown arguments).
    pub(crate) fn unknown(ty: Type) -> Value {
        Value::Unknown(Box::new(Unknown { not_null: true, ..Unknown::of(ty) }))
    }

    /// A set of `items`: deduplicated and ordered as cty orders sets (numbers numerically,
    /// strings lexically, others by their JSON text).
    pub(crate) fn set_from(mut items: Vec<Value>) -> Value {
        items.sort_by(set_order);
        items.dedup();
        Value::Set(items)
    }

    /// Its type (`Dynamic` for null and unknowns of unknown type).
    pub(crate) fn ty(&self) -> Type {
        match self {
            Value::Null => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(v) => Type::List(Box::new(elem_type(v))),
            Value::Set(v) => Type::Set(Box::new(elem_type(v))),
            Value::Tuple(v) => Type::Tuple(v.iter().map(Value::ty).collect()),
            Value::Map(m) => Type::Map(Box::new(elem_type(m.values()))),
            Value::Object(m) => Type::Object(m.iter().map(|(k, v)| (k.clone(), v.ty())).collect()),
            Value::Unknown(u) => u.ty.clone(),
            Value::Sensitive(v) => v.ty(),
        }
    }

    /// Whether the value or anything inside it is unknown.
    pub(crate) fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.iter().any(Value::has_unknown),
            Value::Map(m) | Value::Object(m) => m.values().any(Value::has_unknown),
            Value::Sensitive(v) => v.has_unknown(),
            _ => false,
        }
    }

    /// Whether the value or anything inside it is marked sensitive.
    pub(crate) fn has_mark(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.iter().any(Value::has_mark),
            Value::Map(m) | Value::Object(m) => m.values().any(Value::has_mark),
            _ => false,
        }
    }

    /// The value without sensitive marks (deep), and whether it had any.
    pub(crate) fn unmarked(self) -> (Value, bool) {
        // Most values have no mark: returned as they are, without rebuilding every collection.
        if !self.has_mark() {
            return (self, false);
        }
        match self {
            Value::Sensitive(v) => (v.unmarked().0, true),
            Value::List(v) => map_seq(v, Value::List),
            Value::Tuple(v) => map_seq(v, Value::Tuple),
            Value::Set(v) => map_seq(v, Value::Set),
            Value::Map(m) => map_kv(m, Value::Map),
            Value::Object(m) => map_kv(m, Value::Object),
            other => (other, false),
        }
    }

    /// The value marked sensitive when `sensitive` (marks do not nest).
    pub(crate) fn marked_if(self, sensitive: bool) -> Value {
        match self {
            v @ Value::Sensitive(_) => v,
            v if sensitive => Value::Sensitive(Box::new(v)),
            v => v,
        }
    }

    /// Elements of a list, tuple or set, in order.
    pub(crate) fn as_seq(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => Some(v),
            _ => None,
        }
    }

    /// Attributes of a map or object, in lexical order.
    pub(crate) fn as_kv(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Terraform's `==` on known values: same type after tuple/list and object/map are
    /// identified, same contents. `None` when an unknown decides it.
    pub(crate) fn equals(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
            (Value::Sensitive(a), b) | (b, Value::Sensitive(a)) => a.equals(b),
            (Value::Number(a), Value::Number(b)) => Some(a == b),
            (a, b) => match (a.as_seq(), b.as_seq(), a.as_kv(), b.as_kv()) {
                (Some(x), Some(y), _, _) => {
                    if x.len() != y.len() {
                        return Some(false);
                    }
                    let mut all = Some(true);
                    for (p, q) in x.iter().zip(y) {
                        match p.equals(q) {
                            Some(false) => return Some(false),
                            None => all = None,
                            Some(true) => {}
                        }
                    }
                    all
                }
                (_, _, Some(x), Some(y)) => {
                    if x.len() != y.len() || x.keys().ne(y.keys()) {
                        return Some(false);
                    }
                    let mut all = Some(true);
                    for (p, q) in x.values().zip(y.values()) {
                        match p.equals(q) {
                            Some(false) => return Some(false),
                            None => all = None,
                            Some(true) => {}
                        }
                    }
                    all
                }
                _ => Some(a == b),
            },
        }
    }

    /// Converts to `ty` with Terraform's automatic conversions: number/bool ↔ string, tuple →
    /// list/set, object → map, list ↔ set, element-wise. Unknowns convert to unknowns of `ty`.
    pub(crate) fn convert(&self, ty: &Type) -> Result<Value, String> {
        match (self, ty) {
            (_, Type::Dynamic) | (Value::Null, _) => Ok(self.clone()),
            (Value::Sensitive(v), _) => Ok(v.convert(ty)?.marked_if(true)),
            (Value::Unknown(u), _) => Ok(Value::Unknown(Box::new(Unknown { ty: ty.clone(), ..(**u).clone() }))),
            (Value::Bool(_), Type::Bool) | (Value::Number(_), Type::Number) | (Value::String(_), Type::String) => {
                Ok(self.clone())
            }
            (Value::Bool(b), Type::String) => Ok(Value::string(b.to_string())),
            (Value::Number(n), Type::String) => Ok(Value::string(n.to_string())),
            (Value::String(s), Type::Number) => {
                Number::parse(s).map(Value::Number).ok_or_else(|| format!("cannot convert {s:?} to number"))
            }
            (Value::String(s), Type::Bool) => match s.as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("cannot convert {s:?} to bool")),
            },
            (v, Type::List(e) | Type::Set(e)) if v.as_seq().is_some() => {
                let items: Result<Vec<Value>, String> =
                    v.as_seq().unwrap_or_default().iter().map(|x| x.convert(e)).collect();
                Ok(if matches!(ty, Type::Set(_)) { Value::set_from(items?) } else { Value::List(items?) })
            }
            (v, Type::Map(e)) if v.as_kv().is_some() => {
                let mut out = BTreeMap::new();
                for (k, x) in v.as_kv().into_iter().flatten() {
                    out.insert(k.clone(), x.convert(e)?);
                }
                Ok(Value::Map(out))
            }
            (v, t) => {
                if v.ty() == *t {
                    Ok(v.clone())
                } else {
                    Err(format!("{} required", t.friendly()))
                }
            }
        }
    }

    /// The value as JSON (`jsonencode`), or `None` if something inside is unknown.
    pub(crate) fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(Number::Int(i)) => serde_json::Value::from(*i),
            Value::Number(Number::Float(f)) => serde_json::Value::from(*f),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => {
                serde_json::Value::Array(v.iter().map(Value::to_json).collect::<Option<_>>()?)
            }
            Value::Map(m) | Value::Object(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<_>>()?,
            ),
            Value::Unknown(_) => return None,
            Value::Sensitive(v) => return v.to_json(),
        })
    }

    /// The value of a JSON document (`jsondecode`): arrays become tuples, objects objects.
    pub(crate) fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                Value::Number(n.as_i64().map_or_else(|| Number::from_f64(n.as_f64().unwrap_or(0.0)), Number::Int))
            }
            serde_json::Value::String(s) => Value::string(s.clone()),
            serde_json::Value::Array(a) => Value::Tuple(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }
}

/// cty's set order: numbers numerically, strings lexically, anything else by its JSON text.
pub(crate) fn set_order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.cmp(*y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Unknown(_), Value::Unknown(_)) => Ordering::Equal,
        (Value::Unknown(_), _) => Ordering::Greater,
        (_, Value::Unknown(_)) => Ordering::Less,
        _ => {
            let text = |v: &Value| v.to_json().map(|j| j.to_string()).unwrap_or_default();
            text(a).cmp(&text(b))
        }
    }
}

fn elem_type<'a>(items: impl IntoIterator<Item = &'a Value>) -> Type {
    let types: Vec<Type> = items.into_iter().map(Value::ty).collect();
    Type::unify(&types).unwrap_or(Type::Dynamic)
}

fn map_seq(v: Vec<Value>, make: fn(Vec<Value>) -> Value) -> (Value, bool) {
    let mut any = false;
    let items = v
        .into_iter()
        .map(|x| {
            let (x, m) = x.unmarked();
            any |= m;
            x
        })
        .collect();
    (make(items), any)
}

fn map_kv(m: BTreeMap<String, Value>, make: fn(BTreeMap<String, Value>) -> Value) -> (Value, bool) {
    let mut any = false;
    let items = m
        .into_iter()
        .map(|(k, x)| {
            let (x, m) = x.unmarked();
            any |= m;
            (k, x)
        })
        .collect();
    (make(items), any)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_integers_and_parse_like_terraform() {
        assert_eq!(Number::from_f64(3.0).as_i64(), Some(3));
        assert_eq!(Number::parse("1.25").map(Number::as_f64), Some(1.25));
        assert!(Number::parse("0x10").is_none());
        assert_eq!(Number::Float(0.5).to_string(), "0.5");
    }

    #[test]
    fn sets_are_ordered_and_deduplicated() {
        let s = Value::set_from(vec![Value::int(10), Value::int(2), Value::int(10)]);
        assert_eq!(s, Value::Set(vec![Value::int(2), Value::int(10)]));
    }

    #[test]
    fn unknowns_convert_and_never_compare_equal() {
        let u = Value::unknown(Type::Dynamic);
        assert_eq!(u.equals(&Value::string("a")), None);
        assert_eq!(u.convert(&Type::String).map(|v| v.ty()), Ok(Type::String));
        assert!(Value::List(vec![u]).has_unknown());
    }

    #[test]
    fn json_round_trips_with_sorted_keys() {
        let j = serde_json::json!({"b": [1, 2.5, null], "a": "x"});
        let v = Value::from_json(&j);
        assert!(matches!(&v, Value::Object(m) if m.keys().eq(["a", "b"])));
        assert_eq!(v.to_json(), Some(j));
    }

    #[test]
    fn marks_come_off_deep_and_go_back_on() {
        let v = Value::Tuple(vec![Value::Sensitive(Box::new(Value::int(1)))]);
        let (plain, marked) = v.unmarked();
        assert!(marked);
        assert_eq!(plain, Value::Tuple(vec![Value::int(1)]));
        assert!(matches!(plain.marked_if(true), Value::Sensitive(_)));
    }
}
