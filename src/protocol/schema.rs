//! Semantic schemas (spec §9.6): a JSON Schema registered per `semantic_type`
//! (`acme.invoice.created.v1`), identified by the SHA-256 of its canonical JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::Timestamp;

/// How a registered schema may change (the mode stored with it governs its next upsert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CompatibilityMode {
    /// Never: a new schema is a new version (`…v2`).
    Strict,
    /// Only so that what was valid stays valid: no new required field, no field removed
    /// or retyped.
    Backward,
    /// Any change, answered with warnings naming what a reader may notice.
    Warn,
}

impl CompatibilityMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CompatibilityMode::Strict => "strict",
            CompatibilityMode::Backward => "backward",
            CompatibilityMode::Warn => "warn",
        }
    }

    /// A stored name; an unknown one reads as strict (the safest).
    pub fn parse(raw: &str) -> Self {
        match raw {
            "backward" => CompatibilityMode::Backward,
            "warn" => CompatibilityMode::Warn,
            _ => CompatibilityMode::Strict,
        }
    }
}

/// Whose a schema is: the workspace's (`tenant`), or every workspace's (`core`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SchemaScope {
    #[default]
    Tenant,
    Core,
}

impl SchemaScope {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaScope::Tenant => "tenant",
            SchemaScope::Core => "core",
        }
    }

    pub fn parse(raw: &str) -> Self {
        if raw == "core" {
            SchemaScope::Core
        } else {
            SchemaScope::Tenant
        }
    }
}

/// `POST /v1/schemas`: registers or changes the schema of a semantic type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpsertSchemaRequest {
    /// Three or more dot-separated `[a-z0-9_]` words ending in a version:
    /// `acme.invoice.created.v1`.
    pub semantic_type: String,
    /// A JSON Schema (an object).
    pub schema_json: Value,
    /// Where the schema is published (at most 512 characters); default
    /// `axme://schemas/<semantic_type>/<schema_hash>`.
    #[serde(default)]
    pub schema_ref: Option<String>,
    pub compatibility_mode: CompatibilityMode,
    /// Default `tenant`.
    #[serde(default)]
    pub scope: Option<SchemaScope>,
    /// Default true.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A registered schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SemanticSchema {
    pub semantic_type: String,
    pub schema_ref: String,
    /// SHA-256 (hex) of the canonical JSON of `schema_json` (keys sorted, no spaces).
    pub schema_hash: String,
    pub compatibility_mode: CompatibilityMode,
    pub scope: SchemaScope,
    /// The agent that registered it.
    pub owner_agent: Option<String>,
    pub active: bool,
    pub schema_json: Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `POST /v1/schemas` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpsertSchemaResponse {
    pub ok: bool,
    pub schema: SemanticSchema,
    /// True when this request registered the type.
    pub created: bool,
    /// Changes a reader of the earlier schema may notice (`warn` mode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// `GET /v1/schemas/{semantic_type}` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SchemaResponse {
    pub ok: bool,
    pub schema: SemanticSchema,
}

/// Whether `raw` is a semantic type: `^[a-z0-9_]+(\.[a-z0-9_]+){2,}\.v[0-9]+$`.
pub fn is_semantic_type(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('.').collect();
    let word = |w: &&str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let Some((version, words)) = parts.split_last() else {
        return false;
    };
    raw.len() <= 255
        && words.len() >= 3
        && words.iter().all(word)
        && version
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The canonical JSON of `value`: object keys sorted (by their UTF-8 bytes), no
/// whitespace, strings and numbers as serde_json writes them.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `schema_hash`: 64 hex digits.
pub fn schema_hash(schema: &Value) -> String {
    hex::encode(Sha256::digest(canonical_json(schema).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn semantic_types() {
        for good in ["acme.invoice.created.v1", "a.b.c.v10", "x_1.y.z.w.v0"] {
            assert!(is_semantic_type(good), "{good}");
        }
        for bad in [
            "",
            "a.b.v1",
            "A.b.c.v1",
            "a.b.c.1",
            "a.b.c.v",
            "a..c.v1",
            "a.b.c.v1x",
            "a-b.c.d.v1",
        ] {
            assert!(!is_semantic_type(bad), "{bad}");
        }
    }

    #[test]
    fn the_hash_ignores_key_order_and_spacing() {
        let a = json!({"type": "object", "properties": {"b": {"type": "string"}, "a": {}}});
        let b: Value = serde_json::from_str(
            r#"{ "properties": { "a": {}, "b": { "type": "string" } }, "type": "object" }"#,
        )
        .unwrap();
        assert_eq!(
            canonical_json(&a),
            r#"{"properties":{"a":{},"b":{"type":"string"}},"type":"object"}"#
        );
        assert_eq!(schema_hash(&a), schema_hash(&b));
        assert_eq!(schema_hash(&a).len(), 64);
        assert_ne!(schema_hash(&a), schema_hash(&json!({"type": "object"})));
    }
}
