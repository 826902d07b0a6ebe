//! Tenants on both stores: organisations, workspaces, accounts and keys in the directory
//! snapshot, and receive policies.

use super::*;

async fn tenants_and_keys(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let org = OrgRow {
        org_id: "o1".into(),
        slug: "local".into(),
        created_at: "t".into(),
    };
    let ws = WorkspaceRow {
        workspace_id: "w1".into(),
        org_id: "o1".into(),
        slug: "default".into(),
        created_at: "t".into(),
    };
    let account = |id: &str, name: &str| AccountRow {
        sa_id: id.into(),
        org_id: "o1".into(),
        workspace_id: "w1".into(),
        name: name.into(),
        display_name: None,
        description: Some("d".into()),
        status: "active".into(),
        role: if id == "sa1" {
            Role::Admin
        } else {
            Role::Agent
        },
        created_at: "t".into(),
        updated_at: "t".into(),
    };
    let key = KeyRow {
        key_id: "k1".into(),
        sa_id: "sa1".into(),
        secret_hash: [7; 32],
        key_hint: "abcd".into(),
        status: "active".into(),
        created_at: "t".into(),
        expires_at: None,
        revoked_at: None,
        scopes: None,
    };
    store
        .bootstrap(
            org.clone(),
            ws.clone(),
            account("sa1", "admin"),
            key.clone(),
        )
        .await
        .unwrap();
    let taken = store
        .create_account(account("sa2", "admin"))
        .await
        .unwrap_err();
    assert!(
        matches!(taken, StoreError::Duplicate(Duplicate::Account { .. })),
        "{taken}"
    );
    store.create_account(account("sa2", "bob")).await.unwrap();
    let scoped = Scopes::of(&[Scope::IntentsRead, Scope::Tasks]);
    store
        .create_key(KeyRow {
            key_id: "k2".into(),
            sa_id: "sa2".into(),
            scopes: Some(scoped),
            ..key.clone()
        })
        .await
        .unwrap();
    let (row, created) = store
        .run(move |tx| {
            let (row, created) = tx.ensure_account(&account("sa3", "bob"))?;
            Ok((row.sa_id, created))
        })
        .await
        .unwrap();
    assert_eq!((row.as_str(), created), ("sa2", false));
    let revoked = store
        .revoke_key("sa1".into(), "k1".into(), "later".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.status, "revoked");
    assert_eq!(revoked.revoked_at.as_deref(), Some("later"));
    assert!(
        store
            .revoke_key("sa2".into(), "k1".into(), "x".into())
            .await
            .unwrap()
            .is_none()
    );
    let snapshot = store.load_directory().await.unwrap();
    assert_eq!(snapshot.orgs, vec![org]);
    assert_eq!(snapshot.workspaces, vec![ws]);
    assert_eq!(snapshot.accounts.len(), 2);
    assert_eq!(snapshot.accounts[0].role, Role::Admin);
    assert_eq!(snapshot.accounts[1].role, Role::Agent);
    assert_eq!(snapshot.keys.len(), 2);
    let k1 = snapshot.keys.iter().find(|k| k.key_id == "k1").unwrap();
    assert_eq!(k1.secret_hash, [7; 32]);
    assert_eq!(k1.status, "revoked");
    assert_eq!(k1.scopes, None);
    let k2 = snapshot.keys.iter().find(|k| k.key_id == "k2").unwrap();
    assert_eq!(k2.scopes, Some(scoped));
    store.shutdown().await.unwrap();
}

/// Receive policies: written in a job, read back inside one and after a reopen.
async fn receive_policies_persist(kind: Kind) {
    use crate::protocol::access::{PolicyEntry, PolicyType, ReceivePolicy};
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    assert!(store.receive_policies().await.unwrap().is_empty());
    let mut policy = ReceivePolicy::default_for("agent://o/w/bob");
    policy.policy_type = PolicyType::Allowlist;
    policy.entries.push(PolicyEntry {
        entry_id: "e1".into(),
        sender_pattern: "agent://o/other/*".into(),
        created_at: None,
    });
    let written = policy.clone();
    let read = store
        .run(move |tx| {
            let before = tx.receive_policy(&written.address)?;
            tx.put_receive_policy("w", &written)?;
            Ok((before, tx.receive_policy(&written.address)?))
        })
        .await
        .unwrap();
    assert_eq!(read, (None, Some(policy.clone())));
    store.shutdown().await.unwrap();
    drop(store);
    let store = place.open(Arc::new(Count::default())).await;
    assert_eq!(store.receive_policies().await.unwrap(), vec![policy]);
    store.shutdown().await.unwrap();
}

both_stores!(tenants_and_keys, receive_policies_persist);
