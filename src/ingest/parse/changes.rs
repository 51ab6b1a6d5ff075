//! `resource_changes` of a plan: each change's `type` is read before its payload (Terraform
//! writes it first), so `before`/`after`/`after_unknown`/`*_sensitive` are filtered to the
//! catalog's attributes while they are parsed.

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess};
use serde_json::Value;
use serde_json::value::RawValue;

use super::keep::{Collected, Filtered, Identity, Keep, attrs_of, is_aws, keep_for, relevant};
use super::seed::{Reader, Seed, Shape, Text, each_field, parse_addr, parse_raw};
use crate::addr::Mode;
use crate::ingest::doc::{Action, RawResource};

#[derive(Default)]
struct Change<'de> {
    actions: Vec<Text<'de>>,
    before: Value,
    after: Value,
    after_unknown: Value,
    before_sensitive: Value,
    after_sensitive: Value,
}

struct ChangeReader(Keep);

const CHANGE_KEYS: &[&str] = &["actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive"];

impl<'de> Reader<'de> for ChangeReader {
    type Value = Change<'de>;
    const EXPECTING: &'static str = "a change object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Change<'de>, A::Error> {
        let mut c = Change::default();
        each_field(map, CHANGE_KEYS, |idx, map| {
            match idx {
                0 => c.actions = map.next_value()?,
                1 => c.before = map.next_value_seed(Filtered(self.0))?,
                2 => c.after = map.next_value_seed(Filtered(self.0))?,
                3 => c.after_unknown = map.next_value_seed(Filtered(self.0))?,
                4 => c.before_sensitive = map.next_value_seed(Filtered(self.0))?,
                _ => c.after_sensitive = map.next_value_seed(Filtered(self.0))?,
            }
            Ok(())
        })?;
        Ok(c)
    }
}

/// `resource_changes`: every AWS change that can matter goes to the collection.
pub(super) struct ResourceChangesReader<'c>(pub(super) &'c mut Collected);

impl<'de> Reader<'de> for ResourceChangesReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a list of resource changes";
    const SHAPE: Shape = Shape::List;
    fn null() -> Option<()> {
        Some(())
    }
    fn list<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Seed(ResourceChangeReader(&mut *self.0)))?.is_some() {}
        Ok(())
    }
}

struct ResourceChangeReader<'c>(&'c mut Collected);

const RC_KEYS: &[&str] = &["address", "mode", "type", "provider_name", "deposed", "change", "previous_address"];

impl<'de> Reader<'de> for ResourceChangeReader<'_> {
    type Value = ();
    const EXPECTING: &'static str = "a resource change object";
    const SHAPE: Shape = Shape::Object;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut id = Identity::default();
        let mut deposed = false;
        let mut change: Option<Change<'de>> = None;
        let mut raw_change: Option<&'de RawValue> = None;
        let mut previous: Option<Text<'de>> = None;
        each_field(map, RC_KEYS, |idx, map| {
            match idx {
                0..=3 => id.read(idx, map)?,
                4 => deposed = map.next_value::<Option<IgnoredAny>>()?.is_some(),
                6 => previous = map.next_value()?,
                _ => match (id.mode, &id.rtype) {
                    (Some(m), Some(t)) => {
                        change = Some(map.next_value_seed(Seed(ChangeReader(keep_for(m, t.as_ref()))))?);
                    }
                    _ => raw_change = Some(map.next_value()?),
                },
            }
            Ok(())
        })?;
        let Identity { address, mode, rtype, provider } = id;
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
            (None, Some(raw)) => parse_raw(raw, Seed(ChangeReader(keep_for(mode, rtype))))?,
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
        if let Some(previous) = previous.filter(|p| p.as_ref() != address) {
            // A `moved` block (or `terraform state mv` in a plan): the same object, renamed.
            self.0.moved.insert(address.to_string(), previous.as_ref().to_string());
        }
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
