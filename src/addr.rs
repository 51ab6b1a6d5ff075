//! Terraform resource addresses (`module.net["prod"].aws_subnet.private[0]`).
//!
//! Every resource in the model is keyed by its address: in a create plan most AWS ids are unknown,
//! so the address is the only stable identity. Addresses sort naturally: module path first, then
//! type and name, then instance key with numbers in numeric order (`x[2]` before `x[10]`).
//! Grammar: <https://developer.hashicorp.com/terraform/cli/state/resource-addressing>.

use std::cmp::Ordering;
use std::fmt;

/// A `count` index or `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InstanceKey {
    /// `[0]`
    Int(i64),
    /// `["a"]`
    Str(String),
}

impl PartialOrd for InstanceKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for InstanceKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (InstanceKey::Int(a), InstanceKey::Int(b)) => a.cmp(b),
            (InstanceKey::Str(a), InstanceKey::Str(b)) => a.cmp(b),
            (InstanceKey::Int(_), InstanceKey::Str(_)) => Ordering::Less,
            (InstanceKey::Str(_), InstanceKey::Int(_)) => Ordering::Greater,
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.push_to(&mut out);
        f.write_str(&out)
    }
}

impl InstanceKey {
    /// Appends `[0]` or `["a"]` (quotes, backslashes and newlines escaped). Addresses are built
    /// for every resource of a plan: this avoids the formatting machinery.
    pub fn push_to(&self, out: &mut String) {
        match self {
            InstanceKey::Int(i) => {
                out.push('[');
                push_int(out, *i);
                out.push(']');
            }
            InstanceKey::Str(s) => {
                out.push_str("[\"");
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        c => out.push(c),
                    }
                }
                out.push_str("\"]");
            }
        }
    }

    /// Parses a key from a plan's `index` field (a number or a string).
    pub fn from_json(value: &serde_json::Value) -> Option<InstanceKey> {
        match value {
            serde_json::Value::Number(n) => n.as_i64().map(InstanceKey::Int),
            serde_json::Value::String(s) => Some(InstanceKey::Str(s.clone())),
            _ => None,
        }
    }
}

/// Appends a decimal integer.
fn push_int(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// One `module.<name>[key]` step of a module instance path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call's name.
    pub name: String,
    /// The instance key when the call uses `count` or `for_each`.
    pub key: Option<InstanceKey>,
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `resource` blocks.
    Managed,
    /// `data` blocks.
    Data,
}

/// A parsed Terraform resource instance address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceAddr {
    text: Box<str>,
    module: Vec<ModuleStep>,
    mode: Mode,
    rtype: Box<str>,
    name: Box<str>,
    key: Option<InstanceKey>,
}

/// Why an address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrError(pub String);

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ResourceAddr {
    /// Builds an address from its parts.
    pub fn new(module: Vec<ModuleStep>, mode: Mode, rtype: &str, name: &str, key: Option<InstanceKey>) -> ResourceAddr {
        let mut text = String::with_capacity(16 + rtype.len() + name.len() + 24 * (module.len() + 1));
        for step in &module {
            text.push_str("module.");
            text.push_str(&step.name);
            if let Some(k) = &step.key {
                k.push_to(&mut text);
            }
            text.push('.');
        }
        if mode == Mode::Data {
            text.push_str("data.");
        }
        text.push_str(rtype);
        text.push('.');
        text.push_str(name);
        if let Some(k) = &key {
            k.push_to(&mut text);
        }
        ResourceAddr { text: text.into(), module, mode, rtype: rtype.into(), name: name.into(), key }
    }

    /// Parses `module.a["k"].aws_x.y[0]`.
    pub fn parse(text: &str) -> Result<ResourceAddr, AddrError> {
        let steps = split_steps(text)?;
        let mut module = Vec::new();
        let mut i = 0;
        while i < steps.len() && steps[i].0 == "module" {
            let Some((name, key)) = steps.get(i + 1) else {
                return Err(AddrError(format!("`{text}`: `module` is not followed by a name")));
            };
            if steps[i].1.is_some() {
                return Err(AddrError(format!("`{text}`: unexpected key after `module`")));
            }
            module.push(ModuleStep { name: (*name).to_string(), key: key.clone() });
            i += 2;
        }
        let mut mode = Mode::Managed;
        if steps.get(i).is_some_and(|s| s.0 == "data" && s.1.is_none()) && steps.len() - i == 3 {
            mode = Mode::Data;
            i += 1;
        }
        match &steps[i..] {
            [(rtype, None), (name, key)] => Ok(ResourceAddr::new(module, mode, rtype, name, key.clone())),
            _ => Err(AddrError(format!("`{text}` is not a resource address (expected [module.NAME.]TYPE.NAME[KEY])"))),
        }
    }

    /// The address as Terraform writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The module instance path (empty for the root module).
    pub fn module(&self) -> &[ModuleStep] {
        &self.module
    }

    /// The module path without instance keys, as in `configuration` (`module.a.module.b`).
    pub fn config_module_path(&self) -> String {
        module_path_text(self.module.iter().map(|s| (s.name.as_str(), None)))
    }

    /// The module instance path with keys (`module.a["k"]`), empty for root.
    pub fn module_instance_path(&self) -> String {
        module_steps_text(&self.module)
    }

    /// Managed or data.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Resource type (`aws_subnet`).
    pub fn rtype(&self) -> &str {
        &self.rtype
    }

    /// Resource name (`private`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Instance key, if the resource uses `count` or `for_each`.
    pub fn key(&self) -> Option<&InstanceKey> {
        self.key.as_ref()
    }

    /// The same resource without an instance key (`aws_subnet.private`), within the same module
    /// instance.
    pub fn without_key(&self) -> ResourceAddr {
        ResourceAddr::new(self.module.clone(), self.mode, &self.rtype, &self.name, None)
    }

    /// The resource's address relative to its module (`aws_subnet.private`, `data.aws_vpc.x`).
    pub fn local_name(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
        }
    }
}

/// `module.a["x"].module.b` for a list of module steps (a module instance's path).
pub(crate) fn module_steps_text(steps: &[ModuleStep]) -> String {
    module_path_text(steps.iter().map(|s| (s.name.as_str(), s.key.as_ref())))
}

fn module_path_text<'a>(steps: impl Iterator<Item = (&'a str, Option<&'a InstanceKey>)>) -> String {
    let mut out = String::new();
    for (name, key) in steps {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str("module.");
        out.push_str(name);
        if let Some(k) = key {
            k.push_to(&mut out);
        }
    }
    out
}

/// Splits an address or reference into `(name, key)` steps: `a.b["x"].c[0]` becomes
/// `[("a", None), ("b", Some("x")), ("c", Some(0))]`.
pub(crate) fn split_steps(text: &str) -> Result<Vec<(&str, Option<InstanceKey>)>, AddrError> {
    let bytes = text.as_bytes();
    let mut steps: Vec<(&str, Option<InstanceKey>)> = Vec::with_capacity(4);
    let mut i = 0;
    let err = |msg: &str| AddrError(format!("`{text}`: {msg}"));
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
            i += 1;
        }
        if start == i {
            return Err(err("empty name"));
        }
        let name = &text[start..i];
        let mut key = None;
        if i < bytes.len() && bytes[i] == b'[' {
            i += 1;
            if i < bytes.len() && bytes[i] == b'"' {
                i += 1;
                let mut s = String::new();
                loop {
                    let Some(&b) = bytes.get(i) else {
                        return Err(err("unterminated string key"));
                    };
                    match b {
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\\' => {
                            let Some(&n) = bytes.get(i + 1) else {
                                return Err(err("bad escape"));
                            };
                            s.push(match n {
                                b'n' => '\n',
                                b't' => '\t',
                                other => other as char,
                            });
                            i += 2;
                        }
                        _ => {
                            // copy one UTF-8 character
                            let ch_len = utf8_len(b);
                            let Some(chunk) = text.get(i..i + ch_len) else {
                                return Err(err("bad UTF-8"));
                            };
                            s.push_str(chunk);
                            i += ch_len;
                        }
                    }
                }
                key = Some(InstanceKey::Str(s));
            } else {
                let start = i;
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                let digits = &text[start..i];
                if digits == "*" {
                    key = None; // splat: handled by the reference resolver, not an address
                } else {
                    key = Some(InstanceKey::Int(digits.trim().parse().map_err(|_| err("bad index"))?));
                }
            }
            if bytes.get(i) != Some(&b']') {
                return Err(err("missing `]`"));
            }
            i += 1;
        }
        steps.push((name, key));
        if i < bytes.len() {
            if bytes[i] != b'.' {
                return Err(err("expected `.`"));
            }
            i += 1;
            if i == bytes.len() {
                return Err(err("trailing `.`"));
            }
        }
    }
    Ok(steps)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialOrd for ResourceAddr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ResourceAddr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.module
            .cmp(&other.module)
            .then(self.mode.cmp(&other.mode))
            .then_with(|| self.rtype.cmp(&other.rtype))
            .then_with(|| self.name.cmp(&other.name))
            .then_with(|| self.key.cmp(&other.key))
    }
}

impl serde::Serialize for ResourceAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_module_addresses() {
        let a = ResourceAddr::parse(r#"module.net["prod"].module.sub[1].aws_subnet.private[2]"#).unwrap();
        assert_eq!(a.rtype(), "aws_subnet");
        assert_eq!(a.name(), "private");
        assert_eq!(a.key(), Some(&InstanceKey::Int(2)));
        assert_eq!(a.config_module_path(), "module.net.module.sub");
        assert_eq!(a.module_instance_path(), r#"module.net["prod"].module.sub[1]"#);
        assert_eq!(a.as_str(), r#"module.net["prod"].module.sub[1].aws_subnet.private[2]"#);
    }

    #[test]
    fn parses_data_sources_and_dotted_keys() {
        let a = ResourceAddr::parse(r#"module.m["test.1"].data.aws_vpc.default"#).unwrap();
        assert_eq!(a.mode(), Mode::Data);
        assert_eq!(a.module()[0].key, Some(InstanceKey::Str("test.1".into())));
        assert_eq!(a.local_name(), "data.aws_vpc.default");
        // a resource *type* named like "data" is not possible, but a name is
        let b = ResourceAddr::parse("aws_vpc.data").unwrap();
        assert_eq!(b.mode(), Mode::Managed);
    }

    #[test]
    fn sorts_numeric_keys_numerically() {
        let mut v: Vec<_> = ["aws_subnet.a[10]", "aws_subnet.a[2]", "aws_subnet.a[1]"]
            .iter()
            .map(|s| ResourceAddr::parse(s).unwrap())
            .collect();
        v.sort();
        let texts: Vec<_> = v.iter().map(ResourceAddr::as_str).collect();
        assert_eq!(texts, ["aws_subnet.a[1]", "aws_subnet.a[2]", "aws_subnet.a[10]"]);
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in ["", ".", "a", "module", "module.x", "a.b.c.d.e", "a[", "a[\"x", "a.b[zz]", "a..b", "a.b."] {
            assert!(ResourceAddr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn escapes_keys_when_printing() {
        let a = ResourceAddr::new(vec![], Mode::Managed, "aws_vpc", "x", Some(InstanceKey::Str("a\"b".into())));
        assert_eq!(a.as_str(), r#"aws_vpc.x["a\"b"]"#);
        assert_eq!(ResourceAddr::parse(a.as_str()).unwrap(), a);
    }
}
