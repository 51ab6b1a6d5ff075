//! What to keep of a resource: the catalog names the attributes of each type, [`Filtered`]
//! drops the others while an attribute object is parsed, and [`relevant`] drops whole resources
//! that cannot matter to the model. [`Collected`] is where the kept resources go.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::seed::{KeyIndex, Text, parse_mode};
use crate::addr::Mode;
use crate::catalog;
use crate::ingest::doc::{Attrs, RawResource};

/// Which attributes of a resource to keep.
#[derive(Clone, Copy, Debug)]
pub(super) enum Keep {
    /// Skip every attribute.
    Nothing,
    /// Keep these top-level attributes.
    Attrs(&'static [&'static str]),
}

/// Is this provider type AWS's?
pub(super) fn is_aws(rtype: &str) -> bool {
    catalog::provider_of_type(rtype) == "aws"
}

/// The attributes to keep of a resource's values (`before`, `after`, state `values`): a type
/// the catalog knows keeps its attributes, another AWS type the ones that tie it to a network.
pub(super) fn keep_for(mode: Mode, rtype: &str) -> Keep {
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
pub(super) fn relevant(mode: Mode, rtype: &str, attrs: Option<&Attrs>) -> bool {
    match mode {
        Mode::Managed => {
            catalog::managed(rtype).is_some()
                || catalog::NOT_MODELLED_NETWORK.contains(&rtype)
                || attrs.is_some_and(Attrs::hints_network)
        }
        Mode::Data => catalog::data(rtype).is_some(),
    }
}

/// The expressions to keep of a resource's configuration: only types the catalog knows.
pub(super) fn keep_expressions_for(mode: Mode, rtype: &str) -> Keep {
    match mode {
        Mode::Managed => catalog::managed(rtype).map_or(Keep::Nothing, |t| Keep::Attrs(t.attrs)),
        Mode::Data => catalog::data(rtype).map_or(Keep::Nothing, |t| Keep::Attrs(t.attrs)),
    }
}

/// Which resource an entry of `resource_changes` or of a state tree is, from its first four
/// keys (`address`, `mode`, `type`, `provider_name`, in every entry's key list in that order):
/// read before the payload, so that the payload is filtered while it is parsed.
#[derive(Default)]
pub(super) struct Identity<'de> {
    pub(super) address: Option<Text<'de>>,
    pub(super) mode: Option<Mode>,
    pub(super) rtype: Option<Text<'de>>,
    pub(super) provider: Option<Text<'de>>,
}

impl<'de> Identity<'de> {
    /// Reads the value of key `idx` (0 to 3) of the entry.
    #[inline]
    pub(super) fn read<A: MapAccess<'de>>(&mut self, idx: usize, map: &mut A) -> Result<(), A::Error> {
        match idx {
            0 => self.address = Some(map.next_value()?),
            1 => self.mode = Some(parse_mode(map.next_value::<Text<'de>>()?.as_ref())?),
            2 => self.rtype = Some(map.next_value()?),
            _ => self.provider = Some(map.next_value()?),
        }
        Ok(())
    }
}

/// An attribute object filtered to the kept attributes; `true`/`false`/null pass through (an
/// `after_unknown` or `after_sensitive` can be a bare boolean).
pub(super) struct Filtered(pub(super) Keep);

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

pub(super) fn attrs_of(values: Value, unknown: Value, sensitive: Value) -> Option<Attrs> {
    match values {
        Value::Object(values) => Some(Attrs { values, unknown, sensitive, targets: Value::Null }),
        // A resource whose every attribute is unknown is written as `"after": null` with
        // `"after_unknown": true`; keep it as an empty object so everything reads as unknown.
        Value::Null if unknown == Value::Bool(true) => {
            Some(Attrs { values: Map::new(), unknown, sensitive, targets: Value::Null })
        }
        _ => None,
    }
}

/// Resource instances and skipped counts collected while parsing.
#[derive(Default)]
pub(super) struct Collected {
    pub(super) resources: Vec<RawResource>,
    pub(super) other_providers: BTreeMap<String, usize>,
    /// Moved instances: new address → `previous_address` (plans only).
    pub(super) moved: BTreeMap<String, String>,
}

impl Collected {
    pub(super) fn count_other(&mut self, rtype: &str) {
        *self.other_providers.entry(catalog::provider_of_type(rtype).to_string()).or_default() += 1;
    }
}
