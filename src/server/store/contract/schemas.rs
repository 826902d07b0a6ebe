//! The semantic schema registry on both stores: one schema per (workspace, type), changed
//! in place, `core` ones found from any workspace (active only), all surviving a reopen.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::schemas::SchemaRow;

fn schema(workspace: &str, semantic_type: &str, scope: &str, hash: &str) -> SchemaRow {
    SchemaRow {
        workspace_id: workspace.into(),
        semantic_type: semantic_type.into(),
        schema_ref: format!("axme://schemas/{semantic_type}/{hash}"),
        schema_hash: hash.into(),
        compatibility_mode: "backward".into(),
        scope: scope.into(),
        owner_agent: Some("agent://o/w/admin".into()),
        active: true,
        schema_json: "{\"type\":\"object\"}".into(),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

async fn semantic_schemas_persist(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    store
        .run(|tx| {
            tx.put_semantic_schema(&schema("ws1", "a.b.c.v1", "tenant", "h1"))?;
            tx.put_semantic_schema(&schema("ws2", "a.b.c.v1", "core", "h2"))?;
            let mut paused = schema("ws2", "x.y.z.v1", "core", "h3");
            paused.active = false;
            tx.put_semantic_schema(&paused)?;
            // An update keeps one row per (workspace, type).
            let mut changed = tx.semantic_schema("ws1", "a.b.c.v1")?.expect("stored");
            changed.schema_hash = "h9".into();
            changed.schema_json = "{\"type\":\"string\"}".into();
            changed.compatibility_mode = "warn".into();
            changed.owner_agent = None;
            changed.updated_at = "2026-01-02T00:00:00.000Z".into();
            tx.put_semantic_schema(&changed)
        })
        .await
        .unwrap();
    store.shutdown().await.unwrap();
    drop(store);

    let store = place.open(Arc::new(Count::default())).await;
    let (mine, core, paused_core, none) = store
        .run(|tx| {
            Ok((
                tx.semantic_schema("ws1", "a.b.c.v1")?,
                tx.core_schema("a.b.c.v1")?,
                tx.core_schema("x.y.z.v1")?,
                tx.semantic_schema("ws3", "a.b.c.v1")?,
            ))
        })
        .await
        .unwrap();
    let mine = mine.unwrap();
    assert_eq!(
        (
            mine.schema_hash.as_str(),
            mine.schema_json.as_str(),
            mine.compatibility_mode.as_str(),
            mine.owner_agent.as_deref(),
            mine.created_at.as_str(),
            mine.updated_at.as_str(),
        ),
        (
            "h9",
            "{\"type\":\"string\"}",
            "warn",
            None,
            "2026-01-01T00:00:00.000Z",
            "2026-01-02T00:00:00.000Z"
        )
    );
    assert_eq!(core, Some(schema("ws2", "a.b.c.v1", "core", "h2")));
    assert_eq!((paused_core, none), (None, None));
    store.shutdown().await.unwrap();
}

both_stores!(semantic_schemas_persist);
