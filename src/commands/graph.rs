//! `tfvpc graph`: the network's topology as DOT, Mermaid or the versioned JSON contract.

use super::write_out;
use crate::cli::{self, GraphFormat};
use crate::model::lower::{Side, lower};
use crate::{EXIT_CLEAN, Error, Io, Result};
use crate::{graph, ingest};

/// Runs `tfvpc graph`.
pub(crate) fn graph(args: &cli::GraphArgs, io: &mut Io<'_>) -> Result<u8> {
    let (input, doc, _notes) = ingest::load_any(&args.input, io.stdin, &super::hcl_options(&args.var_args))?;
    let net = lower(&input.name, &doc, Side::After);
    let g = graph::NetGraph::build(&net);
    let text = match args.format {
        GraphFormat::Dot => g.to_dot(&net),
        GraphFormat::Mermaid => g.to_mermaid(&net),
        GraphFormat::Json => {
            let mut s = serde_json::to_string_pretty(&g.to_json(&net)).map_err(|e| Error::Write(e.into()))?;
            s.push('\n');
            s
        }
    };
    write_out(io, &text)?;
    Ok(EXIT_CLEAN)
}
