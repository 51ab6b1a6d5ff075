//! Tool failures: the input could not be read, is not a Terraform document, or the configuration
//! is wrong. Findings are data (see `rules`), never errors. Every variant renders as a miette
//! diagnostic that names the file, the place in it and how to fix the problem; all of them make
//! tfvpc exit with status 2.

use miette::{Diagnostic, NamedSource, SourceSpan};

/// A failure that stops tfvpc from doing its job (exit status 2).
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// An input or configuration file could not be read.
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(tfvpc::read), help("check that the path exists and that you may read it"))]
    Read {
        /// The path as the user gave it.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The input is readable but is not a document tfvpc understands.
    #[error("{path}: {message}")]
    #[diagnostic(code(tfvpc::input))]
    Input {
        /// The input as the user named it (`-` is standard input).
        path: String,
        /// What is wrong, in one sentence.
        message: String,
        /// What to run or change instead.
        #[help]
        help: Option<String>,
    },

    /// The input is not valid JSON, or a value has the wrong type.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Json(Box<JsonError>),

    /// The configuration file (`.tfvpc.hcl`) is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),

    /// A Terraform configuration file (HCL mode) that does not parse or evaluate.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Hcl(Box<HclError>),

    /// The command line asks for something that cannot be done.
    #[error("{message}")]
    #[diagnostic(code(tfvpc::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A baseline file (`--baseline`, `--write-baseline`) cannot be read, written or understood.
    #[error("{path}: {message}")]
    #[diagnostic(code(tfvpc::baseline))]
    Baseline {
        /// The file as named on the command line.
        path: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// Writing the report failed (other than a closed pipe, which is not an error).
    #[error("cannot write output: {0}")]
    #[diagnostic(code(tfvpc::write))]
    Write(#[source] std::io::Error),
}

/// The input is not valid JSON, or a value has the wrong type.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{path}:{line}:{column}: {message}")]
#[diagnostic(code(tfvpc::json))]
pub struct JsonError {
    /// The input as the user named it.
    pub path: String,
    /// 1-based line of the error.
    pub line: usize,
    /// 1-based column of the error.
    pub column: usize,
    /// 0-based byte offset of the error in the decoded text.
    pub offset: usize,
    /// What serde_json reported.
    pub message: String,
    /// A window of the text around the error (plans are one long line).
    #[source_code]
    pub window: NamedSource<String>,
    /// The error's position inside `window`.
    #[label("{label}")]
    pub span: SourceSpan,
    /// Label text: the position and, when known, the enclosing resource address.
    pub label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

/// The configuration file (`.tfvpc.hcl`) is invalid.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(code(tfvpc::config))]
pub struct ConfigError {
    /// The configuration file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The whole configuration file.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where in the file.
    #[label("here")]
    pub span: SourceSpan,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

/// A syntax or evaluation error in a Terraform configuration file (HCL mode), with its place.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(code(tfvpc::hcl))]
pub struct HclError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The file's text.
    #[source_code]
    pub src: NamedSource<String>,
    /// The place.
    #[label("here")]
    pub span: SourceSpan,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

/// Result with tfvpc's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A usage error with a help line.
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Self {
        Error::Usage { message: message.into(), help: Some(help.into()) }
    }
}
