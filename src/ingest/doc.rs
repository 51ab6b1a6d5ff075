//! What ingest produces: one Terraform document reduced to the resources and configuration that
//! matter for networking. Attribute values are kept raw (`serde_json::Value`, only the attributes
//! the catalog names); the model layer types them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::addr::ResourceAddr;

/// Which kind of document the input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// `terraform show -json tfplan` (or `tofu show -json`).
    Plan,
    /// `terraform show -json` of a state (`values`).
    ShowState,
    /// A raw `terraform.tfstate` (version 4).
    RawState,
    /// A Terraform root module evaluated from its `.tf` sources (HCL mode): what a create plan
    /// of the same code would hold.
    Configuration,
}

impl DocKind {
    /// Human name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Plan => "plan",
            DocKind::ShowState => "state (terraform show -json)",
            DocKind::RawState => "terraform.tfstate",
            DocKind::Configuration => "Terraform configuration (HCL)",
        }
    }
}

/// What the plan does to a resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// New resource.
    Create,
    /// Updated in place.
    Update,
    /// Unchanged.
    NoOp,
    /// Destroyed and not re-created.
    Delete,
    /// Destroyed and re-created (either order).
    Replace,
    /// A data source read (at plan time or deferred to apply).
    Read,
    /// Removed from state but left in AWS (`removed { lifecycle { destroy = false } }`).
    Forget,
    /// Read from a state document: exists as is.
    Existing,
}

impl Action {
    /// Maps Terraform's `actions` list.
    pub fn from_actions<S: AsRef<str>>(actions: &[S]) -> Option<Action> {
        let has = |a: &str| actions.iter().any(|x| x.as_ref() == a);
        Some(match actions.len() {
            1 if has("create") => Action::Create,
            1 if has("update") => Action::Update,
            1 if has("no-op") => Action::NoOp,
            1 if has("delete") => Action::Delete,
            1 if has("read") => Action::Read,
            1 if has("forget") => Action::Forget,
            2 if has("delete") && has("create") => Action::Replace,
            // `["create", "forget"]`: a replace whose old object is forgotten, not destroyed.
            2 if has("create") && has("forget") => Action::Replace,
            _ => return None,
        })
    }
}

/// Raw attribute values of one side (`before` or `after`) of a resource instance: only the
/// attributes the catalog keeps, with the matching `*_unknown` and `*_sensitive` markers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs {
    /// Known values (null for unknown ones).
    pub values: Map<String, Value>,
    /// `after_unknown` (an object mirroring `values`, `true` where unknown; or `Bool`).
    pub unknown: Value,
    /// `after_sensitive` / `sensitive_values` (same shape; `true` where sensitive).
    pub sensitive: Value,
    /// What an unknown value is known to refer to: the same shape as `values`, a string where
    /// the value is one attribute of one resource instance, written as an absolute reference
    /// (`module.vpc["a"].aws_nat_gateway.this[1].id`), `null` or missing elsewhere. HCL
    /// evaluation fills it (HCL mode, and plan mode with the sources beside the plan: see
    /// docs/hcl-mode.md); a plan alone records only the configuration's reference lists.
    pub targets: Value,
}

impl Attrs {
    /// True when an attribute that ties a resource to a network
    /// ([`NETWORK_HINT_ATTRS`](crate::catalog::NETWORK_HINT_ATTRS): `vpc_id`, `subnet_ids`, …)
    /// is set or unknown until apply.
    pub fn hints_network(&self) -> bool {
        crate::catalog::NETWORK_HINT_ATTRS.iter().any(|k| {
            self.values.get(*k).is_some_and(|v| !v.is_null()) || self.unknown.get(*k) == Some(&Value::Bool(true))
        })
    }
}

/// One resource instance of the input.
#[derive(Debug, Clone)]
pub struct RawResource {
    /// Full address.
    pub addr: ResourceAddr,
    /// Provider source address (`registry.terraform.io/hashicorp/aws`) or config key.
    pub provider: String,
    /// What the plan does with it.
    pub action: Action,
    /// Attributes after apply (None when deleted).
    pub after: Option<Attrs>,
    /// Attributes before apply (None when created).
    pub before: Option<Attrs>,
}

/// A configuration expression: constant, references, or nested blocks. Kept raw: the shape is
/// `{"constant_value": …}`, `{"references": […]}` or, for blocks, a list of expression objects.
pub(crate) type Expressions = Map<String, Value>;

/// One `resource` or `data` block of the configuration (not an instance).
#[derive(Debug, Clone, Default)]
pub struct ConfigResource {
    /// Address relative to the module (`aws_subnet.private`, `data.aws_vpc.x`).
    pub address: String,
    /// Resource type.
    pub rtype: String,
    /// `provider_config_key` (`aws`, `aws.west`, `module.x:aws`).
    pub provider_key: String,
    /// Expressions of the attributes the catalog keeps.
    pub expressions: Expressions,
    /// `count` expression, if any.
    pub count: Option<Value>,
    /// `for_each` expression, if any.
    pub for_each: Option<Value>,
}

/// A `module` call.
#[derive(Debug, Clone, Default)]
pub struct ModuleCall {
    /// `source` as written.
    pub source: String,
    /// Input expressions.
    pub expressions: Expressions,
    /// `count` expression.
    pub count: Option<Value>,
    /// `for_each` expression.
    pub for_each: Option<Value>,
    /// The called module's configuration.
    pub module: ConfigModule,
}

/// One module's configuration.
#[derive(Debug, Clone, Default)]
pub struct ConfigModule {
    /// Resource and data blocks.
    pub resources: Vec<ConfigResource>,
    /// Module calls by name.
    pub module_calls: BTreeMap<String, ModuleCall>,
    /// Output expressions by name.
    pub outputs: BTreeMap<String, Value>,
    /// Variable defaults by name (`default`, when given).
    pub variable_defaults: BTreeMap<String, Value>,
}

/// The `configuration` section.
#[derive(Debug, Clone, Default)]
pub struct Configuration {
    /// Provider configurations by key, with their expressions (`region`).
    pub providers: BTreeMap<String, Expressions>,
    /// The root module.
    pub root: ConfigModule,
}

/// One input reduced to what tfvpc uses.
#[derive(Debug, Clone)]
pub struct Document {
    /// Plan or state.
    pub kind: DocKind,
    /// `format_version` (or the tfstate `version`).
    pub format_version: String,
    /// `terraform_version`.
    pub terraform_version: Option<String>,
    /// `complete` (false when changes were deferred).
    pub complete: Option<bool>,
    /// `errored` (true when planning failed part way).
    pub errored: Option<bool>,
    /// Managed resource instances (and, for states, data sources).
    pub resources: Vec<RawResource>,
    /// Data sources with their values after planning (`planned_values`).
    pub data_after: Vec<RawResource>,
    /// Data sources of the prior state.
    pub data_before: Vec<RawResource>,
    /// The configuration, when the input has one.
    pub config: Option<Configuration>,
    /// Root variable values.
    pub variables: BTreeMap<String, Value>,
    /// Instances of other providers' resources, by provider (`google`, `kubernetes`).
    pub other_providers: BTreeMap<String, usize>,
    /// Instances a plan moves (a `moved` block): new address → `previous_address`. The same
    /// object on both sides of the change; empty for states and configurations.
    pub moved: BTreeMap<String, String>,
    /// What each module instance's caller passes, where evaluation knew it: module instance
    /// address (`module.vpc["a"]`) → variable → its value (known, not sensitive). Filled by HCL
    /// evaluation (a plan does not record module inputs), and for a plan by its sources when they
    /// were evaluated beside it and agree with it; else empty (a plan's constant arguments are in
    /// [`Configuration`]). Used to point a finding at the argument in
    /// the caller's `module` block that makes one instance differ (`crate::caller`).
    pub module_inputs: BTreeMap<String, BTreeMap<String, Value>>,
}
