//! Inbox threads and approval decisions on both stores: per-workspace owners, the change
//! feed's order (a rewrite moves a thread to the end), approvals decided once.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::{InboxQuery, ThreadRow};

fn row(id: &str, workspace: &str, owner: &str) -> ThreadRow {
    ThreadRow {
        thread_id: id.into(),
        workspace_id: workspace.into(),
        owner: owner.into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
        change_seq: 0,
        body: format!("{{\"thread_id\":\"{id}\"}}"),
    }
}

async fn threads_and_approvals(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let me = "agent://o/w/me";
    let seqs = store
        .run(move |tx| {
            let a = tx.put_thread(&row("t1", "ws1", me))?;
            let b = tx.put_thread(&row("t2", "ws1", me))?;
            tx.put_thread(&row("t3", "ws2", me))?;
            tx.put_thread(&row("t4", "ws1", "agent://o/w/other"))?;
            Ok((a, b))
        })
        .await
        .unwrap();
    assert!(seqs.1 > seqs.0);
    let listed = store.inbox_threads("ws1".into(), me.into()).await.unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].contains("t2"), "most recent first: {listed:?}");
    let feed = |after| InboxQuery {
        workspace_id: "ws1".into(),
        owner: me.into(),
        after,
        limit: 10,
    };
    let all = store.inbox_changes(feed(0)).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|r| r.thread_id.as_str()).collect();
    assert_eq!(ids, ["t1", "t2"]);
    let cursor = all[1].change_seq;
    // Rewriting t1 (read inside the job, as the HTTP actions do) moves it past the cursor.
    let moved = store
        .run(move |tx| {
            let mut t1 = tx.thread("t1")?.expect("t1 is there");
            t1.body = "{\"thread_id\":\"t1\",\"read\":true}".into();
            tx.put_thread(&t1)
        })
        .await
        .unwrap();
    assert!(moved > cursor);
    let next = store.inbox_changes(feed(cursor)).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].thread_id, "t1");
    assert!(next[0].body.contains("read"));
    let one = store.inbox_thread("t3".into()).await.unwrap().unwrap();
    assert_eq!((one.workspace_id.as_str(), one.owner.as_str()), ("ws2", me));
    assert!(store.inbox_thread("none".into()).await.unwrap().is_none());

    let first = store
        .run(|tx| {
            let before = tx.approval("a1")?;
            let put = tx.put_approval("a1", "ws1", "{\"decision\":\"approve\"}")?;
            Ok((before, put))
        })
        .await
        .unwrap();
    assert_eq!(first, (None, true));
    let second = store
        .run(|tx| Ok((tx.approval("a1")?, tx.put_approval("a1", "ws1", "{}")?)))
        .await
        .unwrap();
    assert_eq!(
        second,
        (
            Some(("ws1".to_string(), "{\"decision\":\"approve\"}".to_string())),
            false
        )
    );
    store.shutdown().await.unwrap();
}

both_stores!(threads_and_approvals);
