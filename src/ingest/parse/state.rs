//! State-shaped module trees — `planned_values`, `prior_state.values` and a shown state's
//! `values` — `{root_module: {resources, child_modules: [...]}}`, read with a [`TreeFilter`] that
//! says which modes to keep and which action they get.

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess};
use serde_json::Value;
use serde_json::value::RawValue;

use super::keep::{Collected, Filtered, Identity, attrs_of, is_aws, keep_for, relevant};
use super::seed::{Reader, Seed, Shape, each_field, parse_addr, parse_raw};
use crate::addr::Mode;
use crate::catalog;
use crate::ingest::doc::{Action, RawResource};

/// Which resources of a tree to keep, and the action they are read with.
#[derive(Clone, Copy)]
pub(super) struct TreeFilter {
    pub(super) managed: bool,
    pub(super) data: bool,
    pub(super) action: Action,
}

/// `{root_module}`: `planned_values`, `values`, and `prior_state.values`.
pub(super) struct StateValuesReader<'c> {
    pub(super) out: &'c mut Collected,
    pub(super) filter: TreeFilter,
}

impl<'de> Reader<'de> for StateValuesReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a values object with `root_module`";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<()> {
        Some(())
    }
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        each_field(map, &["root_module"], |_, map| {
            map.next_value_seed(Seed(ModuleValuesReader { out: &mut *self.out, filter: self.filter }))
        })
    }
}

/// `prior_state`: `{format_version, terraform_version, values: {root_module}}`.
pub(super) struct PriorStateReader<'c> {
    pub(super) out: &'c mut Collected,
    pub(super) filter: TreeFilter,
}

impl<'de> Reader<'de> for PriorStateReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a state object";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<()> {
        Some(())
    }
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        each_field(map, &["values"], |_, map| {
            map.next_value_seed(Seed(StateValuesReader { out: &mut *self.out, filter: self.filter }))
        })
    }
}

/// A module: `{resources, child_modules}`.
struct ModuleValuesReader<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> Reader<'de> for ModuleValuesReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a module object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        each_field(map, &["resources", "child_modules"], |idx, map| match idx {
            0 => map.next_value_seed(Seed(StateResourcesReader { out: &mut *self.out, filter: self.filter })),
            _ => map.next_value_seed(Seed(ChildModulesReader { out: &mut *self.out, filter: self.filter })),
        })
    }
}

struct ChildModulesReader<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> Reader<'de> for ChildModulesReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a list of child modules";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<()> {
        Some(())
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Seed(ModuleValuesReader { out: &mut *self.out, filter: self.filter }))?.is_some() {}
        Ok(())
    }
}

struct StateResourcesReader<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

impl<'de> Reader<'de> for StateResourcesReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a list of resources";
    const SHAPE: Shape = Shape::Any;
    fn null() -> Option<()> {
        Some(())
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Seed(StateResourceReader { out: &mut *self.out, filter: self.filter }))?.is_some() {
        }
        Ok(())
    }
}

struct StateResourceReader<'c> {
    out: &'c mut Collected,
    filter: TreeFilter,
}

const SR_KEYS: &[&str] = &["address", "mode", "type", "provider_name", "values", "sensitive_values", "deposed_key"];

impl<'de> Reader<'de> for StateResourceReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a resource object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut id = Identity::default();
        let mut deposed = false;
        let mut values: Option<Value> = None;
        let mut sensitive: Option<Value> = None;
        let mut raw_values: Option<&'de RawValue> = None;
        let mut raw_sensitive: Option<&'de RawValue> = None;
        let wanted = |mode: Mode| match mode {
            Mode::Managed => self.filter.managed,
            Mode::Data => self.filter.data,
        };
        each_field(map, SR_KEYS, |idx, map| {
            match idx {
                0..=3 => id.read(idx, map)?,
                i @ (4 | 5) => match (id.mode, &id.rtype) {
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
                _ => deposed = map.next_value::<Option<IgnoredAny>>()?.is_some(),
            }
            Ok(())
        })?;
        let Identity { address, mode, rtype, provider } = id;
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
