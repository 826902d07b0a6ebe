//! The store's contract, one test body run against both stores: SQLite (a temp file) and
//! PostgreSQL (a fresh database on the test server, see `pg::testdb`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::pg::{PgStore, testdb::TestDb};
use super::sqlite::{SqliteStore, SyncMode};
use super::*;
use crate::protocol::access::{Role, Scope, Scopes};
use crate::protocol::{CreateIntentRequest, Status, Timestamp};
use crate::server::engine::directory::Caller;
use crate::server::engine::lifecycle::{self, CreateInput, ResolveInput};

#[derive(Default)]
struct Count(AtomicUsize);

impl CommitObserver for Count {
    fn committed(&self, notices: &[Notice], _jobs: usize, _events: usize) {
        self.0.fetch_add(notices.len(), Ordering::SeqCst);
    }
}

/// Where a test's data lives; dropping it removes the data.
enum Place {
    Sqlite(tempfile::TempDir),
    Pg(TestDb),
}

#[derive(Clone, Copy)]
enum Kind {
    Sqlite,
    Pg,
}

impl Place {
    fn new(kind: Kind) -> Place {
        match kind {
            Kind::Sqlite => Place::Sqlite(tempfile::tempdir().unwrap()),
            Kind::Pg => Place::Pg(TestDb::create()),
        }
    }

    async fn open(&self, observer: Arc<Count>) -> Arc<dyn Store> {
        match self {
            Place::Sqlite(dir) => Arc::new(
                SqliteStore::open(&dir.path().join("s.db"), SyncMode::Normal, observer).unwrap(),
            ),
            Place::Pg(db) => Arc::new(
                PgStore::open(db.url(), "test", observer, None, None)
                    .await
                    .unwrap(),
            ),
        }
    }
}

pub(super) fn new_intent(id: &str, key: Option<&str>, body_hash: u8) -> NewIntent {
    let (intent, events) = lifecycle::create(CreateInput {
        intent_id: id.into(),
        request: CreateIntentRequest {
            intent_type: "t.v1".into(),
            to_agent: "agent://o/w/bob".into(),
            payload: json!({}),
            ..Default::default()
        },
        from_agent: "agent://o/w/admin".into(),
        to_agent: "agent://o/w/bob".into(),
        correlation_id: "c".into(),
        now: crate::protocol::Timestamp::now(),
    });
    NewIntent {
        meta: IntentMeta {
            workspace_id: "w".into(),
            to_workspace_id: Some("w".into()),
            sender_sa_id: "sa_admin".into(),
            to_agent: "agent://o/w/bob".into(),
        },
        intent_id: id.into(),
        status: intent.status,
        created_at: "t".into(),
        intent_json: serde_json::to_string(&intent).unwrap(),
        events: events
            .iter()
            .map(|e| (e.seq, serde_json::to_string(e).unwrap()))
            .collect(),
        idempotency: key.map(|k| IdempotencyKey {
            sa_id: "sa_admin".into(),
            endpoint: "create".into(),
            key: k.into(),
            body_hash: [body_hash; 32],
        }),
        response_json: format!("{{\"intent_id\":\"{id}\"}}"),
        timers: Vec::new(),
    }
}

fn admin() -> Caller {
    Caller {
        sa_id: "sa_admin".into(),
        key_id: "k".into(),
        name: "admin".into(),
        org_id: "o".into(),
        org_slug: "o".into(),
        workspace_id: "w".into(),
        workspace_slug: "w".into(),
        role: Role::Admin,
        scopes: Scopes::ALL,
        address: "agent://o/w/admin".into(),
    }
}

fn seqs(events: &[String]) -> Vec<u64> {
    events
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(e).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn complete(
    meta: &IntentMeta,
    intent: crate::protocol::Intent,
) -> Result<Decision, crate::server::engine::refusal::Refusal> {
    let input = ResolveInput {
        status: Status::Completed,
        actor: None,
        result: Some(json!({"ok": true})),
        error: None,
        reason: None,
    };
    lifecycle::resolve(
        &admin(),
        meta,
        intent,
        input,
        &crate::protocol::Timestamp::now(),
    )
}

async fn writes_are_gapless_idempotent_and_survive_reopen(kind: Kind) {
    let place = Place::new(kind);
    let observer = Arc::new(Count::default());
    let store = place.open(observer.clone()).await;

    let first = store
        .create_intent(new_intent("i1", Some("k"), 1))
        .await
        .unwrap();
    assert!(matches!(first, CreateOutcome::Created { .. }));
    let again = store
        .create_intent(new_intent("i2", Some("k"), 1))
        .await
        .unwrap();
    assert_eq!(
        again,
        CreateOutcome::Replayed {
            response: "{\"intent_id\":\"i1\"}".into()
        }
    );
    let clash = store
        .create_intent(new_intent("i3", Some("k"), 2))
        .await
        .unwrap_err();
    assert!(
        matches!(clash, StoreError::IdempotencyConflict { .. }),
        "{clash}"
    );
    assert!(store.get_intent("i2".into()).await.unwrap().is_none());

    // Two deliveries and a resolve queued together: one DELIVERED, one terminal, no gaps.
    let deliver = || {
        store.transition(
            "i1".into(),
            Box::new(|_, intent| {
                Ok(lifecycle::deliver(
                    intent,
                    &crate::protocol::Timestamp::now(),
                ))
            }),
        )
    };
    let (d1, d2) = (deliver(), deliver());
    let resolve = store.transition("i1".into(), Box::new(complete));
    let (a, b, c) = tokio::join!(d1, d2, resolve);
    assert_eq!(a.unwrap().events.len() + b.unwrap().events.len(), 1);
    assert_eq!(c.unwrap().intent.status, Status::Completed);
    let (row, events) = store.events_after("i1".into(), 0).await.unwrap().unwrap();
    assert_eq!(row.status, Status::Completed);
    assert_eq!(seqs(&events), [1, 2, 3, 4]);
    let (_, later) = store.events_after("i1".into(), 2).await.unwrap().unwrap();
    assert_eq!(seqs(&later), [3, 4]);
    assert!(observer.0.load(Ordering::SeqCst) >= 3);
    assert!(
        store
            .events_after("nope".into(), 0)
            .await
            .unwrap()
            .is_none()
    );
    let missing = store
        .transition("nope".into(), Box::new(complete))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, StoreError::IntentNotFound(_)),
        "{missing}"
    );

    // Terminal rows leave the default delivery filter; cursors keep their stride.
    let query = DeliveryQuery {
        address: "agent://o/w/bob".into(),
        after_cursor: 0,
        statuses: vec![Status::Submitted, Status::Delivered],
        limit: 10,
    };
    assert!(store.deliveries(query.clone()).await.unwrap().is_empty());
    store
        .create_intent(new_intent("i4", None, 0))
        .await
        .unwrap();
    let rows = store.deliveries(query.clone()).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].delivery_cursor, 4);

    // Lists: newest first, by status, paged by position.
    let page = store
        .list_intents(ListQuery {
            workspace_id: "w".into(),
            party: None,
            statuses: Vec::new(),
            to_agent: None,
            before: None,
            limit: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 2);
    assert!(page.rows[0].1.contains("\"i4\""));
    let completed = store
        .list_intents(ListQuery {
            workspace_id: "w".into(),
            party: None,
            statuses: vec![Status::Completed],
            to_agent: Some("agent://o/w/bob".into()),
            before: None,
            limit: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(completed.rows.len(), 1);
    let older = store
        .list_intents(ListQuery {
            workspace_id: "w".into(),
            party: None,
            statuses: Vec::new(),
            to_agent: None,
            before: Some(page.rows[0].0),
            limit: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(older.rows.len(), 1);
    assert!(older.rows[0].1.contains("\"i1\""));
    // A non-admin's list: only what it sent or receives.
    let party = |sa_id: &str, address: &str| ListQuery {
        workspace_id: "w".into(),
        party: Some(Party {
            sa_id: sa_id.into(),
            address: address.into(),
        }),
        statuses: Vec::new(),
        to_agent: None,
        before: None,
        limit: 10,
        ..ListQuery::default()
    };
    let sent = store.list_intents(party("sa_admin", "agent://o/w/x")).await;
    assert_eq!(sent.unwrap().rows.len(), 2);
    let received = store.list_intents(party("sa_bob", "agent://o/w/bob")).await;
    assert_eq!(received.unwrap().rows.len(), 2);
    let stranger = store.list_intents(party("sa_eve", "agent://o/w/eve")).await;
    assert!(stranger.unwrap().rows.is_empty());
    let row = store.get_intent("i1".into()).await.unwrap().unwrap();
    assert_eq!(row.meta.to_agent, "agent://o/w/bob");
    store.shutdown().await.unwrap();
    drop(store);

    let store = place.open(observer).await;
    let (_, events) = store.events_after("i1".into(), 2).await.unwrap().unwrap();
    assert_eq!(events.len(), 2);
    store
        .create_intent(new_intent("i5", None, 0))
        .await
        .unwrap();
    let row = store.get_intent("i5".into()).await.unwrap().unwrap();
    assert_eq!(row.delivery_cursor, 6);
    store.shutdown().await.unwrap();
}

/// A job refused in the middle of a batch rolls back alone; a job's changes commit together.
async fn jobs_commit_together_or_not_at_all(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let ok = store.run(|tx| {
        tx.create(new_intent("a", None, 0))?;
        tx.transition(
            "a",
            Box::new(|_, i| Ok(lifecycle::deliver(i, &crate::protocol::Timestamp::now()))),
        )?;
        tx.set_timer(TimerRow {
            intent_id: "a".into(),
            kind: "deadline".into(),
            due_ms: 1_000,
            data: "{\"x\":1}".into(),
        })?;
        tx.put_workflow("a", "{\"step\":1}")?;
        Ok("done")
    });
    let refused = store.run(|tx| {
        tx.create(new_intent("b", None, 0))?;
        tx.transition("missing", Box::new(complete))?;
        Ok(())
    });
    let (ok, refused) = tokio::join!(ok, refused);
    assert_eq!(ok.unwrap(), "done");
    let refused = refused.unwrap_err();
    assert!(
        matches!(refused, StoreError::IntentNotFound(_)),
        "{refused}"
    );
    assert!(store.get_intent("b".into()).await.unwrap().is_none());
    let a = store.get_intent("a".into()).await.unwrap().unwrap();
    assert_eq!(a.status, Status::Delivered);
    assert_eq!(store.next_timer_due().await.unwrap(), Some(1_000));

    // Timers: only due ones are taken, once, earliest first; the workflow row is there.
    let taken = store
        .run(|tx| {
            tx.set_timer(TimerRow {
                intent_id: "a".into(),
                kind: "reminder".into(),
                due_ms: 500,
                data: "null".into(),
            })?;
            tx.set_timer(TimerRow {
                intent_id: "a".into(),
                kind: "delivery".into(),
                due_ms: 9_000,
                data: "null".into(),
            })?;
            let due = tx.take_due_timers(2_000, 10)?;
            let again = tx.take_due_timers(2_000, 10)?;
            let workflow = tx.workflow("a")?;
            Ok(json!({
                "due": due.iter().map(|t| (t.kind.clone(), t.data.clone())).collect::<Vec<_>>(),
                "again": again.len(),
                "workflow": workflow,
            }))
        })
        .await
        .unwrap();
    assert_eq!(
        taken,
        json!({"due": [["reminder", "null"], ["deadline", "{\"x\":1}"]], "again": 0,
               "workflow": "{\"step\":1}"})
    );
    assert_eq!(store.next_timer_due().await.unwrap(), Some(9_000));
    // Replacing: the delivery timer becomes the lease; one already armed is overwritten;
    // with nothing to replace the new timer is armed all the same.
    let timer = |kind: &str, due_ms: i64| TimerRow {
        intent_id: "a".into(),
        kind: kind.into(),
        due_ms,
        data: "null".into(),
    };
    let replaced = store
        .run(move |tx| {
            tx.replace_timer("delivery", timer("redeliver", 7_000))?;
            let after_first = tx.take_due_timers(i64::MAX, 10)?.len();
            tx.set_timer(timer("delivery", 8_000))?;
            tx.set_timer(timer("redeliver", 7_000))?;
            tx.replace_timer("delivery", timer("redeliver", 7_500))?;
            tx.replace_timer("retry", timer("deadline", 9_500))?;
            let due = tx.take_due_timers(i64::MAX, 10)?;
            Ok(json!({
                "after_first": after_first,
                "due": due.iter().map(|t| (t.kind.clone(), t.due_ms)).collect::<Vec<_>>(),
            }))
        })
        .await
        .unwrap();
    assert_eq!(
        replaced,
        json!({"after_first": 1, "due": [["redeliver", 7_500], ["deadline", 9_500]]})
    );
    store
        .run(move |tx| {
            tx.set_timer(timer("delivery", 9_000))?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(store.next_timer_due().await.unwrap(), Some(9_000));
    store
        .run(|tx| {
            tx.clear_timers("a")?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(store.next_timer_due().await.unwrap(), None);
    store.shutdown().await.unwrap();
}

/// Redelivery (the answer lease ended): the intent gets a cursor after every cursor handed
/// out so far, so a listener resuming from any earlier cursor receives it again.
async fn redelivery_moves_the_cursor_to_the_end(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    for id in ["r1", "r2"] {
        store.create_intent(new_intent(id, None, 0)).await.unwrap();
    }
    let deliver = |_: &IntentMeta, i| Ok(lifecycle::deliver(i, &crate::protocol::Timestamp::now()));
    store
        .transition("r1".into(), Box::new(deliver))
        .await
        .unwrap();
    let before = store.get_intent("r2".into()).await.unwrap().unwrap();
    let found = store
        .run(|tx| Ok((tx.redeliver("r1")?, tx.redeliver("missing")?)))
        .await
        .unwrap();
    assert_eq!(found, (true, false));
    let rows = store
        .deliveries(DeliveryQuery {
            address: "agent://o/w/bob".into(),
            after_cursor: before.delivery_cursor,
            statuses: vec![Status::Submitted, Status::Delivered],
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].json.contains("\"r1\""));
    assert_eq!(rows[0].status, Status::Delivered);
    assert!(rows[0].delivery_cursor > before.delivery_cursor);
    let r1 = store.get_intent("r1".into()).await.unwrap().unwrap();
    assert_eq!(r1.delivery_cursor, rows[0].delivery_cursor);
    // Later intents still come after it.
    store
        .create_intent(new_intent("r3", None, 0))
        .await
        .unwrap();
    let r3 = store.get_intent("r3".into()).await.unwrap().unwrap();
    assert!(r3.delivery_cursor > r1.delivery_cursor);
    store.shutdown().await.unwrap();
}

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

async fn login_codes_and_sessions(kind: Kind) {
    use super::auth::{CodeCheck, LoginCodeRow, Rotation, TokenPair, UserRow};
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    store
        .create_login_code(LoginCodeRow {
            login_id: "l1".into(),
            email: "a@example.com".into(),
            code_hash: [1; 32],
            expires_at: 100,
            created_at: "t".into(),
        })
        .await
        .unwrap();
    let at = |seconds: i64| Timestamp::from_unix_ms(seconds * 1000).unwrap();
    let check = |hash: u8, now: i64| store.check_login_code("l1".into(), [hash; 32], at(now), 3);
    assert_eq!(
        check(2, 10).await.unwrap(),
        CodeCheck::Wrong {
            email: "a@example.com".into(),
            attempts_left: 2
        }
    );
    assert_eq!(
        check(1, 10).await.unwrap(),
        CodeCheck::Valid {
            email: "a@example.com".into()
        }
    );
    assert_eq!(check(1, 10).await.unwrap(), CodeCheck::AlreadyUsed);
    store
        .create_user(UserRow {
            user_id: "u1".into(),
            email: "a@example.com".into(),
            sa_id: "sa1".into(),
            created_at: "t".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .user_by_email("a@example.com".into())
            .await
            .unwrap()
            .unwrap()
            .user_id,
        "u1"
    );
    let pair = |n: u8| TokenPair {
        access_hash: [n; 32],
        access_expires_at: 50,
        refresh_hash: [n + 100; 32],
        refresh_expires_at: 500,
    };
    store
        .create_session(
            super::auth::NewSession {
                session_id: "s1".into(),
                user_id: "u1".into(),
                key_id: Some("k1".into()),
                tokens: pair(1),
                client: None,
            },
            at(1),
        )
        .await
        .unwrap();
    let by_access = store
        .session_by_token([1; 32], false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_access.email, "a@example.com");
    assert!(!by_access.revoked);
    assert!(matches!(
        store
            .rotate_refresh([101; 32], pair(2), at(10))
            .await
            .unwrap(),
        Rotation::Rotated(_)
    ));
    assert!(
        store
            .session_by_token([2; 32], false)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        store
            .rotate_refresh([101; 32], pair(3), at(10))
            .await
            .unwrap(),
        Rotation::Reused
    ));
    let ended = store
        .session_by_token([2; 32], false)
        .await
        .unwrap()
        .unwrap();
    assert!(ended.revoked);
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

async fn console_sessions(kind: Kind) {
    use super::auth::ConsoleSessionRow;
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let row = ConsoleSessionRow {
        session_hash: [7; 32],
        session_id: "cs1".into(),
        sa_id: "sa1".into(),
        key_id: "k1".into(),
        login_session_id: Some("s1".into()),
        expires_at: 1_000,
        created_at: "t".into(),
        revoked: false,
    };
    store.create_console_session(row.clone()).await.unwrap();
    assert_eq!(
        store.console_session([7; 32]).await.unwrap(),
        Some(row.clone())
    );
    assert_eq!(store.console_session([8; 32]).await.unwrap(), None);
    // The same id twice is refused (ids are unique).
    let twin = ConsoleSessionRow {
        session_hash: [9; 32],
        ..row.clone()
    };
    assert!(store.create_console_session(twin).await.is_err());
    let at = Timestamp::from_unix_ms(5_000).unwrap();
    let ended = store
        .revoke_console_session([7; 32], at)
        .await
        .unwrap()
        .unwrap();
    assert!(ended.revoked);
    assert!(
        store
            .console_session([7; 32])
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert_eq!(
        store.revoke_console_session([8; 32], at).await.unwrap(),
        None
    );
    store.shutdown().await.unwrap();
    drop(store);
    // Survives a reopen.
    let store = place.open(Arc::new(Count::default())).await;
    assert!(
        store
            .console_session([7; 32])
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    store.shutdown().await.unwrap();
}

/// A decision that changes the intent without an event (a failed delivery attempt counted)
/// is kept: reads show it, and the log does not grow.
async fn a_change_without_an_event_is_kept(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    store
        .create_intent(new_intent("q1", None, 0))
        .await
        .unwrap();
    let count = |_: &IntentMeta, mut intent: crate::protocol::Intent| {
        intent.delivery_attempt = Some(2);
        Ok(Decision {
            intent,
            events: Vec::new(),
        })
    };
    let done = store
        .transition("q1".into(), Box::new(count))
        .await
        .unwrap();
    assert!(done.events.is_empty());
    let row = store.get_intent("q1".into()).await.unwrap().unwrap();
    let intent: crate::protocol::Intent = serde_json::from_str(&row.json).unwrap();
    assert_eq!(intent.delivery_attempt, Some(2));
    let (_, events) = store.events_after("q1".into(), 0).await.unwrap().unwrap();
    assert_eq!(seqs(&events), [1, 2]);
    store.shutdown().await.unwrap();
}

async fn mesh_heartbeats_kills_and_events(kind: Kind) {
    use super::mesh::{HeartbeatRow, KillChange, MeshEventQuery, MeshEventRow};
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

macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Kind::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Kind::Pg).await
            }
        }
    )*};
}

mod accounts;
mod inbox;
mod lists;
mod portal;
mod stale;
mod webhooks;

both_stores!(
    writes_are_gapless_idempotent_and_survive_reopen,
    jobs_commit_together_or_not_at_all,
    redelivery_moves_the_cursor_to_the_end,
    tenants_and_keys,
    login_codes_and_sessions,
    receive_policies_persist,
    console_sessions,
    a_change_without_an_event_is_kept,
    mesh_heartbeats_kills_and_events,
);
