//! The portal API's rows on both stores (issue 12): a person's profile, replaced whole and
//! kept across a reopen; the intents a workspace created since a time (its overview); the
//! CLI's browser sign-in grants, each step taken once and never after expiry.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::auth::{CliGrantRow, GrantStep, ProfileRow};

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

fn grant(id: &str) -> CliGrantRow {
    CliGrantRow {
        grant_id: id.into(),
        user_code: "BCDF-GHJK".into(),
        state: "pending".into(),
        email: None,
        client: Some("axme-cli/1".into()),
        expires_at: 100,
        created_at: "t0".into(),
        updated_at: "t0".into(),
    }
}

fn step(id: &str, from: &str, to: &str, email: Option<&str>, now: i64) -> GrantStep {
    GrantStep {
        grant_id: id.into(),
        from: from.into(),
        to: to.into(),
        email: email.map(str::to_string),
        now,
        at: format!("t{now}"),
    }
}

async fn cli_grants_step_once_and_not_after_expiry(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    store.create_cli_grant(grant("g1")).await.unwrap();
    store.create_cli_grant(grant("g2")).await.unwrap();
    assert_eq!(
        store.cli_grant("g1".into()).await.unwrap(),
        Some(grant("g1"))
    );
    assert_eq!(store.cli_grant("nope".into()).await.unwrap(), None);
    // Past its expiry nothing moves.
    let late = step("g1", "pending", "approved", Some("a@x"), 100);
    assert_eq!(store.step_cli_grant(late).await.unwrap(), None);
    // Approved once, by whom is kept when the claim names nobody.
    let approve = |email| step("g1", "pending", "approved", Some(email), 50);
    let approved = store.step_cli_grant(approve("a@x")).await.unwrap().unwrap();
    assert_eq!(approved.state, "approved");
    assert_eq!(approved.email.as_deref(), Some("a@x"));
    assert_eq!(approved.updated_at, "t50");
    assert_eq!(store.step_cli_grant(approve("b@x")).await.unwrap(), None);
    // Two claims at once: exactly one wins.
    let claim = || store.step_cli_grant(step("g1", "approved", "claimed", None, 60));
    let (a, b) = tokio::join!(claim(), claim());
    let winners: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(winners.len(), 1);
    assert_eq!(winners[0].state, "claimed");
    assert_eq!(winners[0].email.as_deref(), Some("a@x"));
    // The other grant is untouched; all of it is kept across a reopen.
    store.shutdown().await.unwrap();
    drop(store);
    let store = place.open(Arc::new(Count::default())).await;
    let g1 = store.cli_grant("g1".into()).await.unwrap().unwrap();
    assert_eq!(
        (g1.state.as_str(), g1.email.as_deref()),
        ("claimed", Some("a@x"))
    );
    assert_eq!(
        store.cli_grant("g2".into()).await.unwrap(),
        Some(grant("g2"))
    );
    store.shutdown().await.unwrap();
}

both_stores!(
    profiles_are_replaced_and_kept,
    intents_are_counted_by_workspace_since_a_time,
    cli_grants_step_once_and_not_after_expiry
);
