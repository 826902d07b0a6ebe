//! The nick registry on both stores: a profile per address, found by address and by nick,
//! updated in place, a nick held by another address refused, all surviving a reopen.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::users::ProfileRow;
use crate::server::store::{Duplicate, StoreError};

fn profile(owner: &str, nick: &str) -> ProfileRow {
    ProfileRow {
        owner_agent: owner.into(),
        user_id: format!("u-{nick}"),
        workspace_id: "ws1".into(),
        sa_id: Some("sa_1".into()),
        nick: nick.into(),
        normalized_nick: nick.to_ascii_lowercase(),
        display_name: Some("Alice".into()),
        phone: None,
        email: Some("a@example.com".into()),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

async fn profiles_persist(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let alice = "agent://o/w/alice";
    let bob = "agent://o/w/bob";
    store
        .run(move |tx| {
            tx.put_profile(&profile(alice, "Alice"))?;
            tx.put_profile(&profile(bob, "bob"))?;
            // A rename keeps the address's row.
            let mut renamed = tx.profile(bob)?.expect("bob is there");
            renamed.nick = "Bobby".into();
            renamed.normalized_nick = "bobby".into();
            renamed.phone = Some("+100".into());
            renamed.updated_at = "2026-01-02T00:00:00.000Z".into();
            tx.put_profile(&renamed)
        })
        .await
        .unwrap();
    // Another address taking a held nick (any case) is refused, and changes nothing.
    let taken = store
        .run(move |tx| {
            let mut thief = profile("agent://o/w/carol", "ALICE");
            thief.user_id = "u-carol".into();
            tx.put_profile(&thief)
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&taken, StoreError::Duplicate(Duplicate::Nick { nick }) if nick == "alice"),
        "{taken:?}"
    );
    store.shutdown().await.unwrap();
    drop(store);

    let store = place.open(Arc::new(Count::default())).await;
    let (a, by_nick, old_nick, b, carol) = store
        .run(move |tx| {
            Ok((
                tx.profile(alice)?,
                tx.profile_by_nick("bobby")?,
                tx.profile_by_nick("bob")?,
                tx.profile(bob)?,
                tx.profile("agent://o/w/carol")?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(a, Some(profile(alice, "Alice")));
    let b = b.unwrap();
    assert_eq!(by_nick.as_ref(), Some(&b));
    assert_eq!(
        (b.nick.as_str(), b.phone.as_deref(), b.user_id.as_str()),
        ("Bobby", Some("+100"), "u-bob")
    );
    assert_eq!((old_nick, carol), (None, None));
    store.shutdown().await.unwrap();
}

both_stores!(profiles_persist);
