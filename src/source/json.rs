//! A small JSON parser that keeps byte spans, for `*.tf.json` files (serde_json gives values, not
//! where they are). Terraform's JSON syntax: <https://developer.hashicorp.com/terraform/language/syntax/json>.

use std::ops::Range;

/// A JSON value with the byte range it occupies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned {
    /// Bytes of the whole value.
    pub span: Range<usize>,
    /// The value.
    pub value: Json,
}

/// One JSON value; objects keep their members in order with the span of each key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    /// `{…}`: `(key, key span, value)` in document order (duplicates kept).
    Object(Vec<(String, Range<usize>, Spanned)>),
    /// `[…]`.
    Array(Vec<Spanned>),
    /// A string.
    Str(String),
    /// A number, `true`, `false` or `null`, as written.
    Scalar(String),
}

/// Why a document could not be parsed, with the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected.
    pub message: &'static str,
}

/// Parses a whole document (a leading BOM is skipped).
pub(crate) fn parse(text: &str) -> Result<Spanned, JsonError> {
    let mut p = Parser { bytes: text.as_bytes(), text, pos: 0, depth: 0 };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.pos != p.bytes.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> JsonError {
        JsonError { offset: self.pos, message }
    }

    fn ws(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Spanned, JsonError> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => Json::Str(self.string()?),
            Some(_) => {
                while self.bytes.get(self.pos).is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b)) {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.err("expected a JSON value"));
                }
                Json::Scalar(self.text[start..self.pos].to_string())
            }
            None => return Err(self.err("unexpected end of the document")),
        };
        Ok(Spanned { span: start..self.pos, value })
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Json, JsonError>) -> Result<Json, JsonError> {
        // Bounded depth: a hostile file must not overflow the stack.
        if self.depth >= 128 {
            return Err(self.err("nested too deeply"));
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn object(&mut self) -> Result<Json, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = key_start..self.pos;
            self.ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.err("expected `:`"));
            }
            self.pos += 1;
            self.ws();
            let v = self.value()?;
            members.push((key, key_span, v));
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> Result<Json, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.err("unterminated string"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let Some(&e) = self.bytes.get(self.pos + 1) else {
                        return Err(self.err("unterminated string"));
                    };
                    self.pos += 2;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.text[self.pos..].starts_with("\\u") {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        b'"' | b'\\' | b'/' => out.push(e as char),
                        _ => return Err(self.err("bad escape")),
                    }
                }
                _ => {
                    // Copy the run of plain characters up to the next quote or backslash.
                    let start = self.pos;
                    while self.bytes.get(self.pos).is_some_and(|b| *b != b'"' && *b != b'\\') {
                        self.pos += 1;
                    }
                    out.push_str(&self.text[start..self.pos]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.text.get(self.pos..self.pos + 4).ok_or_else(|| self.err("bad \\u escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }
}

impl Spanned {
    /// The members of an object, or of every object in an array of objects (Terraform's JSON
    /// syntax allows either wherever blocks repeat).
    pub(crate) fn members(&self) -> Vec<&(String, Range<usize>, Spanned)> {
        match &self.value {
            Json::Object(m) => m.iter().filter(|(k, _, _)| k != "//").collect(),
            Json::Array(items) => items.iter().flat_map(Spanned::members).collect(),
            _ => Vec::new(),
        }
    }

    /// Every string in the value (for matching a finding's key values).
    pub(crate) fn strings(&self, out: &mut Vec<String>) {
        match &self.value {
            Json::Str(s) | Json::Scalar(s) => out.push(s.clone()),
            Json::Array(items) => items.iter().for_each(|i| i.strings(out)),
            Json::Object(m) => m.iter().for_each(|(_, _, v)| v.strings(out)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = r#"{"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "n": 1}}}}"#;
        let doc = parse(text).unwrap();
        let res = &doc.members()[0];
        assert_eq!(res.0, "resource");
        assert_eq!(&text[res.1.clone()], "\"resource\"");
        let vpc = &res.2.members()[0].2.members()[0];
        assert_eq!(vpc.0, "main");
        let cidr = &vpc.2.members()[0];
        assert_eq!(&text[cidr.2.span.clone()], "\"10.0.0.0/16\"");
        assert_eq!(cidr.2.value, Json::Str("10.0.0.0/16".into()));
    }

    #[test]
    fn decodes_escapes_and_rejects_garbage() {
        let doc = parse(r#"["a\"b\u00e9\ud83d\ude00"]"#).unwrap();
        let Json::Array(items) = doc.value else { panic!() };
        assert_eq!(items[0].value, Json::Str("a\"bé😀".into()));
        for bad in ["", "{", "{\"a\"}", "[1,", "\"x", "{} x", "[\"\\u12\"]"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&"[".repeat(1000)).is_err());
    }
}
