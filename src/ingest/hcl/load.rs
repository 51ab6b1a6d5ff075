//! Loading one module directory: every `.tf`, `.tf.json` and `.tofu` file (lexical order), then
//! `override.tf(.json)` and `*_override.tf(.json)` merged into the blocks they override, as
//! Terraform does (an attribute of the override replaces the base's; a nested block type written
//! in the override replaces every base block of that type; locals replace by name). A `.tofu`
//! file replaces the `.tf` file of the same stem, as OpenTofu does. Syntax errors are
//! [`HclError`](crate::error::HclError)s with file, line and column.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl::edit::Span;
use hcl::edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue};
use hcl::edit::structure::{BlockLabel, Body, Structure};
use hcl::edit::template::StringTemplate;
use miette::{NamedSource, SourceSpan};

use crate::error::{Error, HclError, Result};

/// One attribute: its expression and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub(crate) expr: Expression,
    #[expect(dead_code, reason = "kept for errors that point at the attribute (plan + sources, issue 11 item 6)")]
    pub(crate) file: Rc<str>,
    pub(crate) span: Option<Range<usize>>,
}

/// A block body: attributes by name, nested blocks in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodyData {
    pub(crate) attrs: BTreeMap<String, Attr>,
    pub(crate) blocks: Vec<BlockData>,
}

/// A nested block.
#[derive(Debug, Clone)]
pub(crate) struct BlockData {
    pub(crate) ident: String,
    pub(crate) labels: Vec<String>,
    pub(crate) body: BodyData,
}

impl BodyData {
    pub(crate) fn attr(&self, name: &str) -> Option<&Expression> {
        self.attrs.get(name).map(|a| &a.expr)
    }

    pub(crate) fn blocks_named<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a BlockData> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    /// Terraform's override merge of one block body.
    fn merge(&mut self, over: &BodyData) {
        for (k, v) in &over.attrs {
            self.attrs.insert(k.clone(), v.clone());
        }
        let over_types: Vec<&str> = over.blocks.iter().map(|b| b.ident.as_str()).collect();
        self.blocks.retain(|b| !over_types.contains(&b.ident.as_str()));
        self.blocks.extend(over.blocks.iter().cloned());
    }
}

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub(crate) struct ResourceBlock {
    pub(crate) data: bool,
    pub(crate) rtype: String,
    pub(crate) name: String,
    pub(crate) body: BodyData,
}

/// One module's configuration, overrides merged.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleSrc {
    pub(crate) dir: PathBuf,
    pub(crate) variables: BTreeMap<String, BodyData>,
    pub(crate) locals: BTreeMap<String, Attr>,
    pub(crate) resources: Vec<ResourceBlock>,
    pub(crate) calls: BTreeMap<String, BodyData>,
    pub(crate) outputs: BTreeMap<String, BodyData>,
    /// `provider` blocks: name and body (an `alias` attribute makes `name.alias`).
    pub(crate) providers: Vec<(String, BodyData)>,
    /// Files read, relative names.
    pub(crate) files: Vec<String>,
}

/// Whether a file name is Terraform configuration.
fn is_config(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tofu") || name.ends_with(".tofu.json")
}

fn is_override(name: &str) -> bool {
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tofu.json"))
        .or_else(|| name.strip_suffix(".tf"))
        .or_else(|| name.strip_suffix(".tofu"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// Whether a directory holds Terraform configuration.
pub(crate) fn has_config(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .ok()
        .is_some_and(|entries| entries.flatten().any(|e| is_config(&e.file_name().to_string_lossy())))
}

/// Reads a module directory.
pub(crate) fn load_module(dir: &Path) -> Result<ModuleSrc> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read { path: dir.display().to_string(), source })?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_config(n) && !n.starts_with('.'))
        .collect();
    names.sort();
    // OpenTofu: `x.tofu` shadows `x.tf` (and `.tofu.json` shadows `.tf.json`).
    let shadowed: Vec<String> = names
        .iter()
        .filter_map(|n| {
            n.strip_suffix(".tofu")
                .map(|s| format!("{s}.tf"))
                .or_else(|| n.strip_suffix(".tofu.json").map(|s| format!("{s}.tf.json")))
        })
        .collect();
    names.retain(|n| !shadowed.contains(n));
    let (overrides, primaries): (Vec<String>, Vec<String>) = names.into_iter().partition(|n| is_override(n));
    let mut m = ModuleSrc { dir: dir.to_path_buf(), ..ModuleSrc::default() };
    for (is_over, name) in primaries.iter().map(|n| (false, n)).chain(overrides.iter().map(|n| (true, n))) {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .map_err(|source| Error::Read { path: path.display().to_string(), source })?;
        let display: Rc<str> = Rc::from(path.display().to_string());
        let body = if name.ends_with(".json") { json_body(&display, &text)? } else { hcl_body(&display, &text)? };
        add_file(&mut m, &display, body, is_over)?;
        m.files.push(name.clone());
    }
    Ok(m)
}

/// A parse error as a diagnostic.
fn syntax_error(file: &str, text: &str, line: usize, column: usize, message: String) -> Error {
    let offset =
        text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>() + column.saturating_sub(1);
    let offset = offset.min(text.len());
    Error::Hcl(Box::new(HclError {
        file: file.to_string(),
        line,
        column,
        message,
        src: NamedSource::new(file, text.to_string()),
        span: SourceSpan::new(offset.into(), usize::from(offset < text.len())),
        help: Some("fix the syntax error; `terraform validate` shows the same place".into()),
    }))
}

fn hcl_body(file: &Rc<str>, text: &str) -> Result<BodyData> {
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        syntax_error(file, text, loc.line(), loc.column(), e.message().to_string())
    })?;
    Ok(convert_body(file, &body))
}

fn convert_body(file: &Rc<str>, body: &Body) -> BodyData {
    let mut out = BodyData::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                out.attrs.insert(
                    a.key.as_str().to_string(),
                    Attr { expr: a.value.clone(), file: file.clone(), span: a.span() },
                );
            }
            Structure::Block(b) => out.blocks.push(BlockData {
                ident: b.ident.as_str().to_string(),
                labels: b
                    .labels
                    .iter()
                    .map(|l| match l {
                        BlockLabel::Ident(i) => i.as_str().to_string(),
                        BlockLabel::String(s) => s.as_str().to_string(),
                    })
                    .collect(),
                body: convert_body(file, &b.body),
            }),
        }
    }
    out
}

/// Attaches a file's top-level blocks to the module (merging when `is_over`).
fn add_file(m: &mut ModuleSrc, file: &str, body: BodyData, is_over: bool) -> Result<()> {
    let dup = |what: String| Error::Input {
        path: file.to_string(),
        message: format!("duplicate {what}"),
        help: Some("each block name may be declared once per module (overrides go in *_override.tf)".into()),
    };
    if let Some((name, attr)) = body.attrs.into_iter().next() {
        // Only `.tf.json` files can hold stray attributes; Terraform rejects them.
        return Err(Error::Input {
            path: file.to_string(),
            message: format!("unexpected top-level argument {name:?}"),
            help: attr.span.map(|_| "top-level arguments are not allowed in Terraform configuration".to_string()),
        });
    }
    for b in body.blocks {
        let label = |i: usize| b.labels.get(i).cloned().unwrap_or_default();
        match b.ident.as_str() {
            "resource" | "data" => {
                let data = b.ident == "data";
                let (rtype, name) = (label(0), label(1));
                let existing = m.resources.iter_mut().find(|r| r.data == data && r.rtype == rtype && r.name == name);
                match (existing, is_over) {
                    (Some(r), true) => r.body.merge(&b.body),
                    (Some(_), false) => return Err(dup(format!("{} {rtype}.{name}", b.ident))),
                    (None, true) => {}
                    (None, false) => m.resources.push(ResourceBlock { data, rtype, name, body: b.body }),
                }
            }
            "variable" => {
                merge_named(&mut m.variables, label(0), b.body, is_over).map_err(|n| dup(format!("variable {n}")))?
            }
            "output" => {
                merge_named(&mut m.outputs, label(0), b.body, is_over).map_err(|n| dup(format!("output {n}")))?
            }
            "module" => merge_named(&mut m.calls, label(0), b.body, is_over).map_err(|n| dup(format!("module {n}")))?,
            "locals" => {
                for (k, v) in b.body.attrs {
                    if !is_over && m.locals.contains_key(&k) {
                        return Err(dup(format!("local value {k}")));
                    }
                    if !is_over || m.locals.contains_key(&k) {
                        m.locals.insert(k, v);
                    }
                }
            }
            "provider" => {
                let name = label(0);
                let alias = b.body.attr("alias").and_then(|e| match e {
                    Expression::String(s) => Some(s.value().clone()),
                    _ => None,
                });
                let key = match alias {
                    Some(a) => format!("{name}.{a}"),
                    None => name,
                };
                match m.providers.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, p)) if is_over => p.merge(&b.body),
                    Some(_) => return Err(dup(format!("provider {key}"))),
                    None if is_over => {}
                    None => m.providers.push((key, b.body)),
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn merge_named(
    map: &mut BTreeMap<String, BodyData>,
    name: String,
    body: BodyData,
    is_over: bool,
) -> Result<(), String> {
    match map.get_mut(&name) {
        Some(b) if is_over => b.merge(&body),
        Some(_) => return Err(name),
        None if is_over => {}
        None => {
            map.insert(name, body);
        }
    }
    Ok(())
}

// ---- .tf.json ----

/// Keys of a resource body that are nested blocks in JSON syntax (an object or an array of
/// objects): Terraform decides by the schema; tfvpc by the provider schema table, plus the
/// meta-blocks every resource has.
fn json_is_block(key: &str, value: &serde_json::Value, rtype: Option<&str>) -> bool {
    let object_like =
        value.is_object() || value.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.is_object()));
    if !object_like {
        return false;
    }
    match key {
        "lifecycle" | "provisioner" | "connection" | "dynamic" => true,
        _ => rtype.is_some_and(|t| super::schema::is_block(t, key)),
    }
}

fn json_body(file: &Rc<str>, text: &str) -> Result<BodyData> {
    let root: serde_json::Value =
        serde_json::from_str(text).map_err(|e| syntax_error(file, text, e.line(), e.column(), e.to_string()))?;
    let Some(obj) = root.as_object() else {
        return Err(syntax_error(file, text, 1, 1, "a .tf.json file must hold a JSON object".into()));
    };
    let mut out = BodyData::default();
    let err = |m: String| syntax_error(file, text, 1, 1, m);
    for (kind, v) in obj {
        let items: Vec<&serde_json::Value> = match v {
            serde_json::Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for item in items {
            let Some(item) = item.as_object() else { continue };
            match kind.as_str() {
                "resource" | "data" => {
                    for (rtype, named) in item {
                        for (name, body) in json_labelled(named) {
                            out.blocks.push(BlockData {
                                ident: kind.clone(),
                                labels: vec![rtype.clone(), name.clone()],
                                body: json_block(file, body, Some(rtype)).map_err(err)?,
                            });
                        }
                    }
                }
                "variable" | "output" | "module" | "provider" => {
                    for (name, body) in item {
                        let bodies: Vec<&serde_json::Value> = match body {
                            serde_json::Value::Array(a) => a.iter().collect(),
                            other => vec![other],
                        };
                        for body in bodies {
                            out.blocks.push(BlockData {
                                ident: kind.clone(),
                                labels: vec![name.clone()],
                                body: json_block(file, body, None).map_err(err)?,
                            });
                        }
                    }
                }
                "locals" => out.blocks.push(BlockData {
                    ident: "locals".into(),
                    labels: Vec::new(),
                    body: json_block(file, &serde_json::Value::Object(item.clone()), None).map_err(err)?,
                }),
                _ => {}
            }
        }
    }
    Ok(out)
}

fn json_labelled(v: &serde_json::Value) -> Vec<(&String, &serde_json::Value)> {
    match v {
        serde_json::Value::Object(o) => o.iter().collect(),
        serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_object()).flat_map(|o| o.iter()).collect(),
        _ => Vec::new(),
    }
}

fn json_block(file: &Rc<str>, v: &serde_json::Value, rtype: Option<&str>) -> Result<BodyData, String> {
    let mut out = BodyData::default();
    let Some(o) = v.as_object() else {
        return Err("a block must be a JSON object".into());
    };
    for (k, x) in o {
        if k == "//" {
            continue;
        }
        if json_is_block(k, x, rtype) {
            let items: Vec<&serde_json::Value> = match x {
                serde_json::Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for item in items {
                if k == "dynamic" {
                    for (label, body) in json_labelled(item) {
                        out.blocks.push(BlockData {
                            ident: k.clone(),
                            labels: vec![label.clone()],
                            body: json_block(file, body, None)?,
                        });
                    }
                } else {
                    out.blocks.push(BlockData {
                        ident: k.clone(),
                        labels: Vec::new(),
                        body: json_block(file, item, None)?,
                    });
                }
            }
        } else {
            let expr = json_expr(x)?;
            out.attrs.insert(k.clone(), Attr { expr, file: file.clone(), span: None });
        }
    }
    Ok(out)
}

/// A JSON value as an expression: strings are templates, as in Terraform's JSON syntax.
fn json_expr(v: &serde_json::Value) -> Result<Expression, String> {
    Ok(match v {
        serde_json::Value::Null => Expression::null(),
        serde_json::Value::Bool(b) => Expression::from(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Expression::from(i),
            None => Expression::from(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => {
            if s.contains("${") || s.contains("%{") {
                let t = hcl::edit::parser::parse_template(s).map_err(|e| e.message().to_string())?;
                Expression::from(StringTemplate::from(t))
            } else {
                Expression::from(s.clone())
            }
        }
        serde_json::Value::Array(a) => {
            let items: Result<Vec<Expression>, String> = a.iter().map(json_expr).collect();
            Expression::from(Array::from(items?))
        }
        serde_json::Value::Object(o) => {
            let mut obj = Object::new();
            for (k, x) in o {
                obj.insert(ObjectKey::Expression(Expression::from(k.clone())), ObjectValue::new(json_expr(x)?));
            }
            Expression::from(obj)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_merge_as_terraform_does() {
        let dir = std::env::temp_dir().join(format!("tfvpc-hcl-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { a = 1 }\n}\nlocals { x = 1 }\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("main_override.tf"),
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.1.0.0/16\"\n}\nlocals { x = 2 }\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("extra.tf.json"),
            r#"{"resource": {"aws_subnet": {"s": {"cidr_block": "${aws_vpc.v.cidr_block}"}}}}"#,
        )
        .unwrap();
        let m = load_module(&dir).unwrap();
        assert_eq!(m.resources.len(), 2);
        let vpc = m.resources.iter().find(|r| r.rtype == "aws_vpc").unwrap();
        assert_eq!(vpc.body.attr("cidr_block").unwrap().to_string().trim(), "\"10.1.0.0/16\"");
        assert!(vpc.body.attrs.contains_key("tags"));
        assert_eq!(m.locals["x"].expr.to_string().trim(), "2");
        std::fs::write(dir.join("bad.tf"), "resource \"aws_vpc\" \"w\" {\n  cidr_block = \n}\n").unwrap();
        let err = load_module(&dir).unwrap_err();
        let Error::Hcl(e) = err else { panic!("{err:?}") };
        assert!(e.file.ends_with("bad.tf") && e.line == 2 && e.column == 16, "{e:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
