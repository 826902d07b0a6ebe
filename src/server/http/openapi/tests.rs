//! Checks of the document against the code: every route the router serves is documented,
//! with the handler it serves; every query parameter a handler reads is listed; the schemas
//! come from the `protocol` types.

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
                    if i > 0 && router[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
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
    for route in all_routes() {
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
        let named = all_routes().any(|r| {
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
    let documented: BTreeSet<(String, String)> = all_routes()
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
    let documented: BTreeSet<&str> = all_routes()
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
                && op["requestBody"]["content"]["application/octet-stream"].is_null()
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
