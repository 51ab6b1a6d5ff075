//! `tfvpc rules` (every rule, one line each) and `tfvpc explain RULE` (one rule's doc).

use super::write_out;
use crate::{EXIT_CLEAN, Error, Io, Result, rules};

/// Lists every rule: id, category, default severity, summary.
pub(crate) fn list(io: &mut Io<'_>) -> Result<u8> {
    let mut out = String::new();
    let infos = rules::infos();
    let width = infos.iter().map(|i| i.name.len()).max().unwrap_or(0);
    for i in infos {
        out.push_str(&format!("{:width$}  {:13} {:8} {}\n", i.name, i.category, i.default_severity, i.summary));
    }
    write_out(io, &out)?;
    Ok(EXIT_CLEAN)
}

/// Prints one rule's documentation, or names the rules when there is none of that name.
pub(crate) fn explain(rule: &str, io: &mut Io<'_>) -> Result<u8> {
    let infos = rules::infos();
    match infos.iter().find(|i| i.name == rule) {
        Some(i) => {
            write_out(io, i.doc)?;
            Ok(EXIT_CLEAN)
        }
        None => {
            let names: Vec<&str> = infos.iter().map(|i| i.name).collect();
            Err(Error::usage(format!("no rule named `{rule}`"), format!("the rules are: {}", names.join(", "))))
        }
    }
}
