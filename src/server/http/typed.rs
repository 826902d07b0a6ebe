//! `Typed<T>`: a request body decoded into its wire type of `protocol`, the same type
//! `/openapi.json` documents for the route (`openapi::routes` takes it from the handler's
//! signature, so the two cannot drift).
//!
//! Reading keeps the rules of [`JsonBody`]: at most 128 KiB (413), in time (408), nested at
//! most `MAX_JSON_DEPTH` deep (422), an empty body read as `{}`. Then serde decodes the JSON
//! into `T`, ignoring unknown fields (spec §10.1); every problem is a 422 `schema_invalid`
//! naming its field by path (`human_task.allowed_outcomes[0]`). What serde cannot say (a
//! length, a character class, a range) is `RequestBody::check`; leniency beyond serde (a
//! camelCase alias, a lower-case status) is `RequestBody::prepare`, written out per type.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult};
use super::extract::JsonBody;

/// A request type of `protocol` as a handler reads it.
pub trait RequestBody: DeserializeOwned + ToSchema + Sized {
    /// Leniency beyond serde: rewrites the JSON before it is decoded (default: none).
    /// Idempotency fingerprints are taken of the rewritten JSON.
    fn prepare(raw: Value) -> Value {
        raw
    }

    /// Checks beyond serde's types, each a 422 naming its field (default: none).
    fn check(self, _raw: &Value) -> ApiResult<Self> {
        Ok(self)
    }

    /// The answer when a required field is absent (default: 422 "`field`: is required").
    fn missing(field: &str, _raw: &Value) -> ApiError {
        ApiError::invalid_field(field, "is required")
    }
}

/// A body read as JSON and decoded as a `T`. A body that cannot be read (413, 408, too
/// deep, not JSON) is refused before the handler runs, as [`JsonBody`] is; a decoding
/// problem waits for [`Typed::decoded`], so the handler's own refusals (a missing scope,
/// a bad `Idempotency-Key`) answer first, as they did when handlers read fields by hand.
pub struct Typed<T> {
    decoded: ApiResult<T>,
    raw: Value,
}

impl<T> Typed<T> {
    /// The request and the JSON it came from (after [`RequestBody::prepare`]), which
    /// idempotency keys fingerprint; or the 422 naming what is wrong.
    pub fn decoded(self) -> ApiResult<(T, Value)> {
        let raw = self.raw;
        self.decoded.map(|body| (body, raw))
    }
}

impl<S: Send + Sync, T: RequestBody> FromRequest<S> for Typed<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let JsonBody(raw) = JsonBody::from_request(req, state).await?;
        let raw = T::prepare(raw);
        let decoded = decode::<T>(&raw);
        Ok(Typed { decoded, raw })
    }
}

/// A body a handler must read more leniently than serde can, kept as JSON: the type `T`
/// documents it in `/openapi.json`, and its [`LenientBody`] impl says which parser reads
/// it instead. Reading refuses what [`JsonBody`] refuses (413, 408, too deep, not JSON).
pub struct Lenient<T> {
    pub raw: Value,
    _documented_as: std::marker::PhantomData<T>,
}

/// A request type read by its own lenient parser rather than serde (say which in the impl).
pub trait LenientBody: ToSchema {}

impl<S: Send + Sync, T: LenientBody> FromRequest<S> for Lenient<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let JsonBody(raw) = JsonBody::from_request(req, state).await?;
        Ok(Lenient {
            raw,
            _documented_as: std::marker::PhantomData,
        })
    }
}

/// A JSON-RPC body (`POST /mcp`), documented as `T`: read as [`JsonBody`] is, but never
/// refused before the handler, which answers a body it cannot read (413, 408, too deep,
/// not JSON) with a JSON-RPC error on a 200 rather than an HTTP error.
pub struct Rpc<T> {
    pub read: ApiResult<Value>,
    _documented_as: std::marker::PhantomData<T>,
}

impl<S: Send + Sync, T: ToSchema> FromRequest<S> for Rpc<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let read = JsonBody::from_request(req, state).await.map(|b| b.0);
        Ok(Rpc {
            read,
            _documented_as: std::marker::PhantomData,
        })
    }
}

impl<T: RequestBody> Typed<T> {
    /// A body that arrived another way than as a request's body (an MCP tool's arguments),
    /// prepared and decoded by the same rules.
    pub fn from_json(raw: Value) -> Self {
        let raw = T::prepare(raw);
        let decoded = decode::<T>(&raw);
        Typed { decoded, raw }
    }
}

/// Decodes and checks `raw` as a `T`.
pub fn decode<T: RequestBody>(raw: &Value) -> ApiResult<T> {
    // Every request type is an object (serde would also read a struct from an array).
    if !raw.is_object() {
        return Err(ApiError::invalid_field("body", "must be a JSON object"));
    }
    match serde_path_to_error::deserialize::<_, T>(raw) {
        Ok(body) => body.check(raw),
        Err(e) => Err(refusal::<T>(e, raw)),
    }
}

/// A serde error as the 422 the spec asks for: `details.field` is the path of the field.
fn refusal<T: RequestBody>(
    e: serde_path_to_error::Error<serde_json::Error>,
    raw: &Value,
) -> ApiError {
    // `?` stands for a level serde could not name (a flattened map): leave it out.
    let path: Vec<String> = e
        .path()
        .iter()
        .map(ToString::to_string)
        .filter(|s| s != "?")
        .collect();
    let mut path = path.join(".").replace(".[", "[");
    let message = e.inner().to_string();
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        return T::missing(&path, raw);
    }
    if path.is_empty() {
        return ApiError::invalid_field("body", message);
    }
    if message.starts_with("invalid type: null") {
        return ApiError::invalid_field(&path, "is required");
    }
    ApiError::invalid_field(&path, message)
}

/// Refuses a string longer than `max` characters.
pub fn at_most(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid_field(
            field,
            format!("must be at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

/// Refuses a blank string: "is required (a string)".
pub fn not_blank(field: &str, value: &str) -> ApiResult<()> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid_field(field, "is required (a string)"));
    }
    Ok(())
}

/// Refuses an integer outside `min..=max`.
pub fn within(field: &str, value: Option<u64>, min: u64, max: u64) -> ApiResult<()> {
    match value {
        Some(n) if !(min..=max).contains(&n) => Err(ApiError::invalid_field(
            field,
            format!("must be an integer from {min} to {max}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, ToSchema)]
    struct Inner {
        #[expect(dead_code)]
        items: Vec<u32>,
    }

    #[derive(Debug, Deserialize, ToSchema)]
    struct Sample {
        #[expect(dead_code)]
        name: String,
        #[serde(default)]
        #[expect(dead_code)]
        inner: Option<Inner>,
    }

    impl RequestBody for Sample {}

    fn field_of(raw: Value) -> String {
        let e = decode::<Sample>(&raw).unwrap_err();
        assert_eq!(e.status, 422);
        assert_eq!(e.body.error.code, "schema_invalid");
        e.body.error.details["field"].as_str().unwrap().to_string()
    }

    #[test]
    fn errors_name_the_field_by_path() {
        assert_eq!(field_of(json!({})), "name");
        assert_eq!(field_of(json!({"name": null})), "name");
        assert_eq!(field_of(json!({"name": 5})), "name");
        assert_eq!(field_of(json!([1])), "body");
        assert_eq!(field_of(json!(null)), "body");
        assert_eq!(field_of(json!({"name": "a", "inner": {}})), "inner.items");
        assert_eq!(
            field_of(json!({"name": "a", "inner": {"items": [1, "x"]}})),
            "inner.items[1]"
        );
        assert!(decode::<Sample>(&json!({"name": "a", "unknown": 1})).is_ok());
    }
}
