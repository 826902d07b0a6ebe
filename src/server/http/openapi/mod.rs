//! `/openapi.json`: every route the router serves, its path and query parameters, and the
//! schemas of its request body and 200 answer, derived from the `protocol` types the
//! handlers read and write (utoipa's `ToSchema`), so a changed wire type changes the
//! document with it.
//!
//! The operations are one table, [`routes::ROUTES`] (with [`extras::ROUTES`] for spec §9.6:
//! users, invites, media, semantic schemas): a new route gets in by adding its
//! entry there, naming its answer type and, for a body, the handler itself
//! (`takes(handler!(intents::create))`): the documented request schema is the `T` of the
//! handler's `Typed<T>` argument, found by the compiler ([`TakesBody`]), so what a handler
//! decodes and what the document says are one definition. The test
//! `documented_bodies_are_the_served_handlers` checks that the handler named is the one
//! the router serves at that path and method. The test `every_served_route_is_documented`
//! reads the `.route(…)` calls of every file in `src/server/http/` and fails when a path and
//! method served there is missing (or documented but no longer served);
//! `every_query_parameter_is_documented` does the same for the `params.get/int("…")` reads.

mod extras;
mod routes;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::typed::{Lenient, LenientBody, RequestBody, Rpc, Typed};
use crate::protocol::ErrorBody;
pub use routes::ROUTES;

/// Every documented operation: [`routes::ROUTES`], then [`extras::ROUTES`] (spec §9.6).
pub fn all_routes() -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().chain(extras::ROUTES)
}

/// The component schemas collected while the document is built, by name.
pub type Schemas = BTreeMap<String, Value>;

/// Registers `T` (and every type it names) and returns a reference to it.
pub type Shape = fn(&mut Schemas) -> Value;

/// [`Shape`] of a `protocol` type.
pub fn typed<T: ToSchema>(schemas: &mut Schemas) -> Value {
    let mut found = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut found);
    for (name, schema) in found {
        schemas
            .entry(name)
            .or_insert_with(|| serde_json::to_value(schema).unwrap_or(Value::Null));
    }
    json!({ "$ref": format!("#/components/schemas/{}", T::name()) })
}

/// The request type of a handler: the `T` of its last argument, `Typed<T>`,
/// `Lenient<T>` or `Rpc<T>` (axum wants the body last). `M` is the argument list, which keeps the impls
/// apart.
pub trait TakesBody<M> {
    type Body: ToSchema;
}

macro_rules! takes_body {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg,)* T: RequestBody> TakesBody<($($arg,)* Typed<T>,)> for F
        where
            F: FnOnce($($arg,)* Typed<T>) -> Fut,
        {
            type Body = T;
        }

        impl<F, Fut, $($arg,)* T: LenientBody> TakesBody<($($arg,)* Lenient<T>,)> for F
        where
            F: FnOnce($($arg,)* Lenient<T>) -> Fut,
        {
            type Body = T;
        }

        impl<F, Fut, $($arg,)* T: ToSchema> TakesBody<($($arg,)* Rpc<T>,)> for F
        where
            F: FnOnce($($arg,)* Rpc<T>) -> Fut,
        {
            type Body = T;
        }
    };
}

takes_body!();
takes_body!(A1);
takes_body!(A1, A2);
takes_body!(A1, A2, A3);
takes_body!(A1, A2, A3, A4);
takes_body!(A1, A2, A3, A4, A5);
takes_body!(A1, A2, A3, A4, A5, A6);
takes_body!(A1, A2, A3, A4, A5, A6, A7);

/// The body schema of `handler`: its request type, as the handler decodes it.
pub const fn body_of<H: TakesBody<M>, M>(_handler: &H) -> Shape {
    typed::<H::Body>
}

/// A handler that takes a body, named for the test that checks it is the one served.
#[derive(Clone, Copy)]
pub struct Handler {
    /// Its module in src/server/http/ and its name there.
    #[cfg_attr(not(test), expect(dead_code, reason = "checked by the tests"))]
    pub module: &'static str,
    #[cfg_attr(not(test), expect(dead_code, reason = "checked by the tests"))]
    pub name: &'static str,
    pub body: Shape,
}

/// `handler!(intents::create)`: the [`Handler`] of `super::intents::create`.
macro_rules! handler {
    ($module:ident :: $name:ident) => {
        $crate::server::http::openapi::Handler {
            module: stringify!($module),
            name: stringify!($name),
            body: $crate::server::http::openapi::body_of(&$crate::server::http::$module::$name),
        }
    };
}
pub(crate) use handler;

/// What a 200 carries.
#[derive(Clone, Copy)]
pub enum Answer {
    Json(Shape),
    /// Server-sent events.
    Events,
    /// Prometheus text.
    Text,
    /// An OpenAPI document.
    Document,
    /// Bytes as stored (`application/octet-stream` or the type they were stored with).
    Bytes,
}

/// One query parameter a handler reads.
#[derive(Clone, Copy)]
pub struct Query {
    pub name: &'static str,
    pub about: &'static str,
    /// Inclusive bounds of an integer parameter; `None` for text.
    pub range: Option<(u64, u64)>,
    /// The longest text accepted, when bounded.
    pub max_length: Option<u64>,
}

impl Query {
    pub const fn text(name: &'static str, about: &'static str) -> Query {
        Query {
            name,
            about,
            range: None,
            max_length: None,
        }
    }

    /// Text of at most `max_length` characters.
    pub const fn short_text(name: &'static str, max_length: u64, about: &'static str) -> Query {
        Query {
            name,
            about,
            range: None,
            max_length: Some(max_length),
        }
    }

    pub const fn int(name: &'static str, min: u64, max: u64, about: &'static str) -> Query {
        Query {
            name,
            about,
            range: Some((min, max)),
            max_length: None,
        }
    }

    fn document(&self) -> Value {
        let schema = match (self.range, self.max_length) {
            (Some((min, max)), _) => json!({"type": "integer", "minimum": min, "maximum": max}),
            (None, Some(max)) => json!({"type": "string", "maxLength": max}),
            (None, None) => json!({"type": "string"}),
        };
        json!({"name": self.name, "in": "query", "required": false, "description": self.about, "schema": schema})
    }
}

/// One documented operation.
pub struct Route {
    pub method: &'static str,
    /// The path as clients call it (`{name}` for a path parameter).
    pub path: &'static str,
    pub summary: &'static str,
    /// Needs an API key (or a session's bearer token).
    pub auth: bool,
    pub query: &'static [Query],
    /// The handler that reads the body, if the route takes one: the body's schema is its
    /// request type. There is no other way to document a body.
    pub handler: Option<Handler>,
    /// The body is bytes as they are (a media upload), not JSON.
    pub raw_body: bool,
    pub answer: Answer,
}

impl Route {
    /// An operation that needs a key.
    pub const fn key(method: &'static str, path: &'static str, summary: &'static str) -> Route {
        Route {
            method,
            path,
            summary,
            auth: true,
            query: &[],
            handler: None,
            raw_body: false,
            answer: Answer::Document,
        }
    }

    /// An operation open without a key.
    pub const fn open(method: &'static str, path: &'static str, summary: &'static str) -> Route {
        Route {
            auth: false,
            ..Route::key(method, path, summary)
        }
    }

    pub const fn query(self, query: &'static [Query]) -> Route {
        Route { query, ..self }
    }

    /// The body is what `handler` decodes (see [`handler!`]).
    pub const fn takes(self, handler: Handler) -> Route {
        Route {
            handler: Some(handler),
            ..self
        }
    }

    /// The body is bytes as they are.
    pub const fn bytes(self) -> Route {
        Route {
            raw_body: true,
            ..self
        }
    }

    pub const fn answer(self, answer: Answer) -> Route {
        Route { answer, ..self }
    }

    fn document(&self, schemas: &mut Schemas, error: &Value) -> Value {
        let mut params: Vec<Value> = self
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}))
            .collect();
        params.extend(self.query.iter().map(Query::document));
        let ok = match self.answer {
            Answer::Json(shape) => {
                json!({"description": "OK", "content": {"application/json": {"schema": shape(schemas)}}})
            }
            Answer::Events => {
                json!({"description": "Server-sent events: `data` is an event or intent as JSON", "content": {"text/event-stream": {"schema": sse_frame()}}})
            }
            Answer::Text => {
                json!({"description": "Prometheus text", "content": {"text/plain": {"schema": {"type": "string"}}}})
            }
            Answer::Bytes => {
                json!({"description": "The bytes", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})
            }
            Answer::Document => {
                json!({"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}})
            }
        };
        let mut responses = Map::new();
        responses.insert("200".into(), ok);
        for status in [
            "400", "401", "403", "404", "405", "408", "409", "410", "413", "415", "422", "429",
            "502", "503",
        ] {
            responses.insert(status.into(), error.clone());
        }
        let mut op = json!({
            "summary": self.summary,
            "operationId": operation_id(self.method, self.path),
            "parameters": params,
            "responses": responses,
        });
        if !self.auth {
            op["security"] = json!([]);
        }
        if self.raw_body {
            op["requestBody"] = json!({
                "required": true,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
            });
        }
        if let Some(Handler { body, .. }) = self.handler {
            op["requestBody"] = json!({
                "required": false,
                "content": {"application/json": {"schema": body(schemas)}}
            });
        }
        op
    }
}

/// One server-sent event as clients parse it.
fn sse_frame() -> Value {
    json!({
        "type": "object",
        "properties": {
            "event": {"type": "string"},
            "data": {"type": "string"},
            "id": {"type": "string"},
        }
    })
}

/// `get /v1/intents/{intent_id}/events` → `get_v1_intents_intent_id_events`.
fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{method}_{}", words.join("_"))
}

pub fn document() -> Value {
    let mut schemas = Schemas::new();
    let error_body = typed::<ErrorBody>(&mut schemas);
    let error = json!({"$ref": "#/components/responses/Error"});
    let mut paths = Map::new();
    for route in all_routes() {
        let op = route.document(&mut schemas, &error);
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[route.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "axme server (AXP gateway)", "version": env!("CARGO_PKG_VERSION")},
        "security": [{"apiKey": []}, {"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "responses": {
                "Error": {
                    "description": "Error (spec §5.4); 429 and 503 carry Retry-After",
                    "content": {"application/json": {"schema": error_body}}
                }
            },
            "schemas": schemas,
        }
    })
}

#[cfg(test)]
mod tests;
