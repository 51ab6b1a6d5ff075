//! Typed, streaming deserialization of `terraform show -json` plans and states and of raw
//! `terraform.tfstate` files.
//!
//! One pass over the text, no `serde_json::Value` of the whole document: resource entries are
//! visited field by field, and the (large) attribute objects are filtered while parsing so that
//! only the attributes the catalog names are ever allocated. Everything else — `planned_values`
//! of managed resources, `resource_drift`, `relevant_attributes`, tags, ARNs — is skipped with
//! `IgnoredAny`. When a resource's `type` arrives after its attributes (not what Terraform
//! writes, but legal JSON), the attributes are captured as a borrowed `RawValue` and filtered once
//! the type is known. Format: <https://developer.hashicorp.com/terraform/internals/json-format>.

//!
//! - `seed.rs`: the serde glue, written once ([`seed::Reader`]), and the shared small readers
//! - `keep.rs`: what to keep of a resource (from the catalog) and where kept resources go
//! - `changes.rs`: a plan's `resource_changes`
//! - `state.rs`: state-shaped module trees (`planned_values`, `prior_state`, `values`)
//! - `tfstate.rs`: a raw `terraform.tfstate`
//! - `config.rs`: a plan's `configuration`
//! - here: the top level, and what kind of document it is

mod changes;
mod config;
mod keep;
mod seed;
mod state;
mod tfstate;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{DeserializeSeed, MapAccess};
use serde_json::Value;

use super::doc::{Action, Configuration, DocKind, Document};
use changes::ResourceChangesReader;
use config::ConfigReader;
use keep::Collected;
use seed::{Reader, Seed, Shape, each_field};
use state::{PriorStateReader, StateValuesReader, TreeFilter};
use tfstate::TfStateResourcesReader;

#[derive(Default)]
struct TopLevel {
    format_version: Option<String>,
    terraform_version: Option<String>,
    tfstate_version: Option<u64>,
    complete: Option<bool>,
    errored: Option<bool>,
    variables: BTreeMap<String, Value>,
    has_resource_changes: bool,
    has_values: bool,
    has_planned_values: bool,
    has_tfstate_resources: bool,
    changes: Collected,
    values: Collected,
    data_after: Collected,
    data_before: Collected,
    tfstate: Collected,
    config: Option<Configuration>,
}

const TOP_KEYS: &[&str] = &[
    "format_version",
    "terraform_version",
    "variables",
    "planned_values",
    "resource_changes",
    "prior_state",
    "configuration",
    "values",
    "version",
    "resources",
    "complete",
    "errored",
];

struct TopReader;

#[derive(Deserialize)]
struct VariableValue {
    #[serde(default)]
    value: Value,
}

impl<'de> Reader<'de> for TopReader {
    type Value = TopLevel;
    const EXPECTING: &'static str = "a JSON object (the output of `terraform show -json`)";
    const SHAPE: Shape = Shape::Any;
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<TopLevel, A::Error> {
        let mut top = TopLevel::default();
        each_field(map, TOP_KEYS, |idx, map| {
            match idx {
                0 => top.format_version = map.next_value::<Option<String>>()?,
                1 => top.terraform_version = map.next_value::<Option<String>>()?,
                2 => {
                    let vars: Option<BTreeMap<String, VariableValue>> = map.next_value()?;
                    top.variables = vars.unwrap_or_default().into_iter().map(|(k, v)| (k, v.value)).collect();
                }
                3 => {
                    top.has_planned_values = true;
                    let filter = TreeFilter { managed: false, data: true, action: Action::Read };
                    map.next_value_seed(Seed(StateValuesReader { out: &mut top.data_after, filter }))?;
                }
                4 => {
                    top.has_resource_changes = true;
                    map.next_value_seed(Seed(ResourceChangesReader(&mut top.changes)))?;
                }
                5 => {
                    let filter = TreeFilter { managed: false, data: true, action: Action::Existing };
                    map.next_value_seed(Seed(PriorStateReader { out: &mut top.data_before, filter }))?;
                }
                6 => top.config = Some(map.next_value_seed(Seed(ConfigReader))?),
                7 => {
                    top.has_values = true;
                    let filter = TreeFilter { managed: true, data: true, action: Action::Existing };
                    map.next_value_seed(Seed(StateValuesReader { out: &mut top.values, filter }))?;
                }
                8 => top.tfstate_version = map.next_value::<Option<u64>>().ok().flatten(),
                9 => {
                    top.has_tfstate_resources = true;
                    map.next_value_seed(Seed(TfStateResourcesReader(&mut top.tfstate)))?;
                }
                10 => top.complete = map.next_value()?,
                _ => top.errored = map.next_value()?,
            }
            Ok(())
        })?;
        Ok(top)
    }
}

/// Why a JSON document is not one tfvpc reads (the caller adds advice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unrecognised {
    /// JSON, but none of the keys of a Terraform plan or state.
    NotTerraform,
    /// A `format_version` whose major version tfvpc does not read.
    UnsupportedFormat(String),
    /// A tfstate `version` other than 4.
    UnsupportedStateVersion(u64),
}

/// Outcome of parsing.
pub(crate) enum Parsed {
    /// A document tfvpc reads.
    Doc(Box<Document>),
    /// Valid JSON that is not one.
    Unrecognised(Unrecognised),
}

/// Parses a decoded document.
pub(crate) fn parse_document(text: &str) -> Result<Parsed, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = Seed(TopReader).deserialize(&mut de)?;
    de.end()?;
    Ok(classify(top))
}

fn classify(top: TopLevel) -> Parsed {
    if let Some(version) = top.tfstate_version
        && top.has_tfstate_resources
    {
        if version != 4 {
            return Parsed::Unrecognised(Unrecognised::UnsupportedStateVersion(version));
        }
        return Parsed::Doc(Box::new(Document {
            kind: DocKind::RawState,
            format_version: version.to_string(),
            terraform_version: top.terraform_version,
            complete: None,
            errored: None,
            resources: top.tfstate.resources,
            data_after: Vec::new(),
            data_before: Vec::new(),
            config: None,
            variables: BTreeMap::new(),
            other_providers: top.tfstate.other_providers,
            moved: BTreeMap::new(),
            module_inputs: BTreeMap::new(),
        }));
    }
    let Some(format_version) = top.format_version else {
        return Parsed::Unrecognised(Unrecognised::NotTerraform);
    };
    let major = format_version.split('.').next().unwrap_or("");
    if major != "0" && major != "1" {
        return Parsed::Unrecognised(Unrecognised::UnsupportedFormat(format_version));
    }
    let is_plan = top.has_resource_changes || top.has_planned_values || top.config.is_some();
    if is_plan {
        return Parsed::Doc(Box::new(Document {
            kind: DocKind::Plan,
            format_version,
            terraform_version: top.terraform_version,
            complete: top.complete,
            errored: top.errored,
            resources: top.changes.resources,
            data_after: top.data_after.resources,
            data_before: top.data_before.resources,
            config: top.config,
            variables: top.variables,
            other_providers: top.changes.other_providers,
            moved: top.changes.moved,
            module_inputs: BTreeMap::new(),
        }));
    }
    if top.has_values || top.terraform_version.is_some() {
        // `terraform show -json` of a state; of an empty state it is just the two versions.
        return Parsed::Doc(Box::new(Document {
            kind: DocKind::ShowState,
            format_version,
            terraform_version: top.terraform_version,
            complete: None,
            errored: None,
            resources: top.values.resources,
            data_after: Vec::new(),
            data_before: Vec::new(),
            config: None,
            variables: BTreeMap::new(),
            other_providers: top.values.other_providers,
            moved: BTreeMap::new(),
            module_inputs: BTreeMap::new(),
        }));
    }
    Parsed::Unrecognised(Unrecognised::NotTerraform)
}
