//! What only PostgreSQL has to get right: other nodes writing the same rows at once.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use super::PgStore;
use super::testdb::TestDb;
use crate::server::store::contract::new_intent;
use crate::server::store::{CommitObserver, Notice, Store, StoreError, TimerRow};

struct Quiet;

impl CommitObserver for Quiet {
    fn committed(&self, _: &[Notice], _: usize, _: usize) {}
}

async fn open(db: &TestDb) -> Arc<dyn Store> {
    Arc::new(
        PgStore::open(db.url(), "test", Arc::new(Quiet), None, None)
            .await
            .unwrap(),
    )
}

fn timer(intent_id: &str) -> TimerRow {
    TimerRow {
        intent_id: intent_id.into(),
        kind: "deadline".into(),
        due_ms: 1_000,
        data: "null".into(),
    }
}

/// "Another node" holds intent `x`'s row (as a transition does until it commits) until
/// told to roll back; answers once the lock is held.
fn hold_intent_row(
    db: &TestDb,
    id: &'static str,
) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let settings = db.url().settings().unwrap();
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let mut client = settings.connect_blocking().unwrap();
        let mut tx = client.transaction().unwrap();
        tx.query(
            "SELECT 1 FROM intents WHERE intent_id = $1 FOR UPDATE",
            &[&id],
        )
        .unwrap();
        locked_tx.send(()).unwrap();
        let _ = release_rx.recv();
        tx.rollback().unwrap();
    });
    locked_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    (release_tx, holder)
}

/// Lock order: a timer whose intent another node is changing is left alone (not waited
/// for, which could deadlock with that node clearing the timer), and claimed afterwards.
#[tokio::test]
async fn a_timer_whose_intent_another_node_holds_is_left_for_later() {
    let db = TestDb::create();
    let store = open(&db).await;
    store
        .run(|tx| {
            for id in ["x", "y"] {
                tx.create(new_intent(id, None, 0))?;
                tx.set_timer(timer(id))?;
            }
            // A timer of no intent at all is dropped, not left to keep the scheduler busy.
            tx.set_timer(timer("gone"))
        })
        .await
        .unwrap();

    let (release, holder) = hold_intent_row(&db, "x");
    let claimed = tokio::time::timeout(
        Duration::from_secs(5),
        store.run(|tx| tx.take_due_timers(2_000, 10)),
    )
    .await
    .expect("the claim waited on the held intent")
    .unwrap();
    let ids: Vec<&str> = claimed.iter().map(|t| t.intent_id.as_str()).collect();
    assert_eq!(ids, ["y"]);
    assert_eq!(store.next_timer_due().await.unwrap(), Some(1_000));

    release.send(()).unwrap();
    holder.join().unwrap();
    let claimed = store.run(|tx| tx.take_due_timers(2_000, 10)).await.unwrap();
    let ids: Vec<&str> = claimed.iter().map(|t| t.intent_id.as_str()).collect();
    assert_eq!(ids, ["x"]);
    assert_eq!(store.next_timer_due().await.unwrap(), None);
    store.shutdown().await.unwrap();
}

/// A job that goes on after one of its statements failed is not reported as committed:
/// PostgreSQL would have turned its COMMIT into a ROLLBACK.
#[tokio::test]
async fn a_job_that_ignores_a_database_error_is_rolled_back_and_refused() {
    let db = TestDb::create();
    let store = open(&db).await;
    let lone = store
        .run(|tx| {
            tx.create(new_intent("a", None, 0))?;
            // The same id again: a unique violation, which the job ignores.
            let _ = tx.create(new_intent("a", None, 0));
            Ok(())
        })
        .await;
    assert!(matches!(lone, Err(StoreError::Unavailable(_))), "{lone:?}");
    assert!(store.get_intent("a".into()).await.unwrap().is_none());

    // In a batch: only that job goes; the other commits.
    let swallowing = store.run(|tx| {
        tx.create(new_intent("b", None, 0))?;
        let _ = tx.create(new_intent("b", None, 0));
        Ok(())
    });
    let fine = store.run(|tx| tx.create(new_intent("c", None, 0)).map(|_| ()));
    let (swallowing, fine) = tokio::join!(swallowing, fine);
    assert!(
        matches!(swallowing, Err(StoreError::Unavailable(_))),
        "{swallowing:?}"
    );
    fine.unwrap();
    assert!(store.get_intent("b".into()).await.unwrap().is_none());
    assert!(store.get_intent("c".into()).await.unwrap().is_some());
    store.shutdown().await.unwrap();
}

/// Keyed creates asked for at once are claimed together at the end of their batch: the
/// same key twice gives one intent and a replay of its answer (or 409 for another body),
/// a key taken earlier (by another node) replays that answer, and every key keeps the
/// answer of the intent that was written.
#[tokio::test]
async fn keyed_creates_asked_at_once_claim_each_key_once() {
    use crate::server::store::CreateOutcome;
    let db = TestDb::create();
    let store = open(&db).await;
    let mut earlier = new_intent("i-earlier", Some("k4"), 1);
    earlier.response_json = "{\"earlier\":true}".into();
    store.create_intent(earlier).await.unwrap();
    let asks = [
        ("i1", "k1", 1),
        ("i2", "k1", 1),
        ("i3", "k2", 1),
        ("i4", "k2", 2),
        ("i5", "k3", 1),
        ("i6", "k4", 1),
    ];
    let outcomes = futures_util::future::join_all(
        asks.iter()
            .map(|(id, key, hash)| store.create_intent(new_intent(id, Some(key), *hash))),
    )
    .await;
    let created = |id: &str| format!("{{\"intent_id\":\"{id}\"}}");
    let by_id = |id: &str| &outcomes[asks.iter().position(|a| a.0 == id).unwrap()];
    // k1: one of the two was written, the other got its answer.
    let k1: Vec<&str> = ["i1", "i2"]
        .into_iter()
        .filter(|id| matches!(by_id(id), Ok(CreateOutcome::Created { .. })))
        .collect();
    assert_eq!(k1.len(), 1, "{outcomes:?}");
    let other = if k1[0] == "i1" { "i2" } else { "i1" };
    match by_id(other) {
        Ok(CreateOutcome::Replayed { response }) => assert_eq!(*response, created(k1[0])),
        o => panic!("{o:?}"),
    }
    // k2: another body under the same key is refused.
    let written: Vec<&str> = ["i3", "i4"]
        .into_iter()
        .filter(|id| matches!(by_id(id), Ok(CreateOutcome::Created { .. })))
        .collect();
    assert_eq!(written.len(), 1, "{outcomes:?}");
    let other = if written[0] == "i3" { "i4" } else { "i3" };
    assert!(
        matches!(by_id(other), Err(StoreError::IdempotencyConflict { .. })),
        "{outcomes:?}"
    );
    assert!(matches!(by_id("i5"), Ok(CreateOutcome::Created { .. })));
    match by_id("i6") {
        Ok(CreateOutcome::Replayed { response }) => assert_eq!(response, "{\"earlier\":true}"),
        o => panic!("{o:?}"),
    }
    // What is stored agrees: one intent per key, each key answering with its intent.
    for id in [k1[0], written[0], "i5", "i-earlier"] {
        assert!(store.get_intent(id.into()).await.unwrap().is_some(), "{id}");
    }
    for id in ["i1", "i2", "i3", "i4", "i6"] {
        if id != k1[0] && id != written[0] {
            assert!(store.get_intent(id.into()).await.unwrap().is_none(), "{id}");
        }
    }
    let settings = db.url().settings().unwrap();
    let rows: Vec<(String, String)> = std::thread::spawn(move || {
        let mut client = settings.connect_blocking().unwrap();
        client
            .query("SELECT key, response FROM idempotency ORDER BY key", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    })
    .join()
    .unwrap();
    assert_eq!(
        rows,
        [
            ("k1".to_string(), created(k1[0])),
            ("k2".to_string(), created(written[0])),
            ("k3".to_string(), created("i5")),
            ("k4".to_string(), "{\"earlier\":true}".to_string()),
        ]
    );
}
