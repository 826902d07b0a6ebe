//! Accounts and sessions on both stores (issue 12): the gateway's own secrets (first one
//! stored wins, kept across a reopen), a user's sessions listed newest first with what
//! signed in, and revocation seen in the list.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::protocol::Timestamp;
use crate::server::store::auth::{NewSession, TokenPair, UserRow};

fn pair(n: u8) -> TokenPair {
    TokenPair {
        access_hash: [n; 32],
        access_expires_at: 50,
        refresh_hash: [n + 100; 32],
        refresh_expires_at: 500 + i64::from(n),
    }
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_ms(seconds * 1000).unwrap()
}

async fn secrets_and_user_sessions(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let first = store
        .server_secret("jwt".into(), "one".into())
        .await
        .unwrap();
    assert_eq!(first, "one");
    let again = store
        .server_secret("jwt".into(), "two".into())
        .await
        .unwrap();
    assert_eq!(again, "one", "the first stored secret is kept");
    let other = store
        .server_secret("other".into(), "three".into())
        .await
        .unwrap();
    assert_eq!(other, "three");

    store
        .create_user(UserRow {
            user_id: "u1".into(),
            email: "a@example.com".into(),
            sa_id: "sa1".into(),
            created_at: "t".into(),
        })
        .await
        .unwrap();
    for (n, client) in [(1u8, Some("axme-cli/0.1.0")), (2, None)] {
        store
            .create_session(
                NewSession {
                    session_id: format!("s{n}"),
                    user_id: "u1".into(),
                    key_id: Some(format!("k{n}")),
                    tokens: pair(n),
                    client: client.map(str::to_string),
                },
                at(i64::from(n)),
            )
            .await
            .unwrap();
    }
    let listed = store.user_sessions("u1".into()).await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(ids, ["s2", "s1"], "newest first");
    let s1 = &listed[1];
    assert_eq!(s1.client.as_deref(), Some("axme-cli/0.1.0"));
    assert_eq!(s1.refresh_expires_at, 501);
    assert_eq!(s1.created_at, at(1).to_string());
    assert_eq!(s1.key_id.as_deref(), Some("k1"));
    assert!(!s1.revoked && s1.revoked_at.is_none());
    assert!(
        store
            .user_sessions("nobody".into())
            .await
            .unwrap()
            .is_empty()
    );

    store.revoke_session("s1".into(), at(9)).await.unwrap();
    store.shutdown().await.unwrap();
    drop(store);

    // Both survive a reopen.
    let store = place.open(Arc::new(Count::default())).await;
    assert_eq!(
        store
            .server_secret("jwt".into(), "four".into())
            .await
            .unwrap(),
        "one"
    );
    let listed = store.user_sessions("u1".into()).await.unwrap();
    let s1 = listed.iter().find(|s| s.session_id == "s1").unwrap();
    assert!(s1.revoked);
    assert_eq!(s1.revoked_at.as_deref(), Some(at(9).to_string().as_str()));
    assert!(
        !listed
            .iter()
            .find(|s| s.session_id == "s2")
            .unwrap()
            .revoked
    );
    store.shutdown().await.unwrap();
}

both_stores!(secrets_and_user_sessions);
