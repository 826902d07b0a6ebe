//! Intent lists and counts filtered in the store (the console's Intents page): by type,
//! exact or by prefix; by a piece of the intent's JSON, ignoring ASCII case; combined with
//! status, receiver and paging; counts take the same filters.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Count, Kind, Place, new_intent};
use crate::protocol::Status;
use crate::server::store::{ListQuery, NewIntent, TypeFilter};

fn intent(id: &str, intent_type: &str, payload: Value) -> NewIntent {
    let mut new = new_intent(id, None, 0);
    let mut body: Value = serde_json::from_str(&new.intent_json).unwrap();
    body["intent_type"] = json!(intent_type);
    body["payload"] = payload;
    new.intent_json = body.to_string();
    new
}

fn ids(rows: &[(i64, String)]) -> Vec<String> {
    rows.iter()
        .map(|(_, json)| {
            let v: Value = serde_json::from_str(json).unwrap();
            v["intent_id"].as_str().unwrap().to_string()
        })
        .collect()
}

async fn filtered_lists_and_counts(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    let made = [
        (
            "f1",
            "intent.release.v1",
            json!({"version": "1.2.3", "note": "Ship it"}),
        ),
        ("f2", "intent.release.v2", json!({"version": "2.0.0"})),
        ("f3", "intent.invoice.v1", json!({"customer": "ACME Corp"})),
        ("f4", "intent.release.v1", json!({"version": "1.2.4"})),
        ("f5", "intent.releases", json!({"100%": "a_b"})),
    ];
    for (id, t, payload) in made {
        store.create_intent(intent(id, t, payload)).await.unwrap();
    }
    let query = |intent_type: Option<TypeFilter>, text: Option<&str>| ListQuery {
        workspace_id: "w".into(),
        intent_type,
        text: text.map(str::to_string),
        limit: 10,
        ..ListQuery::default()
    };
    let list = |q: ListQuery| {
        let store = store.clone();
        async move { ids(&store.list_intents(q).await.unwrap().rows) }
    };
    let exact = TypeFilter::parse("intent.release.v1");
    assert_eq!(list(query(Some(exact.clone()), None)).await, ["f4", "f1"]);
    let prefix = TypeFilter::parse("intent.release.*");
    assert_eq!(prefix, TypeFilter::Prefix("intent.release.".into()));
    assert_eq!(list(query(Some(prefix), None)).await, ["f4", "f2", "f1"]);
    let none = TypeFilter::parse("intent.release");
    assert!(list(query(Some(none), None)).await.is_empty());
    // Text: any part of the JSON, ASCII case ignored, LIKE's wildcards taken literally.
    assert_eq!(list(query(None, Some("acme corp"))).await, ["f3"]);
    assert_eq!(list(query(None, Some("SHIP"))).await, ["f1"]);
    assert_eq!(list(query(None, Some("1.2."))).await, ["f4", "f1"]);
    assert_eq!(list(query(None, Some("%"))).await, ["f5"]);
    assert_eq!(list(query(None, Some("a_b"))).await, ["f5"]);
    assert_eq!(list(query(None, Some("f3"))).await, ["f3"]);
    assert!(list(query(None, Some("nowhere"))).await.is_empty());
    // Together, and with status, receiver and paging.
    assert_eq!(
        list(query(Some(exact.clone()), Some("1.2.4"))).await,
        ["f4"]
    );
    let mut paged = query(Some(TypeFilter::parse("intent.*")), None);
    paged.limit = 2;
    let first = store.list_intents(paged.clone()).await.unwrap().rows;
    assert_eq!(ids(&first), ["f5", "f4"]);
    paged.before = Some(first[1].0);
    assert_eq!(list(paged).await, ["f3", "f2"]);
    let mut by_status = query(Some(exact.clone()), None);
    by_status.statuses = vec![Status::Completed];
    assert!(list(by_status.clone()).await.is_empty());
    by_status.statuses = vec![Status::Submitted, Status::Created];
    assert_eq!(list(by_status).await.len(), 2);
    let mut elsewhere = query(Some(exact.clone()), None);
    elsewhere.to_agent = Some("agent://o/w/nobody".into());
    assert!(list(elsewhere).await.is_empty());
    let mut other_workspace = query(None, Some("ACME"));
    other_workspace.workspace_id = "w2".into();
    assert!(list(other_workspace).await.is_empty());

    // Counts: the same filters (statuses aside).
    let counts = store.count_intents(query(Some(exact), None)).await.unwrap();
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 2, "{counts:?}");
    let counts = store
        .count_intents(query(None, Some("acme")))
        .await
        .unwrap();
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 1, "{counts:?}");
    let all = store.count_intents(query(None, None)).await.unwrap();
    assert_eq!(all.iter().map(|(_, n)| n).sum::<u64>(), 5, "{all:?}");
    store.shutdown().await.unwrap();
}

both_stores!(filtered_lists_and_counts);
