//! `/openapi.json`: every route the router serves, its path and query parameters, and the
//! schemas of its request body and 200 answer, derived from the `protocol` types the
//! handlers read and write (utoipa's `ToSchema`), so a changed wire type changes the
//! document with it.
//!
//! The operations are one table, [`routes::ROUTES`]: a new route gets in by adding its
//! entry there, naming its answer type and, for a body, the handler itself
//! (`takes(handler!(intents::create))`): the documented request schema is the `T` of the
//! handler's `Typed<T>` argument, found by the compiler ([`TakesBody`]), so what a handler
//! decodes and what the document says are one definition. The test
//! `documented_bodies_are_the_served_handlers` checks that the handler named is the one
//! the router serves at that path and method. The test `every_served_route_is_documented`
//! reads the `.route(…)` calls of every file in `src/server/http/` and fails when a path and
//! method served there is missing (or documented but no longer served);
//! `every_query_parameter_is_documented` does the same for the `params.get/int("…")` reads.

mod routes;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::typed::{Lenient, LenientBody, RequestBody, Rpc, Typed};
use crate::protocol::ErrorBody;
pub use routes::ROUTES;

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
    for route in ROUTES {
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
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The text of every handler file in src/server/http/ (not this module), by file stem.
    fn handler_files() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/http");
        std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .map(|path| {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                (stem, std::fs::read_to_string(path).unwrap())
            })
            .collect()
    }

    fn handler_sources() -> Vec<String> {
        handler_files().into_iter().map(|(_, text)| text).collect()
    }

    /// One `method(handler)` of a `.route("path", …)` in src/server/http/.
    struct Served {
        method: String,
        path: String,
        /// The handler's module (file stem) and function name.
        module: String,
        name: String,
    }

    /// Every `.route("path", get(a).post(b))` in src/server/http/, one row per method.
    fn served_handlers() -> Vec<Served> {
        let mut out = Vec::new();
        for (stem, text) in handler_files() {
            for call in text.split(".route(").skip(1) {
                let Some(path) = call.split('"').nth(1) else {
                    continue;
                };
                // The method router runs to the parenthesis that closes `.route(`.
                let mut depth = 1;
                let end = call
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(call.len(), |(i, _)| i);
                let router = &call[..end];
                for method in ["get", "post", "patch", "put", "delete"] {
                    let called = format!("{method}(");
                    for (i, _) in router.match_indices(&called) {
                        if i > 0 && router[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                        {
                            continue;
                        }
                        let rest = &router[i + called.len()..];
                        let target: String = rest[..rest.find(')').unwrap_or(rest.len())]
                            .split_whitespace()
                            .collect();
                        let parts: Vec<&str> = target.split("::").collect();
                        let name = parts.last().unwrap_or(&"").to_string();
                        let module = match parts.as_slice() {
                            [.., module, _] if *module != "super" => module.to_string(),
                            _ => stem.clone(),
                        };
                        out.push(Served {
                            method: method.to_string(),
                            path: path.to_string(),
                            module,
                            name,
                        });
                    }
                }
            }
        }
        out
    }

    /// `(method, path)` of every `.route("path", get(…).post(…))` in src/server/http/.
    fn served() -> BTreeSet<(String, String)> {
        served_handlers()
            .into_iter()
            .map(|s| (s.method, s.path))
            .collect()
    }

    /// Whether a served path (maybe a catch-all `{*rest}`) serves a documented one.
    fn serves(served: &str, documented: &str) -> bool {
        match served.split_once("{*") {
            Some((prefix, _)) => documented.starts_with(prefix),
            None => served == documented,
        }
    }

    /// A documented request body is the one its route's handler decodes: the `handler!` of
    /// the route is the function the router serves at that path and method (its schema is
    /// that handler's `Typed<T>` by construction), and every handler decoding a `Typed`
    /// body documents it that way.
    #[test]
    fn documented_bodies_are_the_served_handlers() {
        let served = served_handlers();
        let files: BTreeMap<String, String> = handler_files().into_iter().collect();
        for route in ROUTES {
            let Some(handler) = route.handler else {
                continue;
            };
            let serving: Vec<&Served> = served
                .iter()
                .filter(|s| s.method == route.method && serves(&s.path, route.path))
                .collect();
            assert!(
                serving
                    .iter()
                    .any(|s| s.module == handler.module && s.name == handler.name),
                "{} {}: documented with the body of {}::{}, but served by {:?}",
                route.method,
                route.path,
                handler.module,
                handler.name,
                serving
                    .iter()
                    .map(|s| format!("{}::{}", s.module, s.name))
                    .collect::<Vec<_>>()
            );
        }
        // Every handler that decodes a typed body is named by its route.
        for s in &served {
            let text = &files[&s.module];
            let Some(at) = text.find(&format!("async fn {}(", s.name)) else {
                continue;
            };
            let signature = &text[at..at + text[at..].find('{').unwrap_or(0)];
            let signature: String = signature.split_whitespace().collect();
            assert!(
                !signature.contains("JsonBody"),
                "{} {}: {}::{} takes an untyped JsonBody: decode a protocol type with \
                 Typed<T> (or, for a parser more lenient than serde, Lenient<T>)",
                s.method,
                s.path,
                s.module,
                s.name
            );
            let takes_typed = signature.contains("Typed<")
                || signature.contains("Lenient<")
                || signature.contains("Rpc<");
            let named = ROUTES.iter().any(|r| {
                r.method == s.method
                    && serves(&s.path, r.path)
                    && r.handler
                        .is_some_and(|h| h.module == s.module && h.name == s.name)
            });
            assert!(
                !takes_typed || named,
                "{} {}: {}::{} decodes a typed body but its route does not name the handler: \
                 use `.takes(handler!({}::{}))`",
                s.method,
                s.path,
                s.module,
                s.name,
                s.module,
                s.name
            );
        }
    }

    #[test]
    fn every_served_route_is_documented() {
        let served = served();
        assert!(served.len() > 20, "the scan found too little: {served:?}");
        let documented: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        for (method, path) in &served {
            // A catch-all route serves every documented path under its prefix.
            let covered = match path.split_once("{*") {
                Some((prefix, _)) => documented
                    .iter()
                    .any(|(m, p)| m == method && p.starts_with(prefix)),
                None => documented.contains(&(method.clone(), path.clone())),
            };
            assert!(
                covered,
                "{} {path} is served but not in /openapi.json: add a Route to openapi::ROUTES",
                method.to_uppercase()
            );
        }
        for (method, path) in &documented {
            let served_here = served.iter().any(|(m, p)| {
                m == method
                    && match p.split_once("{*") {
                        Some((prefix, _)) => path.starts_with(prefix),
                        None => p == path,
                    }
            });
            assert!(served_here, "{method} {path} is documented but not served");
        }
    }

    #[test]
    fn query_parameters_are_listed() {
        let doc = document();
        let list = &doc["paths"]["/v1/intents"]["get"]["parameters"];
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(
            names,
            [
                "status",
                "to_agent",
                "intent_type",
                "text",
                "limit",
                "cursor"
            ]
        );
        assert_eq!(list[3]["schema"]["maxLength"], 200);
        assert_eq!(list[4]["schema"]["type"], "integer");
        assert_eq!(list[4]["schema"]["maximum"], 500);
    }

    /// Every `params.get("x")` / `params.int("x", …)` of a handler is a documented query
    /// parameter of some route.
    #[test]
    fn every_query_parameter_is_documented() {
        let documented: BTreeSet<&str> = ROUTES
            .iter()
            .flat_map(|r| r.query.iter().map(|q| q.name))
            .collect();
        let mut read = BTreeSet::new();
        for text in handler_sources() {
            let text: String = text.split_whitespace().collect();
            for call in ["params.get(\"", "params.int(\""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    read.insert(rest[..rest.find('"').unwrap()].to_string());
                }
            }
        }
        assert!(read.len() >= 8, "the scan found too little: {read:?}");
        for name in &read {
            assert!(
                documented.contains(name.as_str()),
                "query parameter `{name}` is read by a handler but not in /openapi.json"
            );
        }
    }

    /// Every `$ref` points at a component, and every body and JSON answer is a named type.
    #[test]
    fn schemas_are_typed_and_complete() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for (i, _) in text.match_indices("#/components/schemas/") {
            let rest = &text[i + "#/components/schemas/".len()..];
            let name = &rest[..rest.find('"').unwrap()];
            assert!(schemas.contains_key(name), "dangling $ref to {name}");
        }
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                if matches!(method.as_str(), "post" | "patch" | "put")
                    && !path.ends_with("/revoke")
                    && !path.ends_with("/read")
                    && !path.ends_with("/replay")
                {
                    let body = &op["requestBody"]["content"]["application/json"]["schema"];
                    assert!(body["$ref"].is_string(), "{method} {path}: untyped body");
                }
                let ok = &op["responses"]["200"]["content"];
                if let Some(json) = ok.get("application/json") {
                    assert!(
                        json["schema"]["$ref"].is_string() || path == "/openapi.json",
                        "{method} {path}: untyped answer"
                    );
                }
            }
        }
        let intent = &schemas["Intent"];
        assert_eq!(
            intent["properties"]["status"]["$ref"],
            "#/components/schemas/Status"
        );
        assert!(
            schemas["Status"]["enum"].as_array().unwrap().len() >= 8,
            "{}",
            schemas["Status"]
        );
    }
}
