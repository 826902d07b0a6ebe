//! The portal API's rows on both stores (issue 12): a person's profile, replaced whole and
//! kept across a reopen.

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

both_stores!(profiles_are_replaced_and_kept);
