//! Semantic schemas (spec §9.6): `POST /v1/schemas` registers or changes the JSON Schema
//! of a semantic type in the caller's workspace; `GET /v1/schemas/{semantic_type}` reads
//! it (the workspace's own, else a `core` one any workspace registered).
//!
//! A schema must be a JSON Schema (checked against its meta-schema and compiled by the
//! `jsonschema` crate, as task forms are). Its `schema_hash` is the SHA-256 of its
//! canonical JSON, so the same schema written with other spacing or key order has the same
//! hash. A change of an existing schema is judged by the compatibility mode stored with
//! it: `strict` refuses any (409 `schema_incompatible`: publish `…v2` instead),
//! `backward` refuses one that makes an earlier valid document invalid (a new required
//! field, a field removed or retyped, extra fields forbidden), `warn` accepts it and lists
//! those changes as `warnings`. Registering needs an admin key; reading, `intents:read`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use super::typed::{RequestBody, Typed};
use super::{AppState, owner};
use crate::protocol::Timestamp;
use crate::protocol::access::Scope;
use crate::protocol::schema::{
    CompatibilityMode, SchemaResponse, SchemaScope, SemanticSchema, UpsertSchemaRequest,
    UpsertSchemaResponse, is_semantic_type, schema_hash,
};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::schemas::SchemaRow;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/schemas", post(upsert))
        .route("/v1/schemas/{semantic_type}", get(read))
}

const TYPE_RULE: &str = "must be three or more dot-separated words of a-z, 0-9 and _ \
                         followed by a version (acme.invoice.created.v1)";

fn checked_type(raw: &str) -> ApiResult<()> {
    if is_semantic_type(raw) {
        Ok(())
    } else {
        Err(ApiError::invalid_field("semantic_type", TYPE_RULE))
    }
}

impl RequestBody for UpsertSchemaRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        checked_type(&self.semantic_type)?;
        if !self.schema_json.is_object() {
            return Err(ApiError::invalid_field(
                "schema_json",
                "must be a JSON Schema (an object)",
            ));
        }
        if let Err(e) = jsonschema::meta::validate(&self.schema_json) {
            return Err(ApiError::invalid_field(
                "schema_json",
                format!("is not a valid JSON Schema: {e}"),
            ));
        }
        if let Err(e) = jsonschema::validator_for(&self.schema_json) {
            return Err(ApiError::invalid_field(
                "schema_json",
                format!("cannot be used as a JSON Schema: {e}"),
            ));
        }
        if self
            .schema_ref
            .as_deref()
            .is_some_and(|r| r.chars().count() > 512)
        {
            return Err(ApiError::invalid_field(
                "schema_ref",
                "must be at most 512 characters",
            ));
        }
        Ok(self)
    }
}

fn stamp(raw: &str) -> Timestamp {
    raw.parse()
        .unwrap_or_else(|_| Timestamp::from_unix_ms(0).unwrap_or_else(Timestamp::now))
}

fn view(row: &SchemaRow) -> SemanticSchema {
    SemanticSchema {
        semantic_type: row.semantic_type.clone(),
        schema_ref: row.schema_ref.clone(),
        schema_hash: row.schema_hash.clone(),
        compatibility_mode: CompatibilityMode::parse(&row.compatibility_mode),
        scope: SchemaScope::parse(&row.scope),
        owner_agent: row.owner_agent.clone(),
        active: row.active,
        schema_json: serde_json::from_str(&row.schema_json).unwrap_or(Value::Null),
        created_at: stamp(&row.created_at),
        updated_at: stamp(&row.updated_at),
    }
}

fn object<'a>(schema: &'a Value, key: &str) -> Option<&'a serde_json::Map<String, Value>> {
    schema.get(key).and_then(Value::as_object)
}

fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What a document valid under `old` may find changed under `new` (top level: fields
/// removed, retyped or newly required, the type, extra fields forbidden).
pub fn differences(old: &Value, new: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if old.get("type") != new.get("type") {
        found.push(format!(
            "the type changed from {} to {}",
            old.get("type").unwrap_or(&Value::Null),
            new.get("type").unwrap_or(&Value::Null)
        ));
    }
    let empty = serde_json::Map::new();
    let before = object(old, "properties").unwrap_or(&empty);
    let after = object(new, "properties").unwrap_or(&empty);
    for (name, was) in before {
        match after.get(name) {
            None => found.push(format!("property '{name}' was removed")),
            Some(now) if was.get("type") != now.get("type") => found.push(format!(
                "property '{name}' changed type from {} to {}",
                was.get("type").unwrap_or(&Value::Null),
                now.get("type").unwrap_or(&Value::Null)
            )),
            Some(_) => {}
        }
    }
    let was_required = required(old);
    for name in required(new) {
        if !was_required.contains(&name) {
            found.push(format!("property '{name}' is newly required"));
        }
    }
    if old.get("additionalProperties") != Some(&Value::Bool(false))
        && new.get("additionalProperties") == Some(&Value::Bool(false))
    {
        found.push("additional properties are no longer allowed".into());
    }
    found
}

fn incompatible(semantic_type: &str, mode: CompatibilityMode, changes: &[String]) -> ApiError {
    let why = match mode {
        CompatibilityMode::Strict => {
            "its compatibility mode is strict: it does not change".to_string()
        }
        _ => format!(
            "its compatibility mode is backward and the change breaks earlier documents: {}",
            changes.join("; ")
        ),
    };
    ApiError::conflict(
        "schema_incompatible",
        format!("{semantic_type} is registered with another schema; {why} (register a new version instead)"),
    )
    .with_details(json!({ "compatibility_mode": mode.as_str(), "changes": changes }))
}

/// `POST /v1/schemas`.
pub(super) async fn upsert(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
    body: Typed<UpsertSchemaRequest>,
) -> ApiResult<Response> {
    access::administers(&caller)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let (request, _) = body.decoded()?;
    let hash = schema_hash(&request.schema_json);
    let now = app.now().to_string();
    let semantic_type = request.semantic_type;
    let row = SchemaRow {
        workspace_id: caller.workspace_id.clone(),
        schema_ref: request
            .schema_ref
            .unwrap_or_else(|| format!("axme://schemas/{semantic_type}/{hash}")),
        semantic_type,
        schema_hash: hash,
        compatibility_mode: request.compatibility_mode.as_str().into(),
        scope: request.scope.unwrap_or_default().as_str().into(),
        owner_agent: Some(owner),
        active: request.active.unwrap_or(true),
        schema_json: request.schema_json.to_string(),
        created_at: now.clone(),
        updated_at: now,
    };
    let new_schema = request.schema_json;
    let outcome = app
        .store
        .run(move |tx| {
            let mut row = row;
            let existing = tx.semantic_schema(&row.workspace_id, &row.semantic_type)?;
            let mut warnings = Vec::new();
            if let Some(old) = &existing {
                row.created_at = old.created_at.clone();
                if old.schema_hash != row.schema_hash {
                    let before: Value =
                        serde_json::from_str(&old.schema_json).unwrap_or(Value::Null);
                    let changes = differences(&before, &new_schema);
                    match CompatibilityMode::parse(&old.compatibility_mode) {
                        CompatibilityMode::Warn => warnings = changes,
                        CompatibilityMode::Backward if changes.is_empty() => {}
                        mode => {
                            return Ok(Err(incompatible(&row.semantic_type, mode, &changes)));
                        }
                    }
                }
            }
            tx.put_semantic_schema(&row)?;
            Ok(Ok((row, existing.is_none(), warnings)))
        })
        .await?;
    let (row, created, warnings) = outcome?;
    Ok(json_of(&UpsertSchemaResponse {
        ok: true,
        schema: view(&row),
        created,
        warnings,
    }))
}

/// `GET /v1/schemas/{semantic_type}`.
async fn read(
    State(app): State<AppState>,
    caller: Caller,
    Path(semantic_type): Path<String>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    checked_type(&semantic_type)?;
    let workspace_id = caller.workspace_id.clone();
    let wanted = semantic_type.clone();
    let row = app
        .store
        .run(
            move |tx| match tx.semantic_schema(&workspace_id, &wanted)? {
                Some(row) => Ok(Some(row)),
                None => tx.core_schema(&wanted),
            },
        )
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "schema_not_found",
                format!("no schema is registered for {semantic_type}"),
            )
        })?;
    Ok(json_of(&SchemaResponse {
        ok: true,
        schema: view(&row),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_what_breaks_earlier_documents() {
        let old = json!({"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {}}});
        let same_plus = json!({"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {}, "d": {}}});
        assert!(differences(&old, &same_plus).is_empty());
        let broken = json!({"type": "object", "required": ["a", "d"], "additionalProperties": false,
            "properties": {"a": {"type": "number"}, "c": {}, "d": {}}});
        assert_eq!(
            differences(&old, &broken),
            [
                "property 'a' changed type from \"string\" to \"number\"",
                "property 'b' was removed",
                "property 'd' is newly required",
                "additional properties are no longer allowed"
            ]
        );
    }
}
