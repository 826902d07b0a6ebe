//! The agent mesh on both stores: heartbeats, kills and resumes, and the mesh's events.

use super::*;

async fn mesh_heartbeats_kills_and_events(kind: Kind) {
    use crate::server::store::mesh::{HeartbeatRow, KillChange, MeshEventQuery, MeshEventRow};
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let beat = |at: &str, metrics: Option<&str>| HeartbeatRow {
        address: "agent://o/w/bob".into(),
        workspace_id: "w".into(),
        at: at.into(),
        metrics: metrics.map(str::to_string),
    };
    store
        .record_heartbeat(beat("2026-01-01T00:00:00.000Z", Some(r#"{"cost_usd":1}"#)))
        .await
        .unwrap();
    // A beat without metrics keeps the last ones.
    store
        .record_heartbeat(beat("2026-01-01T00:00:30.000Z", None))
        .await
        .unwrap();
    let event = |id: &str, kind: &str| MeshEventRow {
        event_id: id.into(),
        workspace_id: "w".into(),
        address: "agent://o/w/bob".into(),
        event_type: kind.into(),
        details: "{}".into(),
        actor: "agent://o/w/admin".into(),
        created_at: "2026-01-01T00:01:00.000Z".into(),
    };
    store
        .set_killed(KillChange {
            killed: true,
            event: event("e1", "agent.killed"),
        })
        .await
        .unwrap();
    let mut received = new_intent("m1", None, 0);
    received.created_at = "2026-01-01T00:00:00.000Z".into();
    store.create_intent(received).await.unwrap();
    store.shutdown().await.unwrap();

    // Everything survives a reopen.
    let store = place.open(Arc::new(Count::default())).await;
    let rows = store.mesh_agents(None).await.unwrap();
    assert_eq!(rows.len(), 1);
    let bob = &rows[0];
    assert_eq!(
        bob.last_heartbeat_at.as_deref(),
        Some("2026-01-01T00:00:30.000Z")
    );
    assert_eq!(bob.metrics.as_deref(), Some(r#"{"cost_usd":1}"#));
    assert_eq!(bob.killed_at.as_deref(), Some("2026-01-01T00:01:00.000Z"));
    assert_eq!(bob.killed_by.as_deref(), Some("agent://o/w/admin"));
    assert!(
        store
            .mesh_agents(Some("other".into()))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .set_killed(KillChange {
            killed: false,
            event: event("e2", "agent.resumed"),
        })
        .await
        .unwrap();
    let rows = store.mesh_agents(Some("w".into())).await.unwrap();
    assert_eq!(
        (rows[0].killed_at.as_deref(), rows[0].killed_by.as_deref()),
        (None, None)
    );
    let query = |event_type: Option<&str>| MeshEventQuery {
        workspace_id: "w".into(),
        address: None,
        event_type: event_type.map(str::to_string),
        limit: 10,
    };
    let all = store.mesh_events(query(None)).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["e2", "e1"], "newest first");
    let kills = store
        .mesh_events(query(Some("agent.killed")))
        .await
        .unwrap();
    assert_eq!(kills.len(), 1);
    assert_eq!(kills[0].actor, "agent://o/w/admin");
    let counts = store
        .intents_received_since("w".into(), "2025-12-31T00:00:00.000Z".into())
        .await
        .unwrap();
    assert_eq!(counts, vec![("agent://o/w/bob".to_string(), 1)]);
    let none = store
        .intents_received_since("w".into(), "2026-01-01T00:00:00.001Z".into())
        .await
        .unwrap();
    assert!(none.is_empty());
    store.shutdown().await.unwrap();
}

both_stores!(mesh_heartbeats_kills_and_events);
