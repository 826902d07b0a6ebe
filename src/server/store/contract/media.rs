//! Media uploads on both stores: created pending, the bytes' size and checksum recorded,
//! finalized in place, all surviving a reopen.

use std::sync::Arc;

use super::{Count, Kind, Place};
use crate::server::store::media::MediaRow;

fn upload(id: &str) -> MediaRow {
    MediaRow {
        upload_id: id.into(),
        workspace_id: "ws1".into(),
        owner_agent: "agent://o/w/alpha".into(),
        filename: "report 1.pdf".into(),
        mime_type: "application/pdf".into(),
        size_bytes: 3_000_000_000,
        declared_sha256: Some("ab".repeat(32)),
        received_bytes: None,
        sha256: None,
        status: "pending".into(),
        object_path: format!("ws1/{id}/report_1.pdf"),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        expires_at: "2026-01-02T00:00:00.000Z".into(),
        finalized_at: None,
    }
}

async fn media_uploads_persist(kind: Kind) {
    let place = Place::new(kind);
    let store = place.open(Arc::new(Count::default())).await;
    store
        .run(|tx| {
            tx.put_media(&upload("u1"))?;
            tx.put_media(&upload("u2"))?;
            let mut done = tx.media("u1")?.expect("stored");
            done.received_bytes = Some(3_000_000_000);
            done.sha256 = Some("ab".repeat(32));
            done.status = "ready".into();
            done.finalized_at = Some("2026-01-01T01:00:00.000Z".into());
            tx.put_media(&done)
        })
        .await
        .unwrap();
    store.shutdown().await.unwrap();
    drop(store);

    let store = place.open(Arc::new(Count::default())).await;
    let (u1, u2, none) = store
        .run(|tx| Ok((tx.media("u1")?, tx.media("u2")?, tx.media("u3")?)))
        .await
        .unwrap();
    let u1 = u1.unwrap();
    assert_eq!(
        (
            u1.status.as_str(),
            u1.received_bytes,
            u1.sha256.as_deref(),
            u1.finalized_at.as_deref(),
            u1.size_bytes,
        ),
        (
            "ready",
            Some(3_000_000_000),
            Some("ab".repeat(32).as_str()),
            Some("2026-01-01T01:00:00.000Z"),
            3_000_000_000
        )
    );
    assert_eq!(u2, Some(upload("u2")));
    assert_eq!(none, None);
    store.shutdown().await.unwrap();
}

both_stores!(media_uploads_persist);
