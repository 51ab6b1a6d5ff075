//! Typed, streaming deserialization of `terraform show -json` plans and states and of raw
//! `terraform.tfstate` files.
//!
//! One pass over the text, no `serde_json::Value` of the whole document: resource entries are
//! visited field by field, and the (large) attribute objects are filtered while parsing so that
//! only the attributes the catalog names are ever allocated. Everything else — `planned_values`
//! of managed resources, `resource_drift`, `relevant_attributes`, tags, ARNs — is skipped with
//! `IgnoredAny`. When a resource's `type` arrives after its attributes (not what Terraform
//! writes, but legal JSON), the attributes are captured as a borrowed `RawValue` and filtered once
//! the type is known. Format: <https://developer.hashicorp.com/terraform/internals/json-format>.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::doc::{
    Action, Attrs, ConfigModule, ConfigResource, Configuration, DocKind, Document, ModuleCall, RawResource,
};
use crate::addr::{InstanceKey, Mode, ModuleStep, ResourceAddr, split_steps};
use crate::catalog;

/// Which attributes of a resource to keep.
#[derive(Clone, Copy, Debug)]
enum Keep {
    /// Skip every attribute.
    Nothing,
    /// Keep these top-level attributes.
    Attrs(&'static [&'static str]),
}

/// Is this provider type AWS's?
fn is_aws(rtype: &str) -> bool {
    catalog::provider_of_type(rtype) == "aws"
}

fn keep_for(mode: Mode, rtype: &str) -> Keep {
    match mode {
        Mode::Managed => match catalog::managed(rtype) {
            Some(t) => Keep::Attrs(t.attrs),
            None if is_aws(rtype) => Keep::Attrs(catalog::NETWORK_HINT_ATTRS),
            None => Keep::Nothing,
        },
        Mode::Data => catalog::data(rtype).map_or(Keep::Nothing, |t| Keep::Attrs(t.attrs)),
    }
}

/// Whether a resource of an AWS type can matter to the model: a type the catalog knows, a
/// networking type not modelled yet, or any type with an attribute that ties it to a network.
/// The others (IAM, S3, log groups, …: most of a large plan) are dropped here, before their
/// address is parsed, instead of being carried to `model::lower` to be ignored there.
fn relevant(mode: Mode, rtype: &str, attrs: Option<&Attrs>) -> bool {
    match mode {
        Mode::Managed => {
            catalog::managed(rtype).is_some()
                || catalog::NOT_MODELLED_NETWORK.contains(&rtype)
                || attrs.is_some_and(Attrs::hints_network)
        }
        Mode::Data => catalog::data(rtype).is_some(),
    }
}

fn keep_expressions_for(mode: Mode, rtype: &str) -> Keep {
    match mode {
        Mode::Managed => catalog::managed(rtype).map_or(Keep::Nothing, |t| Keep::Attrs(t.attrs)),
        Mode::Data => catalog::data(rtype).map_or(Keep::Nothing, |t| Keep::Attrs(t.attrs)),
    }
}

/// Matches an object key against a list of names without allocating; `None` for others.
struct KeyIndex<'a>(&'a [&'a str]);

impl<'de> DeserializeSeed<'de> for KeyIndex<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIndex<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|k| *k == v))
    }
}

/// A string of the input, borrowed when it has no escapes (almost always): the fields read only
/// to decide what to keep (address, mode, type, provider, actions) then cost no allocation.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An attribute object filtered to the kept attributes; `true`/`false`/null pass through (an
/// `after_unknown` or `after_sensitive` can be a bare boolean).
struct Filtered(Keep);

impl<'de> DeserializeSeed<'de> for Filtered {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Filtered {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of resource attributes")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // Terraform never writes a list here; accept and ignore it rather than fail a whole run.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let Keep::Attrs(names) = self.0 else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Object(out));
        };
        while let Some(idx) = map.next_key_seed(KeyIndex(names))? {
            match idx {
                Some(i) => {
                    let v: Value = map.next_value()?;
                    out.insert(names[i].to_string(), v);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Parses a captured `RawValue` with a seed (used when the selector arrived after the payload).
fn parse_raw<'de, S: DeserializeSeed<'de>, E: de::Error>(raw: &'de RawValue, seed: S) -> Result<S::Value, E> {
    let mut d = serde_json::Deserializer::from_str(raw.get());
    seed.deserialize(&mut d).map_err(|e| E::custom(e.to_string()))
}

fn parse_mode<E: de::Error>(text: &str) -> Result<Mode, E> {
    match text {
        "managed" => Ok(Mode::Managed),
        "data" => Ok(Mode::Data),
        other => Err(E::custom(format!("unknown resource mode `{other}` (expected `managed` or `data`)"))),
    }
}

fn parse_addr<E: de::Error>(text: &str) -> Result<ResourceAddr, E> {
    ResourceAddr::parse(text).map_err(|e| E::custom(format!("invalid resource address {e}")))
}

// ---------------------------------------------------------------------------------------------
// resource_changes

#[derive(Default)]
struct Change<'de> {
    actions: Vec<Text<'de>>,
    before: Value,
    after: Value,
    after_unknown: Value,
    before_sensitive: Value,
    after_sensitive: Value,
}

struct ChangeSeed(Keep);

impl<'de> DeserializeSeed<'de> for ChangeSeed {
    type Value = Change<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Change<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

const CHANGE_KEYS: &[&str] = &["actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive"];

impl<'de> Visitor<'de> for ChangeSeed {
    type Value = Change<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a change object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Change<'de>, A::Error> {
        let mut c = Change::default();
        while let Some(idx) = map.next_key_seed(KeyIndex(CHANGE_KEYS))? {
            match idx {
                Some(0) => c.actions = map.next_value()?,
                Some(1) => c.before = map.next_value_seed(Filtered(self.0))?,
                Some(2) => c.after = map.next_value_seed(Filtered(self.0))?,
                Some(3) => c.after_unknown = map.next_value_seed(Filtered(self.0))?,
                Some(4) => c.before_sensitive = map.next_value_seed(Filtered(self.0))?,
                Some(5) => c.after_sensitive = map.next_value_seed(Filtered(self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(c)
    }
}

fn attrs_of(values: Value, unknown: Value, sensitive: Value) -> Option<Attrs> {
    match values {
        Value::Object(values) => Some(Attrs { values, unknown, sensitive }),
        // A resource whose every attribute is unknown is written as `"after": null` with
        // `"after_unknown": true`; keep it as an empty object so everything reads as unknown.
        Value::Null if unknown == Value::Bool(true) => Some(Attrs { values: Map::new(), unknown, sensitive }),
        _ => None,
    }
}

/// Resource instances and skipped counts collected while parsing.
#[derive(Default)]
struct Collected {
    resources: Vec<RawResource>,
    other_providers: BTreeMap<String, usize>,
}

impl Collected {
    fn count_other(&mut self, rtype: &str) {
        *self.other_providers.entry(catalog::provider_of_type(rtype).to_string()).or_default() += 1;
    }
}

struct ResourceChangesSeed<'c>(&'c mut Collected);

impl<'de> DeserializeSeed<'de> for ResourceChangesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourceChangesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resource changes")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ResourceChangeSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct ResourceChangeSeed<'c>(&'c mut Collected);

const RC_KEYS: &[&str] = &["address", "mode", "type", "provider_name", "deposed", "change"];

impl<'de> DeserializeSeed<'de> for ResourceChangeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceChangeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource change object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut address: Option<Text<'de>> = None;
        let mut mode: Option<Mode> = None;
        let mut rtype: Option<Text<'de>> = None;
        let mut provider: Option<Text<'de>> = None;
        let mut deposed = false;
        let mut change: Option<Change<'de>> = None;
        let mut raw_change: Option<&'de RawValue> = None;
        while let Some(idx) = map.next_key_seed(KeyIndex(RC_KEYS))? {
            match idx {
                Some(0) => address = Some(map.next_value()?),
                Some(1) => mode = Some(parse_mode(map.next_value::<Text<'de>>()?.as_ref())?),
                Some(2) => rtype = Some(map.next_value()?),
                Some(3) => provider = Some(map.next_value()?),
                Some(4) => deposed = map.next_value::<Option<IgnoredAny>>()?.is_some(),
                Some(5) => match (mode, &rtype) {
                    (Some(m), Some(t)) => change = Some(map.next_value_seed(ChangeSeed(keep_for(m, t.as_ref())))?),
                    _ => raw_change = Some(map.next_value()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let address = address.ok_or_else(|| de::Error::missing_field("address"))?;
        let address = address.as_ref();
        let rtype = rtype.ok_or_else(|| de::Error::missing_field("type"))?;
        let rtype = rtype.as_ref();
        let mode = mode.unwrap_or(Mode::Managed);
        if deposed {
            // A deposed object is an old instance being cleaned up; the current one is separate.
            return Ok(());
        }
        if !is_aws(rtype) {
            self.0.count_other(rtype);
            return Ok(());
        }
        let change = match (change, raw_change) {
            (Some(c), _) => c,
            (None, Some(raw)) => parse_raw(raw, ChangeSeed(keep_for(mode, rtype)))?,
            (None, None) => return Err(de::Error::missing_field("change")),
        };
        let Some(action) = Action::from_actions(&change.actions) else {
            let names: Vec<&str> = change.actions.iter().map(AsRef::as_ref).collect();
            return Err(de::Error::custom(format!("{address}: unknown change actions {names:?}")));
        };
        let after = match action {
            Action::Delete | Action::Forget => None,
            _ => attrs_of(change.after, change.after_unknown, change.after_sensitive),
        };
        let before = attrs_of(change.before, Value::Null, change.before_sensitive);
        if !relevant(mode, rtype, after.as_ref().or(before.as_ref())) {
            return Ok(());
        }
        let addr = parse_addr(address)?;
        let provider = provider.map(|p| p.0.into_owned()).unwrap_or_default();
        if mode == Mode::Data {
            // Deferred reads: unknown until apply, but present.
            self.0.resources.push(RawResource { addr, provider, action: Action::Read, after, before });
        } else {
            self.0.resources.push(RawResource { addr, provider, action, after, before });
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// state-shaped module trees: planned_values, prior_state.values, values

#[derive(Clone, Copy)]
struct TreeFilter {
    managed: bool,
    data: bool,
    action: Action,
}

struct StateValuesSeed<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> DeserializeSeed<'de> for StateValuesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StateValuesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a values object with `root_module`")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(idx) = map.next_key_seed(KeyIndex(&["root_module"]))? {
            match idx {
                Some(_) => map.next_value_seed(ModuleValuesSeed { out: &mut *self.out, filter: self.filter })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `prior_state`: `{format_version, terraform_version, values: {root_module}}`.
struct PriorStateSeed<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> DeserializeSeed<'de> for PriorStateSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PriorStateSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a state object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(idx) = map.next_key_seed(KeyIndex(&["values"]))? {
            match idx {
                Some(_) => map.next_value_seed(StateValuesSeed { out: &mut *self.out, filter: self.filter })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ModuleValuesSeed<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> DeserializeSeed<'de> for ModuleValuesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ModuleValuesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a module object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(idx) = map.next_key_seed(KeyIndex(&["resources", "child_modules"]))? {
            match idx {
                Some(0) => map.next_value_seed(StateResourcesSeed { out: &mut *self.out, filter: self.filter })?,
                Some(_) => map.next_value_seed(ChildModulesSeed { out: &mut *self.out, filter: self.filter })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ChildModulesSeed<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> DeserializeSeed<'de> for ChildModulesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChildModulesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of child modules")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ModuleValuesSeed { out: &mut *self.out, filter: self.filter })?.is_some() {}
        Ok(())
    }
}

struct StateResourcesSeed<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> DeserializeSeed<'de> for StateResourcesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StateResourcesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resources")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(StateResourceSeed { out: &mut *self.out, filter: self.filter })?.is_some() {}
        Ok(())
    }
}

struct StateResourceSeed<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

const SR_KEYS: &[&str] = &["address", "mode", "type", "provider_name", "values", "sensitive_values", "deposed_key"];

impl<'de> DeserializeSeed<'de> for StateResourceSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StateResourceSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut address: Option<Text<'de>> = None;
        let mut mode: Option<Mode> = None;
        let mut rtype: Option<Text<'de>> = None;
        let mut provider: Option<Text<'de>> = None;
        let mut deposed = false;
        let mut values: Option<Value> = None;
        let mut sensitive: Option<Value> = None;
        let mut raw_values: Option<&'de RawValue> = None;
        let mut raw_sensitive: Option<&'de RawValue> = None;
        let wanted = |mode: Mode| match mode {
            Mode::Managed => self.filter.managed,
            Mode::Data => self.filter.data,
        };
        while let Some(idx) = map.next_key_seed(KeyIndex(SR_KEYS))? {
            match idx {
                Some(0) => address = Some(map.next_value()?),
                Some(1) => mode = Some(parse_mode(map.next_value::<Text<'de>>()?.as_ref())?),
                Some(2) => rtype = Some(map.next_value()?),
                Some(3) => provider = Some(map.next_value()?),
                Some(i @ (4 | 5)) => match (mode, &rtype) {
                    // Not wanted (managed resources in `planned_values`): skipped whole.
                    (Some(m), Some(_)) if !wanted(m) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    (Some(m), Some(t)) => {
                        let v = map.next_value_seed(Filtered(keep_for(m, t.as_ref())))?;
                        if i == 4 { values = Some(v) } else { sensitive = Some(v) }
                    }
                    _ => {
                        let raw: &'de RawValue = map.next_value()?;
                        if i == 4 { raw_values = Some(raw) } else { raw_sensitive = Some(raw) }
                    }
                },
                Some(_) => deposed = map.next_value::<Option<IgnoredAny>>()?.is_some(),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let address = address.ok_or_else(|| de::Error::missing_field("address"))?;
        let rtype = rtype.ok_or_else(|| de::Error::missing_field("type"))?;
        let rtype = rtype.as_ref();
        let mode = mode.unwrap_or(Mode::Managed);
        if deposed {
            return Ok(());
        }
        if !is_aws(rtype) {
            if self.filter.managed && mode == Mode::Managed {
                self.out.count_other(rtype);
            }
            return Ok(());
        }
        if !wanted(mode) || (mode == Mode::Data && catalog::data(rtype).is_none()) {
            return Ok(());
        }
        let keep = keep_for(mode, rtype);
        let values = match (values, raw_values) {
            (Some(v), _) => v,
            (None, Some(raw)) => parse_raw(raw, Filtered(keep))?,
            (None, None) => Value::Null,
        };
        let sensitive = match (sensitive, raw_sensitive) {
            (Some(v), _) => v,
            (None, Some(raw)) => parse_raw(raw, Filtered(keep))?,
            (None, None) => Value::Null,
        };
        let after = attrs_of(values, Value::Null, sensitive);
        if !relevant(mode, rtype, after.as_ref()) {
            return Ok(());
        }
        let addr = parse_addr(address.as_ref())?;
        let provider = provider.map(|p| p.0.into_owned()).unwrap_or_default();
        self.out.resources.push(RawResource { addr, provider, action: self.filter.action, after, before: None });
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// raw terraform.tfstate (version 4)

struct TfStateResourcesSeed<'c>(&'c mut Collected);

impl<'de> DeserializeSeed<'de> for TfStateResourcesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TfStateResourcesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of state resources")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(TfStateResourceSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct TfStateResourceSeed<'c>(&'c mut Collected);

const TS_KEYS: &[&str] = &["module", "mode", "type", "name", "provider", "instances"];

impl<'de> DeserializeSeed<'de> for TfStateResourceSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

#[derive(Deserialize)]
struct TfInstanceRaw<'a> {
    #[serde(default)]
    index_key: Option<Value>,
    #[serde(default)]
    deposed: Option<String>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
    #[serde(default)]
    sensitive_attributes: Option<Value>,
}

impl<'de> Visitor<'de> for TfStateResourceSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a state resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut module: Option<String> = None;
        let mut mode: Option<Mode> = None;
        let mut rtype: Option<String> = None;
        let mut name: Option<String> = None;
        let mut provider = String::new();
        let mut instances: Vec<TfInstanceRaw<'de>> = Vec::new();
        while let Some(idx) = map.next_key_seed(KeyIndex(TS_KEYS))? {
            match idx {
                Some(0) => module = map.next_value()?,
                Some(1) => mode = Some(parse_mode(&map.next_value::<String>()?)?),
                Some(2) => rtype = Some(map.next_value()?),
                Some(3) => name = Some(map.next_value()?),
                Some(4) => provider = map.next_value()?,
                Some(_) => instances = map.next_value()?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let rtype = rtype.ok_or_else(|| de::Error::missing_field("type"))?;
        let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
        let mode = mode.unwrap_or(Mode::Managed);
        let steps = match module.as_deref() {
            None | Some("") => Vec::new(),
            Some(m) => module_steps(m).map_err(de::Error::custom)?,
        };
        for inst in instances {
            if inst.deposed.is_some() {
                continue;
            }
            if !is_aws(&rtype) {
                if mode == Mode::Managed {
                    self.0.count_other(&rtype);
                }
                continue;
            }
            if mode == Mode::Data && catalog::data(&rtype).is_none() {
                continue;
            }
            let keep = keep_for(mode, &rtype);
            let values = match inst.attributes {
                Some(raw) => parse_raw(raw, Filtered(keep))?,
                None => Value::Null,
            };
            let sensitive = sensitive_from_paths(inst.sensitive_attributes.as_ref());
            let after = attrs_of(values, Value::Null, sensitive);
            if !relevant(mode, &rtype, after.as_ref()) {
                continue;
            }
            let key = inst.index_key.as_ref().and_then(InstanceKey::from_json);
            let addr = ResourceAddr::new(steps.clone(), mode, &rtype, &name, key);
            self.0.resources.push(RawResource {
                addr,
                provider: provider.clone(),
                action: Action::Existing,
                after,
                before: None,
            });
        }
        Ok(())
    }
}

/// Parses `module.a["k"].module.b` into steps.
pub(crate) fn module_steps(text: &str) -> Result<Vec<ModuleStep>, String> {
    let steps = split_steps(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut it = steps.into_iter();
    while let Some((kw, kw_key)) = it.next() {
        if kw != "module" || kw_key.is_some() {
            return Err(format!("`{text}` is not a module path"));
        }
        let Some((name, key)) = it.next() else {
            return Err(format!("`{text}` is not a module path"));
        };
        out.push(ModuleStep { name: name.to_string(), key });
    }
    Ok(out)
}

/// tfstate v4 writes sensitive attributes as paths (`[[{"type":"get_attr","value":"x"}]]`);
/// marks the top-level attributes they start at.
fn sensitive_from_paths(paths: Option<&Value>) -> Value {
    let mut out = Map::new();
    if let Some(Value::Array(paths)) = paths {
        for path in paths {
            if let Some(first) = path.as_array().and_then(|p| p.first())
                && first.get("type").and_then(Value::as_str) == Some("get_attr")
                && let Some(name) = first.get("value").and_then(Value::as_str)
            {
                out.insert(name.to_string(), Value::Bool(true));
            }
        }
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------------------------
// configuration

struct ConfigSeed;

impl<'de> DeserializeSeed<'de> for ConfigSeed {
    type Value = Configuration;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Configuration, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConfigSeed {
    type Value = Configuration;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Configuration, A::Error> {
        let mut config = Configuration::default();
        while let Some(idx) = map.next_key_seed(KeyIndex(&["provider_config", "root_module"]))? {
            match idx {
                Some(0) => {
                    let providers: BTreeMap<String, ProviderConfigRaw> = map.next_value()?;
                    config.providers = providers.into_iter().map(|(k, v)| (k, v.expressions)).collect();
                }
                Some(_) => config.root = map.next_value_seed(ConfigModuleSeed)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(config)
    }
}

#[derive(Deserialize)]
struct ProviderConfigRaw {
    #[serde(default)]
    expressions: Map<String, Value>,
}

struct ConfigModuleSeed;

impl<'de> DeserializeSeed<'de> for ConfigModuleSeed {
    type Value = ConfigModule;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ConfigModule, D::Error> {
        d.deserialize_any(self)
    }
}

#[derive(Deserialize)]
struct OutputRaw {
    #[serde(default)]
    expression: Value,
}

#[derive(Deserialize)]
struct VariableRaw {
    #[serde(default)]
    default: Option<Value>,
}

impl<'de> Visitor<'de> for ConfigModuleSeed {
    type Value = ConfigModule;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a module configuration object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<ConfigModule, E> {
        Ok(ConfigModule::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConfigModule, A::Error> {
        let mut module = ConfigModule::default();
        while let Some(idx) = map.next_key_seed(KeyIndex(&["resources", "module_calls", "outputs", "variables"]))? {
            match idx {
                Some(0) => module.resources = map.next_value_seed(ConfigResourcesSeed)?,
                Some(1) => module.module_calls = map.next_value_seed(ModuleCallsSeed)?,
                Some(2) => {
                    let outputs: BTreeMap<String, OutputRaw> = map.next_value()?;
                    module.outputs = outputs.into_iter().map(|(k, v)| (k, v.expression)).collect();
                }
                Some(_) => {
                    let vars: BTreeMap<String, VariableRaw> = map.next_value()?;
                    module.variable_defaults = vars.into_iter().filter_map(|(k, v)| Some((k, v.default?))).collect();
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(module)
    }
}

struct ConfigResourcesSeed;

impl<'de> DeserializeSeed<'de> for ConfigResourcesSeed {
    type Value = Vec<ConfigResource>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ConfigResourcesSeed {
    type Value = Vec<ConfigResource>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resource configurations")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(r) = seq.next_element_seed(ConfigResourceSeed)? {
            out.extend(r);
        }
        Ok(out)
    }
}

struct ConfigResourceSeed;

const CR_KEYS: &[&str] =
    &["address", "mode", "type", "provider_config_key", "expressions", "count_expression", "for_each_expression"];

impl<'de> DeserializeSeed<'de> for ConfigResourceSeed {
    type Value = Option<ConfigResource>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConfigResourceSeed {
    type Value = Option<ConfigResource>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource configuration object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut r = ConfigResource::default();
        let mut mode: Option<Mode> = None;
        let mut expressions: Option<Value> = None;
        let mut raw_expressions: Option<&'de RawValue> = None;
        while let Some(idx) = map.next_key_seed(KeyIndex(CR_KEYS))? {
            match idx {
                Some(0) => r.address = map.next_value()?,
                Some(1) => mode = Some(parse_mode(&map.next_value::<String>()?)?),
                Some(2) => r.rtype = map.next_value()?,
                Some(3) => r.provider_key = map.next_value()?,
                Some(4) => match mode {
                    Some(m) if !r.rtype.is_empty() => {
                        expressions = Some(map.next_value_seed(Filtered(keep_expressions_for(m, &r.rtype)))?);
                    }
                    _ => raw_expressions = Some(map.next_value()?),
                },
                Some(5) => r.count = Some(map.next_value()?),
                Some(_) => r.for_each = Some(map.next_value()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let mode = mode.unwrap_or(Mode::Managed);
        let keep = keep_expressions_for(mode, &r.rtype);
        if matches!(keep, Keep::Nothing) {
            return Ok(None);
        }
        let expressions = match (expressions, raw_expressions) {
            (Some(v), _) => v,
            (None, Some(raw)) => parse_raw(raw, Filtered(keep))?,
            (None, None) => Value::Null,
        };
        if let Value::Object(m) = expressions {
            r.expressions = m;
        }
        Ok(Some(r))
    }
}

struct ModuleCallsSeed;

impl<'de> DeserializeSeed<'de> for ModuleCallsSeed {
    type Value = BTreeMap<String, ModuleCall>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ModuleCallsSeed {
    type Value = BTreeMap<String, ModuleCall>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of module calls")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            let call = map.next_value_seed(ModuleCallSeed)?;
            out.insert(name, call);
        }
        Ok(out)
    }
}

struct ModuleCallSeed;

impl<'de> DeserializeSeed<'de> for ModuleCallSeed {
    type Value = ModuleCall;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ModuleCallSeed {
    type Value = ModuleCall;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a module call object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut call = ModuleCall::default();
        while let Some(idx) = map.next_key_seed(KeyIndex(&[
            "source",
            "expressions",
            "count_expression",
            "for_each_expression",
            "module",
        ]))? {
            match idx {
                Some(0) => call.source = map.next_value()?,
                Some(1) => call.expressions = map.next_value()?,
                Some(2) => call.count = Some(map.next_value()?),
                Some(3) => call.for_each = Some(map.next_value()?),
                Some(_) => call.module = map.next_value_seed(ConfigModuleSeed)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(call)
    }
}

// ---------------------------------------------------------------------------------------------
// the top level

#[derive(Default)]
struct TopLevel {
    format_version: Option<String>,
    terraform_version: Option<String>,
    tfstate_version: Option<u64>,
    complete: Option<bool>,
    errored: Option<bool>,
    variables: BTreeMap<String, Value>,
    has_resource_changes: bool,
    has_values: bool,
    has_planned_values: bool,
    has_tfstate_resources: bool,
    changes: Collected,
    values: Collected,
    data_after: Collected,
    data_before: Collected,
    tfstate: Collected,
    config: Option<Configuration>,
}

const TOP_KEYS: &[&str] = &[
    "format_version",
    "terraform_version",
    "variables",
    "planned_values",
    "resource_changes",
    "prior_state",
    "configuration",
    "values",
    "version",
    "resources",
    "complete",
    "errored",
];

struct TopSeed;

#[derive(Deserialize)]
struct VariableValue {
    #[serde(default)]
    value: Value,
}

impl<'de> DeserializeSeed<'de> for TopSeed {
    type Value = TopLevel;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TopLevel, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed {
    type Value = TopLevel;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (the output of `terraform show -json`)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut top = TopLevel::default();
        while let Some(idx) = map.next_key_seed(KeyIndex(TOP_KEYS))? {
            match idx {
                Some(0) => top.format_version = map.next_value::<Option<String>>()?,
                Some(1) => top.terraform_version = map.next_value::<Option<String>>()?,
                Some(2) => {
                    let vars: Option<BTreeMap<String, VariableValue>> = map.next_value()?;
                    top.variables = vars.unwrap_or_default().into_iter().map(|(k, v)| (k, v.value)).collect();
                }
                Some(3) => {
                    top.has_planned_values = true;
                    let filter = TreeFilter { managed: false, data: true, action: Action::Read };
                    map.next_value_seed(StateValuesSeed { out: &mut top.data_after, filter })?;
                }
                Some(4) => {
                    top.has_resource_changes = true;
                    map.next_value_seed(ResourceChangesSeed(&mut top.changes))?;
                }
                Some(5) => {
                    let filter = TreeFilter { managed: false, data: true, action: Action::Existing };
                    map.next_value_seed(PriorStateSeed { out: &mut top.data_before, filter })?;
                }
                Some(6) => top.config = Some(map.next_value_seed(ConfigSeed)?),
                Some(7) => {
                    top.has_values = true;
                    let filter = TreeFilter { managed: true, data: true, action: Action::Existing };
                    map.next_value_seed(StateValuesSeed { out: &mut top.values, filter })?;
                }
                Some(8) => top.tfstate_version = map.next_value::<Option<u64>>().ok().flatten(),
                Some(9) => {
                    top.has_tfstate_resources = true;
                    map.next_value_seed(TfStateResourcesSeed(&mut top.tfstate))?;
                }
                Some(10) => top.complete = map.next_value()?,
                Some(_) => top.errored = map.next_value()?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(top)
    }
}

/// Why a JSON document is not one tfvpc reads (the caller adds advice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unrecognised {
    /// JSON, but none of the keys of a Terraform plan or state.
    NotTerraform,
    /// A `format_version` whose major version tfvpc does not read.
    UnsupportedFormat(String),
    /// A tfstate `version` other than 4.
    UnsupportedStateVersion(u64),
}

/// Outcome of parsing.
pub enum Parsed {
    /// A document tfvpc reads.
    Doc(Box<Document>),
    /// Valid JSON that is not one.
    Unrecognised(Unrecognised),
}

/// Parses a decoded document.
pub fn parse_document(text: &str) -> Result<Parsed, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(classify(top))
}

fn classify(top: TopLevel) -> Parsed {
    if let Some(version) = top.tfstate_version
        && top.has_tfstate_resources
    {
        if version != 4 {
            return Parsed::Unrecognised(Unrecognised::UnsupportedStateVersion(version));
        }
        return Parsed::Doc(Box::new(Document {
            kind: DocKind::RawState,
            format_version: version.to_string(),
            terraform_version: top.terraform_version,
            complete: None,
            errored: None,
            resources: top.tfstate.resources,
            data_after: Vec::new(),
            data_before: Vec::new(),
            config: None,
            variables: BTreeMap::new(),
            other_providers: top.tfstate.other_providers,
        }));
    }
    let Some(format_version) = top.format_version else {
        return Parsed::Unrecognised(Unrecognised::NotTerraform);
    };
    let major = format_version.split('.').next().unwrap_or("");
    if major != "0" && major != "1" {
        return Parsed::Unrecognised(Unrecognised::UnsupportedFormat(format_version));
    }
    let is_plan = top.has_resource_changes || top.has_planned_values || top.config.is_some();
    if is_plan {
        return Parsed::Doc(Box::new(Document {
            kind: DocKind::Plan,
            format_version,
            terraform_version: top.terraform_version,
            complete: top.complete,
            errored: top.errored,
            resources: top.changes.resources,
            data_after: top.data_after.resources,
            data_before: top.data_before.resources,
            config: top.config,
            variables: top.variables,
            other_providers: top.changes.other_providers,
        }));
    }
    if top.has_values || top.terraform_version.is_some() {
        // `terraform show -json` of a state; of an empty state it is just the two versions.
        return Parsed::Doc(Box::new(Document {
            kind: DocKind::ShowState,
            format_version,
            terraform_version: top.terraform_version,
            complete: None,
            errored: None,
            resources: top.values.resources,
            data_after: Vec::new(),
            data_before: Vec::new(),
            config: None,
            variables: BTreeMap::new(),
            other_providers: top.values.other_providers,
        }));
    }
    Parsed::Unrecognised(Unrecognised::NotTerraform)
}
