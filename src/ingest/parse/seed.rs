//! The serde glue, written once: a [`Reader`] says what one JSON value should be and what to do
//! with it, and [`Seed`] turns it into the `DeserializeSeed` + `Visitor` pair serde drives. Also
//! the small pieces every reader shares: object keys matched without allocating ([`KeyIndex`],
//! [`each_field`]), borrowed strings ([`Text`]) and re-parsing a captured [`RawValue`].

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::value::RawValue;

use crate::addr::{Mode, ResourceAddr};

/// Which `deserialize_*` a reader asks for. The choice shows in errors: `Object` and `List`
/// reject a `null` before reading it, `Any` lets [`Reader::null`] decide.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `deserialize_map`.
    Object,
    /// `deserialize_seq`.
    List,
    /// `deserialize_any`.
    Any,
}

/// A typed visitor of one JSON value without serde's boilerplate: what it expects (for error
/// messages), how it asks for the value, and what it does with an object, a list or `null`.
/// What it does not override is an "invalid type" error, as serde's own defaults give.
pub(super) trait Reader<'de>: Sized {
    /// What reading produces.
    type Value;
    /// What the input should be, completing "expected …" in errors.
    const EXPECTING: &'static str;
    /// Which `deserialize_*` to call.
    const SHAPE: Shape;

    /// The value of a `null` (with [`Shape::Any`]), where `null` is accepted.
    fn null() -> Option<Self::Value> {
        None
    }

    /// Reads an object.
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let _ = map;
        Err(de::Error::invalid_type(Unexpected::Map, &Self::EXPECTING))
    }

    /// Reads a list.
    fn list<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let _ = seq;
        Err(de::Error::invalid_type(Unexpected::Seq, &Self::EXPECTING))
    }
}

/// A [`Reader`] as serde's `DeserializeSeed` and `Visitor`.
pub(super) struct Seed<R>(pub(super) R);

impl<'de, R: Reader<'de>> DeserializeSeed<'de> for Seed<R> {
    type Value = R::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<R::Value, D::Error> {
        match R::SHAPE {
            Shape::Object => d.deserialize_map(self),
            Shape::List => d.deserialize_seq(self),
            Shape::Any => d.deserialize_any(self),
        }
    }
}

impl<'de, R: Reader<'de>> Visitor<'de> for Seed<R> {
    type Value = R::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(R::EXPECTING)
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<R::Value, E> {
        R::null().ok_or_else(|| de::Error::invalid_type(Unexpected::Unit, &self))
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R::Value, A::Error> {
        self.0.object(map)
    }
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<R::Value, A::Error> {
        self.0.list(seq)
    }
}

/// Visits the entries of an object: `read(i, map)` reads the value of `keys[i]`; the values of
/// other keys are skipped unread.
#[inline]
pub(super) fn each_field<'de, A: MapAccess<'de>>(
    mut map: A,
    keys: &[&str],
    mut read: impl FnMut(usize, &mut A) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    while let Some(idx) = map.next_key_seed(KeyIndex(keys))? {
        match idx {
            Some(i) => read(i, &mut map)?,
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

/// Matches an object key against a list of names without allocating; `None` for others.
pub(super) struct KeyIndex<'a>(pub(super) &'a [&'a str]);

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
pub(super) struct Text<'de>(pub(super) Cow<'de, str>);

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

/// Parses a captured `RawValue` with a seed (used when the selector arrived after the payload).
pub(super) fn parse_raw<'de, S: DeserializeSeed<'de>, E: de::Error>(
    raw: &'de RawValue,
    seed: S,
) -> Result<S::Value, E> {
    let mut d = serde_json::Deserializer::from_str(raw.get());
    seed.deserialize(&mut d).map_err(|e| E::custom(e.to_string()))
}

pub(super) fn parse_mode<E: de::Error>(text: &str) -> Result<Mode, E> {
    match text {
        "managed" => Ok(Mode::Managed),
        "data" => Ok(Mode::Data),
        other => Err(E::custom(format!("unknown resource mode `{other}` (expected `managed` or `data`)"))),
    }
}

pub(super) fn parse_addr<E: de::Error>(text: &str) -> Result<ResourceAddr, E> {
    ResourceAddr::parse(text).map_err(|e| E::custom(format!("invalid resource address {e}")))
}
