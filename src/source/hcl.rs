//! `.tf` files → [`FileItems`], with byte spans (hcl-edit, re-exported by hcl-rs).

use std::ops::Range;

use hcl::edit::Span;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, BlockLabel, Body, Structure};

use super::{BlockItem, CallItem, FileItems, Item, hcl_ignores};

/// Parses one `.tf` file. Errors are returned as text with the line, for a warning.
pub(super) fn items(text: &str) -> Result<FileItems, String> {
    let body = hcl::edit::parser::parse_body(text).map_err(|e| e.to_string())?;
    let mut out = FileItems::default();
    for structure in body.iter() {
        let Structure::Block(block) = structure else { continue };
        let labels: Vec<&str> = block.labels.iter().map(BlockLabel::as_str).collect();
        let header = header_span(block);
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [rtype, name]) => out.blocks.push(BlockItem {
                data: false,
                rtype: (*rtype).to_string(),
                name: (*name).to_string(),
                ignores: hcl_ignores(text, &header),
                header,
                items: body_items(&block.body),
            }),
            ("data", [rtype, name]) => out.blocks.push(BlockItem {
                data: true,
                rtype: (*rtype).to_string(),
                name: (*name).to_string(),
                ignores: hcl_ignores(text, &header),
                header,
                items: body_items(&block.body),
            }),
            ("module", [name]) => {
                let source = block.body.get_attribute("source").and_then(|a| a.value.as_str()).map(str::to_string);
                out.calls.push(CallItem {
                    name: (*name).to_string(),
                    ignores: hcl_ignores(text, &header),
                    header,
                    source,
                    args: body_items(&block.body),
                });
            }
            ("locals", []) => out.locals.extend(body_items(&block.body).into_iter().filter(|i| i.children.is_empty())),
            _ => {}
        }
    }
    Ok(out)
}

/// From the block's first character to the end of its last label: `resource "aws_vpc" "main"`.
fn header_span(block: &Block) -> Range<usize> {
    let start = block.span().or_else(|| block.ident.span()).map_or(0, |s| s.start);
    let end = block
        .labels
        .last()
        .and_then(|l| match l {
            BlockLabel::Ident(i) => i.span(),
            BlockLabel::String(s) => s.span(),
        })
        .or_else(|| block.ident.span())
        .map_or(start, |s| s.end);
    start..end.max(start)
}

fn body_items(body: &Body) -> Vec<Item> {
    let mut out = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let mut literals = Vec::new();
                expression_literals(&attr.value, &mut literals);
                out.push(Item {
                    name: attr.key.as_str().to_string(),
                    span: attr.span().unwrap_or(0..0),
                    literals,
                    children: Vec::new(),
                    value: attr.value.span().unwrap_or(0..0),
                });
            }
            Structure::Block(block) => {
                // `dynamic "route" { content { … } }` stands for the `route` blocks it generates.
                let (name, children) = match (block.ident.as_str(), block.labels.first()) {
                    ("dynamic", Some(label)) => {
                        let content = block.body.get_blocks("content").next();
                        (label.as_str().to_string(), content.map(|c| body_items(&c.body)).unwrap_or_default())
                    }
                    (ident, _) => (ident.to_string(), body_items(&block.body)),
                };
                let literals = children.iter().flat_map(|c| c.literals.iter().cloned()).collect();
                out.push(Item { name, span: block.span().unwrap_or(0..0), literals, children, value: 0..0 });
            }
        }
    }
    out
}

/// String and number literals of an expression (not inside interpolations), for matching a
/// finding's key values against nested blocks.
fn expression_literals(expr: &Expression, out: &mut Vec<String>) {
    match expr {
        Expression::String(s) => out.push(s.value().clone()),
        Expression::Number(n) => out.push(n.value().to_string()),
        Expression::Array(items) => items.iter().for_each(|e| expression_literals(e, out)),
        Expression::Object(obj) => obj.iter().for_each(|(_, v)| expression_literals(v.expr(), out)),
        Expression::Parenthesis(p) => expression_literals(p.inner(), out),
        _ => {}
    }
}
