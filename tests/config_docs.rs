//! `docs/configuration.md` and the parser's schema (`tfvpc::config::SCHEMA`) must agree: every
//! block type and attribute the parser accepts is documented with its type and default, the doc
//! documents nothing else, every ```hcl example parses, and together the examples use every
//! block type and attribute.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]
// clippy.toml allows panics in `#[test]` functions only; the helpers below are test code too.
#![expect(clippy::panic, reason = "test helpers")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hcl::edit::structure::Structure;
use tfvpc::config::{Config, Prices, SCHEMA};

const DOC: &str = include_str!("../docs/configuration.md");

/// One block section of the doc: `## `name` block(s)`.
#[derive(Debug, Default)]
struct Section {
    label: Option<String>,
    /// attribute → (type cell, default cell, meaning cell), in table order.
    rows: Vec<(String, String, String, String)>,
}

/// The block sections of the doc, in order.
fn sections() -> Vec<(String, Section)> {
    let mut sections: Vec<(String, Section)> = Vec::new();
    let mut in_block_section = false;
    for line in DOC.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            let name = heading
                .strip_prefix('`')
                .and_then(|rest| rest.split_once('`'))
                .filter(|(_, tail)| matches!(*tail, " block" | " blocks"));
            in_block_section = name.is_some();
            if let Some((name, _)) = name {
                sections.push((name.to_owned(), Section::default()));
            }
            continue;
        }
        let Some((_, section)) = sections.last_mut().filter(|_| in_block_section) else {
            continue;
        };
        if let Some(label) = line.strip_prefix("**Label:** ") {
            section.label = Some(label.to_owned());
        } else if line.starts_with("| `") {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            let [name, kind, default, meaning] = cells.as_slice() else {
                panic!("a table row needs four cells: {line}");
            };
            let name = name.trim_matches('`').to_owned();
            section.rows.push((name, (*kind).to_owned(), (*default).to_owned(), (*meaning).to_owned()));
        }
    }
    sections
}

/// The ```hcl code blocks of the doc, with the line each starts on.
fn hcl_examples() -> Vec<(usize, String)> {
    let mut examples = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in DOC.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```hcl") => current = Some((index + 2, String::new())),
            (Some(_), "```") => examples.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an ```hcl block is not closed");
    examples
}

#[test]
fn every_block_type_is_documented_in_schema_order() {
    let documented: Vec<String> = sections().into_iter().map(|(name, _)| name).collect();
    let accepted: Vec<&str> = SCHEMA.iter().map(|spec| spec.name).collect();
    assert_eq!(documented, accepted);
}

#[test]
fn labels_attributes_types_and_defaults_match_the_schema() {
    let sections: BTreeMap<String, Section> = sections().into_iter().collect();
    for spec in SCHEMA {
        let section = &sections[spec.name];
        let label = spec.label.map_or_else(|| "none".to_owned(), |label| format!("{} (a string)", label.what));
        assert_eq!(
            section.label.as_deref(),
            Some(label.as_str()),
            "`{}`: the doc needs the line **Label:** {label}",
            spec.name
        );
        let documented: Vec<&str> = section.rows.iter().map(|row| row.0.as_str()).collect();
        let accepted: Vec<&str> = spec.attribute_names().collect();
        assert_eq!(documented, accepted, "attributes of `{}`", spec.name);
        for ((name, kind, default, _), attr) in section.rows.iter().zip(spec.attributes) {
            assert_eq!(kind, attr.kind.doc_type(), "type of `{}.{name}`", spec.name);
            assert_eq!(default, attr.default, "default of `{}.{name}`", spec.name);
        }
    }
}

#[test]
fn documented_list_prices_are_the_built_in_ones() {
    let prices = Prices::list().unwrap();
    let sections: BTreeMap<String, Section> = sections().into_iter().collect();
    for (name, _, _, meaning) in &sections["prices"].rows {
        if let Some(usd) = prices.get(name) {
            assert!(
                meaning.contains(&format!("(${usd}")),
                "`{name}`: the doc should show the built-in price ${usd}: {meaning}"
            );
        }
    }
    assert!(DOC.contains(&format!("checked on {}", prices.date)));
    for url in &prices.source {
        assert!(DOC.contains(&format!("<{url}>")), "source {url} is not in the doc");
    }
}

#[test]
fn every_hcl_example_parses() {
    let examples = hcl_examples();
    assert!(examples.len() >= 5);
    for (line, text) in examples {
        if let Err(err) = Config::parse(&text, Path::new("docs/configuration.md"), &tfvpc::rules::names()) {
            panic!("the ```hcl block at docs/configuration.md:{line} does not parse: {err}");
        }
    }
}

#[test]
fn the_examples_use_every_block_type_and_attribute() {
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    for (_, text) in hcl_examples() {
        let body = hcl::edit::parser::parse_body(&text).unwrap();
        for structure in body.iter() {
            if let Structure::Block(block) = structure {
                let name = block.ident.as_str().to_owned();
                used.insert((name.clone(), String::new()));
                for attr in block.body.attributes() {
                    used.insert((name.clone(), attr.key.as_str().to_owned()));
                }
            }
        }
    }
    for spec in SCHEMA {
        assert!(used.contains(&(spec.name.to_owned(), String::new())), "no example has a `{}` block", spec.name);
        for attr in spec.attribute_names() {
            assert!(used.contains(&(spec.name.to_owned(), attr.to_owned())), "no example sets `{}.{attr}`", spec.name);
        }
    }
}
