//! What the AWS provider puts in a create plan for an attribute the configuration does not set:
//! unknown (computed), a default, an empty block list, or null. Read from `schema.json`, which
//! `testdata/hcl/schema/gen.py` writes from the provider schema of hashicorp/aws 5.100.0
//! (computed flags, nested blocks) and the defaults seen in the committed real plans.

use std::sync::LazyLock;

use serde_json::{Map, Value};

static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("schema.json")).unwrap_or_default());

/// What an unset attribute is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Unset<'a> {
    /// Null (or absent).
    Null,
    /// Unknown until apply (computed).
    Unknown,
    /// The provider's default.
    Default(&'a Value),
    /// A nested block type: `[]` (list/set) or null (single) when no block is written.
    Blocks { single: bool },
    /// An attribute written as blocks (`route`, `ingress`): unknown when computed, else `[]`.
    AttrBlocks { computed: bool },
}

fn spec(data: bool, rtype: &str) -> Option<&'static Map<String, Value>> {
    SCHEMA.get(if data { "data" } else { "resource" })?.get(rtype)?.as_object()
}

fn classify(s: Option<&Value>) -> Unset<'_> {
    match s {
        Some(Value::String(u)) if u == "u" => Unset::Unknown,
        Some(Value::Object(o)) => {
            if let Some(d) = o.get("d") {
                Unset::Default(d)
            } else if let Some(b) = o.get("b") {
                Unset::Blocks { single: b == "single" }
            } else if o.contains_key("o") {
                Unset::AttrBlocks { computed: o.get("u") == Some(&Value::Bool(true)) }
            } else {
                Unset::Null
            }
        }
        _ => Unset::Null,
    }
}

/// An unset top-level attribute of a resource (`data`: a data source).
pub(crate) fn unset(data: bool, rtype: &str, attr: &str) -> Unset<'static> {
    classify(spec(data, rtype).and_then(|m| m.get(attr)))
}

/// Whether `key` of `rtype` is written as blocks (a nested block or an attribute as blocks).
pub(crate) fn is_block(rtype: &str, key: &str) -> bool {
    matches!(unset(false, rtype, key), Unset::Blocks { .. } | Unset::AttrBlocks { .. })
}

/// An unset attribute inside a block of `block`: for attributes as blocks, the zero value of its
/// type (the SDK fills them); for nested blocks, the inner spec.
pub(crate) fn unset_inner(data: bool, rtype: &str, block: &str, attr: &str) -> Unset<'static> {
    let Some(b) = spec(data, rtype).and_then(|m| m.get(block)).and_then(Value::as_object) else {
        return Unset::Null;
    };
    if let Some(zero) = b.get("o").and_then(Value::as_object) {
        return match zero.get(attr) {
            Some(Value::Null) | None => Unset::Null,
            Some(v) => Unset::Default(v),
        };
    }
    classify(b.get("in").and_then(|i| i.get(attr)))
}

/// The inner attribute names of an attribute-as-blocks (`route`: `cidr_block`, `gateway_id`, ...).
pub(crate) fn inner_names(data: bool, rtype: &str, block: &str) -> Vec<&'static str> {
    let Some(b) = spec(data, rtype).and_then(|m| m.get(block)).and_then(Value::as_object) else {
        return Vec::new();
    };
    let src = b.get("o").or_else(|| b.get("in")).and_then(Value::as_object);
    src.map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
}

/// A resource type's attribute names: the computed ones and the others (with block types).
pub(crate) fn attr_names(rtype: &str) -> Option<(Vec<&'static str>, Vec<&'static str>)> {
    let a = SCHEMA.get("attrs")?.get(rtype)?.as_array()?;
    let names = |i: usize| -> Vec<&'static str> {
        a.get(i).and_then(Value::as_array).map(|l| l.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
    };
    Some((names(0), names(1)))
}

/// Whether `path` (`subnet_ids`, `ingress.security_groups`) of `rtype` is a set: a set with an
/// unknown element is wholly unknown in a plan (its elements have no identity yet).
pub(crate) fn is_set(rtype: &str, path: &str) -> bool {
    SCHEMA
        .get("sets")
        .and_then(|s| s.get(rtype))
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_knows_the_common_types() {
        assert!(matches!(unset(false, "aws_subnet", "id"), Unset::Unknown));
        assert!(matches!(unset(false, "aws_subnet", "map_public_ip_on_launch"), Unset::Default(Value::Bool(false))));
        assert!(matches!(unset(false, "aws_route_table", "route"), Unset::AttrBlocks { computed: true }));
        assert!(
            matches!(unset_inner(false, "aws_route_table", "route", "gateway_id"), Unset::Default(Value::String(s)) if s.is_empty())
        );
        assert!(matches!(unset(false, "aws_subnet", "cidr_block"), Unset::Null));
    }
}
