//! `tfvpc completions SHELL` and `tfvpc man`: generated from the clap definition.

use super::write_out;
use crate::cli::Cli;
use crate::{EXIT_CLEAN, Error, Io, Result};

/// Prints the completion script for a shell.
pub(crate) fn completions(shell: clap_complete::Shell, io: &mut Io<'_>) -> Result<u8> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tfvpc", &mut buf);
    write_out(io, &String::from_utf8_lossy(&buf))?;
    Ok(EXIT_CLEAN)
}

/// Prints the man page (roff).
pub(crate) fn man(io: &mut Io<'_>) -> Result<u8> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf).map_err(Error::Write)?;
    write_out(io, &String::from_utf8_lossy(&buf))?;
    Ok(EXIT_CLEAN)
}
