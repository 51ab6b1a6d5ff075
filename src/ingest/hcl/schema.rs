//! What the AWS provider puts in a create plan for an attribute the configuration does not set:
//! unknown (computed), a default, an empty block list, or null. Read from `schema.json`, which
//! `testdata/hcl/schema/gen.py` writes from the provider schema of hashicorp/aws 5.100.0
//! (computed flags, nested blocks) and the defaults seen in the committed real plans.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("schema.json")).unwrap_or_default());

/// The schema indexed once per process: what every lookup below reads (hash lookups by type and
/// attribute, instead of searching the JSON maps for each attribute of each instance).
static INDEX: LazyLock<Index> = LazyLock::new(|| Index::new(&SCHEMA));

type Names = FxHashMap<&'static str, Unset<'static>>;

/// One resource or data source type of `schema.json`.
#[derive(Default)]
struct TypeSpec {
    /// Top-level attributes.
    attrs: Names,
    /// Per block or attribute written as blocks: its inner attribute names (in `schema.json`'s
    /// order) and what an unset inner attribute is.
    inner: FxHashMap<&'static str, (Vec<&'static str>, Names)>,
}

#[derive(Default)]
struct Index {
    resource: FxHashMap<&'static str, TypeSpec>,
    data: FxHashMap<&'static str, TypeSpec>,
    /// Per resource type: the computed attribute names and the others.
    attrs: FxHashMap<&'static str, (Vec<&'static str>, Vec<&'static str>)>,
    /// Per resource type: the paths that are sets.
    sets: FxHashMap<&'static str, FxHashSet<&'static str>>,
    /// The same for paths inside blocks (`ingress.security_groups`): per type, per block, the
    /// inner names.
    inner_sets: FxHashMap<&'static str, FxHashMap<&'static str, FxHashSet<&'static str>>>,
}

impl Index {
    fn new(schema: &'static Value) -> Index {
        let mut index = Index::default();
        let types = |kind: &str| schema.get(kind).and_then(Value::as_object).into_iter().flatten();
        for (kind, out) in [("resource", &mut index.resource), ("data", &mut index.data)] {
            for (rtype, spec) in types(kind) {
                let Some(spec) = spec.as_object() else { continue };
                let mut t = TypeSpec::default();
                for (attr, s) in spec {
                    t.attrs.insert(attr.as_str(), classify(Some(s)));
                    let Some(b) = s.as_object() else { continue };
                    // As `unset_inner` and `inner_names` read a block: the zero values of an
                    // attribute as blocks (`o`), else a nested block's inner spec (`in`).
                    let names: Vec<&'static str> = match b.get("o").or_else(|| b.get("in")).and_then(Value::as_object) {
                        Some(m) => m.keys().map(String::as_str).collect(),
                        None => Vec::new(),
                    };
                    let mut unset = Names::default();
                    if let Some(zero) = b.get("o").and_then(Value::as_object) {
                        for (n, v) in zero {
                            unset.insert(n.as_str(), if v.is_null() { Unset::Null } else { Unset::Default(v) });
                        }
                    } else if let Some(inner) = b.get("in").and_then(Value::as_object) {
                        for (n, v) in inner {
                            unset.insert(n.as_str(), classify(Some(v)));
                        }
                    }
                    t.inner.insert(attr.as_str(), (names, unset));
                }
                out.insert(rtype.as_str(), t);
            }
        }
        for (rtype, a) in types("attrs") {
            let Some(a) = a.as_array() else { continue };
            let names = |i: usize| -> Vec<&'static str> {
                a.get(i)
                    .and_then(Value::as_array)
                    .map(|l| l.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default()
            };
            index.attrs.insert(rtype.as_str(), (names(0), names(1)));
        }
        for (rtype, l) in types("sets") {
            let paths: FxHashSet<&'static str> = l.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let inner = index.inner_sets.entry(rtype.as_str()).or_default();
            for p in &paths {
                if let Some((block, name)) = p.split_once('.') {
                    inner.entry(block).or_default().insert(name);
                }
            }
            index.sets.insert(rtype.as_str(), paths);
        }
        index
    }

    fn spec(&self, data: bool, rtype: &str) -> Option<&TypeSpec> {
        if data { self.data.get(rtype) } else { self.resource.get(rtype) }
    }
}

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
    INDEX.spec(data, rtype).and_then(|t| t.attrs.get(attr).copied()).unwrap_or(Unset::Null)
}

/// Whether `key` of `rtype` is written as blocks (a nested block or an attribute as blocks).
pub(crate) fn is_block(rtype: &str, key: &str) -> bool {
    matches!(unset(false, rtype, key), Unset::Blocks { .. } | Unset::AttrBlocks { .. })
}

/// An unset attribute inside a block of `block`: for attributes as blocks, the zero value of its
/// type (the SDK fills them); for nested blocks, the inner spec.
pub(crate) fn unset_inner(data: bool, rtype: &str, block: &str, attr: &str) -> Unset<'static> {
    INDEX
        .spec(data, rtype)
        .and_then(|t| t.inner.get(block))
        .and_then(|(_, m)| m.get(attr).copied())
        .unwrap_or(Unset::Null)
}

/// The inner attribute names of an attribute-as-blocks (`route`: `cidr_block`, `gateway_id`, ...).
pub(crate) fn inner_names(data: bool, rtype: &str, block: &str) -> &'static [&'static str] {
    match INDEX.spec(data, rtype).and_then(|t| t.inner.get(block)) {
        Some((names, _)) => names,
        None => &[],
    }
}

/// A resource type's attribute names: the computed ones and the others (with block types).
pub(crate) fn attr_names(rtype: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    INDEX.attrs.get(rtype).map(|(c, o)| (c.as_slice(), o.as_slice()))
}

/// Whether `path` (`subnet_ids`, `ingress.security_groups`) of `rtype` is a set: a set with an
/// unknown element is wholly unknown in a plan (its elements have no identity yet).
pub(crate) fn is_set(rtype: &str, path: &str) -> bool {
    INDEX.sets.get(rtype).is_some_and(|s| s.contains(path))
}

/// [`is_set`] of `BLOCK.NAME`: whether `name` inside blocks `block` of `rtype` is a set.
pub(crate) fn is_inner_set(rtype: &str, block: &str, name: &str) -> bool {
    INDEX.inner_sets.get(rtype).and_then(|b| b.get(block)).is_some_and(|s| s.contains(name))
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
