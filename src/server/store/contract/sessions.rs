//! Sign-in on both stores: one-time login codes, users and their token-pair sessions, and
//! the console's sessions.

use super::*;

async fn login_codes_and_sessions(kind: Kind) {
    use crate::server::store::auth::{CodeCheck, LoginCodeRow, Rotation, TokenPair, UserRow};
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

async fn console_sessions(kind: Kind) {
    use crate::server::store::auth::ConsoleSessionRow;
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

both_stores!(login_codes_and_sessions, console_sessions);
