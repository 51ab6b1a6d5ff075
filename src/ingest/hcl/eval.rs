//! The expression evaluator: hcl-edit expressions → [`Value`]s, as Terraform evaluates them.
//! References (`var.x`, `aws_vpc.main.id`, `module.m.out`, `count.index`, ...) are answered by
//! a [`Resolver`] (the module instance being evaluated); for-expression and `dynamic` iterators
//! are local bindings of the [`Scope`]. Operators, conditionals, `for`, splats, templates and
//! heredocs follow HCL's specification; unknowns propagate (never a made-up value), sensitive
//! marks come off the operands and go back on the result. `try` and `can` are lazy: an error in
//! their argument is the fallback, not a failure.

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl::edit::expr::{BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, TraversalOperator, UnaryOperator};
use hcl::edit::template::{Directive, Element, Template};

use super::functions::{self, FnError};
use super::value::{Number, Refers, Type, Unknown, Value};

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EvalError {
    /// What went wrong, in Terraform's terms.
    pub(crate) message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> EvalError {
        EvalError { message: message.into() }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub(crate) type EvalResult = Result<Value, EvalError>;

/// Answers the references of an expression.
pub(crate) trait Resolver {
    /// The value of a reference root: `var.NAME`, `local.NAME`, `module.NAME`, `data.TYPE.NAME`,
    /// `TYPE.NAME`, `count.index`, `each.key`, `path.module`, `terraform.workspace`, `self.X`.
    /// `steps` are the attribute names after the root, as many as the root needs.
    fn resolve(&self, root: &str, steps: &[&str]) -> EvalResult;

    /// [`Resolver::resolve`], shared: a resolver that keeps its values (module instances keep
    /// variables, locals, resources and module outputs) hands out the kept value, and the
    /// traversal copies only the part it reaches.
    fn resolve_shared(&self, root: &str, steps: &[&str]) -> Result<Rc<Value>, EvalError> {
        self.resolve(root, steps).map(Rc::new)
    }

    /// A note the evaluation wants reported (an unsupported function, ...).
    fn note(&self, message: String);

    /// The text of a file for `file`/`templatefile`, read only inside the sandbox (the
    /// repository that holds the root module). `None` when files may not be read here.
    fn read_file(&self, _path: &str) -> Option<Result<String, String>> {
        None
    }

    /// The files under `dir` matching `pattern` (`fileset`), relative to `dir`, sorted.
    fn list_files(&self, _dir: &str, _pattern: &str) -> Option<Result<Vec<String>, String>> {
        None
    }
}

/// How many attribute steps a root name takes (`data` two: type and name).
pub(crate) fn root_steps(root: &str) -> usize {
    match root {
        "data" => 2,
        _ => 1,
    }
}

/// Local bindings (for-expression variables, `dynamic` iterators) over a resolver.
pub(crate) struct Scope<'a> {
    pub(crate) resolver: &'a dyn Resolver,
    pub(crate) locals: Vec<(String, Value)>,
    /// Depth of nested evaluation, to stop runaway recursion.
    pub(crate) depth: usize,
}

const MAX_DEPTH: usize = 200;
/// The longest string an expression may build (a template, `join`, `format`).
pub(crate) const MAX_STRING: usize = 1 << 20;
/// The most elements a `for` expression may produce.
pub(crate) const MAX_ELEMENTS: usize = 100_000;

impl<'a> Scope<'a> {
    pub(crate) fn new(resolver: &'a dyn Resolver) -> Scope<'a> {
        Scope { resolver, locals: Vec::new(), depth: 0 }
    }

    fn with(&self, binds: Vec<(String, Value)>) -> Scope<'a> {
        let mut locals = self.locals.clone();
        locals.extend(binds);
        Scope { resolver: self.resolver, locals, depth: self.depth + 1 }
    }

    fn local(&self, name: &str) -> Option<&Value> {
        self.locals.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&self, e: &Expression) -> EvalResult {
        if self.depth > MAX_DEPTH {
            return Err(EvalError::new("expression nests too deeply"));
        }
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => {
                let n = n.value();
                Ok(Value::Number(match n.as_i64() {
                    Some(i) => Number::Int(i),
                    None => Number::from_f64(n.as_f64().unwrap_or(0.0)),
                }))
            }
            Expression::String(s) => Ok(Value::string(s.value().clone())),
            Expression::Array(a) => {
                let items: Result<Vec<Value>, EvalError> = a.iter().map(|x| self.eval(x)).collect();
                Ok(Value::Tuple(items?))
            }
            Expression::Object(o) => {
                let mut out = BTreeMap::new();
                let mut marked = false;
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => {
                            let (kv, m) = self.eval(x)?.unmarked();
                            marked |= m;
                            match kv {
                                Value::Unknown(_) => return Ok(Value::unknown(Type::Dynamic)),
                                other => {
                                    as_string(&other).ok_or_else(|| EvalError::new("object key must be a string"))?
                                }
                            }
                        }
                    };
                    out.insert(key, self.eval(v.expr())?);
                }
                Ok(Value::Object(out).marked_if(marked))
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self.traversal(e, &[], Some(v.as_str())),
            Expression::Conditional(c) => {
                let (cond, marked) = self.eval(&c.cond_expr)?.unmarked();
                match cond {
                    Value::Bool(true) => Ok(self.eval(&c.true_expr)?.marked_if(marked)),
                    Value::Bool(false) => Ok(self.eval(&c.false_expr)?.marked_if(marked)),
                    Value::Unknown(_) => {
                        let a = self.eval(&c.true_expr).map(|v| v.ty()).unwrap_or(Type::Dynamic);
                        let b = self.eval(&c.false_expr).map(|v| v.ty()).unwrap_or(Type::Dynamic);
                        let ty = if a == b { a } else { Type::Dynamic };
                        Ok(Value::Unknown(Box::new(Unknown::of(ty))).marked_if(marked))
                    }
                    Value::String(s) if s == "true" || s == "false" => {
                        Ok(if s == "true" { self.eval(&c.true_expr)? } else { self.eval(&c.false_expr)? }
                            .marked_if(marked))
                    }
                    Value::Null => Err(EvalError::new("the condition value is null")),
                    other => Err(EvalError::new(format!("the condition must be bool, not {}", other.ty().friendly()))),
                }
            }
            Expression::FuncCall(f) => self.call(f),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                match &t.expr {
                    Expression::Variable(v) => self.traversal(e, &ops, Some(v.as_str())),
                    base => {
                        let v = self.eval(base)?;
                        self.apply_ops(v, &ops)
                    }
                }
            }
            Expression::UnaryOp(u) => {
                let (v, marked) = self.eval(&u.expr)?.unmarked();
                let out = match (u.operator.value(), v) {
                    (_, Value::Unknown(u)) => Value::Unknown(Box::new(Unknown { refers_to: None, ..*u })),
                    (UnaryOperator::Not, v) => match to_bool(&v) {
                        Some(b) => Value::Bool(!b),
                        None => return Err(EvalError::new("`!` needs a bool")),
                    },
                    (UnaryOperator::Neg, v) => match to_number(&v) {
                        Some(Number::Int(i)) => Value::int(i.checked_neg().unwrap_or(i64::MAX)),
                        Some(Number::Float(f)) => Value::Number(Number::from_f64(-f)),
                        None => return Err(EvalError::new("`-` needs a number")),
                    },
                };
                Ok(out.marked_if(marked))
            }
            Expression::BinaryOp(b) => self.binary(*b.operator.value(), &b.lhs_expr, &b.rhs_expr),
            Expression::ForExpr(f) => self.for_expr(f),
        }
    }

    /// A traversal starting at a name: a local binding, else a reference the resolver answers.
    fn traversal(&self, whole: &Expression, ops: &[&TraversalOperator], root: Option<&str>) -> EvalResult {
        let Some(root) = root else {
            return Err(EvalError::new(format!("cannot evaluate {whole:?}")));
        };
        if let Some(v) = self.local(root) {
            return self.apply_ops_ref(v, ops);
        }
        let need = root_steps(root);
        let mut steps = Vec::new();
        for op in ops.iter().take(need) {
            match op {
                TraversalOperator::GetAttr(a) => steps.push(a.as_str()),
                _ => break,
            }
        }
        if steps.len() < need {
            return Err(EvalError::new(format!("invalid reference: {root} needs an attribute name")));
        }
        let v = self.resolver.resolve_shared(root, &steps)?;
        self.apply_ops_ref(&v, &ops[need..])
    }

    /// [`Scope::apply_ops`] on a borrowed value: the leading attribute and index steps into
    /// objects, maps, lists and tuples are taken by reference, so only the part reached is
    /// copied; from the first step that is not that plain, `apply_ops` on a copy, as before.
    fn apply_ops_ref(&self, v: &Value, ops: &[&TraversalOperator]) -> EvalResult {
        let mut cur = v;
        let mut i = 0;
        while i < ops.len() {
            let next = match ops[i] {
                TraversalOperator::GetAttr(a) => match cur {
                    Value::Object(m) | Value::Map(m) => m.get(a.as_str()),
                    _ => None,
                },
                TraversalOperator::Index(e) => {
                    let k = self.eval(e)?;
                    match index_ref(cur, &k) {
                        Some(x) => Some(x),
                        None => {
                            let v = index(cur.clone(), &k)?;
                            return self.apply_ops(v, &ops[i + 1..]);
                        }
                    }
                }
                TraversalOperator::LegacyIndex(n) => {
                    index_ref(cur, &Value::int(i64::try_from(*n.value()).unwrap_or(i64::MAX)))
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // A splat over a sequence without sensitive marks anywhere (`apply_ops`
                    // unmarks it deeply first, which then changes nothing): each element by
                    // reference, so `aws_subnet.x[*].id` copies the ids, not the objects.
                    if let Value::List(items) | Value::Tuple(items) | Value::Set(items) = cur
                        && !cur.has_mark()
                    {
                        let end = splat_end(ops, i);
                        let out: Result<Vec<Value>, EvalError> =
                            items.iter().map(|x| self.apply_ops_ref(x, &ops[i + 1..end])).collect();
                        return self.apply_ops(Value::Tuple(out?), &ops[end..]);
                    }
                    None
                }
            };
            match next {
                Some(x) => {
                    cur = x;
                    i += 1;
                }
                None => break,
            }
        }
        self.apply_ops(cur.clone(), &ops[i..])
    }

    /// Applies traversal operators (attributes, indexes, splats) to a value.
    pub(crate) fn apply_ops(&self, mut v: Value, ops: &[&TraversalOperator]) -> EvalResult {
        let mut i = 0;
        while i < ops.len() {
            match ops[i] {
                TraversalOperator::GetAttr(a) => v = get_attr(v, a.as_str())?,
                TraversalOperator::Index(e) => {
                    let k = self.eval(e)?;
                    v = index(v, &k)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    v = index(v, &Value::int(i64::try_from(*n.value()).unwrap_or(i64::MAX)))?;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let end = splat_end(ops, i);
                    let inner = &ops[i + 1..end];
                    let (base, marked) = v.unmarked();
                    v = match base {
                        Value::Null => Value::Tuple(Vec::new()),
                        Value::Unknown(u) => {
                            let refers = u.refers_to.clone();
                            Value::Unknown(Box::new(Unknown { ty: Type::Dynamic, refers_to: refers, ..*u }))
                        }
                        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
                            let out: Result<Vec<Value>, EvalError> =
                                items.into_iter().map(|x| self.apply_ops(x, inner)).collect();
                            Value::Tuple(out?)
                        }
                        other => Value::Tuple(vec![self.apply_ops(other, inner)?]),
                    }
                    .marked_if(marked);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn binary(&self, op: BinaryOperator, l: &Expression, r: &Expression) -> EvalResult {
        let (a, ma) = self.eval(l)?.unmarked();
        // && and || decide on a known operand alone, as cty does.
        if matches!(op, BinaryOperator::And | BinaryOperator::Or) {
            let (b, mb) = self.eval(r)?.unmarked();
            let marked = ma || mb;
            let want = op == BinaryOperator::Or;
            let ab = if matches!(a, Value::Unknown(_)) { None } else { Some(to_bool(&a).ok_or_else(bool_err)?) };
            let bb = if matches!(b, Value::Unknown(_)) { None } else { Some(to_bool(&b).ok_or_else(bool_err)?) };
            let out = match (ab, bb) {
                (Some(x), _) if x == want => Value::Bool(want),
                (_, Some(y)) if y == want => Value::Bool(want),
                (Some(_), Some(_)) => Value::Bool(!want),
                _ => Value::unknown(Type::Bool),
            };
            return Ok(out.marked_if(marked));
        }
        let (b, mb) = self.eval(r)?.unmarked();
        let marked = ma || mb;
        let out = match op {
            BinaryOperator::Eq | BinaryOperator::NotEq => match a.equals(&b) {
                Some(eq) => Value::Bool(eq == (op == BinaryOperator::Eq)),
                None => Value::unknown(Type::Bool),
            },
            _ if matches!(a, Value::Unknown(_)) || matches!(b, Value::Unknown(_)) => {
                let ty = match op {
                    BinaryOperator::Less
                    | BinaryOperator::LessEq
                    | BinaryOperator::Greater
                    | BinaryOperator::GreaterEq => Type::Bool,
                    _ => Type::Number,
                };
                Value::unknown(ty)
            }
            _ => {
                let x = to_number(&a).ok_or_else(|| num_err(&a))?;
                let y = to_number(&b).ok_or_else(|| num_err(&b))?;
                arith(op, x, y)?
            }
        };
        Ok(out.marked_if(marked))
    }

    fn template(&self, t: &Template) -> EvalResult {
        // A template that is only one interpolation yields the value itself (`"${var.list}"`).
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr);
        }
        let mut out = String::new();
        let mut marked = false;
        let mut unknown = false;
        self.template_into(t, &mut out, &mut marked, &mut unknown)?;
        if unknown {
            return Ok(Value::unknown(Type::String).marked_if(marked));
        }
        Ok(Value::String(out).marked_if(marked))
    }

    fn template_into(
        &self,
        t: &Template,
        out: &mut String,
        marked: &mut bool,
        unknown: &mut bool,
    ) -> Result<(), EvalError> {
        let elements: Vec<&Element> = t.iter().collect();
        let strip_after = |i: usize| -> bool {
            match elements.get(i) {
                Some(Element::Interpolation(x)) => x.strip.strip_end(),
                Some(Element::Directive(d)) => match d.as_ref() {
                    Directive::If(x) => x.endif_expr.strip.strip_end(),
                    Directive::For(x) => x.endfor_expr.strip.strip_end(),
                },
                _ => false,
            }
        };
        let strip_before = |i: usize| -> bool {
            match elements.get(i) {
                Some(Element::Interpolation(x)) => x.strip.strip_start(),
                Some(Element::Directive(d)) => match d.as_ref() {
                    Directive::If(x) => x.if_expr.strip.strip_start(),
                    Directive::For(x) => x.for_expr.strip.strip_start(),
                },
                _ => false,
            }
        };
        for (i, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(s) => {
                    let mut s: &str = s.value();
                    if i > 0 && strip_after(i - 1) {
                        s = s.trim_start();
                    }
                    if strip_before(i + 1) {
                        s = s.trim_end();
                    }
                    out.push_str(s);
                }
                Element::Interpolation(x) => {
                    let (v, m) = self.eval(&x.expr)?.unmarked();
                    *marked |= m;
                    match v {
                        Value::Unknown(_) => *unknown = true,
                        Value::Null => return Err(EvalError::new("a null value cannot be interpolated")),
                        v => match as_string(&v) {
                            Some(s) => out.push_str(&s),
                            None => {
                                if v.has_unknown() {
                                    *unknown = true;
                                } else {
                                    return Err(EvalError::new(format!(
                                        "cannot include a {} in a string template",
                                        v.ty().friendly()
                                    )));
                                }
                            }
                        },
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(x) => {
                        let (c, m) = self.eval(&x.if_expr.cond_expr)?.unmarked();
                        *marked |= m;
                        match to_bool(&c) {
                            Some(true) => self.template_into(&x.if_expr.template, out, marked, unknown)?,
                            Some(false) => {
                                if let Some(e) = &x.else_expr {
                                    self.template_into(&e.template, out, marked, unknown)?;
                                }
                            }
                            None if matches!(c, Value::Unknown(_)) => *unknown = true,
                            None => return Err(bool_err()),
                        }
                    }
                    Directive::For(x) => {
                        let (coll, m) = self.eval(&x.for_expr.collection_expr)?.unmarked();
                        *marked |= m;
                        if matches!(coll, Value::Unknown(_)) {
                            *unknown = true;
                            continue;
                        }
                        for (k, v) in pairs(&coll)? {
                            let mut binds = vec![(x.for_expr.value_var.as_str().to_string(), v)];
                            if let Some(kv) = &x.for_expr.key_var {
                                binds.insert(0, (kv.as_str().to_string(), k));
                            }
                            self.with(binds).template_into(&x.for_expr.template, out, marked, unknown)?;
                        }
                    }
                },
            }
            if out.len() > MAX_STRING {
                return Err(EvalError::new(format!("a string template is longer than {MAX_STRING} bytes")));
            }
        }
        Ok(())
    }

    fn for_expr(&self, f: &ForExpr) -> EvalResult {
        let (coll, marked) = self.eval(&f.intro.collection_expr)?.unmarked();
        let object = f.key_expr.is_some();
        if matches!(coll, Value::Unknown(_)) {
            let ty = if object { Type::Object(BTreeMap::new()) } else { Type::Tuple(Vec::new()) };
            let _ = ty;
            return Ok(Value::unknown(Type::Dynamic).marked_if(marked));
        }
        let items = pairs(&coll)?;
        if items.len() > MAX_ELEMENTS {
            return Err(EvalError::new(format!("a for expression over more than {MAX_ELEMENTS} elements")));
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in items {
            let mut binds = vec![(f.intro.value_var.as_str().to_string(), v)];
            if let Some(kv) = &f.intro.key_var {
                binds.insert(0, (kv.as_str().to_string(), k));
            }
            let scope = self.with(binds);
            if let Some(c) = &f.cond {
                let (cv, _) = scope.eval(&c.expr)?.unmarked();
                match cv {
                    Value::Unknown(_) => {
                        unknown = true;
                        continue;
                    }
                    cv => match to_bool(&cv) {
                        Some(true) => {}
                        Some(false) => continue,
                        None => return Err(bool_err()),
                    },
                }
            }
            let val = scope.eval(&f.value_expr)?;
            match &f.key_expr {
                None => list.push(val),
                Some(ke) => {
                    let (kv, _) = scope.eval(ke)?.unmarked();
                    let key = match kv {
                        Value::Unknown(_) => {
                            unknown = true;
                            continue;
                        }
                        kv => as_string(&kv).ok_or_else(|| EvalError::new("a for expression key must be a string"))?,
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(val);
                    } else if map.insert(key.clone(), val).is_some() {
                        return Err(EvalError::new(format!(
                            "duplicate object key {key:?} in a for expression (use `...` to group)"
                        )));
                    }
                }
            }
        }
        if unknown {
            return Ok(Value::unknown(Type::Dynamic).marked_if(marked));
        }
        let out = if !object {
            Value::Tuple(list)
        } else if f.grouping {
            Value::Object(groups.into_iter().map(|(k, v)| (k, Value::Tuple(v))).collect())
        } else {
            Value::Object(map)
        };
        Ok(out.marked_if(marked))
    }

    fn call(&self, f: &FuncCall) -> EvalResult {
        let name = f.name.name.as_str();
        if f.name.is_namespaced() {
            let ns: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
            self.resolver.note(format!(
                "function {}::{name} is not evaluated (provider functions): its result is unknown",
                ns.join("::")
            ));
            return Ok(Value::unknown(Type::Dynamic));
        }
        match name {
            "try" => {
                for a in f.args.iter() {
                    match self.eval(a) {
                        Ok(v) => return Ok(v),
                        Err(_) => continue,
                    }
                }
                return Err(EvalError::new("try: no argument could be evaluated"));
            }
            "can" => {
                let Some(a) = f.args.iter().next() else {
                    return Err(EvalError::new("can needs one argument"));
                };
                return Ok(match self.eval(a) {
                    Ok(Value::Unknown(_)) => Value::unknown(Type::Bool),
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut args = Vec::new();
        for a in f.args.iter() {
            args.push(self.eval(a)?);
        }
        if f.args.expand_final()
            && let Some(last) = args.pop()
        {
            {
                let (last, marked) = last.unmarked();
                match last {
                    Value::Unknown(_) => return Ok(Value::unknown(Type::Dynamic).marked_if(marked)),
                    v => match v.as_seq() {
                        Some(items) => args.extend(items.iter().cloned().map(|x| x.marked_if(marked))),
                        None => return Err(EvalError::new("the final argument before `...` must be a list")),
                    },
                }
            }
        }
        if matches!(name, "file" | "fileexists" | "templatefile" | "fileset") {
            return self.file_function(name, args);
        }
        if let ("basename" | "dirname", [Value::String(p)]) = (name, args.as_slice()) {
            // Terraform's path functions on text (no filesystem access).
            let trimmed = p.trim_end_matches('/');
            let (dir, base) = match trimmed.rfind('/') {
                Some(i) => (if i == 0 { "/" } else { &trimmed[..i] }, &trimmed[i + 1..]),
                None => (".", trimmed),
            };
            let out = if name == "basename" {
                if trimmed.is_empty() && p.starts_with('/') { "/" } else { base }
            } else {
                dir
            };
            return Ok(Value::string(out));
        }
        match functions::call(name, args) {
            Ok(v) => Ok(v),
            Err(FnError::Unsupported(n)) => {
                self.resolver.note(format!("function {n}() is not evaluated by tfvpc: its result is unknown"));
                Ok(Value::unknown(Type::Dynamic))
            }
            Err(e @ FnError::Invalid { .. }) => Err(EvalError::new(e.to_string())),
        }
    }
}

impl Scope<'_> {
    /// `file`, `fileexists`, `templatefile`, `fileset`: through the resolver's sandbox.
    fn file_function(&self, name: &str, args: Vec<Value>) -> EvalResult {
        let mut marked = false;
        let args: Vec<Value> = args
            .into_iter()
            .map(|a| {
                let (a, m) = a.unmarked();
                marked |= m;
                a
            })
            .collect();
        let path = match args.first() {
            Some(Value::String(p)) => p.clone(),
            Some(Value::Unknown(_)) => return Ok(Value::unknown(Type::String).marked_if(marked)),
            _ => return Err(EvalError::new(format!("{name}: the first argument must be a path string"))),
        };
        let unavailable = || {
            self.resolver.note(format!("function {name}() cannot read files here: its result is unknown"));
            Ok(Value::unknown(Type::Dynamic))
        };
        let out = match name {
            "file" => match self.resolver.read_file(&path) {
                None => return unavailable(),
                Some(r) => Value::String(r.map_err(|e| EvalError::new(format!("file: {e}")))?),
            },
            "fileexists" => match self.resolver.read_file(&path) {
                None => return unavailable(),
                Some(r) => Value::Bool(r.is_ok()),
            },
            "fileset" => {
                let pattern = match args.get(1) {
                    Some(Value::String(p)) => p.clone(),
                    Some(Value::Unknown(_)) => return Ok(Value::unknown(Type::Set(Box::new(Type::String)))),
                    _ => return Err(EvalError::new("fileset: the pattern must be a string")),
                };
                match self.resolver.list_files(&path, &pattern) {
                    None => return unavailable(),
                    Some(r) => Value::set_from(
                        r.map_err(|e| EvalError::new(format!("fileset: {e}")))?
                            .into_iter()
                            .map(Value::String)
                            .collect(),
                    ),
                }
            }
            _ => {
                let text = match self.resolver.read_file(&path) {
                    None => return unavailable(),
                    Some(r) => r.map_err(|e| EvalError::new(format!("templatefile: {e}")))?,
                };
                let vars = match args.get(1) {
                    Some(Value::Unknown(_)) => return Ok(Value::unknown(Type::String).marked_if(marked)),
                    Some(v) => {
                        v.as_kv().cloned().ok_or_else(|| EvalError::new("templatefile: vars must be an object"))?
                    }
                    None => BTreeMap::new(),
                };
                let t = hcl::edit::parser::parse_template(&text)
                    .map_err(|e| EvalError::new(format!("templatefile {path}: {}", e.message())))?;
                // The template sees only its variables (and functions), as in Terraform.
                struct Only;
                impl Resolver for Only {
                    fn resolve(&self, root: &str, _steps: &[&str]) -> EvalResult {
                        Err(EvalError::new(format!("templatefile: {root} is not a template variable")))
                    }
                    fn note(&self, _message: String) {}
                }
                let scope = Scope { resolver: &Only, locals: vars.into_iter().collect(), depth: self.depth + 1 };
                scope.template(&t)?
            }
        };
        Ok(out.marked_if(marked))
    }
}

/// Where the operators a splat at `i` applies to each element end: the next splat, and for an
/// attribute splat (`.*`) the first operator that is not an attribute.
fn splat_end(ops: &[&TraversalOperator], i: usize) -> usize {
    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
    let mut end = i + 1;
    while end < ops.len()
        && !matches!(ops[end], TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_))
        && (full || matches!(ops[end], TraversalOperator::GetAttr(_)))
    {
        end += 1;
    }
    end
}

fn bool_err() -> EvalError {
    EvalError::new("a bool is required")
}

fn num_err(v: &Value) -> EvalError {
    EvalError::new(format!("a number is required, not {}", v.ty().friendly()))
}

fn arith(op: BinaryOperator, x: Number, y: Number) -> EvalResult {
    use std::cmp::Ordering;
    let both_int = |f: fn(i64, i64) -> Option<i64>| match (x, y) {
        (Number::Int(a), Number::Int(b)) => f(a, b).map(Value::int),
        _ => None,
    };
    Ok(match op {
        BinaryOperator::Plus => {
            both_int(i64::checked_add).unwrap_or_else(|| Value::Number(Number::from_f64(x.as_f64() + y.as_f64())))
        }
        BinaryOperator::Minus => {
            both_int(i64::checked_sub).unwrap_or_else(|| Value::Number(Number::from_f64(x.as_f64() - y.as_f64())))
        }
        BinaryOperator::Mul => {
            both_int(i64::checked_mul).unwrap_or_else(|| Value::Number(Number::from_f64(x.as_f64() * y.as_f64())))
        }
        BinaryOperator::Div => {
            if y.as_f64() == 0.0 {
                return Err(EvalError::new("division by zero"));
            }
            Value::Number(Number::from_f64(x.as_f64() / y.as_f64()))
        }
        BinaryOperator::Mod => {
            if y.as_f64() == 0.0 {
                return Err(EvalError::new("modulo by zero"));
            }
            both_int(i64::checked_rem).unwrap_or_else(|| Value::Number(Number::from_f64(x.as_f64() % y.as_f64())))
        }
        BinaryOperator::Less => Value::Bool(x.cmp(y) == Ordering::Less),
        BinaryOperator::LessEq => Value::Bool(x.cmp(y) != Ordering::Greater),
        BinaryOperator::Greater => Value::Bool(x.cmp(y) == Ordering::Greater),
        BinaryOperator::GreaterEq => Value::Bool(x.cmp(y) != Ordering::Less),
        _ => return Err(EvalError::new("unexpected operator")),
    })
}

/// A primitive as Terraform's string conversion writes it.
pub(crate) fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Sensitive(v) => as_string(v),
        _ => None,
    }
}

pub(crate) fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        Value::Sensitive(v) => to_bool(v),
        _ => None,
    }
}

pub(crate) fn to_number(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(s) => Number::parse(s),
        Value::Sensitive(v) => to_number(v),
        _ => None,
    }
}

/// The (key, value) pairs a `for` iterates: index and element of a sequence, key and value of a
/// map or object (lexical order).
pub(crate) fn pairs(v: &Value) -> Result<Vec<(Value, Value)>, EvalError> {
    match v {
        Value::List(items) | Value::Tuple(items) => {
            Ok(items.iter().enumerate().map(|(i, x)| (Value::int(i64::try_from(i).unwrap_or(0)), x.clone())).collect())
        }
        Value::Set(items) => Ok(items.iter().map(|x| (x.clone(), x.clone())).collect()),
        Value::Map(m) | Value::Object(m) => Ok(m.iter().map(|(k, x)| (Value::string(k.clone()), x.clone())).collect()),
        Value::Null => Err(EvalError::new("cannot iterate over null")),
        Value::Sensitive(v) => pairs(v),
        other => Err(EvalError::new(format!("cannot iterate over a {}", other.ty().friendly()))),
    }
}

/// `v.name`.
pub(crate) fn get_attr(v: Value, name: &str) -> EvalResult {
    match v {
        Value::Object(mut m) | Value::Map(mut m) => {
            m.remove(name).ok_or_else(|| EvalError::new(format!("this object has no attribute {name:?}")))
        }
        Value::Unknown(u) => Ok(Value::Unknown(Box::new(Unknown {
            ty: Type::Dynamic,
            not_null: false,
            refers_to: u.refers_to.map(|r| Refers::Text(format!("{r}.{name}"))),
            cidr_within: None,
        }))),
        Value::Sensitive(inner) => Ok(get_attr(*inner, name)?.marked_if(true)),
        Value::Null => Err(EvalError::new(format!("attempt to get attribute {name:?} from a null value"))),
        other => Err(EvalError::new(format!("a {} has no attribute {name:?}", other.ty().friendly()))),
    }
}

/// `v[k]` by reference where [`index`] would succeed without marks: a list or tuple and a whole
/// number in range, or a map or object and a key it has; `None` for everything else.
fn index_ref<'v>(v: &'v Value, k: &Value) -> Option<&'v Value> {
    if !matches!(k, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
        return None;
    }
    match v {
        Value::List(items) | Value::Tuple(items) => {
            let i = to_number(k).and_then(Number::as_i64)?;
            items.get(usize::try_from(i).ok()?)
        }
        Value::Map(m) | Value::Object(m) => m.get(&as_string(k)?),
        _ => None,
    }
}

/// `v[k]`.
pub(crate) fn index(v: Value, k: &Value) -> EvalResult {
    let (k, km) = k.clone().unmarked();
    if let Value::Unknown(_) = k {
        return Ok(Value::unknown(Type::Dynamic).marked_if(km));
    }
    let out = match v {
        Value::List(items) | Value::Tuple(items) => {
            let i = to_number(&k)
                .and_then(Number::as_i64)
                .ok_or_else(|| EvalError::new("a list index must be a whole number"))?;
            let len = items.len();
            usize::try_from(i)
                .ok()
                .and_then(|i| items.into_iter().nth(i))
                .ok_or_else(|| EvalError::new(format!("index {i} out of range for a list of {len} elements")))?
        }
        Value::Map(mut m) | Value::Object(mut m) => {
            let key = as_string(&k).ok_or_else(|| EvalError::new("a map key must be a string"))?;
            m.remove(&key).ok_or_else(|| EvalError::new(format!("the map has no element for key {key:?}")))?
        }
        Value::Unknown(u) => {
            let suffix = match &k {
                Value::String(s) => format!("[{s:?}]"),
                other => format!("[{}]", as_string(other).unwrap_or_default()),
            };
            Value::Unknown(Box::new(Unknown {
                ty: Type::Dynamic,
                not_null: false,
                refers_to: u.refers_to.map(|r| Refers::Text(format!("{r}{suffix}"))),
                cidr_within: None,
            }))
        }
        Value::Sensitive(inner) => index(*inner, &k)?.marked_if(true),
        Value::Set(_) => return Err(EvalError::new("elements of a set cannot be indexed (convert with tolist)")),
        Value::Null => return Err(EvalError::new("cannot index a null value")),
        other => return Err(EvalError::new(format!("a {} cannot be indexed", other.ty().friendly()))),
    };
    Ok(out.marked_if(km))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    struct Vars(BTreeMap<String, Value>, RefCell<Vec<String>>);

    impl Resolver for Vars {
        fn resolve(&self, root: &str, steps: &[&str]) -> EvalResult {
            let key = format!("{root}.{}", steps.join("."));
            self.0.get(&key).cloned().ok_or_else(|| EvalError::new(format!("no {key}")))
        }
        fn note(&self, message: String) {
            self.1.borrow_mut().push(message);
        }
    }

    fn eval_with(src: &str, vars: &[(&str, Value)]) -> EvalResult {
        let r = Vars(vars.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect(), RefCell::new(Vec::new()));
        let e = hcl::edit::parser::parse_expr(src).map_err(|e| EvalError::new(e.to_string()))?;
        Scope::new(&r).eval(&e)
    }

    fn eval(src: &str) -> Value {
        eval_with(src, &[]).unwrap()
    }

    fn json(v: &Value) -> String {
        v.to_json().map(|j| j.to_string()).unwrap_or_else(|| format!("{v:?}"))
    }

    #[test]
    fn operators_conditionals_and_templates() {
        assert_eq!(json(&eval("1 + 2 * 3")), "7");
        assert_eq!(json(&eval("7 % 3 == 1 && !false")), "true");
        assert_eq!(json(&eval("true ? \"a\" : \"b\"")), "\"a\"");
        assert_eq!(json(&eval("\"x-${1 + 1}-%{if true}y%{else}n%{endif}\"")), "\"x-2-y\"");
        assert_eq!(json(&eval(r#""%{for s in ["a", "b"]}${s},%{endfor}""#)), "\"a,b,\"");
        assert_eq!(json(&eval("\"a ${\"b\"} ~}  c\"")), "\"a b ~}  c\"");
        assert_eq!(json(&eval("\"a   ${~ \"b\" ~}   c\"")), "\"abc\"");
    }

    #[test]
    fn for_expressions_and_splats() {
        assert_eq!(json(&eval("[for i, v in [\"a\", \"b\"] : \"${i}${v}\" if v != \"b\"]")), "[\"0a\"]");
        assert_eq!(json(&eval("{for k, v in {a = 1, b = 2} : v => k}")), "{\"1\":\"a\",\"2\":\"b\"}");
        assert_eq!(json(&eval("{for v in [\"a\", \"b\", \"a\"] : v => v...}")), "{\"a\":[\"a\",\"a\"],\"b\":[\"b\"]}");
        assert_eq!(json(&eval("[{id = 1}, {id = 2}][*].id")), "[1,2]");
        assert_eq!(json(&eval("[{id = [1]}, {id = [2]}][*].id[0]")), "[1,2]");
        assert_eq!(json(&eval("[{id = [1]}, {id = [2]}].*.id[0]")), "[1]");
        assert!(eval_with("{for v in [\"a\", \"a\"] : v => v}", &[]).is_err());
    }

    #[test]
    fn unknowns_propagate_and_keep_their_reference() {
        let id = Value::Unknown(Box::new(Unknown {
            ty: Type::String,
            not_null: true,
            refers_to: Some("aws_vpc.main.id".into()),
            cidr_within: None,
        }));
        let list = Value::Tuple(vec![id.clone(), Value::string("x")]);
        assert_eq!(eval_with("var.ids[0]", &[("var.ids", list.clone())]).unwrap(), id);
        assert!(matches!(eval_with("var.u == \"a\"", &[("var.u", id.clone())]).unwrap(), Value::Unknown(_)));
        assert_eq!(eval_with("var.u == null || true", &[("var.u", id.clone())]).unwrap(), Value::Bool(true));
        assert!(matches!(eval_with("\"${var.u}/x\"", &[("var.u", id)]).unwrap(), Value::Unknown(_)));
    }

    #[test]
    fn try_and_can_are_lazy() {
        assert_eq!(json(&eval("try([1][5], \"fallback\")")), "\"fallback\"");
        assert_eq!(json(&eval("can([1][5])")), "false");
        assert_eq!(json(&eval("can(cidrsubnet(\"10.0.0.0/16\", 8, 1))")), "true");
        assert_eq!(json(&eval("cidrsubnet(\"10.0.0.0/16\", 8, 2)")), "\"10.0.2.0/24\"");
        assert_eq!(json(&eval("max([1, 5, 3]...)")), "5");
    }

    #[test]
    fn sensitive_marks_are_carried() {
        let s = Value::Sensitive(Box::new(Value::string("10.0.0.0/16")));
        let v = eval_with("cidrsubnet(var.s, 8, 1)", &[("var.s", s)]).unwrap();
        assert!(matches!(v, Value::Sensitive(_)));
    }
}
