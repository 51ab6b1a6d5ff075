//! Values that are known, unknown until apply, or absent: never guessed.
//!
//! A plan marks computed attributes in `after_unknown`; reading such a value as a default
//! (an empty list, `false`, AWS's allow-all) is the classic false alarm. Everything that depends on
//! an `Unknown` evaluates to "indeterminate".

/// A planned attribute value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Val<T> {
    /// Known at plan time.
    Known(T),
    /// Computed during apply (`after_unknown`), sensitive, or otherwise not decidable now.
    Unknown,
    /// Not set (null, or the provider's empty string for "no value").
    #[default]
    Absent,
}

impl<T> Val<T> {
    /// The known value, if any.
    pub fn known(&self) -> Option<&T> {
        match self {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Consumes into the known value, if any.
    pub fn into_known(self) -> Option<T> {
        match self {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// True when computed at apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }

    /// True when not set.
    pub fn is_absent(&self) -> bool {
        matches!(self, Val::Absent)
    }

    /// Maps the known value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Val<U> {
        match self {
            Val::Known(v) => Val::Known(f(v)),
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// Maps the known value through a fallible conversion; failure becomes `Unknown`.
    pub fn and_then<U>(self, f: impl FnOnce(T) -> Option<U>) -> Val<U> {
        match self {
            Val::Known(v) => f(v).map_or(Val::Unknown, Val::Known),
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Val<&T> {
        match self {
            Val::Known(v) => Val::Known(v),
            Val::Unknown => Val::Unknown,
            Val::Absent => Val::Absent,
        }
    }

    /// `Absent` replaced by a default known value (for attributes whose provider default is
    /// documented, e.g. `map_public_ip_on_launch = false`).
    pub fn or_default_known(self, default: T) -> Val<T> {
        match self {
            Val::Absent => Val::Known(default),
            other => other,
        }
    }
}

impl<T: Copy> Val<&T> {
    /// Copies the borrowed value.
    pub fn copied(self) -> Val<T> {
        self.map(|v| *v)
    }
}
