//! The plan's `configuration`: provider configurations and the module tree (resources with
//! their expressions filtered to the catalog's attributes, module calls, outputs, variable
//! defaults), which the linker reads references from.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::keep::{Filtered, Keep, keep_expressions_for};
use super::seed::{Reader, Seed, Shape, each_field, parse_mode, parse_raw};
use crate::addr::Mode;
use crate::ingest::doc::{ConfigModule, ConfigResource, Configuration, ModuleCall};

/// `configuration`: `{provider_config, root_module}`.
pub(super) struct ConfigReader;

impl<'de> Reader<'de> for ConfigReader {
    type Value = Configuration;
    const EXPECTING: &'static str = "a configuration object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Configuration, A::Error> {
        let mut config = Configuration::default();
        each_field(map, &["provider_config", "root_module"], |idx, map| {
            match idx {
                0 => {
                    let providers: BTreeMap<String, ProviderConfigRaw> = map.next_value()?;
                    config.providers = providers.into_iter().map(|(k, v)| (k, v.expressions)).collect();
                }
                _ => config.root = map.next_value_seed(Seed(ConfigModuleReader))?,
            }
            Ok(())
        })?;
        Ok(config)
    }
}

#[derive(Deserialize)]
struct ProviderConfigRaw {
    #[serde(default)]
    expressions: Map<String, Value>,
}

struct ConfigModuleReader;

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

impl<'de> Reader<'de> for ConfigModuleReader {
    type Value = ConfigModule;
    const EXPECTING: &'static str = "a module configuration object";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<ConfigModule> {
        Some(ConfigModule::default())
    }
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<ConfigModule, A::Error> {
        let mut module = ConfigModule::default();
        each_field(map, &["resources", "module_calls", "outputs", "variables"], |idx, map| {
            match idx {
                0 => module.resources = map.next_value_seed(Seed(ConfigResourcesReader))?,
                1 => module.module_calls = map.next_value_seed(Seed(ModuleCallsReader))?,
                2 => {
                    let outputs: BTreeMap<String, OutputRaw> = map.next_value()?;
                    module.outputs = outputs.into_iter().map(|(k, v)| (k, v.expression)).collect();
                }
                _ => {
                    let vars: BTreeMap<String, VariableRaw> = map.next_value()?;
                    module.variable_defaults = vars.into_iter().filter_map(|(k, v)| Some((k, v.default?))).collect();
                }
            }
            Ok(())
        })?;
        Ok(module)
    }
}

struct ConfigResourcesReader;

impl<'de> Reader<'de> for ConfigResourcesReader {
    type Value = Vec<ConfigResource>;
    const EXPECTING: &'static str = "a list of resource configurations";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<Self::Value> {
        Some(Vec::new())
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(r) = seq.next_element_seed(Seed(ConfigResourceReader))? {
            out.extend(r);
        }
        Ok(out)
    }
}

struct ConfigResourceReader;

const CR_KEYS: &[&str] =
    &["address", "mode", "type", "provider_config_key", "expressions", "count_expression", "for_each_expression"];

impl<'de> Reader<'de> for ConfigResourceReader {
    type Value = Option<ConfigResource>;
    const EXPECTING: &'static str = "a resource configuration object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut r = ConfigResource::default();
        let mut mode: Option<Mode> = None;
        let mut expressions: Option<Value> = None;
        let mut raw_expressions: Option<&'de RawValue> = None;
        each_field(map, CR_KEYS, |idx, map| {
            match idx {
                0 => r.address = map.next_value()?,
                1 => mode = Some(parse_mode(&map.next_value::<String>()?)?),
                2 => r.rtype = map.next_value()?,
                3 => r.provider_key = map.next_value()?,
                4 => match mode {
                    Some(m) if !r.rtype.is_empty() => {
                        expressions = Some(map.next_value_seed(Filtered(keep_expressions_for(m, &r.rtype)))?);
                    }
                    _ => raw_expressions = Some(map.next_value()?),
                },
                5 => r.count = Some(map.next_value()?),
                _ => r.for_each = Some(map.next_value()?),
            }
            Ok(())
        })?;
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

struct ModuleCallsReader;

impl<'de> Reader<'de> for ModuleCallsReader {
    type Value = BTreeMap<String, ModuleCall>;
    const EXPECTING: &'static str = "an object of module calls";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<Self::Value> {
        Some(BTreeMap::new())
    }
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            let call = map.next_value_seed(Seed(ModuleCallReader))?;
            out.insert(name, call);
        }
        Ok(out)
    }
}

struct ModuleCallReader;

const MC_KEYS: &[&str] = &["source", "expressions", "count_expression", "for_each_expression", "module"];

impl<'de> Reader<'de> for ModuleCallReader {
    type Value = ModuleCall;
    const EXPECTING: &'static str = "a module call object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut call = ModuleCall::default();
        each_field(map, MC_KEYS, |idx, map| {
            match idx {
                0 => call.source = map.next_value()?,
                1 => call.expressions = map.next_value()?,
                2 => call.count = Some(map.next_value()?),
                3 => call.for_each = Some(map.next_value()?),
                _ => call.module = map.next_value_seed(Seed(ConfigModuleReader))?,
            }
            Ok(())
        })?;
        Ok(call)
    }
}
