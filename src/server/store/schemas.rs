//! Rows of the semantic schema registry (spec §9.6, `http/schemas.rs`): one schema per
//! (workspace, semantic type). Written and read inside writer jobs (`Tx`), so the check
//! of a change against the stored schema and the write are one transaction.

#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRow {
    pub workspace_id: String,
    pub semantic_type: String,
    pub schema_ref: String,
    /// SHA-256 (hex) of the canonical JSON of `schema_json`.
    pub schema_hash: String,
    /// `strict`, `backward` or `warn`.
    pub compatibility_mode: String,
    /// `tenant` or `core`.
    pub scope: String,
    pub owner_agent: Option<String>,
    pub active: bool,
    /// The schema as JSON text.
    pub schema_json: String,
    pub created_at: String,
    pub updated_at: String,
}
