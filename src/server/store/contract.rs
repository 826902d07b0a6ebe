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
mod intents;
mod invites;
mod lists;
mod media;
mod mesh;
mod portal;
mod schemas;
mod sessions;
mod stale;
mod tenants;
mod users;
mod webhooks;
