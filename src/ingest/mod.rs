//! Ingest: read an input (a file or standard input), decode it (UTF-8 with or without BOM,
//! UTF-16 LE/BE), recognise what it is from its content — never from its name — and parse it into
//! a [`Document`]. Wrong documents (a `terraform plan -json` event stream, a binary plan file, an
//! empty file, JSON that is not Terraform's, a folder of `.tf` files) are rejected with what to
//! run instead.

pub(crate) mod doc;
pub(crate) mod hcl;
pub(crate) mod parse;

use std::io::Read;
use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

pub use doc::{Action, Attrs, ConfigModule, ConfigResource, Configuration, DocKind, Document, ModuleCall, RawResource};
pub use hcl::{Attached, HclOptions, VarArg, attach_sources, module_inputs};

/// True when `dir` holds Terraform configuration files (`.tf`, `.tf.json`, `.tofu`).
pub fn has_config(dir: &Path) -> bool {
    hcl::load::has_config(dir)
}
use parse::{Parsed, Unrecognised};

use crate::error::{Error, JsonError, Result};

const SHOW_JSON_HELP: &str =
    "run `terraform plan -out=tfplan` and then `terraform show -json tfplan > plan.json`, and lint plan.json";

/// One input as the user named it, decoded to text.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name used in findings and errors: the path as given, or `-` for standard input.
    pub name: String,
    /// The file path (None for standard input).
    pub path: Option<PathBuf>,
    /// Decoded text.
    pub text: String,
}

impl Input {
    /// The folder the input lives in (for configuration discovery and sources).
    pub fn dir(&self) -> Option<&Path> {
        let path = self.path.as_deref()?;
        if path.is_dir() { Some(path) } else { path.parent() }
    }
}

/// Reads an input: a file path, or `-` for standard input.
pub fn read_input(arg: &str, stdin: &mut dyn Read) -> Result<Input> {
    if arg == "-" {
        let mut bytes = Vec::new();
        stdin.read_to_end(&mut bytes).map_err(|source| Error::Read { path: "<stdin>".into(), source })?;
        let text = decode_owned(arg, bytes)?;
        return Ok(Input { name: "-".into(), path: None, text });
    }
    let path = PathBuf::from(arg);
    if path.is_dir() {
        return Err(directory_error(arg, &path, false));
    }
    let bytes = std::fs::read(&path).map_err(|source| Error::Read { path: arg.to_string(), source })?;
    let text = decode_owned(arg, bytes)?;
    Ok(Input { name: arg.to_string(), path: Some(path), text })
}

fn directory_error(arg: &str, path: &Path, hcl_mode: bool) -> Error {
    if !hcl_mode && hcl::load::has_config(path) {
        Error::Input {
            path: arg.to_string(),
            message: "this is a folder of Terraform configuration".into(),
            help: Some(format!("lint it as a folder (`tfvpc lint {arg}`), or in that folder {SHOW_JSON_HELP}")),
        }
    } else {
        Error::Input {
            path: arg.to_string(),
            message: "this is a folder, not a plan or state file".into(),
            help: Some(format!("give the path of a JSON plan: {SHOW_JSON_HELP}")),
        }
    }
}

/// [`decode`] that keeps the buffer of a plain UTF-8 input (the usual case) instead of copying a
/// plan of tens of megabytes.
pub fn decode_owned(name: &str, mut bytes: Vec<u8>) -> Result<String> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let utf16 = bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || (bytes.len() >= 2 && (bytes[0] == 0) != (bytes[1] == 0));
    if utf16 || bytes.starts_with(b"PK\x03\x04") {
        return decode(name, &bytes);
    }
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) if !text.trim().is_empty() => Ok(text),
        // The error paths (empty input, invalid UTF-8) say the same as `decode`.
        Ok(text) => decode(name, text.as_bytes()),
        Err(e) => decode(name, e.as_bytes()),
    }
}

/// Decodes bytes to text: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM (PowerShell's `>`), and
/// UTF-16 without BOM when the first character is an ASCII `{`. Rejects binary plan files and
/// empty input with advice.
pub fn decode(name: &str, bytes: &[u8]) -> Result<String> {
    let input_error = |message: &str, help: &str| Error::Input {
        path: name.to_string(),
        message: message.to_string(),
        help: Some(help.to_string()),
    };
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(input_error(
            "this is a binary plan file (the output of `terraform plan -out`), not JSON",
            "convert it with `terraform show -json tfplan > plan.json` (in the configuration's folder), then lint plan.json",
        ));
    }
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8(name, rest)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(name, rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(name, rest, u16::from_be_bytes)?
    } else if bytes.len() >= 2 && bytes[1] == 0 && bytes[0] != 0 {
        utf16(name, bytes, u16::from_le_bytes)?
    } else if bytes.len() >= 2 && bytes[0] == 0 && bytes[1] != 0 {
        utf16(name, bytes, u16::from_be_bytes)?
    } else {
        utf8(name, bytes)?
    };
    if text.trim().is_empty() {
        return Err(input_error("the input is empty", SHOW_JSON_HELP));
    }
    Ok(text)
}

fn utf8(name: &str, bytes: &[u8]) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(Error::Input {
            path: name.to_string(),
            message: format!("the input is neither UTF-8 nor UTF-16 text (invalid byte at offset {})", e.valid_up_to()),
            help: Some(format!("tfvpc reads the JSON that `terraform show -json` writes: {SHOW_JSON_HELP}")),
        }),
    }
}

fn utf16(name: &str, bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String> {
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units).collect::<std::result::Result<String, _>>().map_err(|e| Error::Input {
        path: name.to_string(),
        message: format!("invalid UTF-16 text (unpaired surrogate {:#06x})", e.unpaired_surrogate()),
        help: Some("save the plan as UTF-8: `terraform show -json tfplan | Out-File -Encoding utf8 plan.json`".into()),
    })
}

/// Parses decoded text into a document, or explains what the input is instead.
pub fn parse_input(input: &Input) -> Result<Document> {
    let text = input.text.as_str();
    let first = text.trim_start().chars().next();
    if first != Some('{') {
        return Err(not_a_document(input, first));
    }
    if is_event_stream(text) {
        return Err(Error::Input {
            path: input.name.clone(),
            message: "this is the event stream of `terraform plan -json`, not a plan document".into(),
            help: Some(
                "save the plan with `terraform plan -out=tfplan`, then write the document with \
                 `terraform show -json tfplan > plan.json` and lint plan.json"
                    .into(),
            ),
        });
    }
    match parse::parse_document(text) {
        Ok(Parsed::Doc(doc)) => Ok(*doc),
        Ok(Parsed::Unrecognised(why)) => Err(unrecognised(input, &why)),
        Err(e) => Err(json_error(input, &e)),
    }
}

fn not_a_document(input: &Input, first: Option<char>) -> Error {
    let looks_like_hcl = input.text.contains("resource \"") || input.text.contains("provider \"");
    let message = match first {
        Some('[') => "this is a JSON array, not a Terraform plan or state".to_string(),
        _ if looks_like_hcl => {
            "this looks like Terraform configuration (HCL), not a plan; give its folder to lint it without a plan"
                .into()
        }
        _ => "this is not JSON; tfvpc reads Terraform plans and states".to_string(),
    };
    Error::Input { path: input.name.clone(), message, help: Some(SHOW_JSON_HELP.into()) }
}

/// How much of the input is looked at to recognise an event stream. Its first line (the
/// `version` event) is about 150 bytes; a plan is one line of many megabytes, which must not be
/// scanned (three times) just to find out it is not an event stream.
const EVENT_LINE_WINDOW: usize = 4096;

/// `terraform plan -json` writes one JSON object per line with `@level`/`@message` keys.
fn is_event_stream(text: &str) -> bool {
    let text = text.trim_start();
    let head = &text[..floor_boundary(text, EVENT_LINE_WINDOW)];
    let first_line = head.lines().next().unwrap_or("");
    if !(first_line.contains("\"@level\"") || first_line.contains("\"@message\"")) {
        return false;
    }
    serde_json::from_str::<serde_json::Value>(first_line)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("@level") || o.contains_key("@message")))
        .unwrap_or(false)
}

fn unrecognised(input: &Input, why: &Unrecognised) -> Error {
    let (message, help) = match why {
        Unrecognised::NotTerraform => (
            "this JSON is not a Terraform plan or state (no `format_version`, `resource_changes` or `values`)"
                .to_string(),
            SHOW_JSON_HELP.to_string(),
        ),
        Unrecognised::UnsupportedFormat(v) => (
            format!("JSON format_version {v} is not supported; tfvpc reads format versions 0.x and 1.x"),
            "produce the plan with Terraform 0.12 or later (1.x) or OpenTofu, or upgrade tfvpc".to_string(),
        ),
        Unrecognised::UnsupportedStateVersion(v) => (
            format!("terraform.tfstate version {v} is not supported; tfvpc reads version 4 (Terraform 0.12 and later)"),
            "run `terraform show -json > state.json` with a current Terraform and lint state.json".to_string(),
        ),
    };
    Error::Input { path: input.name.clone(), message, help: Some(help) }
}

/// Width of the text shown around a JSON error (plans are one long line).
const WINDOW: usize = 80;

fn json_error(input: &Input, e: &serde_json::Error) -> Error {
    let text = input.text.as_str();
    let line = e.line().max(1);
    let column = e.column().max(1);
    let offset = offset_of(text, line, column);
    let start = floor_boundary(text, offset.saturating_sub(WINDOW / 2));
    let end = ceil_boundary(text, (offset + WINDOW / 2).min(text.len()));
    let window: String =
        text[start..end].chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect();
    let at = floor_boundary(text, offset.min(text.len())) - start;
    let span_len = usize::from(at < window.len());
    let address = enclosing_address(text, offset);
    let mut label = format!("line {line}, column {column}, byte {offset}");
    if let Some(addr) = &address {
        label.push_str(&format!(", in resource {addr}"));
    }
    let message = strip_position(&e.to_string());
    let help = if e.is_eof() {
        Some("the file ends early: was it cut off while copying or uploading? Write it again with `terraform show -json tfplan > plan.json`".to_string())
    } else if e.is_data() {
        Some("the JSON is valid but a value has an unexpected type; was the file edited by hand? Regenerate it with `terraform show -json tfplan > plan.json`".to_string())
    } else {
        Some("the file is not valid JSON; regenerate it with `terraform show -json tfplan > plan.json`".to_string())
    };
    Error::Json(Box::new(JsonError {
        path: input.name.clone(),
        line,
        column,
        offset,
        message,
        window: NamedSource::new(format!("{} (bytes {start}..{end})", input.name), window),
        span: SourceSpan::new(at.into(), span_len),
        label,
        help,
    }))
}

/// serde_json appends " at line L column C"; the diagnostic shows the position already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// The `"address"` of the resource object that encloses a byte offset, if it can be found by
/// looking backwards (cheap, and only done on errors).
fn enclosing_address(text: &str, offset: usize) -> Option<String> {
    let head = &text[..floor_boundary(text, offset)];
    let key = "\"address\":";
    let at = head.rfind(key)?;
    let rest = head[at + key.len()..].trim_start();
    let rest = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    None
}

/// Reads and parses one input.
pub fn load(arg: &str, stdin: &mut dyn Read) -> Result<(Input, Document)> {
    let input = read_input(arg, stdin)?;
    let doc = parse_input(&input)?;
    Ok((input, doc))
}

/// Reads one input: a plan or state file (or `-`), or a folder of Terraform configuration,
/// evaluated in HCL mode with `opts`. Also returns what HCL evaluation has to say (unknown
/// variables, modules not on disk, unsupported functions), empty for plans.
pub fn load_any(arg: &str, stdin: &mut dyn Read, opts: &HclOptions) -> Result<(Input, Document, Vec<String>)> {
    let path = Path::new(arg);
    if arg != "-" && path.is_dir() {
        if !hcl::load::has_config(path) {
            return Err(directory_error(arg, path, true));
        }
        let (doc, notes) = hcl::root::evaluate(path, opts)?;
        let input = Input { name: arg.to_string(), path: Some(path.to_path_buf()), text: String::new() };
        return Ok((input, doc, notes));
    }
    let (input, doc) = load(arg, stdin)?;
    Ok((input, doc, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> Input {
        Input { name: "t.json".into(), path: None, text: text.into() }
    }

    #[test]
    fn decodes_boms_and_utf16() {
        let json = "{\"format_version\":\"1.2\"}";
        let mut le = vec![0xFF, 0xFE];
        le.extend(json.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode("x", &le).unwrap(), json);
        let mut be = vec![0xFE, 0xFF];
        be.extend(json.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode("x", &be).unwrap(), json);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(json.as_bytes());
        assert_eq!(decode("x", &bom).unwrap(), json);
        let no_bom_le: Vec<u8> = json.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode("x", &no_bom_le).unwrap(), json);
        for bytes in [le, be, bom, no_bom_le, json.as_bytes().to_vec()] {
            assert_eq!(decode_owned("x", bytes).unwrap(), json);
        }
        assert!(decode_owned("x", b" \n".to_vec()).unwrap_err().to_string().contains("empty"));
        assert!(decode_owned("x", b"{\xff}".to_vec()).unwrap_err().to_string().contains("UTF-8"));
        assert!(format!("{:?}", decode_owned("x", b"PK\x03\x04x".to_vec()).unwrap_err()).contains("terraform show"));
    }

    #[test]
    fn rejects_empty_and_binary_with_advice() {
        let err = decode("x", b"  \n").unwrap_err();
        assert!(err.to_string().contains("empty"));
        let err = decode("x", b"PK\x03\x04rest").unwrap_err();
        assert!(format!("{err:?}").contains("terraform show -json"));
    }

    #[test]
    fn recognises_event_streams() {
        let text =
            "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.0\",\"type\":\"version\"}\n{\"@level\":\"info\"}\n";
        let err = parse_input(&input(text)).unwrap_err();
        assert!(err.to_string().contains("event stream"), "{err}");
    }

    #[test]
    fn rejects_foreign_json_and_future_formats() {
        let err = parse_input(&input("{\"name\":\"my-package\",\"version\":\"1.0.0\"}")).unwrap_err();
        assert!(err.to_string().contains("not a Terraform plan"), "{err}");
        let err = parse_input(&input("{\"format_version\":\"2.0\",\"resource_changes\":[]}")).unwrap_err();
        assert!(err.to_string().contains("format_version 2.0"), "{err}");
        let err = parse_input(&input("[1,2]")).unwrap_err();
        assert!(err.to_string().contains("array"), "{err}");
    }

    #[test]
    fn json_errors_name_line_column_offset_and_resource() {
        let text = r#"{"format_version":"1.2","resource_changes":[{"address":"aws_vpc.main","mode":"managed","type":"aws_vpc","change":{"actions":["create"],"after":{"cidr_block":"10.0.0.0/16",}}}]}"#;
        let err = parse_input(&input(text)).unwrap_err();
        let Error::Json(e) = &err else { panic!("{err:?}") };
        let JsonError { line, column, offset, label, .. } = e.as_ref();
        assert_eq!(*line, 1);
        assert!(*column > 100);
        assert_eq!(*offset, column - 1);
        assert!(label.contains("aws_vpc.main"), "{label}");
    }

    #[test]
    fn truncated_input_is_an_eof_error() {
        let err = parse_input(&input("{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_vpc.a\""))
            .unwrap_err();
        assert!(matches!(err, Error::Json(_)));
        assert!(format!("{err:?}").contains("cut off"));
    }

    #[test]
    fn parses_a_minimal_plan() {
        let text = r#"{"format_version":"1.2","terraform_version":"1.11.4",
          "planned_values":{"root_module":{"resources":[{"address":"data.aws_vpc.d","mode":"data","type":"aws_vpc","name":"d","values":{"cidr_block":"172.31.0.0/16","id":"vpc-1","tags":{"a":"b"}}}]}},
          "resource_changes":[
            {"address":"aws_vpc.main","mode":"managed","type":"aws_vpc","name":"main","change":{"actions":["create"],"before":null,"after":{"cidr_block":"10.0.0.0/16","tags":null,"instance_tenancy":"default"},"after_unknown":{"id":true,"arn":true},"after_sensitive":{}}},
            {"address":"google_compute_network.n","mode":"managed","type":"google_compute_network","name":"n","change":{"actions":["create"],"after":{}}},
            {"change":{"actions":["delete"],"before":{"id":"nat-1","subnet_id":"subnet-1"},"after":null},"address":"aws_nat_gateway.old","mode":"managed","type":"aws_nat_gateway","name":"old"}
          ],
          "configuration":{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"constant_value":"us-east-1"}}}},
            "root_module":{"resources":[{"address":"aws_vpc.main","mode":"managed","type":"aws_vpc","name":"main","provider_config_key":"aws","expressions":{"cidr_block":{"constant_value":"10.0.0.0/16"},"instance_tenancy":{"constant_value":"default"}}}]}}}"#;
        let doc = parse_input(&input(text)).unwrap();
        assert_eq!(doc.kind, DocKind::Plan);
        assert_eq!(doc.resources.len(), 2);
        let vpc = &doc.resources[0];
        assert_eq!(vpc.addr.as_str(), "aws_vpc.main");
        let after = vpc.after.as_ref().unwrap();
        assert_eq!(after.values.get("cidr_block").unwrap(), "10.0.0.0/16");
        assert!(!after.values.contains_key("instance_tenancy"), "unneeded attributes are skipped");
        let old = &doc.resources[1];
        assert_eq!(old.action, Action::Delete);
        assert!(old.after.is_none());
        assert_eq!(old.before.as_ref().unwrap().values.get("id").unwrap(), "nat-1");
        assert_eq!(doc.other_providers.get("google"), Some(&1));
        assert_eq!(doc.data_after.len(), 1);
        let config = doc.config.unwrap();
        assert_eq!(config.root.resources[0].expressions.len(), 1);
        assert!(config.providers.contains_key("aws"));
    }

    #[test]
    fn parses_raw_tfstate() {
        let text = r#"{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"x","outputs":{},"resources":[
          {"module":"module.net[\"a\"]","mode":"managed","type":"aws_subnet","name":"s","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]",
           "instances":[{"index_key":0,"schema_version":1,"attributes":{"id":"subnet-1","cidr_block":"10.0.1.0/24","arn":"x"},"sensitive_attributes":[]}]}]}"#;
        let doc = parse_input(&input(text)).unwrap();
        assert_eq!(doc.kind, DocKind::RawState);
        assert_eq!(doc.resources[0].addr.as_str(), "module.net[\"a\"].aws_subnet.s[0]");
        let err = parse_input(&input(r#"{"version":3,"resources":[]}"#)).unwrap_err();
        assert!(err.to_string().contains("version 3"));
    }
}
