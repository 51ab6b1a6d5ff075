//! Input variables: type constraints (with `optional(T, default)` attributes), conversion of a
//! value to its constraint, and the root module's values in Terraform's precedence (later wins):
//! defaults, `TF_VAR_*`, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
//! lexical order, then `--var` / `--var-file` in command-line order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::expr::{Expression, ObjectKey};

use super::eval::{EvalError, EvalResult, Resolver, Scope};
use super::load::BodyData;
use super::value::{Type, Value};

/// A type constraint as written (`object({ a = optional(string, "x") })`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Constraint {
    Any,
    Prim(Type),
    List(Box<Constraint>),
    Set(Box<Constraint>),
    Map(Box<Constraint>),
    Tuple(Vec<Constraint>),
    /// Attributes: constraint, optional, default.
    Object(BTreeMap<String, (Constraint, bool, Option<Value>)>),
}

impl Constraint {
    /// Parses a `type = ...` expression.
    pub(crate) fn parse(e: &Expression) -> Result<Constraint, String> {
        match e {
            Expression::Variable(v) => match v.as_str() {
                "any" => Ok(Constraint::Any),
                "string" => Ok(Constraint::Prim(Type::String)),
                "number" => Ok(Constraint::Prim(Type::Number)),
                "bool" => Ok(Constraint::Prim(Type::Bool)),
                "list" => Ok(Constraint::List(Box::new(Constraint::Any))),
                "map" => Ok(Constraint::Map(Box::new(Constraint::Any))),
                "set" => Ok(Constraint::Set(Box::new(Constraint::Any))),
                other => Err(format!("unknown type {other:?}")),
            },
            Expression::FuncCall(f) => {
                let args: Vec<&Expression> = f.args.iter().collect();
                let one = || -> Result<Constraint, String> {
                    args.first().map_or(Ok(Constraint::Any), |a| Constraint::parse(a))
                };
                match f.name.name.as_str() {
                    "list" => Ok(Constraint::List(Box::new(one()?))),
                    "set" => Ok(Constraint::Set(Box::new(one()?))),
                    "map" => Ok(Constraint::Map(Box::new(one()?))),
                    "tuple" => match args.first() {
                        Some(Expression::Array(a)) => {
                            Ok(Constraint::Tuple(a.iter().map(Constraint::parse).collect::<Result<_, _>>()?))
                        }
                        _ => Err("tuple needs a list of types".into()),
                    },
                    "object" => match args.first() {
                        Some(Expression::Object(o)) => {
                            let mut attrs = BTreeMap::new();
                            for (k, v) in o.iter() {
                                let name = match k {
                                    ObjectKey::Ident(i) => i.as_str().to_string(),
                                    ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                                    ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                                    _ => return Err("object type keys must be names".into()),
                                };
                                attrs.insert(name, optional_attr(v.expr())?);
                            }
                            Ok(Constraint::Object(attrs))
                        }
                        _ => Err("object needs an object of types".into()),
                    },
                    other => Err(format!("unknown type constructor {other}()")),
                }
            }
            _ => Err("not a type constraint".into()),
        }
    }

    /// The type of values of this constraint (`Dynamic` for `any`).
    pub(crate) fn ty(&self) -> Type {
        match self {
            Constraint::Any => Type::Dynamic,
            Constraint::Prim(t) => t.clone(),
            Constraint::List(e) => Type::List(Box::new(e.ty())),
            Constraint::Set(e) => Type::Set(Box::new(e.ty())),
            Constraint::Map(e) => Type::Map(Box::new(e.ty())),
            Constraint::Tuple(es) => Type::Tuple(es.iter().map(Constraint::ty).collect()),
            Constraint::Object(a) => Type::Object(a.iter().map(|(k, (c, _, _))| (k.clone(), c.ty())).collect()),
        }
    }

    /// Whether values are primitives (`--var` and `TF_VAR_` values are then taken literally).
    pub(crate) fn is_primitive(&self) -> bool {
        matches!(self, Constraint::Prim(_))
    }

    /// Converts `v` to this constraint, filling `optional()` defaults.
    pub(crate) fn conform(&self, v: Value) -> Result<Value, String> {
        let (v, marked) = v.unmarked();
        let out = match (self, v) {
            (_, Value::Null) => Value::Null,
            (Constraint::Any, v) => v,
            (c, v @ Value::Unknown(_)) => v.convert(&c.ty())?,
            (Constraint::Prim(t), v) => v.convert(t)?,
            (Constraint::List(e) | Constraint::Set(e), v) => {
                let Some(items) = v.as_seq() else {
                    return Err(format!("{} required", self.ty().friendly()));
                };
                let items: Vec<Value> = items.iter().cloned().map(|x| e.conform(x)).collect::<Result<_, _>>()?;
                let items = unify_elements(items)?;
                if matches!(self, Constraint::Set(_)) { Value::set_from(items) } else { Value::List(items) }
            }
            (Constraint::Map(e), v) => {
                let Some(m) = v.as_kv() else {
                    return Err(format!("{} required", self.ty().friendly()));
                };
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    out.insert(k.clone(), e.conform(x.clone())?);
                }
                Value::Map(out)
            }
            (Constraint::Tuple(es), v) => {
                let Some(items) = v.as_seq() else {
                    return Err("tuple required".into());
                };
                if items.len() != es.len() {
                    return Err(format!("a tuple of {} elements required", es.len()));
                }
                Value::Tuple(es.iter().zip(items).map(|(c, x)| c.conform(x.clone())).collect::<Result<_, _>>()?)
            }
            (Constraint::Object(attrs), v) => {
                let Some(m) = v.as_kv() else {
                    return Err("object required".into());
                };
                let mut out = BTreeMap::new();
                for (k, (c, optional, default)) in attrs {
                    match m.get(k) {
                        Some(Value::Null) | None if *optional => {
                            let d = default.clone().unwrap_or(Value::Null);
                            out.insert(k.clone(), c.conform(d)?);
                        }
                        Some(x) => {
                            out.insert(k.clone(), c.conform(x.clone()).map_err(|e| format!("attribute {k:?}: {e}"))?);
                        }
                        None => return Err(format!("attribute {k:?} is required")),
                    }
                }
                Value::Object(out)
            }
        };
        Ok(out.marked_if(marked))
    }
}

/// A list's elements converted to one type (`["a", 1]` → strings).
fn unify_elements(items: Vec<Value>) -> Result<Vec<Value>, String> {
    let types: Vec<Type> = items.iter().map(Value::ty).collect();
    match Type::unify(&types) {
        Some(t) if t != Type::Dynamic => items.iter().map(|x| x.convert(&t)).collect(),
        _ => Ok(items),
    }
}

fn optional_attr(e: &Expression) -> Result<(Constraint, bool, Option<Value>), String> {
    if let Expression::FuncCall(f) = e
        && f.name.name.as_str() == "optional"
    {
        let args: Vec<&Expression> = f.args.iter().collect();
        let c = args.first().map_or(Ok(Constraint::Any), |a| Constraint::parse(a))?;
        let d = match args.get(1) {
            Some(d) => Some(constant(d).map_err(|e| e.message)?),
            None => None,
        };
        let d = match d {
            Some(d) => Some(c.conform(d)?),
            None => None,
        };
        return Ok((c, true, d));
    }
    Ok((Constraint::parse(e)?, false, None))
}

/// Evaluates an expression without references (defaults, tfvars).
pub(crate) fn constant(e: &Expression) -> EvalResult {
    struct NoRefs;
    impl Resolver for NoRefs {
        fn resolve(&self, root: &str, steps: &[&str]) -> EvalResult {
            Err(EvalError::new(format!("{root}.{} cannot be referred to here: only constant values", steps.join("."))))
        }
        fn note(&self, _message: String) {}
    }
    Scope::new(&NoRefs).eval(e)
}

/// A `--var` / `--var-file` argument, in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarArg {
    /// `--var NAME=VALUE`.
    Assign(String, String),
    /// `--var-file FILE`.
    File(PathBuf),
}

/// One raw value for a root variable: an expression (tfvars), or a string to interpret by the
/// variable's type (`TF_VAR_`, `--var`).
#[derive(Debug, Clone)]
pub(crate) enum Raw {
    Value(Value),
    Text(String),
}

/// Reads a tfvars file (`.tfvars` in HCL, `.tfvars.json` in JSON) into raw values.
pub(crate) fn read_tfvars(path: &Path) -> Result<BTreeMap<String, Raw>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    if path.to_string_lossy().ends_with(".json") {
        let j: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
        let Some(o) = j.as_object() else {
            return Err(format!("{}: a JSON object is required", path.display()));
        };
        for (k, v) in o {
            out.insert(k.clone(), Raw::Value(Value::from_json(v)));
        }
        return Ok(out);
    }
    let body = hcl::edit::parser::parse_body(&text).map_err(|e| {
        format!("{}:{}:{}: {}", path.display(), e.location().line(), e.location().column(), e.message())
    })?;
    for a in body.attributes() {
        let v = constant(&a.value).map_err(|e| format!("{}: {}: {e}", path.display(), a.key.as_str()))?;
        out.insert(a.key.as_str().to_string(), Raw::Value(v));
    }
    Ok(out)
}

/// The root variables' raw values in Terraform's precedence (later wins), with notes.
pub(crate) fn root_raw(
    dir: &Path,
    args: &[VarArg],
    env: &[(String, String)],
) -> Result<(BTreeMap<String, Raw>, Vec<String>), String> {
    let mut out: BTreeMap<String, Raw> = BTreeMap::new();
    let notes = Vec::new();
    for (k, v) in env {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            out.insert(name.to_string(), Raw::Text(v.clone()));
        }
    }
    let mut files = Vec::new();
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(f);
        if p.is_file() {
            files.push(p);
        }
    }
    let mut autos: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    files.extend(autos);
    for f in files {
        out.extend(read_tfvars(&f)?);
    }
    for a in args {
        match a {
            VarArg::Assign(k, v) => {
                out.insert(k.clone(), Raw::Text(v.clone()));
            }
            VarArg::File(f) => out.extend(read_tfvars(f)?),
        }
    }
    Ok((out, notes))
}

/// A raw value as the variable's type: text is literal for primitives, else an HCL expression.
pub(crate) fn interpret(raw: Raw, c: &Constraint) -> Result<Value, String> {
    match raw {
        Raw::Value(v) => Ok(v),
        Raw::Text(t) if c.is_primitive() => Ok(Value::String(t)),
        Raw::Text(t) => {
            let e = hcl::edit::parser::parse_expr(&t).map_err(|e| e.message().to_string())?;
            constant(&e).map_err(|e| e.message)
        }
    }
}

/// A `variable` block's declaration.
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub(crate) constraint: Constraint,
    pub(crate) default: Option<Value>,
    pub(crate) sensitive: bool,
    pub(crate) nullable: bool,
}

/// Reads a `variable` block.
pub(crate) fn decl(body: &BodyData) -> Result<Decl, String> {
    let constraint = match body.attr("type") {
        Some(t) => Constraint::parse(t)?,
        None => Constraint::Any,
    };
    let default = match body.attr("default") {
        Some(d) => Some(constant(d).map_err(|e| e.message)?),
        None => None,
    };
    let flag = |k: &str, dflt: bool| match body.attr(k) {
        Some(e) => constant(e).ok().and_then(|v| super::eval::to_bool(&v)).unwrap_or(dflt),
        None => dflt,
    };
    Ok(Decl { constraint, default, sensitive: flag("sensitive", false), nullable: flag("nullable", true) })
}

/// The final value of a variable: the given value (else the default) conformed to its type and
/// marked if sensitive; `None` when it has neither.
pub(crate) fn finish(d: &Decl, given: Option<Value>) -> Result<Option<Value>, String> {
    let v = match given {
        Some(Value::Null) if !d.nullable => d.default.clone(),
        Some(v) => Some(v),
        None => d.default.clone(),
    };
    let Some(v) = v else { return Ok(None) };
    Ok(Some(d.constraint.conform(v)?.marked_if(d.sensitive)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(src: &str) -> Constraint {
        Constraint::parse(&hcl::edit::parser::parse_expr(src).unwrap()).unwrap()
    }

    fn v(src: &str) -> Value {
        constant(&hcl::edit::parser::parse_expr(src).unwrap()).unwrap()
    }

    #[test]
    fn optional_attributes_get_their_defaults() {
        let t = c("map(object({ cidr = string, public = optional(bool, false), az = optional(string) }))");
        let out = t.conform(v("{ a = { cidr = \"10.0.0.0/24\" } }")).unwrap();
        assert_eq!(out.to_json().unwrap().to_string(), r#"{"a":{"az":null,"cidr":"10.0.0.0/24","public":false}}"#);
        assert!(t.conform(v("{ a = { public = true } }")).is_err());
    }

    #[test]
    fn lists_and_sets_convert_elements() {
        assert_eq!(c("list(string)").conform(v("[1, \"a\"]")).unwrap().to_json().unwrap().to_string(), r#"["1","a"]"#);
        assert_eq!(
            c("set(string)").conform(v("[\"b\", \"a\", \"b\"]")).unwrap().to_json().unwrap().to_string(),
            r#"["a","b"]"#
        );
        assert_eq!(c("number").conform(v("\"3\"")).unwrap(), Value::int(3));
    }

    #[test]
    fn text_values_are_literal_for_primitives() {
        assert_eq!(interpret(Raw::Text("[1]".into()), &c("string")).unwrap(), Value::string("[1]"));
        assert_eq!(interpret(Raw::Text("[1]".into()), &c("list(number)")).unwrap(), Value::Tuple(vec![Value::int(1)]));
    }
}
