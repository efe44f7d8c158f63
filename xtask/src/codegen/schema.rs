//! The shape of the API description files in `api/`.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One description file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    pub meta: Meta,
    #[serde(default)]
    pub enums: Vec<EnumDef>,
    #[serde(default)]
    pub structs: Vec<StructDef>,
    #[serde(default)]
    pub error_tables: Vec<ErrorTable>,
    #[serde(default)]
    pub constants: Vec<ConstTable>,
}

/// Where the generated code goes and how description types become Rust types.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The reference page(s) the tables come from.
    pub source: String,
    /// The generated file, relative to the workspace root.
    pub target: String,
    /// The generated module's doc comment.
    pub doc: String,
    /// Path of regops-core from the target crate (`crate` inside core).
    #[serde(default = "default_core")]
    pub core: String,
    /// Description type -> Rust type.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// The type of unknown members kept by return structs.
    #[serde(default)]
    pub value_type: Option<String>,
}

fn default_core() -> String {
    "regops_core".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub wire: String,
    #[serde(default)]
    pub name: Option<String>,
    pub doc: String,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum StructKind {
    /// Sent to the server: every field optional unless mandatory, `None` not sent.
    Options,
    /// Received from the server: tolerant, unknown members kept.
    Return,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructDef {
    pub name: String,
    pub kind: StructKind,
    pub doc: String,
    #[serde(default)]
    pub used_by: Vec<String>,
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub wire: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    /// A Rust type that replaces the mapping of `type`.
    #[serde(default)]
    pub rust: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorTable {
    /// The generated function's name.
    pub name: String,
    pub doc: String,
    pub entries: Vec<ErrorEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEntry {
    pub id: String,
    pub class: String,
    #[serde(default)]
    pub doc: String,
}

/// Named string constants (paths, codes, task numbers).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstTable {
    pub doc: String,
    pub entries: Vec<ConstEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstEntry {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub doc: String,
}
