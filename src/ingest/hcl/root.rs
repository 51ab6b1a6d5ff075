//! Evaluating a root module into a [`Document`]: module instances (local sources and
//! `.terraform/modules/modules.json`, `count`/`for_each` on calls), variables, locals, outputs,
//! resources and data sources expanded by `count`/`for_each`, all evaluated lazily on demand with
//! cycle detection. The document is what a create plan of the same code gives: every resource
//! instance with `Action::Create` and its catalog attributes after apply (values, `unknown` and
//! `sensitive` markers, the provider's defaults for what the code leaves unset), plus a
//! `Configuration` in the plan's shape that the model's linker reads references from.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use hcl::edit::expr::Expression;
use serde_json::{Map, Value as Json, json};

use super::eval::{EvalError, EvalResult, Resolver, Scope, as_string, pairs};
use super::load::{BlockData, BodyData, ModuleSrc, ResourceBlock, load_module};
use super::schema::{self, Unset};
use super::tfrefs;
use super::value::{Number, Refers, Type, Unknown, Value};
use super::vars::{self, Decl, VarArg};
use crate::addr::{InstanceKey, Mode, ModuleStep, ResourceAddr};
use crate::catalog;
use crate::error::{Error, Result};
use crate::ingest::doc::{
    Action, Attrs, ConfigModule, ConfigResource, Configuration, DocKind, Document, Expressions, ModuleCall, RawResource,
};

/// How deep module calls may nest.
const MAX_MODULE_DEPTH: usize = 32;
/// The most instances one `count`/`for_each` may make.
const MAX_INSTANCES: usize = 10_000;
/// The most resource instances a root may make in all.
const MAX_TOTAL: usize = 200_000;

/// What the command line gives HCL mode.
#[derive(Debug, Clone, Default)]
pub struct HclOptions {
    /// `--var` / `--var-file`, in command-line order.
    pub vars: Vec<VarArg>,
    /// The environment's `TF_VAR_*` (and `TF_WORKSPACE`).
    pub env: Vec<(String, String)>,
    /// The root variables' values a plan records: when given they are the values, exactly
    /// (plan mode with its sources: CI passes `-var`, the tfvars on disk may differ), and the
    /// environment, tfvars files and `vars` are not read.
    pub plan_variables: Option<BTreeMap<String, Json>>,
    /// Only these blocks' instances go into the document (configuration module path without
    /// keys, `data.` prefix for data sources, type, name: `("module.net", "aws_route.x")`);
    /// what they refer to is still evaluated as needed. None: every block.
    pub only_blocks: Option<BTreeSet<(String, String)>>,
    /// Module inputs to evaluate even when nothing evaluated needs them: (configuration module
    /// path without keys, variable), for every instance of that module. Their values go into
    /// [`Document::module_inputs`] with the inputs evaluation needed anyway.
    pub inputs: BTreeSet<(String, String)>,
}

/// One resource block, as evaluated: its instances and `TYPE.NAME` as other expressions see it
/// (the instances' objects, kept once: a reference steps into it).
#[derive(Debug)]
struct Block {
    insts: Instances,
    /// The object of the one instance, a tuple of them by index (`count`), an object of them by
    /// key (`for_each`), or unknown when the instances are undecided. Made when first asked
    /// for ([`World::block_value`]): most blocks are never referred to, and their objects (every
    /// attribute of the provider's schema) would be most of the work.
    value: OnceCell<Rc<Value>>,
}

/// One resource block's instances, as evaluated (their objects are in [`Block::value`]).
#[derive(Debug, Clone)]
enum Instances {
    /// No `count`/`for_each`.
    Single(Box<InstanceVal>),
    /// `count`: instances by index.
    Count(Vec<InstanceVal>),
    /// `for_each`: instances by key.
    ForEach(BTreeMap<String, InstanceVal>),
    /// `count`/`for_each` not known: how many instances and which keys is decided at apply.
    Undecided,
}

#[derive(Debug, Clone)]
struct InstanceVal {
    key: Option<InstanceKey>,
    /// Its address (`module.a.aws_subnet.x[1]`).
    addr: String,
    /// Evaluated arguments and blocks (what the code writes).
    written: BTreeMap<String, Value>,
}

/// A resource block within a module: data?, type, name.
type BlockKey = (bool, String, String);

/// One instance to make: its key, `count.index`, `each.key`/`each.value`.
type InstanceSeed = (Option<InstanceKey>, Option<Value>, Option<(Value, Value)>);

enum Slot<T> {
    Done(T),
}

/// A value kept for every expression that refers to it (copied only where it is changed).
type Shared = Result<Rc<Value>, EvalError>;

/// A module instance.
struct Inst {
    path: Vec<ModuleStep>,
    /// [`module_prefix`] of `path` (`module.a["x"].`; empty for the root).
    prefix: String,
    /// Configuration path without keys (`module.a.module.b`; empty for the root).
    cfg_path: String,
    /// `modules.json` key (`a.b`).
    key: String,
    src: Rc<ModuleSrc>,
    /// Where the inputs come from: the parent instance, the call's body, and the instance's
    /// `count.index` / `each`.
    caller: Option<Caller>,
    /// Root variables' raw values (root only).
    root_values: BTreeMap<String, Value>,
    /// Provider mapping: local name (`aws`, `aws.west`) → root provider key.
    providers: BTreeMap<String, String>,
    vars: RefCell<HashMap<String, Slot<Shared>>>,
    locals: RefCell<HashMap<String, Slot<Shared>>>,
    outputs: RefCell<HashMap<String, Slot<Shared>>>,
    resources: RefCell<HashMap<BlockKey, Slot<Rc<Block>>>>,
    /// `module.NAME` as other expressions see it, kept once every output of every instance
    /// has a value.
    module_values: RefCell<HashMap<String, Rc<Value>>>,
    calls: RefCell<HashMap<String, Slot<Rc<CallInstances>>>>,
    /// The directories of this instance's ancestors (recursion check).
    ancestry: Vec<PathBuf>,
    /// The instance of a module call whose `count`/`for_each` is unknown: it stands for
    /// however many instances apply makes, so its resources are placeholders (see
    /// [`placeholder_attrs`]).
    placeholder: bool,
}

struct Caller {
    parent: Rc<Inst>,
    body: BodyData,
    count_index: Option<Value>,
    each: Option<(Value, Value)>,
}

enum CallInstances {
    /// Instances by key (`None` without count/for_each).
    Known(Vec<(Option<InstanceKey>, Rc<Inst>)>),
    /// count/for_each not known.
    Undecided,
    /// The module's code is not on disk (or failed to load).
    Missing,
}

/// The whole evaluation.
pub(crate) struct World {
    root_dir: PathBuf,
    /// What `file`/`templatefile`/`fileset` may read: the git repository holding the root
    /// module, else the root module's folder.
    sandbox: PathBuf,
    modules_json: BTreeMap<String, String>,
    cache: RefCell<HashMap<PathBuf, Rc<ModuleSrc>>>,
    notes: RefCell<BTreeSet<String>>,
    stack: RefCell<Vec<String>>,
    all: RefCell<Vec<Rc<Inst>>>,
    total: RefCell<usize>,
    workspace: String,
    /// Root provider key → region.
    regions: RefCell<Option<BTreeMap<String, Option<String>>>>,
    fatal: RefCell<Option<String>>,
}

/// Evaluation context: a module instance and the `count.index`/`each` of the block evaluated.
struct Ctx<'w> {
    world: &'w World,
    inst: Rc<Inst>,
    count_index: Option<Value>,
    each: Option<(Value, Value)>,
    /// The address of the resource being evaluated (for `self`).
    self_obj: Option<Value>,
}

impl Resolver for Ctx<'_> {
    fn resolve(&self, root: &str, steps: &[&str]) -> EvalResult {
        self.resolve_shared(root, steps).map(Rc::unwrap_or_clone)
    }

    fn resolve_shared(&self, root: &str, steps: &[&str]) -> Shared {
        let name = steps.first().copied().unwrap_or("");
        let own = |v: EvalResult| v.map(Rc::new);
        match root {
            "var" => self.world.var(&self.inst, name),
            "local" => self.world.local(&self.inst, name),
            "count" if name == "index" => own(self
                .count_index
                .clone()
                .ok_or_else(|| EvalError::new("count.index is only valid in a block with count"))),
            "each" => own(match (&self.each, name) {
                (Some((k, _)), "key") => Ok(k.clone()),
                (Some((_, v)), "value") => Ok(v.clone()),
                _ => Err(EvalError::new(format!("each.{name} is only valid in a block with for_each"))),
            }),
            "path" => own(match name {
                "module" => Ok(Value::string(rel_path(&self.world.root_dir, &self.inst.src.dir))),
                "root" => Ok(Value::string(".")),
                "cwd" => Ok(Value::string(self.world.root_dir.display().to_string())),
                _ => Err(EvalError::new(format!("unknown path.{name}"))),
            }),
            "terraform" if name == "workspace" => own(Ok(Value::string(self.world.workspace.clone()))),
            "self" => own(match &self.self_obj {
                Some(o) => super::eval::get_attr(o.clone(), name),
                None => Err(EvalError::new("self is only valid in provisioners and connections")),
            }),
            "module" => self.world.module_value(&self.inst, name),
            "data" => {
                let t = name;
                let n = steps.get(1).copied().unwrap_or("");
                self.world.resource_value(&self.inst, true, t, n)
            }
            t => self.world.resource_value(&self.inst, false, t, name),
        }
    }

    fn note(&self, message: String) {
        self.world.notes.borrow_mut().insert(message);
    }

    fn read_file(&self, path: &str) -> Option<std::result::Result<String, String>> {
        Some(self.world.sandboxed(path).and_then(|p| {
            let meta = std::fs::metadata(&p).map_err(|e| format!("{path}: {e}"))?;
            if meta.len() > super::eval::MAX_STRING as u64 {
                return Err(format!("{path} is larger than {} bytes", super::eval::MAX_STRING));
            }
            std::fs::read_to_string(&p).map_err(|e| format!("{path}: {e}"))
        }))
    }

    fn list_files(&self, dir: &str, pattern: &str) -> Option<std::result::Result<Vec<String>, String>> {
        Some(self.world.sandboxed(dir).map(|base| {
            let mut out = Vec::new();
            list_under(&base, &base, &mut out, 0);
            out.retain(|rel| glob_match(pattern, rel));
            out.sort();
            out
        }))
    }
}

/// Every regular file under `dir`, relative to `base`, `/`-separated (symlinks not followed).
fn list_under(base: &Path, dir: &Path, out: &mut Vec<String>, depth: usize) {
    if depth > 32 || out.len() > 10_000 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let Ok(t) = e.file_type() else { continue };
        let p = e.path();
        if t.is_dir() {
            list_under(base, &p, out, depth + 1);
        } else if t.is_file()
            && let Ok(rel) = p.strip_prefix(base)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// `fileset`'s glob: `*` within a name, `**` across folders, `?` one character.
fn glob_match(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                let rest = if p.get(2) == Some(&b'/') { &p[3..] } else { &p[2..] };
                (0..=s.len()).any(|i| (i == 0 || s[i - 1] == b'/') && go(rest, &s[i..])) || go(rest, s)
            }
            Some(b'*') => (0..=s.len()).take_while(|i| *i == 0 || s[*i - 1] != b'/').any(|i| go(&p[1..], &s[i..])),
            Some(b'?') => s.first().is_some_and(|c| *c != b'/') && go(&p[1..], &s[1..]),
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..]),
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

/// A reference written as an expression (`aws.west`, `p`) or, in `.tf.json`, as a string.
fn ref_text(e: &Expression) -> String {
    match e {
        Expression::String(s) => s.value().clone(),
        other => other.to_string().trim().to_string(),
    }
}

fn rel_path(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(p) if p.as_os_str().is_empty() => ".".into(),
        Ok(p) => p.display().to_string(),
        Err(_) => dir.display().to_string(),
    }
}

fn key_text(k: &Option<InstanceKey>) -> String {
    match k {
        Some(InstanceKey::Int(i)) => format!("[{i}]"),
        Some(InstanceKey::Str(s)) => format!("[{}]", Json::String(s.clone())),
        None => String::new(),
    }
}

fn module_prefix(path: &[ModuleStep]) -> String {
    let mut s = String::new();
    for step in path {
        s.push_str("module.");
        s.push_str(&step.name);
        s.push_str(&key_text(&step.key));
        s.push('.');
    }
    s
}

/// What an expression names when it is unknown: the whole reference chain it came from.
fn unknown_ref(refers_to: String, ty: Type, not_null: bool) -> Value {
    Value::Unknown(Box::new(Unknown { ty, not_null, refers_to: Some(Refers::Text(refers_to)), cidr_within: None }))
}

/// [`unknown_ref`] of attribute `attr` of the resource instance at `addr`.
fn unknown_attr(addr: &Arc<str>, attr: &'static str, ty: Type, not_null: bool) -> Value {
    Value::Unknown(Box::new(Unknown {
        ty,
        not_null,
        refers_to: Some(Refers::Attr(addr.clone(), attr)),
        cidr_within: None,
    }))
}

impl World {
    /// `path` (relative to the root module, as Terraform reads it from the working directory)
    /// if it lies inside the sandbox once symlinks are resolved.
    fn sandboxed(&self, path: &str) -> std::result::Result<PathBuf, String> {
        let p = self.root_dir.join(path);
        let real = p.canonicalize().map_err(|e| format!("{path}: {e}"))?;
        let root = self.sandbox.canonicalize().map_err(|e| format!("{}: {e}", self.sandbox.display()))?;
        if !real.starts_with(&root) {
            return Err(format!(
                "{path} is outside {} (tfvpc reads files only inside the repository that holds the root module)",
                root.display()
            ));
        }
        Ok(real)
    }

    fn note(&self, m: String) {
        self.notes.borrow_mut().insert(m);
    }

    fn enter(&self, what: String) -> std::result::Result<(), EvalError> {
        let mut st = self.stack.borrow_mut();
        if let Some(i) = st.iter().position(|s| *s == what) {
            let mut chain: Vec<String> = st[i..].to_vec();
            chain.push(what);
            let msg = format!("cycle: {}", chain.join(" → "));
            // Terraform rejects a cycle outright. One through a module's outputs may be an
            // artefact of evaluating a module's outputs together (another output than the one
            // asked for): that one makes the unrelated output unknown instead.
            if !chain.iter().any(|s| s.contains("output.")) {
                let mut fatal = self.fatal.borrow_mut();
                if fatal.is_none() {
                    *fatal = Some(msg.clone());
                }
            }
            return Err(EvalError::new(msg));
        }
        st.push(what);
        Ok(())
    }

    fn leave(&self) {
        self.stack.borrow_mut().pop();
    }

    fn ctx(&self, inst: &Rc<Inst>) -> Ctx<'_> {
        Ctx { world: self, inst: inst.clone(), count_index: None, each: None, self_obj: None }
    }

    fn var(&self, inst: &Rc<Inst>, name: &str) -> Shared {
        if let Some(Slot::Done(v)) = inst.vars.borrow().get(name) {
            return v.clone();
        }
        let what = format!("{}var.{name}", inst.prefix);
        let Some(body) = inst.src.variables.get(name) else {
            return Err(EvalError::new(format!("reference to undeclared input variable {name:?}")));
        };
        self.enter(what.clone())?;
        let out = self.var_inner(inst, name, body, &what).map(Rc::new);
        self.leave();
        inst.vars.borrow_mut().insert(name.to_string(), Slot::Done(out.clone()));
        out
    }

    fn var_inner(&self, inst: &Rc<Inst>, name: &str, body: &BodyData, what: &str) -> EvalResult {
        let d: Decl = vars::decl(body).map_err(|e| EvalError::new(format!("variable {name}: {e}")))?;
        let given = match &inst.caller {
            None => inst.root_values.get(name).cloned(),
            Some(c) => match c.body.attr(name) {
                Some(e) => {
                    let ctx = Ctx {
                        world: self,
                        inst: c.parent.clone(),
                        count_index: c.count_index.clone(),
                        each: c.each.clone(),
                        self_obj: None,
                    };
                    Some(Scope::new(&ctx).eval(e)?)
                }
                None => None,
            },
        };
        match vars::finish(&d, given) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => {
                if inst.caller.is_none() {
                    self.note(format!(
                        "variable {name:?} has no value: what depends on it is unknown (give it with --var {name}=VALUE, a .tfvars file or TF_VAR_{name})"
                    ));
                } else {
                    self.note(format!(
                        "{what} has no value (the module call does not set it): what depends on it is unknown"
                    ));
                }
                Ok(unknown_ref(what.to_string(), d.constraint.ty(), false).marked_if(d.sensitive))
            }
            Err(e) => Err(EvalError::new(format!("variable {name}: {e}"))),
        }
    }

    fn local(&self, inst: &Rc<Inst>, name: &str) -> Shared {
        if let Some(Slot::Done(v)) = inst.locals.borrow().get(name) {
            return v.clone();
        }
        let Some(attr) = inst.src.locals.get(name) else {
            return Err(EvalError::new(format!("reference to undeclared local value {name:?}")));
        };
        let what = format!("{}local.{name}", inst.prefix);
        self.enter(what)?;
        let out = Scope::new(&self.ctx(inst)).eval(&attr.expr).map(Rc::new);
        self.leave();
        // A cycle is reported once, where it is detected; the value is an error for everyone.
        inst.locals.borrow_mut().insert(name.to_string(), Slot::Done(out.clone()));
        out
    }

    fn output(&self, inst: &Rc<Inst>, name: &str) -> Shared {
        if let Some(Slot::Done(v)) = inst.outputs.borrow().get(name) {
            return v.clone();
        }
        let Some(body) = inst.src.outputs.get(name) else {
            return Err(EvalError::new(format!("module has no output {name:?}")));
        };
        let what = format!("{}output.{name}", inst.prefix);
        self.enter(what)?;
        let out = match body.attr("value") {
            Some(e) => Scope::new(&self.ctx(inst)).eval(e),
            None => Ok(Value::Null),
        };
        self.leave();
        let sensitive =
            body.attr("sensitive").and_then(|e| vars::constant(e).ok()).is_some_and(|v| v == Value::Bool(true));
        let out = out.map(|v| Rc::new(v.marked_if(sensitive)));
        inst.outputs.borrow_mut().insert(name.to_string(), Slot::Done(out.clone()));
        out
    }

    /// `module.NAME`: an object of outputs per instance.
    fn module_value(&self, inst: &Rc<Inst>, name: &str) -> Shared {
        if let Some(v) = inst.module_values.borrow().get(name) {
            return Ok(v.clone());
        }
        let calls = self.calls(inst, name)?;
        let prefix = format!("{}module.{name}", inst.prefix);
        match calls.as_ref() {
            CallInstances::Missing => Ok(Rc::new(unknown_ref(prefix, Type::Dynamic, false))),
            CallInstances::Undecided => Ok(Rc::new(unknown_ref(prefix, Type::Dynamic, false))),
            CallInstances::Known(list) => {
                let mut complete = true;
                let objs: Vec<(Option<InstanceKey>, Value)> = list
                    .iter()
                    .map(|(k, child)| {
                        let (obj, all) = self.outputs_object(child);
                        complete &= all;
                        (k.clone(), obj)
                    })
                    .collect();
                let counted = inst.src.calls.get(name).is_some_and(|b| b.attrs.contains_key("count"));
                let each = inst.src.calls.get(name).is_some_and(|b| b.attrs.contains_key("for_each"));
                let v = Rc::new(if counted {
                    Value::Tuple(objs.into_iter().map(|(_, v)| v).collect())
                } else if each {
                    Value::Object(
                        objs.into_iter()
                            .map(|(k, v)| {
                                (
                                    match k {
                                        Some(InstanceKey::Str(s)) => s,
                                        Some(InstanceKey::Int(i)) => i.to_string(),
                                        None => String::new(),
                                    },
                                    v,
                                )
                            })
                            .collect(),
                    )
                } else {
                    objs.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null)
                });
                // Kept only when no output stood in as unknown: one caught in a cycle now may
                // have its value when asked again.
                if complete {
                    inst.module_values.borrow_mut().insert(name.to_string(), v.clone());
                }
                Ok(v)
            }
        }
    }

    /// The object of a module instance's outputs, and whether every output has its value.
    fn outputs_object(&self, child: &Rc<Inst>) -> (Value, bool) {
        let mut m = BTreeMap::new();
        let mut all = true;
        for name in child.src.outputs.keys() {
            // An output that cannot be evaluated here (a cycle through an unrelated output, an
            // error) is unknown: the one that is asked for reports its own error.
            let v = match self.output(child, name) {
                Ok(v) => Rc::unwrap_or_clone(v),
                Err(e) => {
                    all = false;
                    if !e.message.starts_with("cycle") {
                        self.note(format!("{}output {name}: {e}; its value is unknown", child.prefix));
                    }
                    unknown_ref(format!("{}{name}", child.prefix), Type::Dynamic, false)
                }
            };
            m.insert(name.clone(), v);
        }
        (Value::Object(m), all)
    }

    /// The instances of module call `name` in `inst` (created on first use).
    fn calls(&self, inst: &Rc<Inst>, name: &str) -> std::result::Result<Rc<CallInstances>, EvalError> {
        if let Some(Slot::Done(c)) = inst.calls.borrow().get(name) {
            return Ok(c.clone());
        }
        let Some(body) = inst.src.calls.get(name) else {
            return Err(EvalError::new(format!("reference to undeclared module {name:?}")));
        };
        let what = format!("{}module.{name}", inst.prefix);
        self.enter(what.clone())?;
        let out = self.make_calls(inst, name, body, &what);
        self.leave();
        let out = Rc::new(out?);
        inst.calls.borrow_mut().insert(name.to_string(), Slot::Done(out.clone()));
        Ok(out)
    }

    fn make_calls(
        &self,
        inst: &Rc<Inst>,
        name: &str,
        body: &BodyData,
        what: &str,
    ) -> std::result::Result<CallInstances, EvalError> {
        let key = if inst.key.is_empty() { name.to_string() } else { format!("{}.{name}", inst.key) };
        let source =
            body.attr("source").and_then(|e| vars::constant(e).ok()).and_then(|v| as_string(&v)).unwrap_or_default();
        let dir = match self.module_dir(&inst.src.dir, &key, &source) {
            Some(d) => d,
            None => {
                self.note(format!(
                    "{what}: the module's code (source {source:?}) is not on disk: run `terraform init` in {} to download it; what depends on it is unknown",
                    self.root_dir.display()
                ));
                return Ok(CallInstances::Missing);
            }
        };
        if inst.ancestry.contains(&dir) {
            let mut chain: Vec<String> = inst.ancestry.iter().map(|d| rel_path(&self.root_dir, d)).collect();
            chain.push(rel_path(&self.root_dir, &dir));
            let msg = format!("{what}: recursive module call: {}", chain.join(" → "));
            *self.fatal.borrow_mut() = Some(msg.clone());
            return Err(EvalError::new(msg));
        }
        if inst.path.len() + 1 > MAX_MODULE_DEPTH {
            let msg = format!("{what}: modules nest deeper than {MAX_MODULE_DEPTH} levels");
            *self.fatal.borrow_mut() = Some(msg.clone());
            return Err(EvalError::new(msg));
        }
        let src = match self.load(&dir) {
            Ok(s) => s,
            Err(e) => {
                self.note(format!("{what}: cannot load {}: {e}", dir.display()));
                return Ok(CallInstances::Missing);
            }
        };
        if src.files.is_empty() {
            // Terraform reads an empty folder as an empty module; usually a git submodule that
            // is not checked out, or a module that was never downloaded.
            self.note(format!(
                "{what}: {} holds no Terraform files, so the module creates nothing here (a git submodule not checked out? `git submodule update --init`)",
                rel_path(&self.root_dir, &dir)
            ));
        }
        let ctx = self.ctx(inst);
        let (keys, undecided) = match expansion(&ctx, body, what)? {
            Expansion::Undecided(why) => {
                self.note(format!("{what}: {why}; the module's resources are placeholders of which nothing is known"));
                let key_unknown = Value::unknown(Type::Dynamic);
                (vec![(None, Some(key_unknown.clone()), Some((key_unknown.clone(), key_unknown)))], true)
            }
            Expansion::Keys(k) => (k, false),
        };
        let mut providers = BTreeMap::new();
        for (local, root) in &inst.providers {
            providers.insert(local.clone(), root.clone());
        }
        if let Some(Expression::Object(o)) = body.attr("providers") {
            for (k, v) in o.iter() {
                let local = match k {
                    hcl::edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl::edit::expr::ObjectKey::Expression(e) => ref_text(e),
                };
                let target = ref_text(v.expr());
                let root = inst.providers.get(&target).cloned().unwrap_or(target);
                providers.insert(local, root);
            }
        }
        let mut ancestry = inst.ancestry.clone();
        ancestry.push(inst.src.dir.clone());
        let mut list = Vec::new();
        for (k, count_index, each) in keys {
            let mut path = inst.path.clone();
            path.push(ModuleStep { name: name.to_string(), key: k.clone() });
            let child = Rc::new(Inst {
                prefix: module_prefix(&path),
                path,
                cfg_path: if inst.cfg_path.is_empty() {
                    format!("module.{name}")
                } else {
                    format!("{}.module.{name}", inst.cfg_path)
                },
                key: key.clone(),
                src: src.clone(),
                caller: Some(Caller { parent: inst.clone(), body: body.clone(), count_index, each }),
                root_values: BTreeMap::new(),
                providers: providers.clone(),
                vars: RefCell::default(),
                locals: RefCell::default(),
                outputs: RefCell::default(),
                resources: RefCell::default(),
                module_values: RefCell::default(),
                calls: RefCell::default(),
                ancestry: ancestry.clone(),
                placeholder: inst.placeholder || undecided,
            });
            self.all.borrow_mut().push(child.clone());
            list.push((k, child));
        }
        if undecided {
            return Ok(CallInstances::Undecided);
        }
        Ok(CallInstances::Known(list))
    }

    fn module_dir(&self, from: &Path, key: &str, source: &str) -> Option<PathBuf> {
        if let Some(d) = self.modules_json.get(key) {
            let p = self.root_dir.join(d);
            if p.is_dir() {
                return Some(p);
            }
        }
        if source.starts_with("./") || source.starts_with("../") {
            let p = from.join(source);
            if p.is_dir() {
                return Some(normalize(&p));
            }
        }
        None
    }

    fn load(&self, dir: &Path) -> Result<Rc<ModuleSrc>> {
        if let Some(m) = self.cache.borrow().get(dir) {
            return Ok(m.clone());
        }
        let m = Rc::new(load_module(dir)?);
        self.cache.borrow_mut().insert(dir.to_path_buf(), m.clone());
        Ok(m)
    }

    /// `TYPE.NAME` / `data.TYPE.NAME` as other expressions see it.
    fn resource_value(&self, inst: &Rc<Inst>, data: bool, rtype: &str, name: &str) -> Shared {
        let Some(block) = inst.src.resources.iter().find(|r| r.data == data && r.rtype == rtype && r.name == name)
        else {
            let kind = if data { "data source" } else { "resource" };
            let addr = if data { format!("data.{rtype}.{name}") } else { format!("{rtype}.{name}") };
            return Err(EvalError::new(format!("reference to undeclared {kind} {addr}")));
        };
        let b = self.instances(inst, block)?;
        Ok(self.block_value(inst, block, &b))
    }

    /// [`Block::value`], made on first use.
    fn block_value(&self, inst: &Inst, block: &ResourceBlock, b: &Block) -> Rc<Value> {
        b.value
            .get_or_init(|| {
                let object = |v: &InstanceVal| instance_object(self, inst, block, &v.addr, v.written.clone());
                Rc::new(match &b.insts {
                    Instances::Single(v) => object(v),
                    Instances::Count(list) => Value::Tuple(list.iter().map(object).collect()),
                    Instances::ForEach(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), object(v))).collect()),
                    // Set when the block is expanded.
                    Instances::Undecided => Value::Null,
                })
            })
            .clone()
    }

    fn instances(&self, inst: &Rc<Inst>, block: &ResourceBlock) -> std::result::Result<Rc<Block>, EvalError> {
        let k = (block.data, block.rtype.clone(), block.name.clone());
        if let Some(Slot::Done(v)) = inst.resources.borrow().get(&k) {
            return Ok(v.clone());
        }
        let base = format!("{}{}{}.{}", inst.prefix, if block.data { "data." } else { "" }, block.rtype, block.name);
        self.enter(base.clone())?;
        let out = self.expand_resource(inst, block, &base);
        self.leave();
        let out = Rc::new(out?);
        inst.resources.borrow_mut().insert(k, Slot::Done(out.clone()));
        Ok(out)
    }

    fn expand_resource(
        &self,
        inst: &Rc<Inst>,
        block: &ResourceBlock,
        base: &str,
    ) -> std::result::Result<Block, EvalError> {
        let ctx = self.ctx(inst);
        let keys = match expansion(&ctx, &block.body, base)? {
            Expansion::Undecided(why) => {
                self.note(format!("{base}: {why}"));
                let value = OnceCell::from(Rc::new(unknown_ref(base.to_string(), Type::Dynamic, false)));
                return Ok(Block { insts: Instances::Undecided, value });
            }
            Expansion::Keys(k) => k,
        };
        {
            let mut total = self.total.borrow_mut();
            *total += keys.len();
            if *total > MAX_TOTAL {
                let msg = format!("{base}: more than {MAX_TOTAL} resource instances in all");
                *self.fatal.borrow_mut() = Some(msg.clone());
                return Err(EvalError::new(msg));
            }
        }
        let counted = block.body.attrs.contains_key("count");
        let each = block.body.attrs.contains_key("for_each");
        let mut vals = Vec::new();
        for (k, count_index, each_kv) in keys {
            let addr = format!("{base}{}", key_text(&k));
            let c = Ctx { world: self, inst: inst.clone(), count_index, each: each_kv, self_obj: None };
            let written = eval_body(&c, &block.body, &addr, Some((block.data, &block.rtype)));
            vals.push(InstanceVal { key: k, addr, written });
        }
        let insts = if counted {
            Instances::Count(vals)
        } else if each {
            // By key (a key met twice keeps its last instance, as a map does).
            Instances::ForEach(
                vals.into_iter()
                    .map(|v| {
                        let k = match &v.key {
                            Some(InstanceKey::Str(s)) => s.clone(),
                            Some(InstanceKey::Int(i)) => i.to_string(),
                            None => String::new(),
                        };
                        (k, v)
                    })
                    .collect(),
            )
        } else {
            match vals.into_iter().next() {
                Some(v) => Instances::Single(Box::new(v)),
                None => Instances::Count(Vec::new()),
            }
        };
        Ok(Block { insts, value: OnceCell::new() })
    }

    fn region(&self, inst: &Inst, provider_attr: Option<&Expression>) -> Option<String> {
        let local = provider_attr.map(ref_text).unwrap_or_else(|| "aws".into());
        let root_key = inst.providers.get(&local).cloned().unwrap_or(local);
        self.regions.borrow().as_ref().and_then(|r| r.get(&root_key).cloned().flatten())
    }
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            c => out.push(c.as_os_str()),
        }
    }
    out
}

enum Expansion {
    /// (key, count.index, each) per instance.
    Keys(Vec<InstanceSeed>),
    Undecided(String),
}

/// What decides an unknown: the variables (or other references) of the expression.
fn deciders(e: &Expression) -> String {
    let refs = tfrefs::references(e);
    let vars: Vec<&String> =
        refs.iter().filter(|r| r.starts_with("var.") || r.starts_with("local.") || r.starts_with("data.")).collect();
    let pick: Vec<&String> = if vars.is_empty() { refs.iter().take(3).collect() } else { vars };
    pick.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

fn expansion(ctx: &Ctx<'_>, body: &BodyData, what: &str) -> std::result::Result<Expansion, EvalError> {
    if let Some(e) = body.attr("count") {
        let v = Scope::new(ctx).eval(e).map_err(|err| EvalError::new(format!("{what}: count: {err}")))?;
        let (v, _) = v.unmarked();
        return match v {
            Value::Unknown(_) => Ok(Expansion::Undecided(format!(
                "count is not known before apply (it depends on {}); its instances are undecided",
                deciders(e)
            ))),
            Value::Number(n) => {
                let n = n
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| EvalError::new(format!("{what}: count must be a whole number ≥ 0")))?;
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                if n > MAX_INSTANCES {
                    return Err(EvalError::new(format!(
                        "{what}: count = {n} is more than tfvpc expands ({MAX_INSTANCES})"
                    )));
                }
                Ok(Expansion::Keys(
                    (0..n)
                        .map(|i| {
                            let i = i64::try_from(i).unwrap_or(0);
                            (Some(InstanceKey::Int(i)), Some(Value::int(i)), None)
                        })
                        .collect(),
                ))
            }
            Value::String(s) => match Number::parse(&s).and_then(Number::as_i64) {
                Some(n) if (0..=i64::try_from(MAX_INSTANCES).unwrap_or(0)).contains(&n) => Ok(Expansion::Keys(
                    (0..n).map(|i| (Some(InstanceKey::Int(i)), Some(Value::int(i)), None)).collect(),
                )),
                _ => Err(EvalError::new(format!("{what}: count must be a number"))),
            },
            Value::Null => Err(EvalError::new(format!("{what}: count must not be null"))),
            other => Err(EvalError::new(format!("{what}: count must be a number, not {}", other.ty().friendly()))),
        };
    }
    if let Some(e) = body.attr("for_each") {
        let v = Scope::new(ctx).eval(e).map_err(|err| EvalError::new(format!("{what}: for_each: {err}")))?;
        let (v, _) = v.unmarked();
        let undecided = || {
            Expansion::Undecided(format!(
                "for_each is not known before apply (it depends on {}); its instances are undecided",
                deciders(e)
            ))
        };
        return match &v {
            Value::Unknown(_) => Ok(undecided()),
            Value::Map(m) | Value::Object(m) => {
                if m.len() > MAX_INSTANCES {
                    return Err(EvalError::new(format!(
                        "{what}: for_each over {} elements is more than tfvpc expands ({MAX_INSTANCES})",
                        m.len()
                    )));
                }
                Ok(Expansion::Keys(
                    m.iter()
                        .map(|(k, x)| {
                            (Some(InstanceKey::Str(k.clone())), None, Some((Value::string(k.clone()), x.clone())))
                        })
                        .collect(),
                ))
            }
            Value::Set(items) | Value::List(items) | Value::Tuple(items) => {
                if matches!(v, Value::List(_) | Value::Tuple(_)) && !items.is_empty() {
                    return Err(EvalError::new(format!(
                        "{what}: for_each needs a map or a set of strings, not a list (wrap it in toset())"
                    )));
                }
                if items.iter().any(Value::has_unknown) {
                    return Ok(undecided());
                }
                let mut keys = Vec::new();
                for x in items {
                    let s = as_string(x)
                        .ok_or_else(|| EvalError::new(format!("{what}: for_each set elements must be strings")))?;
                    keys.push((
                        Some(InstanceKey::Str(s.clone())),
                        None,
                        Some((Value::string(s.clone()), Value::string(s))),
                    ));
                }
                Ok(Expansion::Keys(keys))
            }
            Value::Null => Err(EvalError::new(format!("{what}: for_each must not be null"))),
            other => Err(EvalError::new(format!("{what}: for_each needs a map or set, not {}", other.ty().friendly()))),
        };
    }
    Ok(Expansion::Keys(vec![(None, None, None)]))
}

const META: &[&str] = &["count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"];

/// Evaluates a resource body: arguments, nested blocks (lists of objects), `dynamic` blocks.
/// An argument that fails is unknown, with a note.
fn eval_body(ctx: &Ctx<'_>, body: &BodyData, addr: &str, rtype: Option<(bool, &str)>) -> BTreeMap<String, Value> {
    let scope = Scope::new(ctx);
    eval_body_in(&scope, ctx, body, addr, rtype)
}

fn eval_body_in(
    scope: &Scope<'_>,
    ctx: &Ctx<'_>,
    body: &BodyData,
    addr: &str,
    rtype: Option<(bool, &str)>,
) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (k, a) in &body.attrs {
        if rtype.is_some() && META.contains(&k.as_str()) {
            continue;
        }
        let v = scope.eval(&a.expr).unwrap_or_else(|e| {
            if !e.message.starts_with("cycle") || rtype.is_some() {
                ctx.world.note(format!("{addr}.{k}: {e}; the value is unknown"));
            }
            Value::unknown(Type::Dynamic)
        });
        out.insert(k.clone(), v);
    }
    let mut blocks: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut undecided: BTreeSet<String> = BTreeSet::new();
    for b in &body.blocks {
        if rtype.is_some() && META.contains(&b.ident.as_str()) {
            continue;
        }
        if b.ident == "dynamic" {
            let Some(label) = b.labels.first() else { continue };
            match dynamic_blocks(scope, ctx, b, label, addr) {
                Some(list) => blocks.entry(label.clone()).or_default().extend(list),
                None => {
                    undecided.insert(label.clone());
                }
            }
            continue;
        }
        let inner = eval_body_in(scope, ctx, &b.body, &format!("{addr}.{}", b.ident), None);
        blocks.entry(b.ident.clone()).or_default().push(Value::Object(inner));
    }
    for (k, list) in blocks {
        out.insert(k, Value::List(list));
    }
    for k in undecided {
        out.insert(k, Value::unknown(Type::Dynamic));
    }
    out
}

/// A `dynamic` block's generated blocks; `None` when its `for_each` is unknown.
fn dynamic_blocks(scope: &Scope<'_>, ctx: &Ctx<'_>, b: &BlockData, label: &str, addr: &str) -> Option<Vec<Value>> {
    let fe = b.body.attr("for_each")?;
    let coll = match scope.eval(fe) {
        Ok(v) => v.unmarked().0,
        Err(e) => {
            ctx.world.note(format!("{addr}: dynamic \"{label}\": for_each: {e}; the blocks are unknown"));
            return None;
        }
    };
    if matches!(coll, Value::Unknown(_)) {
        return None;
    }
    let iterator = b.body.attr("iterator").map(ref_text).unwrap_or_else(|| label.to_string());
    let content = b.body.blocks_named("content").next()?;
    let items = pairs(&coll).ok()?;
    let mut out = Vec::new();
    for (k, v) in items {
        let mut obj = BTreeMap::new();
        obj.insert("key".to_string(), k);
        obj.insert("value".to_string(), v);
        let mut locals = scope.locals.clone();
        locals.push((iterator.clone(), Value::Object(obj)));
        let inner_scope = Scope { resolver: scope.resolver, locals, depth: scope.depth + 1 };
        out.push(Value::Object(eval_body_in(&inner_scope, ctx, &content.body, &format!("{addr}.{label}"), None)));
    }
    Some(out)
}

/// The object a resource instance is to other expressions: what the code writes, the provider's
/// defaults, and computed attributes unknown (each remembering its instance: `aws_nat_gateway.this[1].id`).
fn instance_object(
    w: &World,
    inst: &Inst,
    block: &ResourceBlock,
    addr: &str,
    written: BTreeMap<String, Value>,
) -> Value {
    let rtype = block.rtype.as_str();
    if block.data {
        match rtype {
            "aws_region" => {
                let region = written
                    .get("name")
                    .or_else(|| written.get("region"))
                    .and_then(as_string)
                    .or_else(|| w.region(inst, block.body.attr("provider")));
                return match region {
                    Some(r) => Value::Object(BTreeMap::from([
                        ("id".to_string(), Value::string(r.clone())),
                        ("name".to_string(), Value::string(r.clone())),
                        ("region".to_string(), Value::string(r.clone())),
                        ("endpoint".to_string(), Value::string(format!("ec2.{r}.amazonaws.com"))),
                        ("description".to_string(), unknown_ref(format!("{addr}.description"), Type::String, true)),
                    ])),
                    None => unknown_ref(addr.to_string(), Type::Dynamic, true),
                };
            }
            "aws_availability_zones" => {
                return match w.region(inst, block.body.attr("provider")) {
                    Some(r) => availability_zones(&r, addr),
                    None => unknown_ref(addr.to_string(), Type::Dynamic, true),
                };
            }
            _ => {
                // Other data sources are read from AWS at plan time: unknown here. Each
                // attribute still names what it comes from (`data.aws_vpc.shared.id`).
                return unknown_ref(addr.to_string(), Type::Dynamic, true);
            }
        }
    }
    if catalog::provider_of_type(rtype) != "aws" {
        // Another provider's resource (`random_string`, `tls_private_key`): its schema is not
        // known here, so what other expressions read of it (`.result`) is unknown, never an
        // error.
        return unknown_ref(addr.to_string(), Type::Dynamic, true);
    }
    let mut m = written;
    if let Some((computed, other)) = schema::attr_names(rtype) {
        // The schema's computed and other attribute names are disjoint.
        let shared: Arc<str> = Arc::from(addr);
        let mut fills: Vec<(String, Value)> = Vec::with_capacity(computed.len() + other.len());
        for &k in computed {
            // A computed attribute set to null is the provider's to choose, as if unset.
            if m.get(k).is_none_or(|v| *v == Value::Null) {
                let v = match schema::unset(false, rtype, k) {
                    Unset::Default(d) => Value::from_json(d),
                    _ => unknown_attr(&shared, k, Type::Dynamic, k == "id" || k == "arn"),
                };
                fills.push((k.to_string(), v));
            }
        }
        for &k in other {
            if !m.contains_key(k) {
                let v = match schema::unset(false, rtype, k) {
                    Unset::Default(d) => Value::from_json(d),
                    Unset::Blocks { single: false } => Value::List(Vec::new()),
                    _ => Value::Null,
                };
                fills.push((k.to_string(), v));
            }
        }
        if !fills.is_empty() {
            // Built at once from the sorted pairs; of two with one name (a computed attribute
            // written as null) the later, the fill, stays.
            let mut all: Vec<(String, Value)> = m.into_iter().collect();
            all.append(&mut fills);
            m = all.into_iter().collect();
        }
    } else {
        m.entry("id".to_string()).or_insert_with(|| unknown_ref(format!("{addr}.id"), Type::String, true));
        m.entry("arn".to_string()).or_insert_with(|| unknown_ref(format!("{addr}.arn"), Type::String, true));
    }
    Value::Object(m)
}

/// `data.aws_availability_zones`: symbolic but distinct zone names of the region (`REGIONa`, ...).
fn availability_zones(region: &str, addr: &str) -> Value {
    let letters: &[&str] = match region {
        "us-east-1" => &["a", "b", "c", "d", "e", "f"],
        "us-west-1" => &["a", "c"],
        _ => &["a", "b", "c"],
    };
    let short: String = region.split('-').map(|p| p.chars().next().unwrap_or('x')).collect::<String>()
        + region.rsplit('-').next().unwrap_or("1");
    let names: Vec<Value> = letters.iter().map(|l| Value::string(format!("{region}{l}"))).collect();
    let ids: Vec<Value> = (1..=letters.len()).map(|i| Value::string(format!("{short}-az{i}"))).collect();
    Value::Object(BTreeMap::from([
        ("id".to_string(), Value::string(region.to_string())),
        ("names".to_string(), Value::List(names)),
        ("zone_ids".to_string(), Value::List(ids)),
        ("group_names".to_string(), unknown_ref(format!("{addr}.group_names"), Type::Dynamic, true)),
    ]))
}

// ---- the document ----

/// Evaluates the root module in `dir`.
pub(crate) fn evaluate(dir: &Path, opts: &HclOptions) -> Result<(Document, Vec<String>)> {
    let dir = normalize(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    let err = |message: String| Error::Input { path: dir.display().to_string(), message, help: None };
    let src = Rc::new(load_module(&dir)?);
    let modules_json = read_modules_json(&dir);
    let workspace =
        opts.env.iter().find(|(k, _)| k == "TF_WORKSPACE").map_or_else(|| "default".to_string(), |(_, v)| v.clone());
    let (raw, raw_notes) = match &opts.plan_variables {
        Some(given) => {
            (given.iter().map(|(k, v)| (k.clone(), vars::Raw::Value(Value::from_json(v)))).collect(), Vec::new())
        }
        None => vars::root_raw(&dir, &opts.vars, &opts.env).map_err(err)?,
    };
    let mut root_values = BTreeMap::new();
    let mut notes: Vec<String> = raw_notes;
    for (name, r) in raw {
        let Some(body) = src.variables.get(&name) else {
            notes.push(format!("a value is given for variable {name:?}, which the root module does not declare"));
            continue;
        };
        let d = vars::decl(body).map_err(|e| err(format!("variable {name}: {e}")))?;
        let v = vars::interpret(r, &d.constraint).map_err(|e| err(format!("variable {name}: {e}")))?;
        root_values.insert(name, v);
    }
    let sandbox = dir.ancestors().find(|d| d.join(".git").exists()).map_or_else(|| dir.clone(), Path::to_path_buf);
    let world = World {
        root_dir: dir.clone(),
        sandbox,
        modules_json,
        cache: RefCell::default(),
        notes: RefCell::default(),
        stack: RefCell::default(),
        all: RefCell::default(),
        total: RefCell::new(0),
        workspace,
        regions: RefCell::new(None),
        fatal: RefCell::new(None),
    };
    world.cache.borrow_mut().insert(dir.clone(), src.clone());
    let root = Rc::new(Inst {
        path: Vec::new(),
        prefix: String::new(),
        cfg_path: String::new(),
        key: String::new(),
        src: src.clone(),
        caller: None,
        root_values,
        providers: src
            .providers
            .iter()
            .map(|(k, _)| (k.clone(), k.clone()))
            .chain([("aws".to_string(), "aws".to_string())])
            .collect(),
        vars: RefCell::default(),
        locals: RefCell::default(),
        outputs: RefCell::default(),
        resources: RefCell::default(),
        module_values: RefCell::default(),
        calls: RefCell::default(),
        ancestry: Vec::new(),
        placeholder: false,
    });
    world.all.borrow_mut().push(root.clone());
    // Provider regions (root providers only: modules inherit or are passed them).
    let mut regions = BTreeMap::new();
    let mut provider_exprs = BTreeMap::new();
    for (key, body) in &src.providers {
        let region = match body.attr("region") {
            Some(e) => match Scope::new(&world.ctx(&root)).eval(e) {
                Ok(v) => as_string(&v.unmarked().0),
                Err(_) => None,
            },
            None => None,
        };
        let mut ex = Map::new();
        if let Some(e) = body.attr("region") {
            ex.insert(
                "region".into(),
                match &region {
                    Some(r) => json!({ "constant_value": r }),
                    None => tfrefs::expression(e),
                },
            );
        }
        provider_exprs.insert(key.clone(), ex);
        regions.insert(key.clone(), region);
    }
    if !regions.contains_key("aws") {
        let env_region =
            opts.env.iter().find(|(k, _)| k == "AWS_REGION" || k == "AWS_DEFAULT_REGION").map(|(_, v)| v.clone());
        regions.insert("aws".into(), env_region);
    }
    *world.regions.borrow_mut() = Some(regions);

    // Evaluate every module instance, breadth first (instances are created as calls are met).
    let mut resources = Vec::new();
    let mut data_after = Vec::new();
    let mut other_providers: BTreeMap<String, usize> = BTreeMap::new();
    let mut evaluated: Vec<Evaluated> = Vec::new();
    let mut i = 0;
    loop {
        let inst = match world.all.borrow().get(i) {
            Some(x) => x.clone(),
            None => break,
        };
        i += 1;
        for name in inst.src.calls.keys() {
            if let Err(e) = world.calls(&inst, name) {
                world.note(format!("{}module.{name}: {e}", inst.prefix));
            }
            if let Some(f) = world.fatal.borrow().clone() {
                return Err(err(f));
            }
        }
        // With `only_blocks`: those blocks first, then every block of this instance that they
        // (or earlier instances) needed goes into the document too — evaluated anyway, it is
        // compared with the plan for free.
        let wanted = |block: &ResourceBlock| {
            opts.only_blocks.as_ref().is_none_or(|only| {
                let local = format!("{}{}.{}", if block.data { "data." } else { "" }, block.rtype, block.name);
                only.contains(&(inst.cfg_path.clone(), local))
            })
        };
        if opts.only_blocks.is_some() {
            for block in inst.src.resources.iter().filter(|b| wanted(b)) {
                let _ = world.instances(&inst, block);
            }
        }
        for (index, block) in inst.src.resources.iter().enumerate() {
            if !wanted(block) {
                let k = (block.data, block.rtype.clone(), block.name.clone());
                if !matches!(inst.resources.borrow().get(&k), Some(Slot::Done(_))) {
                    continue;
                }
            }
            let insts = match world.instances(&inst, block) {
                Ok(x) => x,
                Err(e) => {
                    if let Some(f) = world.fatal.borrow().clone() {
                        return Err(err(f));
                    }
                    if e.message.starts_with("cycle") {
                        return Err(err(e.message));
                    }
                    world.note(e.message.clone());
                    continue;
                }
            };
            // The document reads an instance's object for data sources only.
            let value = if block.data { world.block_value(&inst, block, &insts) } else { Rc::new(Value::Null) };
            evaluated.push((inst.clone(), index, insts, value));
        }
    }
    // The document: every instance's plan-shaped attributes, on the rayon pool (the values are
    // only read; the order is kept).
    if let Some(f) = world.fatal.borrow().clone() {
        return Err(err(f));
    }
    // The document is in address order (module path, mode, type, name, key: `ResourceAddr`'s
    // order) without comparing addresses: each evaluated block gets a rank, shared by blocks
    // whose addresses agree but for the key, and its instances follow by key.
    let part = |i: usize| {
        let (inst, index, _, _) = &evaluated[i];
        let b = &inst.src.resources[*index];
        (&inst.path, if b.data { Mode::Data } else { Mode::Managed }, b.rtype.as_str(), b.name.as_str())
    };
    let mut order: Vec<usize> = (0..evaluated.len()).collect();
    order.sort_by(|a, b| part(*a).cmp(&part(*b)));
    let mut rank = vec![0; evaluated.len()];
    for n in 1..order.len() {
        rank[order[n]] = if part(order[n - 1]) == part(order[n]) { rank[order[n - 1]] } else { n };
    }
    let placeholder = InstanceVal { key: None, addr: String::new(), written: BTreeMap::new() };
    let null = Value::Null;
    let mut jobs: Vec<DocJob<'_>> = Vec::new();
    for (i, (inst, index, insts, value)) in evaluated.iter().enumerate() {
        let block = &inst.src.resources[*index];
        let list: Vec<(&InstanceVal, &Value)> = match (&insts.insts, value.as_ref()) {
            (Instances::Single(v), o) => vec![(v.as_ref(), o)],
            (Instances::Count(v), Value::Tuple(o)) => v.iter().zip(o).collect(),
            (Instances::ForEach(m), Value::Object(o)) => m.values().zip(o.values()).collect(),
            (Instances::Count(v), _) => v.iter().map(|v| (v, &null)).collect(),
            (Instances::ForEach(m), _) => m.values().map(|v| (v, &null)).collect(),
            (Instances::Undecided, _) => vec![(&placeholder, &null)],
        };
        let provider_name = catalog::provider_of_type(&block.rtype);
        if provider_name != "aws" {
            if !block.data {
                *other_providers.entry(provider_name.to_string()).or_default() += list.len();
            }
            continue;
        }
        let is_placeholder = inst.placeholder || matches!(insts.insts, Instances::Undecided);
        for (v, object) in list {
            let (data, rtype, name) = (block.data, block.rtype.as_str(), block.name.as_str());
            jobs.push(DocJob { rank: rank[i], path: &inst.path, data, rtype, name, v, object, is_placeholder });
        }
    }
    // Stable: instances with one address (a `for_each` key met twice) stay in evaluation order.
    jobs.sort_by(|a, b| (a.rank, &a.v.key).cmp(&(b.rank, &b.v.key)));
    let made: Vec<Option<(bool, RawResource)>> = {
        use rayon::prelude::*;
        jobs.par_iter().map(DocJob::run).collect()
    };
    for (to_data, raw) in made.into_iter().flatten() {
        if to_data {
            data_after.push(raw);
        } else {
            resources.push(raw);
        }
    }
    let config = Configuration { providers: provider_exprs, root: config_module(&world, &src, "", &mut Vec::new()) };
    let mut variables = BTreeMap::new();
    for name in src.variables.keys() {
        if let Ok(v) = world.var(&root, name)
            && let (v, false) = Rc::unwrap_or_clone(v).unmarked()
            && let Some(j) = v.to_json()
        {
            variables.insert(name.clone(), j);
        }
    }
    let module_inputs = module_inputs(&world, &opts.inputs);
    notes.extend(world.notes.borrow().iter().cloned());
    let doc = Document {
        kind: DocKind::Configuration,
        format_version: "hcl".into(),
        terraform_version: None,
        // Undecided blocks are said in the notes; `complete` is a plan's flag.
        complete: None,
        errored: Some(false),
        resources,
        data_after,
        data_before: Vec::new(),
        config: Some(config),
        variables,
        other_providers,
        moved: BTreeMap::new(),
        module_inputs,
    };
    Ok((doc, notes))
}

/// The known, non-sensitive inputs each module instance's caller passes: those evaluation
/// needed, and the `wanted` ones (evaluated here). An input the call does not set (its default)
/// is not the caller's and is left out.
fn module_inputs(world: &World, wanted: &BTreeSet<(String, String)>) -> BTreeMap<String, BTreeMap<String, Json>> {
    let all: Vec<Rc<Inst>> = world.all.borrow().clone();
    let mut out: BTreeMap<String, BTreeMap<String, Json>> = BTreeMap::new();
    for inst in all.iter().filter(|i| !i.placeholder) {
        let Some(caller) = &inst.caller else { continue };
        for (cfg, name) in wanted.range((inst.cfg_path.clone(), String::new())..) {
            if *cfg != inst.cfg_path {
                break;
            }
            if caller.body.attr(name).is_some() {
                let _ = world.var(inst, name);
            }
        }
        let vars = inst.vars.borrow();
        let mut known: Vec<(&String, &Value)> = vars
            .iter()
            .filter(|(name, _)| caller.body.attr(name).is_some())
            .filter_map(|(name, slot)| match slot {
                Slot::Done(Ok(v)) => Some((name, v.as_ref())),
                Slot::Done(Err(_)) => None,
            })
            .collect();
        known.sort_by_key(|(name, _)| *name);
        let values: BTreeMap<String, Json> = known
            .into_iter()
            .filter(|(_, v)| !v.has_unknown())
            .filter_map(|(name, v)| match v.clone().unmarked() {
                (plain, false) => plain.to_json().map(|j| (name.clone(), j)),
                (_, true) => None,
            })
            .collect();
        if !values.is_empty() {
            out.insert(crate::addr::module_steps_text(&inst.path), values);
        }
    }
    out
}

/// An evaluated block for the document: its module instance, its index in the module's
/// resources, its instances, and [`Block::value`] for data sources (null otherwise).
type Evaluated = (Rc<Inst>, usize, Rc<Block>, Rc<Value>);

/// One resource instance for the document: what [`DocJob::run`] reads (plain data, shared
/// between threads).
struct DocJob<'a> {
    /// Where its block comes in the document's order.
    rank: usize,
    path: &'a [ModuleStep],
    data: bool,
    rtype: &'a str,
    name: &'a str,
    v: &'a InstanceVal,
    object: &'a Value,
    /// It stands for undecided instances ([`placeholder_attrs`]).
    is_placeholder: bool,
}

impl DocJob<'_> {
    /// The instance as the document has it (`true`: a data source read at plan time, for
    /// `data_after`), or `None` when tfvpc does not keep it.
    fn run(&self) -> Option<(bool, RawResource)> {
        let (data, rtype) = (self.data, self.rtype);
        let mode = if data { Mode::Data } else { Mode::Managed };
        let addr = ResourceAddr::new(self.path.to_vec(), mode, rtype, self.name, self.v.key.clone());
        let after = if self.is_placeholder {
            placeholder_attrs(mode, rtype)
        } else {
            attrs_of(mode, rtype, self.v, self.object)
        };
        let relevant = match mode {
            Mode::Managed => {
                catalog::managed(rtype).is_some()
                    || catalog::NOT_MODELLED_NETWORK.contains(&rtype)
                    || after.hints_network()
            }
            Mode::Data => catalog::data(rtype).is_some(),
        };
        if !relevant {
            return None;
        }
        let raw = RawResource {
            addr,
            provider: "registry.terraform.io/hashicorp/aws".into(),
            action: if data { Action::Read } else { Action::Create },
            after: Some(after),
            before: None,
        };
        Some((data && !self.is_placeholder && !self.object.has_unknown(), raw))
    }
}

fn read_modules_json(dir: &Path) -> BTreeMap<String, String> {
    let p = dir.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(p) else { return BTreeMap::new() };
    let Ok(j) = serde_json::from_str::<Json>(&text) else { return BTreeMap::new() };
    let mut out = BTreeMap::new();
    for m in j.get("Modules").and_then(Json::as_array).into_iter().flatten() {
        if let (Some(k), Some(d)) = (m.get("Key").and_then(Json::as_str), m.get("Dir").and_then(Json::as_str))
            && !k.is_empty()
        {
            out.insert(k.to_string(), d.to_string());
        }
    }
    out
}

/// A value as plan JSON: the known part (null where unknown), the `unknown` mask (`true` where
/// unknown; `None` when nothing is) and the `sensitive` mask.
fn to_plan_json(v: &Value) -> (Json, Option<Json>, Option<Json>) {
    match v {
        Value::Unknown(_) => (Json::Null, Some(Json::Bool(true)), None),
        Value::Sensitive(inner) => {
            let (j, u, _) = to_plan_json(inner);
            (j, u, Some(Json::Bool(true)))
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            let parts: Vec<(Json, Option<Json>, Option<Json>)> = items.iter().map(to_plan_json).collect();
            let any_u = parts.iter().any(|p| p.1.is_some());
            let any_s = parts.iter().any(|p| p.2.is_some());
            let vals = Json::Array(parts.iter().map(|p| p.0.clone()).collect());
            let u =
                any_u.then(|| Json::Array(parts.iter().map(|p| p.1.clone().unwrap_or(Json::Bool(false))).collect()));
            let s =
                any_s.then(|| Json::Array(parts.iter().map(|p| p.2.clone().unwrap_or(Json::Bool(false))).collect()));
            (vals, u, s)
        }
        Value::Map(m) | Value::Object(m) => {
            let mut vals = Map::new();
            let mut u = Map::new();
            let mut s = Map::new();
            for (k, x) in m {
                let (j, xu, xs) = to_plan_json(x);
                vals.insert(k.clone(), j);
                if let Some(xu) = xu {
                    u.insert(k.clone(), xu);
                }
                if let Some(xs) = xs {
                    s.insert(k.clone(), xs);
                }
            }
            (Json::Object(vals), (!u.is_empty()).then_some(Json::Object(u)), (!s.is_empty()).then_some(Json::Object(s)))
        }
        other => (other.to_json().unwrap_or(Json::Null), None, None),
    }
}

/// The after-apply attributes of an instance, as a create plan shows them, kept attributes only.
fn attrs_of(mode: Mode, rtype: &str, v: &InstanceVal, object: &Value) -> Attrs {
    let data = mode == Mode::Data;
    let mut values = Map::new();
    let mut unknown = Map::new();
    let mut sensitive = Map::new();
    let mut targets = Map::new();
    for k in catalog::kept_attrs(mode, rtype) {
        let computed_null = !data
            && v.written.get(*k) == Some(&Value::Null)
            && matches!(schema::unset(data, rtype, k), Unset::Unknown | Unset::AttrBlocks { computed: true });
        let known_data = data && object.as_kv().is_some();
        let val = match v.written.get(*k) {
            _ if known_data => match object.as_kv().and_then(|m| m.get(*k)) {
                Some(x) => x.clone(),
                None => continue,
            },
            Some(w) if !computed_null => fill_blocks(data, rtype, k, w),
            _ => {
                if data {
                    // Data sources read at apply: everything not written is unknown.
                    Value::unknown(Type::Dynamic)
                } else {
                    match schema::unset(data, rtype, k) {
                        Unset::Null => continue,
                        Unset::Unknown | Unset::AttrBlocks { computed: true } => Value::unknown(Type::Dynamic),
                        Unset::Default(d) => Value::from_json(d),
                        Unset::Blocks { single: true } => continue,
                        Unset::Blocks { single: false } | Unset::AttrBlocks { computed: false } => {
                            Value::List(Vec::new())
                        }
                    }
                }
            }
        };
        if let Some(t) = targets_of(&val) {
            targets.insert((*k).to_string(), t);
        }
        let val = sets_unknown(rtype, k, val);
        let (j, u, s) = to_plan_json(&val);
        values.insert((*k).to_string(), j);
        if let Some(u) = u {
            unknown.insert((*k).to_string(), u);
        }
        if let Some(s) = s {
            sensitive.insert((*k).to_string(), s);
        }
    }
    let targets = if targets.is_empty() { Json::Null } else { Json::Object(targets) };
    Attrs { values, unknown: Json::Object(unknown), sensitive: Json::Object(sensitive), targets }
}

/// What the unknown parts of a value refer to ([`Attrs::targets`]): a string where an unknown
/// names one attribute of a resource (`module.a.aws_subnet.x[1].id`), lists and objects where
/// some element does; read before a set with an unknown element becomes wholly unknown, so the
/// elements of `security_group_ids = [aws_security_group.a.id, aws_security_group.b.id]` keep
/// their targets.
fn targets_of(v: &Value) -> Option<Json> {
    match v {
        Value::Unknown(u) => {
            let r = u.refers_to.as_ref()?.text();
            names_resource_attr(&r).then(|| Json::String(r.into_owned()))
        }
        Value::Sensitive(inner) => targets_of(inner),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            let parts: Vec<Option<Json>> = items.iter().map(targets_of).collect();
            parts
                .iter()
                .any(Option::is_some)
                .then(|| Json::Array(parts.into_iter().map(|p| p.unwrap_or(Json::Null)).collect()))
        }
        Value::Map(m) | Value::Object(m) => {
            let o: Map<String, Json> = m.iter().filter_map(|(k, x)| targets_of(x).map(|t| (k.clone(), t))).collect();
            (!o.is_empty()).then_some(Json::Object(o))
        }
        _ => None,
    }
}

/// `module.a["x"].aws_subnet.pub[1].id`, `data.aws_vpc.shared.id`: a reference to an attribute of
/// a resource or data source (not a variable, local, output or module call left unknown).
fn names_resource_attr(r: &str) -> bool {
    let Ok(steps) = crate::addr::split_steps(r) else { return false };
    let mut i = 0;
    while i + 1 < steps.len() && steps[i].0 == "module" {
        i += 2;
    }
    let rest = &steps[i..];
    let rest = if rest.first().is_some_and(|s| s.0 == "data") { &rest[1..] } else { rest };
    rest.len() >= 3 && rest[0].0.contains('_') && !matches!(rest[0].0, "var" | "local" | "output" | "each" | "count")
}

/// A set with an unknown element is wholly unknown, as Terraform writes it in a plan; inside
/// blocks, the same for their set-typed attributes.
fn sets_unknown(rtype: &str, attr: &str, val: Value) -> Value {
    let val = match val {
        Value::List(items)
            if schema::inner_names(false, rtype, attr).iter().any(|n| schema::is_inner_set(rtype, attr, n)) =>
        {
            Value::List(
                items
                    .into_iter()
                    .map(|b| match b {
                        Value::Object(m) => Value::Object(
                            m.into_iter()
                                .map(|(n, v)| {
                                    let v = if schema::is_inner_set(rtype, attr, &n) && v.has_unknown() {
                                        Value::unknown(Type::Dynamic)
                                    } else {
                                        v
                                    };
                                    (n, v)
                                })
                                .collect(),
                        ),
                        other => other,
                    })
                    .collect(),
            )
        }
        other => other,
    };
    if schema::is_set(rtype, attr) && val.has_unknown() {
        return Value::unknown(Type::Dynamic).marked_if(val.has_mark());
    }
    val
}

/// The attributes of a placeholder: a block whose `count`/`for_each` (or whose module call's) is
/// unknown stands for however many instances apply makes, zero included. It is kept, never
/// dropped and never counted as one real instance: one instance at the block's address without
/// a key, every kept attribute unknown, so nothing links to it or from it as a fact — the
/// model's "may belong" (an `aws_route` with an unknown table is a maybe-route of every
/// candidate table; flows it could decide are indeterminate).
fn placeholder_attrs(mode: Mode, rtype: &str) -> Attrs {
    let mut values = Map::new();
    let mut unknown = Map::new();
    for k in catalog::kept_attrs(mode, rtype) {
        values.insert((*k).to_string(), Json::Null);
        unknown.insert((*k).to_string(), Json::Bool(true));
    }
    Attrs { values, unknown: Json::Object(unknown), sensitive: Json::Object(Map::new()), targets: Json::Null }
}

/// A written block list with the provider's fill of unset inner attributes (zero values for
/// attributes as blocks, unknown for computed ones of nested blocks).
fn fill_blocks(data: bool, rtype: &str, attr: &str, v: &Value) -> Value {
    let is_blocks = matches!(schema::unset(data, rtype, attr), Unset::Blocks { .. } | Unset::AttrBlocks { .. });
    let Value::List(items) = v else { return v.clone() };
    if !is_blocks {
        return v.clone();
    }
    let names = schema::inner_names(data, rtype, attr);
    let single = matches!(schema::unset(data, rtype, attr), Unset::Blocks { single: true });
    let filled: Vec<Value> = items
        .iter()
        .map(|b| {
            let Value::Object(m) = b else { return b.clone() };
            let mut m = m.clone();
            for n in names {
                if !m.contains_key(*n) || m.get(*n) == Some(&Value::Null) {
                    match schema::unset_inner(data, rtype, attr, n) {
                        Unset::Default(d) => {
                            m.insert((*n).to_string(), Value::from_json(d));
                        }
                        Unset::Unknown => {
                            m.entry((*n).to_string()).or_insert_with(|| Value::unknown(Type::Dynamic));
                        }
                        _ => {}
                    }
                }
            }
            Value::Object(m)
        })
        .collect();
    if single {
        return filled.into_iter().next().unwrap_or(Value::Null);
    }
    Value::List(filled)
}

// ---- the configuration ----

/// The plan-shaped configuration of a module; `ancestry` (the folders of the modules above)
/// stops a module that calls itself, even through a call that makes no instance.
fn config_module(w: &World, src: &ModuleSrc, key: &str, ancestry: &mut Vec<PathBuf>) -> ConfigModule {
    let mut m = ConfigModule::default();
    for r in &src.resources {
        let mode = if r.data { Mode::Data } else { Mode::Managed };
        let kept = catalog::kept_attrs(mode, &r.rtype);
        let known = match mode {
            Mode::Managed => catalog::managed(&r.rtype).is_some(),
            Mode::Data => catalog::data(&r.rtype).is_some(),
        };
        if !known {
            continue;
        }
        let mut ex = Expressions::new();
        for k in kept {
            if let Some(e) = r.body.attr(k) {
                ex.insert((*k).to_string(), tfrefs::expression(e));
                continue;
            }
            let written: Vec<&BlockData> = r
                .body
                .blocks
                .iter()
                .filter(|b| b.ident == *k || (b.ident == "dynamic" && b.labels.first().is_some_and(|l| l == k)))
                .collect();
            if written.is_empty() {
                continue;
            }
            match schema::unset(r.data, &r.rtype, k) {
                Unset::AttrBlocks { .. } => {
                    let exprs: Vec<&Expression> = written.iter().flat_map(|b| all_exprs(&b.body)).collect();
                    let refs = tfrefs::merged(exprs.iter().copied());
                    if refs.is_empty() {
                        let names = schema::inner_names(r.data, &r.rtype, k);
                        let list: Vec<Json> = written
                            .iter()
                            .map(|b| {
                                let mut o = Map::new();
                                for n in names {
                                    let v = b.body.attr(n).map_or(Json::Null, |e| {
                                        tfrefs::expression(e).get("constant_value").cloned().unwrap_or(Json::Null)
                                    });
                                    o.insert((*n).to_string(), v);
                                }
                                Json::Object(o)
                            })
                            .collect();
                        ex.insert((*k).to_string(), json!({ "constant_value": list }));
                    } else {
                        ex.insert((*k).to_string(), json!({ "references": refs }));
                    }
                }
                _ => {
                    let list: Vec<Json> = written.iter().map(|b| block_exprs(b)).collect();
                    ex.insert((*k).to_string(), Json::Array(list));
                }
            }
        }
        let provider_key =
            r.body.attr("provider").map(ref_text).unwrap_or_else(|| catalog::provider_of_type(&r.rtype).to_string());
        m.resources.push(ConfigResource {
            address: if r.data { format!("data.{}.{}", r.rtype, r.name) } else { format!("{}.{}", r.rtype, r.name) },
            rtype: r.rtype.clone(),
            provider_key,
            expressions: ex,
            count: r.body.attr("count").map(tfrefs::expression),
            for_each: r.body.attr("for_each").map(tfrefs::expression),
        });
    }
    for (name, body) in &src.calls {
        let child_key = if key.is_empty() { name.clone() } else { format!("{key}.{name}") };
        let source =
            body.attr("source").and_then(|e| vars::constant(e).ok()).and_then(|v| as_string(&v)).unwrap_or_default();
        let mut ex = Expressions::new();
        for (k, a) in &body.attrs {
            if matches!(k.as_str(), "source" | "version" | "count" | "for_each" | "providers" | "depends_on") {
                continue;
            }
            ex.insert(k.clone(), tfrefs::expression(&a.expr));
        }
        let module = match w.module_dir(&src.dir, &child_key, &source).and_then(|d| w.load(&d).ok()) {
            Some(child)
                if !ancestry.contains(&child.dir) && child.dir != src.dir && ancestry.len() < MAX_MODULE_DEPTH =>
            {
                ancestry.push(src.dir.clone());
                let m = config_module(w, &child, &child_key, ancestry);
                ancestry.pop();
                m
            }
            _ => ConfigModule::default(),
        };
        m.module_calls.insert(
            name.clone(),
            ModuleCall {
                source,
                expressions: ex,
                count: body.attr("count").map(tfrefs::expression),
                for_each: body.attr("for_each").map(tfrefs::expression),
                module,
            },
        );
    }
    for (name, body) in &src.outputs {
        if let Some(e) = body.attr("value") {
            m.outputs.insert(name.clone(), tfrefs::expression(e));
        }
    }
    for (name, body) in &src.variables {
        if let Some(d) = body.attr("default")
            && let Ok(v) = vars::constant(d)
            && let Some(j) = v.unmarked().0.to_json()
            // Terraform's configuration omits a null default.
            && !j.is_null()
        {
            m.variable_defaults.insert(name.clone(), j);
        }
    }
    m
}

fn all_exprs(body: &BodyData) -> Vec<&Expression> {
    let mut out: Vec<&Expression> = body.attrs.values().map(|a| &a.expr).collect();
    for b in &body.blocks {
        out.extend(all_exprs(&b.body));
    }
    out
}

fn block_exprs(b: &BlockData) -> Json {
    let body =
        if b.ident == "dynamic" { b.body.blocks_named("content").next().map_or(&b.body, |c| &c.body) } else { &b.body };
    let mut o = Map::new();
    for (k, a) in &body.attrs {
        o.insert(k.clone(), tfrefs::expression(&a.expr));
    }
    let mut nested: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for inner in &body.blocks {
        nested.entry(inner.ident.clone()).or_default().push(block_exprs(inner));
    }
    for (k, list) in nested {
        o.insert(k, Json::Array(list));
    }
    Json::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` into a fresh folder and evaluates it.
    fn eval_files(name: &str, files: &[(&str, &str)]) -> Result<(Document, Vec<String>)> {
        let dir = std::env::temp_dir().join(format!("tfvpc-hcl-root-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (f, text) in files {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        // A root in a `root/` subfolder is evaluated there (its repository is `dir`).
        let root = if dir.join("root").is_dir() { dir.join("root") } else { dir.clone() };
        let out = evaluate(&root, &HclOptions::default());
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    #[test]
    fn an_empty_module_folder_is_said_and_other_providers_attributes_are_unknown() {
        let (doc, notes) = eval_files(
            "empty-module",
            &[
                ("main.tf", "module \"hub\" {\n  source = \"./hub\"\n}\nresource \"random_string\" \"s\" {\n  length = 4\n}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { Name = \"v-${random_string.s.result}\" }\n}\n"),
                ("hub/README.md", "a git submodule, not checked out\n"),
            ],
        )
        .unwrap();
        assert!(notes.iter().any(|n| n.contains("module.hub: hub holds no Terraform files")), "{notes:?}");
        assert!(!notes.iter().any(|n| n.contains("no attribute")), "{notes:?}");
        assert_eq!(after(&doc, "aws_vpc.v").values["cidr_block"], "10.0.0.0/16");
    }

    fn after<'d>(doc: &'d Document, addr: &str) -> &'d Attrs {
        let r = doc.resources.iter().find(|r| r.addr.as_str() == addr);
        r.and_then(|r| r.after.as_ref()).unwrap_or_else(|| {
            panic!("{addr} not in {:?}", doc.resources.iter().map(|r| r.addr.as_str()).collect::<Vec<_>>())
        })
    }

    #[test]
    fn a_local_cycle_is_an_error_naming_the_chain() {
        let err = eval_files(
            "cycle",
            &[(
                "main.tf",
                "locals {\n a = local.b\n b = local.a\n}\nresource \"aws_vpc\" \"v\" { cidr_block = local.a }\n",
            )],
        )
        .unwrap_err();
        assert!(err.to_string().contains("cycle: local.a → local.b → local.a"), "{err}");
    }

    #[test]
    fn a_recursive_call_without_instances_ends() {
        let (doc, _) = eval_files(
            "recursion0",
            &[
                ("main.tf", "module \"a\" { source = \"./m\" }\n"),
                (
                    "m/main.tf",
                    "module \"x\" {\n source = \"./\"\n count = 0\n}\nmodule \"y\" {\n source = \"./\"\n count = 0\n}\nresource \"aws_vpc\" \"v\" { cidr_block = \"10.0.0.0/16\" }\n",
                ),
            ],
        )
        .unwrap();
        assert_eq!(doc.resources.len(), 1);
    }

    #[test]
    fn a_recursive_module_is_an_error_naming_the_chain() {
        let err = eval_files(
            "recursion",
            &[
                ("main.tf", "module \"a\" { source = \"./m\" }\n"),
                ("m/main.tf", "module \"again\" { source = \"./\" }\nresource \"aws_vpc\" \"v\" { cidr_block = \"10.0.0.0/16\" }\n"),
            ],
        )
        .unwrap_err();
        assert!(err.to_string().contains("recursive module call"), "{err}");
    }

    #[test]
    fn modules_count_outputs_and_missing_code() {
        let (doc, notes) = eval_files(
            "modules",
            &[
                (
                    "main.tf",
                    r#"
module "net" {
  source = "./net"
  count  = 2
  cidr   = cidrsubnet("10.0.0.0/8", 8, count.index)
}
module "gone" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
resource "aws_subnet" "extra" {
  vpc_id     = module.net[1].vpc_id
  cidr_block = cidrsubnet(module.net[1].cidr, 8, 9)
}
resource "aws_subnet" "far" {
  vpc_id     = module.gone.vpc_id
  cidr_block = "10.9.0.0/24"
}
"#,
                ),
                (
                    "net/main.tf",
                    r#"
variable "cidr" { type = string }
resource "aws_vpc" "this" { cidr_block = var.cidr }
output "vpc_id" { value = aws_vpc.this.id }
output "cidr" { value = aws_vpc.this.cidr_block }
"#,
                ),
            ],
        )
        .unwrap();
        assert_eq!(after(&doc, "module.net[1].aws_vpc.this").values["cidr_block"], "10.1.0.0/16");
        assert_eq!(after(&doc, "aws_subnet.extra").values["cidr_block"], "10.1.9.0/24");
        assert_eq!(after(&doc, "aws_subnet.extra").unknown["vpc_id"], true);
        assert!(notes.iter().any(|n| n.contains("module.gone") && n.contains("terraform init")), "{notes:?}");
        assert_eq!(after(&doc, "aws_subnet.far").unknown["vpc_id"], true);
        // The configuration gives the linker Terraform's references.
        let config = doc.config.unwrap();
        let extra = config.root.resources.iter().find(|r| r.address == "aws_subnet.extra").unwrap();
        assert_eq!(
            extra.expressions["vpc_id"],
            json!({"references": ["module.net[1].vpc_id", "module.net[1]", "module.net"]})
        );
        assert_eq!(config.root.module_calls["net"].module.resources[0].address, "aws_vpc.this");
    }

    #[test]
    fn dynamic_blocks_defaults_and_sensitive_values() {
        let (doc, _) = eval_files(
            "dynamic",
            &[(
                "main.tf",
                r#"
variable "ports" { default = [22, 443] }
variable "secret_cidr" {
  default   = "10.0.0.0/16"
  sensitive = true
}
resource "aws_vpc" "v" { cidr_block = var.secret_cidr }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_security_group" "sg" {
  vpc_id = aws_vpc.v.id
  dynamic "ingress" {
    for_each = var.ports
    iterator = p
    content {
      from_port   = p.value
      to_port     = p.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
"#,
            )],
        )
        .unwrap();
        let sg = after(&doc, "aws_security_group.sg");
        let ingress = sg.values["ingress"].as_array().unwrap();
        assert_eq!(ingress.len(), 2);
        assert_eq!(ingress[1]["from_port"], 443);
        assert_eq!(ingress[0]["self"], false, "the SDK's zero values fill unset block attributes");
        let s = after(&doc, "aws_subnet.s");
        assert_eq!(s.values["map_public_ip_on_launch"], false, "the provider's default");
        assert_eq!(s.unknown["availability_zone"], true, "computed");
        assert_eq!(after(&doc, "aws_vpc.v").sensitive["cidr_block"], true);
    }

    #[test]
    fn files_are_read_only_inside_the_repository() {
        let (doc, notes) = eval_files(
            "files",
            &[
                (".git/HEAD", "ref: refs/heads/main\n"),
                ("shared/cidrs.json", r#"{"vpc": "10.42.0.0/16"}"#),
                ("shared/name.tpl", "vpc-${name}"),
                (
                    "root/main.tf",
                    r#"
locals {
  cidrs = jsondecode(file("${path.module}/../shared/cidrs.json"))
  files = fileset("${path.module}/../shared", "*.json")
}
resource "aws_vpc" "v" {
  cidr_block = local.cidrs.vpc
  tags = {
    Name  = templatefile("../shared/name.tpl", { name = "core" })
    Files = join(",", local.files)
    Has   = fileexists("../shared/nope.json") ? "yes" : "no"
  }
}
resource "aws_vpc" "w" {
  cidr_block = file("/etc/passwd")
}
"#,
                ),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let v = after(&doc, "aws_vpc.v");
        assert_eq!(v.values["cidr_block"], "10.42.0.0/16");
        assert_eq!(v.values["tags"], json!({"Files": "cidrs.json", "Has": "no", "Name": "vpc-core"}));
        assert!(notes.iter().any(|n| n.contains("/etc/passwd is outside")), "{notes:?}");
        assert_eq!(after(&doc, "aws_vpc.w").unknown["cidr_block"], true);
    }
}
