//! Accounts and sessions on both stores (issue 12): the gateway's own secrets (first one
//! stored wins, kept across a reopen), a user's sessions listed newest first with what
//! signed in, revocation seen in the list, and deleting a service account.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::protocol::Timestamp;
use crate::protocol::access::Role;
use crate::server::store::auth::{NewSession, TokenPair, UserRow};
use crate::server::store::{AccountRow, KeyRow};

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

/// Deleting an account revokes it and every key it holds, in one transaction; the
/// directory loaded afterwards (another node's, or after a restart) sees both.
async fn deleting_an_account_revokes_its_keys(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let account = AccountRow {
        sa_id: "sa9".into(),
        org_id: "o".into(),
        workspace_id: "w".into(),
        name: "doomed".into(),
        display_name: None,
        description: None,
        status: "active".into(),
        role: Role::Agent,
        created_at: "t0".into(),
        updated_at: "t0".into(),
    };
    store.create_account(account).await.unwrap();
    for (id, revoked_at) in [("k1", None), ("k2", Some("t1"))] {
        store
            .create_key(KeyRow {
                key_id: id.into(),
                sa_id: "sa9".into(),
                secret_hash: [if id == "k1" { 1 } else { 2 }; 32],
                key_hint: "hint".into(),
                status: if revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                }
                .into(),
                created_at: "t0".into(),
                expires_at: None,
                revoked_at: revoked_at.map(str::to_string),
                scopes: None,
            })
            .await
            .unwrap();
    }
    assert!(
        store
            .delete_account("nosuch".into(), "t2".into())
            .await
            .unwrap()
            .is_none()
    );
    let (gone, mut keys) = store
        .delete_account("sa9".into(), "t2".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gone.status, "revoked");
    assert_eq!(gone.updated_at, "t2");
    keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.status == "revoked"));
    assert_eq!(keys[0].revoked_at.as_deref(), Some("t2"));
    assert_eq!(
        keys[1].revoked_at.as_deref(),
        Some("t1"),
        "an earlier revocation stays"
    );
    // Again: nothing changes.
    let (again, _) = store
        .delete_account("sa9".into(), "t3".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.updated_at, "t2");
    let snapshot = store.load_directory().await.unwrap();
    let stored = snapshot.accounts.iter().find(|a| a.sa_id == "sa9").unwrap();
    assert_eq!(stored.status, "revoked");
    assert!(
        snapshot
            .keys
            .iter()
            .filter(|k| k.sa_id == "sa9")
            .all(|k| k.status == "revoked")
    );
    store.shutdown().await.unwrap();
}

both_stores!(
    secrets_and_user_sessions,
    deleting_an_account_revokes_its_keys
);
