//! Typed reads of raw attribute values: each read is `Known`, `Unknown` (in `after_unknown`, or
//! sensitive — tfvpc never prints a sensitive value, so it never reasons about one either) or
//! `Absent` (null, or the empty string the AWS provider writes for "not set").
//!
//! Ingest keeps only the attributes `catalog.rs` names for a type, so reading any other one
//! always gives `Absent`. Test builds record every top-level read of a resource's view
//! (`reads`), and a lowering test checks each one is an attribute the catalog keeps.

use serde_json::{Map, Value};

use super::{Mode, Val};
use crate::ingest::Attrs;

static NULL: Value = Value::Null;

/// A view of one object of attributes (a resource, or one nested block).
#[derive(Clone, Copy, Debug)]
pub(crate) struct View<'a> {
    values: Option<&'a Map<String, Value>>,
    unknown: &'a Value,
    sensitive: &'a Value,
    /// What unknown values refer to ([`Attrs::targets`], same shape as the values).
    targets: &'a Value,
    /// Test builds: the resource (mode and type) whose top-level attributes this view reads.
    #[cfg(test)]
    owner: Option<(Mode, &'a str)>,
}

/// Test builds: which top-level attributes of which resource types were read, on this thread,
/// between [`reads::start`] and [`reads::finish`].
#[cfg(test)]
pub(crate) mod reads {
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    use crate::addr::Mode;

    /// One read: mode, resource type, attribute.
    pub(crate) type Read = (Mode, String, String);

    thread_local! {
        static READS: RefCell<Option<BTreeSet<Read>>> = const { RefCell::new(None) };
    }

    /// Starts recording reads on this thread.
    pub(crate) fn start() {
        READS.with(|r| *r.borrow_mut() = Some(BTreeSet::new()));
    }

    /// Stops recording and returns what was read.
    pub(crate) fn finish() -> BTreeSet<Read> {
        READS.with(|r| r.borrow_mut().take().unwrap_or_default())
    }

    /// Records a read of `attr` of a resource of type `rtype`, when recording.
    pub(crate) fn record(mode: Mode, rtype: &str, attr: &str) {
        READS.with(|r| {
            if let Some(set) = r.borrow_mut().as_mut() {
                set.insert((mode, rtype.to_string(), attr.to_string()));
            }
        });
    }
}

fn marker<'a>(marks: &'a Value, key: &str) -> &'a Value {
    match marks {
        Value::Object(m) => m.get(key).unwrap_or(&NULL),
        Value::Bool(true) => marks,
        _ => &NULL,
    }
}

fn element(marks: &Value, i: usize) -> &Value {
    match marks {
        Value::Array(a) => a.get(i).unwrap_or(&NULL),
        Value::Bool(true) => marks,
        _ => &NULL,
    }
}

impl<'a> View<'a> {
    /// A view of a resource side.
    pub(crate) fn of(attrs: &'a Attrs) -> View<'a> {
        View {
            values: Some(&attrs.values),
            unknown: &attrs.unknown,
            sensitive: &attrs.sensitive,
            targets: &attrs.targets,
            #[cfg(test)]
            owner: None,
        }
    }

    /// A view of a side of a resource of type `rtype`. Test builds record each attribute read
    /// through it (`reads`).
    #[cfg_attr(not(test), expect(unused_variables, reason = "only test builds record reads"))]
    pub(crate) fn of_resource(attrs: &'a Attrs, mode: Mode, rtype: &'a str) -> View<'a> {
        View {
            #[cfg(test)]
            owner: Some((mode, rtype)),
            ..View::of(attrs)
        }
    }

    /// A view with no values (everything absent).
    pub(crate) fn empty() -> View<'static> {
        View {
            values: None,
            unknown: &NULL,
            sensitive: &NULL,
            targets: &NULL,
            #[cfg(test)]
            owner: None,
        }
    }

    /// Test builds: records a top-level read of `key`.
    #[cfg(test)]
    fn note(&self, key: &str) {
        if let Some((mode, rtype)) = self.owner {
            reads::record(mode, rtype, key);
        }
    }

    /// The raw value of an attribute.
    pub(crate) fn get(&self, key: &str) -> Val<&'a Value> {
        #[cfg(test)]
        self.note(key);
        if marker(self.sensitive, key) == &Value::Bool(true) || marker(self.unknown, key) == &Value::Bool(true) {
            return Val::Unknown;
        }
        match self.values.and_then(|m| m.get(key)) {
            Some(v) if !v.is_null() => Val::Known(v),
            _ => Val::Absent,
        }
    }

    /// A string attribute; `""` is absent.
    pub(crate) fn str(&self, key: &str) -> Val<&'a str> {
        match self.get(key) {
            Val::Known(Value::String(s)) if s.is_empty() => Val::Absent,
            Val::Known(Value::String(s)) => Val::Known(s.as_str()),
            Val::Known(_) => Val::Unknown,
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// A string attribute as an owned string.
    pub(crate) fn string(&self, key: &str) -> Val<String> {
        self.str(key).map(str::to_string)
    }

    /// A boolean attribute (also `"true"`/`"false"` strings, as some providers write).
    pub(crate) fn bool(&self, key: &str) -> Val<bool> {
        match self.get(key) {
            Val::Known(Value::Bool(b)) => Val::Known(*b),
            Val::Known(Value::String(s)) if s == "true" => Val::Known(true),
            Val::Known(Value::String(s)) if s == "false" => Val::Known(false),
            Val::Known(Value::String(s)) if s.is_empty() => Val::Absent,
            Val::Known(_) => Val::Unknown,
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// An integer attribute (numbers and numeric strings).
    pub(crate) fn int(&self, key: &str) -> Val<i64> {
        match self.get(key) {
            Val::Known(Value::Number(n)) => n.as_i64().map_or(Val::Unknown, Val::Known),
            Val::Known(Value::String(s)) if s.is_empty() => Val::Absent,
            Val::Known(Value::String(s)) => s.trim().parse().map_or(Val::Unknown, Val::Known),
            Val::Known(_) => Val::Unknown,
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// A list (or set) of nested blocks.
    pub(crate) fn blocks(&self, key: &str) -> Val<Vec<View<'a>>> {
        let unknown = marker(self.unknown, key);
        let sensitive = marker(self.sensitive, key);
        let targets = marker(self.targets, key);
        match self.get(key) {
            Val::Known(Value::Array(items)) => Val::Known(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| View {
                        values: item.as_object(),
                        unknown: element(unknown, i),
                        sensitive: element(sensitive, i),
                        targets: element(targets, i),
                        #[cfg(test)]
                        owner: None,
                    })
                    .collect(),
            ),
            Val::Known(Value::Object(o)) => Val::Known(vec![View {
                values: Some(o),
                unknown,
                sensitive,
                targets,
                #[cfg(test)]
                owner: None,
            }]),
            Val::Known(_) => Val::Unknown,
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// What an unknown string attribute refers to, when the input records it
    /// ([`Attrs::targets`]): an absolute reference (`module.a.aws_nat_gateway.this[1].id`).
    pub(crate) fn target(&self, key: &str) -> Option<&'a str> {
        match self.targets {
            Value::Object(m) => m.get(key).and_then(Value::as_str),
            _ => None,
        }
    }

    /// What each element of an unknown list attribute refers to (a dot-separated path through
    /// nested blocks is flattened as [`View::path_strings`] does); `None` unless every element
    /// has a recorded target.
    pub(crate) fn path_targets(&self, path: &str) -> Option<Vec<&'a str>> {
        let of_list = |t: &'a Value| -> Option<Vec<&'a str>> {
            match t {
                Value::String(s) => Some(vec![s.as_str()]),
                Value::Array(items) => items.iter().map(Value::as_str).collect(),
                _ => None,
            }
        };
        match path.split_once('.') {
            None => of_list(marker(self.targets, path)),
            Some((head, rest)) => match self.blocks(head) {
                Val::Known(blocks) if !blocks.is_empty() => {
                    let mut out = Vec::new();
                    for b in blocks {
                        out.extend(b.path_targets(rest)?);
                    }
                    Some(out)
                }
                _ => None,
            },
        }
    }

    /// A list or set of strings; each element may itself be unknown. A single string is read as
    /// a one-element list (`vpc_zone_identifier` and friends accept both in old plans).
    pub(crate) fn str_list(&self, key: &str) -> Val<Vec<Val<&'a str>>> {
        let unknown = marker(self.unknown, key);
        let sensitive = marker(self.sensitive, key);
        match self.get(key) {
            Val::Known(Value::Array(items)) => Val::Known(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        if element(sensitive, i) == &Value::Bool(true) || element(unknown, i) == &Value::Bool(true) {
                            return Some(Val::Unknown);
                        }
                        match item {
                            Value::String(s) if s.is_empty() => None,
                            Value::String(s) => Some(Val::Known(s.as_str())),
                            Value::Null => Some(Val::Unknown),
                            _ => Some(Val::Unknown),
                        }
                    })
                    .collect(),
            ),
            Val::Known(Value::String(s)) if s.is_empty() => Val::Known(Vec::new()),
            Val::Known(Value::String(s)) => Val::Known(vec![Val::Known(s.as_str())]),
            Val::Known(_) => Val::Unknown,
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// Follows a dot-separated path through nested blocks (`vpc_config.subnet_ids`), flattening
    /// lists of blocks; the leaf is read as a list of strings.
    pub(crate) fn path_strings(&self, path: &str) -> Val<Vec<Val<&'a str>>> {
        match path.split_once('.') {
            None => match self.get(path) {
                Val::Known(Value::String(_)) => self.str(path).map(|s| vec![Val::Known(s)]),
                _ => self.str_list(path),
            },
            Some((head, rest)) => match self.blocks(head) {
                Val::Known(blocks) => {
                    let mut out = Vec::new();
                    let mut unknown = false;
                    let mut any = false;
                    for b in blocks {
                        match b.path_strings(rest) {
                            Val::Known(v) => {
                                any = true;
                                out.extend(v);
                            }
                            Val::Unknown => unknown = true,
                            Val::Absent => {}
                        }
                    }
                    if unknown {
                        Val::Unknown
                    } else if any {
                        Val::Known(out)
                    } else {
                        Val::Absent
                    }
                }
                Val::Unknown => Val::Unknown,
                Val::Absent => Val::Absent,
            },
        }
    }

    /// Follows a dot-separated path to a boolean (first block wins).
    pub(crate) fn path_bool(&self, path: &str) -> Val<bool> {
        match path.split_once('.') {
            None => self.bool(path),
            Some((head, rest)) => match self.blocks(head) {
                Val::Known(blocks) => blocks.first().map_or(Val::Absent, |b| b.path_bool(rest)),
                Val::Unknown => Val::Unknown,
                Val::Absent => Val::Absent,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(values: Value, unknown: Value, sensitive: Value) -> Attrs {
        Attrs { values: values.as_object().cloned().unwrap_or_default(), unknown, sensitive, targets: Value::Null }
    }

    #[test]
    fn reads_known_unknown_absent_and_sensitive() {
        let a = attrs(
            json!({"cidr_block": "10.0.0.0/16", "gateway_id": "", "count": "3", "flag": false, "secret": "x"}),
            json!({"id": true}),
            json!({"secret": true}),
        );
        let v = View::of(&a);
        assert_eq!(v.str("cidr_block"), Val::Known("10.0.0.0/16"));
        assert_eq!(v.str("id"), Val::Unknown);
        assert_eq!(v.str("gateway_id"), Val::Absent);
        assert_eq!(v.str("nothing"), Val::Absent);
        assert_eq!(v.int("count"), Val::Known(3));
        assert_eq!(v.bool("flag"), Val::Known(false));
        assert_eq!(v.str("secret"), Val::Unknown, "sensitive values are never read");
    }

    #[test]
    fn nested_blocks_carry_their_unknown_markers() {
        let a = attrs(
            json!({"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ""}, {"cidr_block": "10.1.0.0/16"}]}),
            json!({"route": [{"gateway_id": true}, {}]}),
            Value::Null,
        );
        let routes = View::of(&a).blocks("route").into_known().unwrap();
        assert_eq!(routes[0].str("gateway_id"), Val::Unknown);
        assert_eq!(routes[1].str("gateway_id"), Val::Absent);
    }

    #[test]
    fn string_lists_mark_unknown_elements() {
        let a = attrs(json!({"subnet_ids": ["subnet-1", null]}), json!({"subnet_ids": [false, true]}), Value::Null);
        let v = View::of(&a).str_list("subnet_ids").into_known().unwrap();
        assert_eq!(v, vec![Val::Known("subnet-1"), Val::Unknown]);
        let whole = attrs(json!({}), json!({"subnet_ids": true}), Value::Null);
        assert_eq!(View::of(&whole).str_list("subnet_ids"), Val::Unknown);
    }

    #[test]
    fn paths_flatten_nested_blocks() {
        let a = attrs(
            json!({"vpc_config": [{"subnet_ids": ["a", "b"], "security_group_ids": ["sg-1"]}]}),
            json!({"vpc_config": [{}]}),
            Value::Null,
        );
        let v = View::of(&a);
        assert_eq!(v.path_strings("vpc_config.subnet_ids").into_known().unwrap().len(), 2);
        assert_eq!(v.path_strings("other.x"), Val::Absent);
    }
}
