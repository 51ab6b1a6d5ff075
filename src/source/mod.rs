//! Source locations: the Terraform configuration that produced a plan, read with byte spans, so
//! that a finding points at the line of `.tf` to change.
//!
//! [`Sources::load`] reads the root module's `*.tf` and `*.tf.json` files (not sub-folders) and
//! follows `module` calls: the folder `.terraform/modules/modules.json` gives for the call (what
//! `terraform init` resolved), else a local `source` (`./…`, `../…`). A module whose code is not
//! on disk, or is downloaded code under `.terraform/` (which repositories ignore), is not read:
//! its resources are located at the `module` block, in the user's own code, that instantiates it.
//! [`Sources::locate`] maps an address — `count` and `for_each` instances included, which all
//! share their block — to the block and, when a rule names one, to the attribute that matters;
//! `*_override.tf` files win where they set that attribute
//! (<https://developer.hashicorp.com/terraform/language/files/override>).
//!
//! Inline suppressions are read here too: a `# tfvpc:ignore:<rule> <reason>` comment (or `//`)
//! in the run of comment lines directly above a `resource`, `data` or `module` block, or at the
//! end of its first line; in `*.tf.json`, a `"//"` property of the block's object whose text is
//! `tfvpc:ignore:<rule> <reason>`. [`Sources::ignores_for`] gives the ones that cover an
//! address: those on its resource block (every `count`/`for_each` instance shares it, and
//! override files count) and those on every `module` block it sits in.

mod hcl;
mod json;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::finding::{Location, LocationKind};
use crate::model::{Mode, ResourceAddr};

/// How deep module calls are followed (Terraform has no limit; real trees are a few levels).
const MAX_MODULE_DEPTH: usize = 32;

/// One attribute or nested block of a resource body.
#[derive(Debug, Clone, Default)]
struct Item {
    name: String,
    span: Range<usize>,
    /// Literal values inside (strings, numbers), to pick among repeated nested blocks.
    literals: Vec<String>,
    /// A nested block's own attributes and blocks.
    children: Vec<Item>,
    /// An attribute's expression (empty for a nested block).
    value: Range<usize>,
}

/// One `resource` or `data` block.
#[derive(Debug, Clone)]
struct BlockItem {
    data: bool,
    rtype: String,
    name: String,
    header: Range<usize>,
    items: Vec<Item>,
    ignores: Vec<IgnoreComment>,
}

/// One `module` block.
#[derive(Debug, Clone)]
struct CallItem {
    name: String,
    header: Range<usize>,
    source: Option<String>,
    /// The arguments (module inputs and meta-arguments), with spans.
    args: Vec<Item>,
    ignores: Vec<IgnoreComment>,
}

/// A `tfvpc:ignore` comment as found in one file, before it is tied to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IgnoreComment {
    /// The comment, from its `#`, `//` or `"//"` to its end.
    span: Range<usize>,
    rule: String,
    reason: Option<String>,
}

/// The prefix that makes a comment a suppression.
pub const IGNORE_PREFIX: &str = "tfvpc:ignore";

/// An inline suppression: `# tfvpc:ignore:<rule> <reason>` on a block of the user's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineIgnore {
    /// The rule named after `tfvpc:ignore:` (empty when the comment names none).
    pub rule: String,
    /// The text after the rule name, trimmed; `None` when there is none (the suppression is
    /// then invalid: a reason is required).
    pub reason: Option<String>,
    /// The comment.
    pub location: Location,
    /// The address of the block it sits on, without instance keys: `aws_subnet.private`,
    /// `module.net.aws_subnet.private`, or `module.net` for a `module` block.
    pub block: String,
}

/// What one file declares.
#[derive(Debug, Clone, Default)]
struct FileItems {
    blocks: Vec<BlockItem>,
    calls: Vec<CallItem>,
    /// The attributes of its `locals` blocks.
    locals: Vec<Item>,
}

/// One source file that was read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user.
    pub display: String,
    /// The path relative to the repository root, `/`-separated, when inside it.
    pub uri: Option<String>,
    /// The whole text.
    pub text: Arc<str>,
    /// Byte offsets of line starts.
    line_starts: Vec<usize>,
    is_override: bool,
}

impl SourceFile {
    fn new(display: String, uri: Option<String>, text: String, is_override: bool) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile { display, uri, text: text.into(), line_starts, is_override }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|s| *s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        (line, self.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1)
    }

    fn location(&self, span: &Range<usize>, kind: LocationKind) -> Location {
        let (line, column) = self.line_column(span.start);
        let (end_line, end_column) = self.line_column(span.end.max(span.start));
        Location { file: self.display.clone(), line, column, end_line, end_column, kind, uri: self.uri.clone() }
    }
}

/// Byte offset of a 1-based line and column (in characters) in `text`, for renderers that need
/// spans back from a [`Location`].
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

/// A declaration with the file it is in.
#[derive(Debug, Clone)]
struct InFile<T> {
    file: usize,
    item: T,
    /// Its inline suppressions, as indexes into [`Sources::ignores`].
    ignores: Vec<usize>,
}

/// One module folder: its resource blocks and module calls.
#[derive(Debug, Clone, Default)]
struct ModuleSource {
    /// The folder, as read (module calls with the same source share it).
    folder: PathBuf,
    /// `(data?, type, name)` → base block first, then override blocks in file-name order.
    resources: HashMap<(bool, String, String), Vec<InFile<BlockItem>>>,
    /// Call name → its blocks (base first, then overrides).
    calls: HashMap<String, Vec<InFile<CallItem>>>,
    /// Local value name → its definition (a name is defined once per module).
    locals: HashMap<String, InFile<Item>>,
}

/// The configuration of one Terraform root, read with spans.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Module key (`""` root, `network`, `network.app_subnets`) → what its folder declares.
    modules: HashMap<String, ModuleSource>,
    /// Every inline suppression, in reading order.
    ignores: Vec<InlineIgnore>,
    /// Problems met while reading (a file that does not parse), for warnings.
    pub warnings: Vec<String>,
}

/// `.terraform/modules/modules.json`, written by `terraform init`.
#[derive(Debug, serde::Deserialize)]
struct Manifest {
    #[serde(rename = "Modules", default)]
    modules: Vec<ManifestEntry>,
}

#[derive(Debug, serde::Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Key", default)]
    key: String,
    #[serde(rename = "Dir", default)]
    dir: String,
}

impl Sources {
    /// Reads the configuration rooted at `dir`; `display` is how `dir` is shown to the user (as
    /// given on the command line, or the input's folder). Files are named relative to
    /// `repo_root` in [`Location::uri`]. Never fails: unreadable files become warnings, and a
    /// folder without Terraform files gives empty sources.
    pub fn load(dir: &Path, display: &str, repo_root: Option<&Path>) -> Sources {
        let mut sources = Sources::default();
        let manifest: HashMap<String, String> = std::fs::read_to_string(dir.join(".terraform/modules/modules.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Manifest>(&t).ok())
            .map(|m| m.modules.into_iter().map(|e| (e.key, e.dir)).collect())
            .unwrap_or_default();
        let repo_root = repo_root.and_then(|r| r.canonicalize().ok());
        let mut queue: Vec<(String, PathBuf, String, usize)> =
            vec![(String::new(), dir.to_path_buf(), display.to_string(), 0)];
        while let Some((key, folder, shown, depth)) = queue.pop() {
            if sources.modules.contains_key(&key) {
                continue;
            }
            let module = sources.read_module(&key, &folder, &shown, repo_root.as_deref());
            if depth < MAX_MODULE_DEPTH {
                for (name, calls) in &module.calls {
                    let source = calls.iter().rev().find_map(|c| c.item.source.clone());
                    let child_key = if key.is_empty() { name.clone() } else { format!("{key}.{name}") };
                    let target = match manifest.get(&child_key) {
                        Some(d) => {
                            let rel = Path::new(d);
                            // Downloaded code (registry, git) lives under .terraform/: not the user's.
                            if rel.components().any(|c| c.as_os_str() == ".terraform") {
                                None
                            } else {
                                Some((dir.join(rel), join_display(display, d)))
                            }
                        }
                        None => source
                            .filter(|s| s.starts_with("./") || s.starts_with("../"))
                            .map(|s| (folder.join(&s), join_display(&shown, &s))),
                    };
                    if let Some((path, shown)) = target.filter(|(p, _)| p.is_dir()) {
                        queue.push((child_key, path, shown, depth + 1));
                    }
                }
            }
            sources.modules.insert(key, module);
        }
        sources
    }

    /// True when no Terraform file was found.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file read, in reading order.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Every inline suppression found, in reading order (root module first).
    pub fn ignores(&self) -> &[InlineIgnore] {
        &self.ignores
    }

    fn read_module(&mut self, key: &str, folder: &Path, shown: &str, repo_root: Option<&Path>) -> ModuleSource {
        // `network.app_subnets` → `module.network.module.app_subnets.`
        let prefix: String = key.split('.').filter(|n| !n.is_empty()).map(|n| format!("module.{n}.")).collect();
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".tf") || n.ends_with(".tf.json"))
                    .collect()
            })
            .unwrap_or_default();
        // Base files first, then overrides, each in lexical order (Terraform's merge order).
        names.sort_by_key(|n| (is_override(n), n.clone()));
        let folder_id = folder.canonicalize().unwrap_or_else(|_| folder.to_path_buf());
        let mut module = ModuleSource { folder: folder_id, ..ModuleSource::default() };
        for name in names {
            let path = folder.join(&name);
            let display = join_display(shown, &name);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    self.warnings.push(format!("cannot read {display}: {e}"));
                    continue;
                }
            };
            let parsed = if name.ends_with(".tf.json") { json_items(&text) } else { hcl::items(&text) };
            let items = match parsed {
                Ok(items) => items,
                Err(e) => {
                    self.warnings.push(format!("{display} does not parse, findings in it are not located: {e}"));
                    continue;
                }
            };
            let uri = repo_root.and_then(|root| uri_of(&path, root));
            let file = self.files.len();
            self.files.push(SourceFile::new(display, uri, text, is_override(&name)));
            for block in items.blocks {
                let address =
                    format!("{prefix}{}{}.{}", if block.data { "data." } else { "" }, block.rtype, block.name);
                let ignores = self.add_ignores(file, &block.ignores, &address);
                let key = (block.data, block.rtype.clone(), block.name.clone());
                module.resources.entry(key).or_default().push(InFile { file, item: block, ignores });
            }
            for local in items.locals {
                module.locals.entry(local.name.clone()).or_insert(InFile { file, item: local, ignores: Vec::new() });
            }
            for call in items.calls {
                let address = format!("{prefix}module.{}", call.name);
                let ignores = self.add_ignores(file, &call.ignores, &address);
                module.calls.entry(call.name.clone()).or_default().push(InFile { file, item: call, ignores });
            }
        }
        module
    }

    fn add_ignores(&mut self, file: usize, comments: &[IgnoreComment], block: &str) -> Vec<usize> {
        let mut ids = Vec::new();
        for c in comments {
            ids.push(self.ignores.len());
            self.ignores.push(InlineIgnore {
                rule: c.rule.clone(),
                reason: c.reason.clone(),
                location: self.files[file].location(&c.span, LocationKind::Comment),
                block: block.to_string(),
            });
        }
        ids
    }

    /// The inline suppressions that cover an address (as indexes into [`Sources::ignores`]):
    /// those on its `resource`/`data` blocks (base and override files) and those on every
    /// `module` block on its way, whether or not the module's code was read. An implicit object
    /// (`<parent>:<what>`) is covered like its parent. Empty when the address is not in the
    /// sources.
    pub fn ignores_for(&self, address: &str) -> Vec<usize> {
        let address = address.split_once(':').map_or(address, |(parent, _)| parent);
        let Ok(addr) = ResourceAddr::parse(address) else { return Vec::new() };
        let mut out = Vec::new();
        let Some(mut module) = self.modules.get("") else { return out };
        let mut module_key = String::new();
        for step in addr.module() {
            let Some(calls) = module.calls.get(&step.name) else { return out };
            out.extend(calls.iter().flat_map(|c| c.ignores.iter().copied()));
            module_key = if module_key.is_empty() { step.name.clone() } else { format!("{module_key}.{}", step.name) };
            match self.modules.get(&module_key) {
                Some(m) => module = m,
                None => return out,
            }
        }
        let key = (addr.mode() == Mode::Data, addr.rtype().to_string(), addr.name().to_string());
        if let Some(blocks) = module.resources.get(&key) {
            out.extend(blocks.iter().flat_map(|b| b.ignores.iter().copied()));
        }
        out
    }

    /// Locates an address (a resource instance, or an implicit object `<parent>:<what>`, which is
    /// located at its parent). With `attribute` (`cidr_block`, `route`, `route.nat_gateway_id`)
    /// the attribute or nested block is located when the source sets it; among repeated nested
    /// blocks, the one holding one of the `key` values wins. `None` when the address is not in the
    /// sources.
    pub fn locate(&self, address: &str, attribute: Option<&str>, key: &[String]) -> Option<Location> {
        let address = address.split_once(':').map_or(address, |(parent, _)| parent);
        let addr = ResourceAddr::parse(address).ok()?;
        let mut module = self.modules.get("")?;
        let mut module_key = String::new();
        let mut via: Option<&InFile<CallItem>> = None;
        for step in addr.module() {
            let call = module.calls.get(&step.name).and_then(|c| c.first());
            let Some(call) = call else {
                return via.map(|c| self.call_location(c));
            };
            module_key = if module_key.is_empty() { step.name.clone() } else { format!("{module_key}.{}", step.name) };
            match self.modules.get(&module_key) {
                Some(m) => {
                    module = m;
                    via = Some(call);
                }
                None => return Some(self.call_location(call)),
            }
        }
        let blocks =
            module.resources.get(&(addr.mode() == Mode::Data, addr.rtype().to_string(), addr.name().to_string()));
        let Some(blocks) = blocks.filter(|b| !b.is_empty()) else {
            return via.map(|c| self.call_location(c));
        };
        if let Some(attribute) = attribute
            && let Some((file, item)) = self.set_in(blocks, |b| &b.item.items, attribute, key)
        {
            return Some(self.files[file].location(&item.span, LocationKind::Attribute));
        }
        let primary = blocks.iter().find(|b| !self.files[b.file].is_override).unwrap_or(&blocks[0]);
        Some(self.files[primary.file].location(&primary.item.header, LocationKind::Block))
    }

    /// The item that sets `attribute` among a block's base and override parts: overrides merge
    /// in order, so the last file that sets it wins.
    fn set_in<'a, T>(
        &self,
        parts: &'a [InFile<T>],
        items: impl Fn(&'a InFile<T>) -> &'a [Item],
        attribute: &str,
        key: &[String],
    ) -> Option<(usize, &'a Item)> {
        let overrides = parts.iter().filter(|b| self.files[b.file].is_override).rev();
        let bases = parts.iter().filter(|b| !self.files[b.file].is_override);
        overrides.chain(bases).find_map(|b| find_item(items(b), attribute, key).map(|i| (b.file, i)))
    }

    /// What a module instance path's folder declares, when read.
    fn module_of(&self, steps: &[crate::addr::ModuleStep]) -> Option<&ModuleSource> {
        let key: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        self.modules.get(&key.join("."))
    }

    /// What a configuration module path's folder declares (`module.a.module.b`), when read.
    fn config_module(&self, config_path: &str) -> Option<&ModuleSource> {
        let names: Vec<&str> =
            config_path.split('.').collect::<Vec<_>>().chunks(2).filter_map(|c| c.get(1).copied()).collect();
        self.modules.get(&names.join("."))
    }

    /// The expression text of `attribute` of a resource instance (as [`Sources::locate`] finds
    /// the attribute), when the sources set it in the resource's own block.
    pub fn attribute_expression(&self, address: &str, attribute: &str, key: &[String]) -> Option<&str> {
        let addr = ResourceAddr::parse(address.split_once(':').map_or(address, |(parent, _)| parent)).ok()?;
        let module = self.module_of(addr.module())?;
        let blocks =
            module.resources.get(&(addr.mode() == Mode::Data, addr.rtype().to_string(), addr.name().to_string()))?;
        let (file, item) = self.set_in(blocks, |b| &b.item.items, attribute, key)?;
        self.files[file].text.get(item.value.clone()).filter(|t| !t.is_empty())
    }

    /// The expression text of local value `name` of a configuration module (`""` for the root,
    /// `module.a`), when its code was read.
    pub fn local_expression(&self, config_path: &str, name: &str) -> Option<&str> {
        let module = if config_path.is_empty() { self.modules.get("")? } else { self.config_module(config_path)? };
        let local = module.locals.get(name)?;
        self.files[local.file].text.get(local.item.value.clone()).filter(|t| !t.is_empty())
    }

    /// The folder of a configuration module (`module.a.module.b`; calls with the same source
    /// share it), when its code was read.
    pub fn module_folder(&self, config_path: &str) -> Option<&Path> {
        self.config_module(config_path).map(|m| m.folder.as_path())
    }

    /// The argument `name` of the `module` block of a configuration module path
    /// (`module.a.module.b`: block `b` in `a`'s folder), located (kind
    /// [`LocationKind::ModuleArgument`]), with its expression text; `None` when the call does
    /// not set it or its caller's code was not read.
    pub fn module_argument(&self, config_path: &str, name: &str) -> Option<(Location, &str)> {
        let (parent, last) = match config_path.rsplit_once(".module.") {
            Some((parent, last)) => (parent, last),
            None => ("", config_path.strip_prefix("module.")?),
        };
        let caller = if parent.is_empty() { self.modules.get("")? } else { self.config_module(parent)? };
        let calls = caller.calls.get(last)?;
        let (file, item) = self.set_in(calls, |c| &c.item.args, name, &[])?;
        let text = self.files[file].text.get(item.value.clone())?;
        Some((self.files[file].location(&item.span, LocationKind::ModuleArgument), text))
    }

    fn call_location(&self, call: &InFile<CallItem>) -> Location {
        self.files[call.file].location(&call.item.header, LocationKind::ModuleCall)
    }
}

/// Finds `name` or `block.attr` among items; among repeated nested blocks prefers one whose
/// literals hold a key value.
fn find_item<'a>(items: &'a [Item], path: &str, key: &[String]) -> Option<&'a Item> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let candidates: Vec<&Item> = items
        .iter()
        .filter(|i| i.name == head)
        .filter(|i| rest.is_none_or(|r| find_item(&i.children, r, key).is_some()))
        .collect();
    let best = candidates
        .iter()
        .find(|i| i.literals.iter().any(|l| key.contains(l)))
        .or_else(|| candidates.first())
        .copied()?;
    match rest {
        Some(r) => find_item(&best.children, r, key),
        None => Some(best),
    }
}

fn is_override(file_name: &str) -> bool {
    let stem = file_name.strip_suffix(".tf.json").or_else(|| file_name.strip_suffix(".tf")).unwrap_or(file_name);
    stem == "override" || stem.ends_with("_override")
}

/// `.tf.json`: `{"resource": {"<type>": {"<name>": {…}}}, "data": …, "module": {"<name>": {…}}}`,
/// where any level may also be an array of such objects.
fn json_items(text: &str) -> Result<FileItems, String> {
    let doc = json::parse(text).map_err(|e| format!("invalid JSON at byte {}: {}", e.offset, e.message))?;
    let mut out = FileItems::default();
    for (section, _, value) in doc.members() {
        match section.as_str() {
            "resource" | "data" => {
                for (rtype, _, by_name) in value.members() {
                    for (name, name_span, body) in by_name.members() {
                        out.blocks.push(BlockItem {
                            data: section == "data",
                            rtype: rtype.clone(),
                            name: name.clone(),
                            header: name_span.clone(),
                            items: json_body(body),
                            ignores: json_ignores(body),
                        });
                    }
                }
            }
            "locals" => out.locals.extend(json_body(value)),
            "module" => {
                for (name, name_span, body) in value.members() {
                    let source =
                        body.members().iter().find(|(k, _, _)| k == "source").and_then(|(_, _, v)| match &v.value {
                            json::Json::Str(s) => Some(s.clone()),
                            _ => None,
                        });
                    out.calls.push(CallItem {
                        name: name.clone(),
                        header: name_span.clone(),
                        source,
                        args: json_body(body),
                        ignores: json_ignores(body),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `"//": "tfvpc:ignore:<rule> <reason>"` properties of a block's object (Terraform's JSON
/// syntax keeps `"//"` for comments), in every object when the block is an array of them.
fn json_ignores(body: &json::Spanned) -> Vec<IgnoreComment> {
    let objects: Vec<&json::Spanned> = match &body.value {
        json::Json::Array(items) => items.iter().collect(),
        _ => vec![body],
    };
    let mut out = Vec::new();
    for object in objects {
        let json::Json::Object(members) = &object.value else { continue };
        for (key, key_span, value) in members {
            if let (true, json::Json::Str(text)) = (key == "//", &value.value)
                && let Some((rule, reason)) = parse_ignore(text)
            {
                out.push(IgnoreComment { span: key_span.start..value.span.end, rule, reason });
            }
        }
    }
    out
}

/// Reads a comment's text (after `#` or `//`): `tfvpc:ignore:<rule> <reason>` gives the rule and
/// the reason (`None` when empty); `tfvpc:ignore` without `:<rule>` gives an empty rule. Any
/// other comment gives `None`.
fn parse_ignore(comment: &str) -> Option<(String, Option<String>)> {
    let rest = comment.trim().strip_prefix(IGNORE_PREFIX)?;
    let (rule, reason) = match rest.strip_prefix(':') {
        Some(named) => match named.find(char::is_whitespace) {
            Some(i) => (&named[..i], named[i..].trim()),
            None => (named, ""),
        },
        // `tfvpc:ignorefoo` is not ours; `tfvpc:ignore reason` names no rule.
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => ("", rest.trim()),
        None => return None,
    };
    Some((rule.to_string(), (!reason.is_empty()).then(|| reason.to_string())))
}

/// The `tfvpc:ignore` comments of the block whose header starts at `header.start` and ends at
/// `header.end` in an HCL file: those in the run of `#`/`//` comment lines directly above the
/// header line, and one at the end of the header line.
fn hcl_ignores(text: &str, header: &Range<usize>) -> Vec<IgnoreComment> {
    let mut out = Vec::new();
    let line_start = text.get(..header.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    // Upwards through the comment lines directly above.
    let mut end = line_start;
    while end > 0 {
        let start = text.get(..end - 1).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let line = text.get(start..end - 1).unwrap_or("");
        let trimmed = line.trim_start();
        let marker = start + (line.len() - trimmed.len());
        let body = trimmed.strip_prefix('#').or_else(|| trimmed.strip_prefix("//"));
        let Some(body) = body else { break };
        if let Some((rule, reason)) = parse_ignore(body) {
            out.push(IgnoreComment { span: marker..marker + trimmed.trim_end().len(), rule, reason });
        }
        end = start;
    }
    out.reverse();
    // A comment at the end of the header line, outside strings.
    let line_end = text.get(header.end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| header.end + i);
    let tail = text.get(header.end..line_end).unwrap_or("");
    if let Some(at) = comment_start(tail) {
        let comment = &tail[at..];
        let body = comment.strip_prefix('#').or_else(|| comment.strip_prefix("//")).unwrap_or("");
        if let Some((rule, reason)) = parse_ignore(body) {
            let start = header.end + at;
            out.push(IgnoreComment { span: start..start + comment.trim_end().len(), rule, reason });
        }
    }
    out
}

/// Byte offset of the first `#` or `//` outside a string literal in one line of HCL.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'#' => return Some(i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
    }
    None
}

fn json_body(body: &json::Spanned) -> Vec<Item> {
    let mut out = Vec::new();
    for (name, key_span, value) in body.members() {
        let span = key_span.start..value.span.end;
        // A nested block is an object, or an array of objects (one per block).
        let blocks: Vec<&json::Spanned> = match &value.value {
            json::Json::Object(_) => vec![value],
            json::Json::Array(items)
                if !items.is_empty() && items.iter().all(|i| matches!(i.value, json::Json::Object(_))) =>
            {
                items.iter().collect()
            }
            _ => Vec::new(),
        };
        if blocks.len() > 1 {
            for b in blocks {
                let mut literals = Vec::new();
                b.strings(&mut literals);
                out.push(Item {
                    name: name.clone(),
                    span: b.span.clone(),
                    literals,
                    children: json_body(b),
                    value: 0..0,
                });
            }
        } else {
            let mut literals = Vec::new();
            value.strings(&mut literals);
            let children = blocks.first().map(|b| json_body(b)).unwrap_or_default();
            let value = if children.is_empty() { value.span.clone() } else { 0..0 };
            out.push(Item { name: name.clone(), span, literals, children, value });
        }
    }
    out
}

/// Joins a displayed folder and a relative path, dropping `.` and folding `..` lexically
/// (`a/b` + `../c/x.tf` → `a/c/x.tf`; `""` + `main.tf` → `main.tf`).
pub fn join_display(folder: &str, rel: &str) -> String {
    let joined = if folder.is_empty() { PathBuf::from(rel) } else { Path::new(folder).join(rel) };
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in joined.components() {
        match c {
            Component::RootDir => absolute = true,
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".into());
                }
            }
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
        }
    }
    let text = parts.join(std::path::MAIN_SEPARATOR_STR);
    if absolute { format!("{}{text}", std::path::MAIN_SEPARATOR) } else { text }
}

/// The repository root above `start`: the nearest folder with a `.git` entry (a folder, or the
/// file of a worktree or submodule).
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start.ancestors().find(|dir| dir.join(".git").exists()).map(Path::to_path_buf)
}

/// `path` relative to `root`, `/`-separated; `None` when it is not inside.
pub fn uri_of(path: &Path, root: &Path) -> Option<String> {
    let abs = path.canonicalize().ok()?;
    let rel = abs.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_display_paths_lexically() {
        assert_eq!(join_display("", "main.tf"), "main.tf");
        assert_eq!(join_display(".", "main.tf"), "main.tf");
        assert_eq!(join_display("a/b", "../c/x.tf"), "a/c/x.tf");
        assert_eq!(join_display("a", "./modules/n"), "a/modules/n");
        assert_eq!(join_display("", "../x"), "../x");
        assert_eq!(join_display("/r", "../../x"), "/x");
    }

    #[test]
    fn override_file_names() {
        assert!(is_override("override.tf"));
        assert!(is_override("net_override.tf.json"));
        assert!(!is_override("overrides.tf"));
        assert!(!is_override("main.tf"));
    }

    #[test]
    fn reads_ignore_comments() {
        assert_eq!(
            parse_ignore(" tfvpc:ignore:cross-az-nat one NAT in dev "),
            Some(("cross-az-nat".into(), Some("one NAT in dev".into())))
        );
        assert_eq!(parse_ignore("tfvpc:ignore:cross-az-nat"), Some(("cross-az-nat".into(), None)));
        assert_eq!(parse_ignore("tfvpc:ignore:cross-az-nat   "), Some(("cross-az-nat".into(), None)));
        assert_eq!(parse_ignore("tfvpc:ignore because"), Some((String::new(), Some("because".into()))));
        assert_eq!(parse_ignore("tfvpc:ignored"), None);
        assert_eq!(parse_ignore("expect: cross-az-nat"), None);
    }

    #[test]
    fn finds_ignore_comments_above_and_on_the_header_line() {
        let text = "# tfvpc:ignore:a too far\n\n# tfvpc:ignore:b reason b\n  // plain comment\n// tfvpc:ignore:c\nresource \"x\" \"y\" { # tfvpc:ignore:d reason d\n  k = \"#not\" # tfvpc:ignore:e inside\n}\n";
        let header_start = text.find("resource").unwrap();
        let header_end = text.find("\"y\"").unwrap() + 3;
        let found = hcl_ignores(text, &(header_start..header_end));
        let rules: Vec<&str> = found.iter().map(|c| c.rule.as_str()).collect();
        assert_eq!(rules, ["b", "c", "d"]);
        assert_eq!(&text[found[0].span.clone()], "# tfvpc:ignore:b reason b");
        assert_eq!(found[1].reason, None);
        assert_eq!(&text[found[2].span.clone()], "# tfvpc:ignore:d reason d");
        assert_eq!(comment_start(r#"{ x = "a#b" } // c"#), Some(14));
        assert_eq!(comment_start("{ x = \"a\\\"#b\" }"), None);
    }

    #[test]
    fn offsets_round_trip_with_line_columns() {
        let text = "ab\ncé d\n\nx";
        let f = SourceFile::new("f".into(), None, text.into(), false);
        for offset in [0, 1, 3, 4, 6, 7, 9, 10, 11] {
            let (line, column) = f.line_column(offset);
            assert_eq!(offset_of(text, line, column), offset, "{offset} → {line}:{column}");
        }
    }
}
