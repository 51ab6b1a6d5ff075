//! A raw `terraform.tfstate` (version 4): `resources[]` with `module`, `mode`, `type`, `name`
//! and `instances[]`, each instance's `attributes` filtered once its resource's type is known.

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::keep::{Collected, Filtered, attrs_of, is_aws, keep_for, relevant};
use super::seed::{Reader, Seed, Shape, each_field, parse_mode, parse_raw};
use crate::addr::{InstanceKey, Mode, ModuleStep, ResourceAddr, split_steps};
use crate::catalog;
use crate::ingest::doc::{Action, RawResource};

/// The top-level `resources` of a raw state.
pub(super) struct TfStateResourcesReader<'c>(pub(super) &'c mut Collected);

impl<'de> Reader<'de> for TfStateResourcesReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a list of state resources";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<()> {
        Some(())
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Seed(TfStateResourceReader(&mut *self.0)))?.is_some() {}
        Ok(())
    }
}

struct TfStateResourceReader<'c>(&'c mut Collected);

const TS_KEYS: &[&str] = &["module", "mode", "type", "name", "provider", "instances"];

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

impl<'de> Reader<'de> for TfStateResourceReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a state resource object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut module: Option<String> = None;
        let mut mode: Option<Mode> = None;
        let mut rtype: Option<String> = None;
        let mut name: Option<String> = None;
        let mut provider = String::new();
        let mut instances: Vec<TfInstanceRaw<'de>> = Vec::new();
        each_field(map, TS_KEYS, |idx, map| {
            match idx {
                0 => module = map.next_value()?,
                1 => mode = Some(parse_mode(&map.next_value::<String>()?)?),
                2 => rtype = Some(map.next_value()?),
                3 => name = Some(map.next_value()?),
                4 => provider = map.next_value()?,
                _ => instances = map.next_value()?,
            }
            Ok(())
        })?;
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
fn module_steps(text: &str) -> Result<Vec<ModuleStep>, String> {
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
