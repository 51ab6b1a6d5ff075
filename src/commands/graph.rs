//! `tfvpc graph`: the network picture as SVG (the one `tfvpc serve` draws), or its topology as
//! DOT, Mermaid or the versioned JSON contract.

use super::write_out;
use crate::cli::{self, GraphFormat};
use crate::{EXIT_CLEAN, Error, Io, Result};
use crate::{graph, ingest, picture};

/// Runs `tfvpc graph`.
pub(crate) fn graph(args: &cli::GraphArgs, io: &mut Io<'_>) -> Result<u8> {
    let opts = super::hcl_options(&args.var_args);
    let (input, mut doc, _notes) = ingest::load_any(&args.input, io.stdin, &opts)?;
    let (net, _) = super::lower_after(&input.name, &mut doc, input.dir(), &opts);
    if args.format == GraphFormat::Svg {
        let options = picture::Options { vpc: args.vpc.clone(), collapse: args.vpc.is_some().then_some(false) };
        let pic = picture::build(&net, &options);
        if let Some(v) = &args.vpc
            && pic.nodes.is_empty()
        {
            return Err(Error::usage(
                format!("--vpc {v}: no such VPC in {}", input.name),
                "give the address of an aws_vpc of the input (`tfvpc graph --format json` lists them)",
            ));
        }
        write_out(io, &picture::svg::render(&pic))?;
        return Ok(EXIT_CLEAN);
    }
    let g = graph::NetGraph::build(&net);
    let text = match args.format {
        GraphFormat::Svg => String::new(),
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
