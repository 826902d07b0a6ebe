//! Invites on both stores, and what accepting one writes in the same job: the invite by
//! its token's hash, updated in place once accepted, and an account with a key made inside
//! a job (`Tx::put_key`), all found again after a reopen (the key in the directory).

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::protocol::access::Role;
use crate::server::store::invites::InviteRow;
use crate::server::store::{AccountRow, KeyRow, OrgRow, WorkspaceRow};

fn invite(hash: &str) -> InviteRow {
    InviteRow {
        token_hash: hash.into(),
        workspace_id: "w1".into(),
        owner_agent: "agent://local/default/admin".into(),
        recipient_hint: Some("bob@example.com".into()),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        expires_at: "2026-01-08T00:00:00.000Z".into(),
        accepted_at: None,
        accepted_owner_agent: None,
        accepted_sa_id: None,
        nick: None,
    }
}

async fn invites_persist(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    store
        .bootstrap(
            OrgRow {
                org_id: "o1".into(),
                slug: "local".into(),
                created_at: "t".into(),
            },
            WorkspaceRow {
                workspace_id: "w1".into(),
                org_id: "o1".into(),
                slug: "default".into(),
                created_at: "t".into(),
            },
            AccountRow {
                sa_id: "sa_admin".into(),
                org_id: "o1".into(),
                workspace_id: "w1".into(),
                name: "admin".into(),
                display_name: None,
                description: None,
                status: "active".into(),
                role: Role::Admin,
                created_at: "t".into(),
                updated_at: "t".into(),
            },
            KeyRow {
                key_id: "k_admin".into(),
                sa_id: "sa_admin".into(),
                secret_hash: [1; 32],
                key_hint: "h".into(),
                status: "active".into(),
                created_at: "t".into(),
                expires_at: None,
                revoked_at: None,
                scopes: None,
            },
        )
        .await
        .unwrap();
    store
        .run(|tx| {
            tx.put_invite(&invite("aa"))?;
            tx.put_invite(&invite("bb"))?;
            // Accepting: the invitee's account and key, and the invite's new state.
            let (bob, created) = tx.ensure_account(&AccountRow {
                sa_id: "sa_bob".into(),
                org_id: "o1".into(),
                workspace_id: "w1".into(),
                name: "bob".into(),
                display_name: Some("@Bob".into()),
                description: None,
                status: "active".into(),
                role: Role::Member,
                created_at: "t".into(),
                updated_at: "t".into(),
            })?;
            assert!(created);
            tx.put_key(&KeyRow {
                key_id: "k_bob".into(),
                sa_id: bob.sa_id.clone(),
                secret_hash: [9; 32],
                key_hint: "…beef".into(),
                status: "active".into(),
                created_at: "t".into(),
                expires_at: None,
                revoked_at: None,
                scopes: None,
            })?;
            let mut accepted = tx.invite("aa")?.expect("stored");
            accepted.accepted_at = Some("2026-01-02T00:00:00.000Z".into());
            accepted.accepted_owner_agent = Some("agent://local/default/bob".into());
            accepted.accepted_sa_id = Some(bob.sa_id);
            accepted.nick = Some("Bob".into());
            tx.put_invite(&accepted)
        })
        .await
        .unwrap();
    store.shutdown().await.unwrap();
    drop(store);

    let store = place.open(Arc::new(Count::default())).await;
    let (aa, bb, none) = store
        .run(|tx| Ok((tx.invite("aa")?, tx.invite("bb")?, tx.invite("cc")?)))
        .await
        .unwrap();
    let aa = aa.unwrap();
    assert_eq!(
        (
            aa.accepted_at.as_deref(),
            aa.accepted_owner_agent.as_deref(),
            aa.accepted_sa_id.as_deref(),
            aa.nick.as_deref(),
            aa.recipient_hint.as_deref(),
        ),
        (
            Some("2026-01-02T00:00:00.000Z"),
            Some("agent://local/default/bob"),
            Some("sa_bob"),
            Some("Bob"),
            Some("bob@example.com")
        )
    );
    assert_eq!(bb, Some(invite("bb")));
    assert_eq!(none, None);
    let directory = store.load_directory().await.unwrap();
    let key = directory.keys.iter().find(|k| k.key_id == "k_bob").unwrap();
    assert_eq!((key.sa_id.as_str(), key.secret_hash), ("sa_bob", [9; 32]));
    assert!(
        directory
            .accounts
            .iter()
            .any(|a| a.sa_id == "sa_bob" && a.role == Role::Member)
    );
    store.shutdown().await.unwrap();
}

both_stores!(invites_persist);
