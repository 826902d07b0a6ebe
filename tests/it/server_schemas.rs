//! Semantic schemas (spec §9.6) over HTTP: upsert and read back, `schema_hash` the SHA-256
//! of the canonical JSON (same for any spacing or key order), changes judged by the stored
//! compatibility mode (strict, backward, warn), `core` schemas readable from every
//! workspace; refusals: not a JSON Schema, a bad semantic type (422 naming the field),
//! a non-admin key (403), an unknown type (404), no key (401).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::TestServer;

fn field(r: &crate::common::Resp) -> &str {
    r.body["error"]["details"]["field"].as_str().unwrap_or("")
}

fn invoice_v1() -> Value {
    json!({
        "type": "object",
        "required": ["amount"],
        "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}
    })
}

#[tokio::test]
async fn schemas_upsert_hash_and_compatibility() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let other = server.create_workspace(&admin, "other").await;

    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.invoice.created.v1", "schema_json": invoice_v1(),
                    "compatibility_mode": "backward"}),
        )
        .await;
    r.expect_ok();
    let schema = &r.body["schema"];
    let canonical = r#"{"properties":{"amount":{"type":"number"},"currency":{"type":"string"}},"required":["amount"],"type":"object"}"#;
    let expected = hex::encode(Sha256::digest(canonical.as_bytes()));
    assert_eq!(schema["schema_hash"], json!(expected));
    assert_eq!(r.body["created"], json!(true));
    assert_eq!(
        (
            &schema["scope"],
            &schema["active"],
            &schema["compatibility_mode"]
        ),
        (&json!("tenant"), &json!(true), &json!("backward"))
    );
    assert_eq!(schema["owner_agent"], "agent://local/default/admin");
    assert_eq!(
        schema["schema_ref"],
        json!(format!("axme://schemas/acme.invoice.created.v1/{expected}"))
    );

    // Read back by any key of the workspace that reads intents.
    let r = server
        .get("/v1/schemas/acme.invoice.created.v1", &alpha.key)
        .await;
    r.expect_ok();
    assert_eq!(r.body["schema"]["schema_json"], invoice_v1());
    assert_eq!(r.body["schema"]["schema_hash"], json!(expected));
    // A tenant schema is not another workspace's.
    server
        .get("/v1/schemas/acme.invoice.created.v1", &other.admin_key)
        .await
        .expect_error(404, "schema_not_found");

    // Backward: an added optional field is fine; a newly required one is refused.
    let mut v2 = invoice_v1();
    v2["properties"]["memo"] = json!({"type": "string"});
    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.invoice.created.v1", "schema_json": v2,
                    "compatibility_mode": "strict", "schema_ref": "https://schemas.example/inv"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["created"], json!(false));
    assert_ne!(r.body["schema"]["schema_hash"], json!(expected));
    assert_eq!(
        r.body["schema"]["schema_ref"],
        "https://schemas.example/inv"
    );
    // Now strict: any other schema is refused, the same one (other spacing) is not.
    let mut v3 = v2.clone();
    v3["required"] = json!(["amount", "memo"]);
    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.invoice.created.v1", "schema_json": v3,
                    "compatibility_mode": "backward"}),
        )
        .await;
    r.expect_error(409, "schema_incompatible");
    assert_eq!(r.body["error"]["details"]["compatibility_mode"], "strict");
    let same: Value = serde_json::from_str(&serde_json::to_string_pretty(&v2).unwrap()).unwrap();
    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.invoice.created.v1", "schema_json": same,
                    "compatibility_mode": "backward", "active": false}),
        )
        .await;
    r.expect_ok();
    assert_eq!(r.body["schema"]["active"], json!(false));
    // Backward again: the newly required field is refused, naming the change.
    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.invoice.created.v1", "schema_json": v3,
                    "compatibility_mode": "backward"}),
        )
        .await;
    r.expect_error(409, "schema_incompatible");
    assert_eq!(
        r.body["error"]["details"]["changes"],
        json!(["property 'memo' is newly required"])
    );

    // Warn: accepted with warnings.
    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.order.placed.v1", "schema_json": invoice_v1(),
                    "compatibility_mode": "warn", "scope": "core"}),
        )
        .await;
    r.expect_ok();
    let r = server
        .post(
            "/v1/schemas",
            &admin,
            &json!({"semantic_type": "acme.order.placed.v1",
                    "schema_json": {"type": "object", "properties": {"amount": {"type": "string"}}},
                    "compatibility_mode": "warn", "scope": "core"}),
        )
        .await;
    r.expect_ok();
    assert_eq!(
        r.body["warnings"],
        json!([
            "property 'amount' changed type from \"number\" to \"string\"",
            "property 'currency' was removed"
        ])
    );
    // A core schema is every workspace's.
    let r = server
        .get("/v1/schemas/acme.order.placed.v1", &other.admin_key)
        .await;
    r.expect_ok();
    assert_eq!(r.body["schema"]["scope"], "core");
}

#[tokio::test]
async fn refusals() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let good = json!({"semantic_type": "a.b.c.v1", "schema_json": {"type": "object"},
                      "compatibility_mode": "strict"});
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("semantic_type", json!("a.b.v1")), "semantic_type"),
        (with("semantic_type", json!("A.b.c.v1")), "semantic_type"),
        (with("semantic_type", json!("a.b.c.d")), "semantic_type"),
        (with("schema_json", json!([1])), "schema_json"),
        (with("schema_json", json!("object")), "schema_json"),
        (
            with("schema_json", json!({"type": "nothing"})),
            "schema_json",
        ),
        (with("schema_json", json!({"minLength": -1})), "schema_json"),
        (
            with("compatibility_mode", json!("loose")),
            "compatibility_mode",
        ),
        (with("scope", json!("galaxy")), "scope"),
        (with("active", json!("yes")), "active"),
        (with("schema_ref", json!("x".repeat(513))), "schema_ref"),
        (
            json!({"schema_json": {}, "compatibility_mode": "strict"}),
            "semantic_type",
        ),
        (
            json!({"semantic_type": "a.b.c.v1", "schema_json": {}}),
            "compatibility_mode",
        ),
    ];
    for (body, name) in cases {
        let r = server.post("/v1/schemas", &admin, &body).await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(field(&r), name, "{body}: {}", r.text);
    }
    server
        .post("/v1/schemas", &alpha.key, &good)
        .await
        .expect_error(403, "policy_denied");
    server
        .get("/v1/schemas/a.b.c.v1", &alpha.key)
        .await
        .expect_error(404, "schema_not_found");
    let r = server.get("/v1/schemas/not-a-type", &alpha.key).await;
    r.expect_error(422, "schema_invalid");
    assert_eq!(field(&r), "semantic_type");
    let r = server
        .call(reqwest::Method::GET, "/v1/schemas/a.b.c.v1", None, None)
        .await;
    r.expect_error(401, "missing_platform_api_key");
}
