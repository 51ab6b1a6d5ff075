//! JSON text helpers that keep key order: Terraform writes struct fields in declaration order
//! (`address`, `mode`, `type`, …), which a `serde_json::Value` (sorted maps) would lose.

/// Rewrites JSON text without changing token order: compact (`pretty == false`, the way
/// `terraform show -json` writes) or indented by two spaces. The input must be valid JSON.
pub(crate) fn reformat(text: &str, pretty: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            c if c.is_ascii_whitespace() => {}
            '{' | '[' => {
                out.push(c);
                // Keep `{}` and `[]` on one line.
                while chars.peek().is_some_and(|n| n.is_ascii_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    if pretty {
                        newline(&mut out, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if pretty {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                if pretty {
                    newline(&mut out, depth);
                }
            }
            ':' => {
                out.push(c);
                if pretty {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Appends a JSON string literal.
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Go's encoding/json (Terraform) escapes these for HTML safety.
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a value in Terraform's form: compact, object keys sorted (cty objects and maps are).
pub(crate) fn push_value(out: &mut String, v: &serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => push_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, k);
                out.push(':');
                push_value(out, item);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn reformat_keeps_order_and_strings() {
        let text = r#"{ "b": [1, 2, {}], "a": { "x": "y z, {\"q\": [1]}" }, "e": [ ] }"#;
        let compact = super::reformat(text, false);
        assert_eq!(compact, r#"{"b":[1,2,{}],"a":{"x":"y z, {\"q\": [1]}"},"e":[]}"#);
        let pretty = super::reformat(text, true);
        assert_eq!(super::reformat(&pretty, false), compact);
        assert!(pretty.contains("\n  \"a\": {\n    \"x\""), "{pretty}");
    }

    #[test]
    fn strings_are_escaped_like_go() {
        let mut out = String::new();
        super::push_value(&mut out, &serde_json::json!({"k": "a<b>&\"c\"\n", "a": [true, null, 3]}));
        assert_eq!(out, r#"{"a":[true,null,3],"k":"a\u003cb\u003e\u0026\"c\"\n"}"#);
    }
}
