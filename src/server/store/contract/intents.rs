//! Intents on both stores: gapless seqs, idempotent creates, lists and a reopen; jobs that
//! commit together or not at all; redelivery's new cursor; a change without an event.

use super::*;

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

both_stores!(
    writes_are_gapless_idempotent_and_survive_reopen,
    jobs_commit_together_or_not_at_all,
    redelivery_moves_the_cursor_to_the_end,
    a_change_without_an_event_is_kept
);
