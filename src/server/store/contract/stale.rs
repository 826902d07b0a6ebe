//! Live intents by age (`POST /v1/intents/bulk-cancel`): only live ones in the statuses
//! asked for, created before the time given, of the workspace (and party), oldest first;
//! an intent that ends leaves the index.

use std::sync::Arc;

use super::{Count, Kind, Place, complete, new_intent};
use crate::protocol::Status;
use crate::server::store::{NewIntent, Party, StaleQuery};

fn made_at(id: &str, created_at: &str, workspace: &str) -> NewIntent {
    let mut new = new_intent(id, None, 0);
    new.created_at = created_at.into();
    new.meta.workspace_id = workspace.into();
    new.meta.to_workspace_id = Some(workspace.into());
    new
}

async fn live_intents_by_age(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    // Created out of order: the answer is by age, not by insertion.
    for (id, at, ws) in [
        ("b", "2026-01-02T00:00:00.000Z", "w"),
        ("a", "2026-01-01T00:00:00.000Z", "w"),
        ("c", "2026-01-03T00:00:00.000Z", "w"),
        ("elsewhere", "2026-01-01T00:00:00.000Z", "w2"),
        ("young", "2026-01-05T00:00:00.000Z", "w"),
    ] {
        store.create_intent(made_at(id, at, ws)).await.unwrap();
    }
    let ended = store.transition("c".into(), Box::new(complete)).await;
    assert_eq!(ended.unwrap().intent.status, Status::Completed);
    let query = |statuses: &[Status], limit| StaleQuery {
        workspace_id: "w".into(),
        party: None,
        statuses: statuses.to_vec(),
        created_before: "2026-01-04T00:00:00.000Z".into(),
        limit,
    };
    let submitted = [Status::Submitted, Status::Waiting];
    assert_eq!(
        store.stale_intents(query(&submitted, 10)).await.unwrap(),
        ["a", "b"]
    );
    assert_eq!(
        store.stale_intents(query(&submitted, 1)).await.unwrap(),
        ["a"]
    );
    assert!(
        store
            .stale_intents(query(&[Status::Waiting], 10))
            .await
            .unwrap()
            .is_empty()
    );
    // Terminal statuses are never live: asked for, they find nothing.
    assert!(
        store
            .stale_intents(query(&[Status::Completed], 10))
            .await
            .unwrap()
            .is_empty()
    );
    let mut later = query(&submitted, 10);
    later.created_before = "2026-02-01T00:00:00.000Z".into();
    assert_eq!(
        store.stale_intents(later.clone()).await.unwrap(),
        ["a", "b", "young"]
    );
    // A party sees its own only (every intent here was sent by sa_admin to bob).
    later.party = Some(Party {
        sa_id: "sa_carol".into(),
        address: "agent://o/w/carol".into(),
    });
    assert!(store.stale_intents(later.clone()).await.unwrap().is_empty());
    later.party = Some(Party {
        sa_id: "sa_carol".into(),
        address: "agent://o/w/bob".into(),
    });
    assert_eq!(store.stale_intents(later).await.unwrap().len(), 3);
    let mut other = query(&submitted, 10);
    other.workspace_id = "w2".into();
    assert_eq!(store.stale_intents(other).await.unwrap(), ["elsewhere"]);
    store.shutdown().await.unwrap();
}

both_stores!(live_intents_by_age);
