//! The `configuration` expressions a plan carries, written from the HCL: `{"references": [...]}`
//! in Terraform's own shape (the reference with its static attribute/index path, then the
//! referenced object, then what contains it: `aws_subnet.x["a"].id`, `aws_subnet.x["a"]`,
//! `aws_subnet.x`; a dynamic index stops the path: `aws_subnet.x` and `count.index`), or
//! `{"constant_value": ...}` when the expression refers to nothing. The model's linker reads
//! these exactly as it reads a plan's.

use hcl::edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::edit::template::{Directive, Element, Template};
use serde_json::{Value as Json, json};

use super::vars::constant;

/// The plan-shaped expression of `e`.
pub(crate) fn expression(e: &Expression) -> Json {
    let refs = references(e);
    if refs.is_empty() {
        return match constant(e).ok().and_then(|v| v.unmarked().0.to_json()) {
            Some(v) => json!({ "constant_value": v }),
            None => json!({}),
        };
    }
    json!({ "references": refs })
}

/// The references of several expressions merged, as Terraform merges repeated blocks of an
/// attribute written as blocks.
pub(crate) fn merged<'a>(es: impl IntoIterator<Item = &'a Expression>) -> Vec<String> {
    let mut out = Vec::new();
    for e in es {
        for r in references(e) {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// The references of `e`, in source order, deduplicated.
pub(crate) fn references(e: &Expression) -> Vec<String> {
    let mut out = Vec::new();
    walk(e, &mut Vec::new(), &mut out);
    out
}

fn push(out: &mut Vec<String>, r: String) {
    if !out.contains(&r) {
        out.push(r);
    }
}

fn walk(e: &Expression, bound: &mut Vec<String>, out: &mut Vec<String>) {
    match e {
        Expression::Array(a) => a.iter().for_each(|x| walk(x, bound, out)),
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                if let ObjectKey::Expression(k) = k
                    && !matches!(k, Expression::Variable(_))
                {
                    walk(k, bound, out);
                }
                walk(v.expr(), bound, out);
            }
        }
        Expression::StringTemplate(t) => template(t, bound, out),
        Expression::HeredocTemplate(h) => template(&h.template, bound, out),
        Expression::Parenthesis(p) => walk(p.inner(), bound, out),
        Expression::Variable(v) => traversal(v.as_str(), &[], bound, out),
        Expression::Conditional(c) => {
            walk(&c.cond_expr, bound, out);
            walk(&c.true_expr, bound, out);
            walk(&c.false_expr, bound, out);
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|x| walk(x, bound, out)),
        Expression::Traversal(t) => {
            let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
            match &t.expr {
                Expression::Variable(v) => traversal(v.as_str(), &ops, bound, out),
                base => {
                    walk(base, bound, out);
                    index_refs(&ops, bound, out);
                }
            }
        }
        Expression::UnaryOp(u) => walk(&u.expr, bound, out),
        Expression::BinaryOp(b) => {
            walk(&b.lhs_expr, bound, out);
            walk(&b.rhs_expr, bound, out);
        }
        Expression::ForExpr(f) => {
            walk(&f.intro.collection_expr, bound, out);
            let n = bound.len();
            bound.push(f.intro.value_var.as_str().to_string());
            if let Some(k) = &f.intro.key_var {
                bound.push(k.as_str().to_string());
            }
            if let Some(k) = &f.key_expr {
                walk(k, bound, out);
            }
            walk(&f.value_expr, bound, out);
            if let Some(c) = &f.cond {
                walk(&c.expr, bound, out);
            }
            bound.truncate(n);
        }
        Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
    }
}

fn template(t: &Template, bound: &mut Vec<String>, out: &mut Vec<String>) {
    for el in t.iter() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk(&i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(x) => {
                    walk(&x.if_expr.cond_expr, bound, out);
                    template(&x.if_expr.template, bound, out);
                    if let Some(e) = &x.else_expr {
                        template(&e.template, bound, out);
                    }
                }
                Directive::For(x) => {
                    walk(&x.for_expr.collection_expr, bound, out);
                    let n = bound.len();
                    bound.push(x.for_expr.value_var.as_str().to_string());
                    if let Some(k) = &x.for_expr.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    template(&x.for_expr.template, bound, out);
                    bound.truncate(n);
                }
            },
        }
    }
}

fn index_refs(ops: &[&TraversalOperator], bound: &mut Vec<String>, out: &mut Vec<String>) {
    for op in ops {
        if let TraversalOperator::Index(e) = op {
            walk(e, bound, out);
        }
    }
}

/// A literal index step (`[0]`, `["a"]`).
fn literal_key(op: &TraversalOperator) -> Option<String> {
    match op {
        TraversalOperator::Index(Expression::Number(n)) => n.value().as_u64().map(|i| format!("[{i}]")),
        TraversalOperator::Index(Expression::String(s)) => Some(format!("[{}]", Json::String(s.value().clone()))),
        TraversalOperator::LegacyIndex(i) => Some(format!("[{}]", i.value())),
        _ => None,
    }
}

fn attr(op: Option<&&TraversalOperator>) -> Option<String> {
    match op {
        Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
        _ => None,
    }
}

fn traversal(root: &str, ops: &[&TraversalOperator], bound: &mut Vec<String>, out: &mut Vec<String>) {
    if bound.iter().any(|b| b == root) || root == "self" {
        index_refs(ops, bound, out);
        return;
    }
    // (subject, containers) and how many operators the subject uses.
    let mut containers: Vec<String> = Vec::new();
    let (subject, used) = match root {
        "var" | "local" | "count" | "each" | "path" | "terraform" => match attr(ops.first()) {
            Some(a) => (format!("{root}.{a}"), 1),
            None => return,
        },
        "module" => {
            let Some(name) = attr(ops.first()) else { return };
            let call = format!("module.{name}");
            match ops.get(1).and_then(|o| literal_key(o)) {
                Some(k) => match attr(ops.get(2)) {
                    Some(output) => {
                        containers.push(format!("{call}{k}"));
                        containers.push(call.clone());
                        (format!("{call}{k}.{output}"), 3)
                    }
                    None => {
                        containers.push(call.clone());
                        (format!("{call}{k}"), 2)
                    }
                },
                None => match attr(ops.get(1)) {
                    Some(output) => {
                        containers.push(call.clone());
                        (format!("{call}.{output}"), 2)
                    }
                    None => (call, 1),
                },
            }
        }
        "data" => {
            let (Some(t), Some(n)) = (attr(ops.first()), attr(ops.get(1))) else { return };
            let res = format!("data.{t}.{n}");
            match ops.get(2).and_then(|o| literal_key(o)) {
                Some(k) => {
                    containers.push(res.clone());
                    (format!("{res}{k}"), 3)
                }
                None => (res, 2),
            }
        }
        t if t.contains('_') || !t.is_empty() => {
            let Some(n) = attr(ops.first()) else { return };
            let res = format!("{t}.{n}");
            match ops.get(1).and_then(|o| literal_key(o)) {
                Some(k) => {
                    containers.push(res.clone());
                    (format!("{res}{k}"), 2)
                }
                None => (res, 1),
            }
        }
        _ => {
            index_refs(ops, bound, out);
            return;
        }
    };
    let mut rest = String::new();
    for op in &ops[used.min(ops.len())..] {
        if let Some(a) = attr(Some(op)) {
            rest.push('.');
            rest.push_str(&a);
        } else if let Some(k) = literal_key(op) {
            rest.push_str(&k);
        } else {
            break;
        }
    }
    if !rest.is_empty() {
        push(out, format!("{subject}{rest}"));
    }
    push(out, subject);
    for c in containers {
        push(out, c);
    }
    index_refs(ops, bound, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<String> {
        references(&hcl::edit::parser::parse_expr(src).unwrap())
    }

    #[test]
    fn references_have_terraforms_shape() {
        assert_eq!(refs("aws_vpc.main.id"), ["aws_vpc.main.id", "aws_vpc.main"]);
        assert_eq!(refs("aws_subnet.x[\"a\"].id"), ["aws_subnet.x[\"a\"].id", "aws_subnet.x[\"a\"]", "aws_subnet.x"]);
        assert_eq!(refs("aws_route_table.app[count.index].id"), ["aws_route_table.app", "count.index"]);
        assert_eq!(refs("local.azs[0]"), ["local.azs[0]", "local.azs"]);
        assert_eq!(refs("each.value.azs"), ["each.value.azs", "each.value"]);
        assert_eq!(
            refs("module.app.private_route_table_ids[0]"),
            ["module.app.private_route_table_ids[0]", "module.app.private_route_table_ids", "module.app"]
        );
        assert_eq!(
            refs("module.network[\"dev\"].vpc_id"),
            ["module.network[\"dev\"].vpc_id", "module.network[\"dev\"]", "module.network"]
        );
        assert_eq!(refs("[for s in aws_subnet.x : s.id]"), ["aws_subnet.x"]);
        assert_eq!(refs("\"${var.a}-x\""), ["var.a"]);
        assert_eq!(
            expression(&hcl::edit::parser::parse_expr("\"10.0.0.0/16\"").unwrap()),
            json!({"constant_value": "10.0.0.0/16"})
        );
    }
}
