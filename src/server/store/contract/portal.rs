//! The portal API's rows on both stores (issue 12): a person's profile, replaced whole and
//! kept across a reopen; the intents a workspace created since a time (its overview).

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::auth::ProfileRow;

async fn profiles_are_replaced_and_kept(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    assert_eq!(store.profile("u1".into()).await.unwrap(), None);
    let first = ProfileRow {
        user_id: "u1".into(),
        display_name: Some("Ada".into()),
        company: None,
        updated_at: "t1".into(),
    };
    store.set_profile(first.clone()).await.unwrap();
    assert_eq!(store.profile("u1".into()).await.unwrap(), Some(first));
    let second = ProfileRow {
        user_id: "u1".into(),
        display_name: None,
        company: Some("Analytical Engines".into()),
        updated_at: "t2".into(),
    };
    store.set_profile(second.clone()).await.unwrap();
    assert_eq!(store.profile("u2".into()).await.unwrap(), None);
    store.shutdown().await.unwrap();
    drop(store);
    let store = place.open(Arc::new(Count::default())).await;
    assert_eq!(store.profile("u1".into()).await.unwrap(), Some(second));
    store.shutdown().await.unwrap();
}

async fn intents_are_counted_by_workspace_since_a_time(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    for (id, workspace, at) in [
        ("i1", "w", "2026-01-01T23:59:59.999Z"),
        ("i2", "w", "2026-01-02T00:00:00.000Z"),
        ("i3", "w", "2026-01-02T10:00:00.000Z"),
        ("i4", "other", "2026-01-02T11:00:00.000Z"),
    ] {
        let mut intent = super::new_intent(id, None, 1);
        intent.meta.workspace_id = workspace.into();
        intent.created_at = at.into();
        store.create_intent(intent).await.unwrap();
    }
    let count =
        |workspace: &str, since: &str| store.intents_created_since(workspace.into(), since.into());
    assert_eq!(count("w", "2026-01-02T00:00:00.000Z").await.unwrap(), 2);
    assert_eq!(count("w", "2026-01-01T00:00:00.000Z").await.unwrap(), 3);
    assert_eq!(count("other", "2026-01-02T00:00:00.000Z").await.unwrap(), 1);
    assert_eq!(
        count("nobody", "2026-01-01T00:00:00.000Z").await.unwrap(),
        0
    );
    store.shutdown().await.unwrap();
}

both_stores!(
    profiles_are_replaced_and_kept,
    intents_are_counted_by_workspace_since_a_time
);
