//! The bytes of media uploads (`http/media.rs` has the rest): `PUT` streams them to a
//! file under the media directory, at most the declared size, hashing on the way;
//! `GET …/content` streams a ready upload's file back.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::media::{file_of, io_error, not_found, size, status, still_pending, upload_of};
use super::{AppState, body};
use crate::protocol::access::Scope;
use crate::protocol::media::{UploadContentResponse, UploadStatus};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;

/// Streams `body` into `path` (at most `limit` bytes): its size and SHA-256.
async fn receive(body: Body, path: &std::path::Path, limit: u64) -> ApiResult<(u64, String)> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| io_error(&e))?;
    let mut hasher = Sha256::new();
    let mut received = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) if body::is_timeout(&e) => return Err(ApiError::body_timeout()),
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "body_unreadable",
                    "validation",
                    "the request body broke off",
                ));
            }
        };
        received += chunk.len() as u64;
        if received > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "validation",
                format!("the upload was declared {limit} bytes; more arrived"),
            )
            .with_details(json!({ "max_bytes": limit })));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(|e| io_error(&e))?;
    }
    file.sync_all().await.map_err(|e| io_error(&e))?;
    Ok((received, hex::encode(hasher.finalize())))
}

/// `PUT /v1/media/{upload_id}/content`: the bytes (again, until finalized: the last
/// complete one counts).
pub(super) async fn upload(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsWrite)?;
    let row = upload_of(&app, &caller, &raw, true).await?;
    still_pending(&row, app.now())?;
    tokio::fs::create_dir_all(&app.media_dir)
        .await
        .map_err(|e| io_error(&e))?;
    let id = row.upload_id.clone();
    let part = app
        .media_dir
        .join(format!("{id}.{}.part", uuid::Uuid::new_v4().simple()));
    let received = receive(body, &part, size(row.size_bytes)).await;
    let (received, sha256) = match received {
        Ok(done) => done,
        Err(e) => {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(e);
        }
    };
    if let Err(e) = tokio::fs::rename(&part, file_of(&app, &id)).await {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(io_error(&e));
    }
    let engine = app.engine.clone();
    let digest = sha256.clone();
    let answer = app
        .store
        .run(move |tx| {
            let Some(mut row) = tx.media(&id)? else {
                return Ok(Err(not_found(&id)));
            };
            if let Err(e) = still_pending(&row, engine.now()) {
                return Ok(Err(e));
            }
            row.received_bytes = Some(i64::try_from(received).unwrap_or(i64::MAX));
            row.sha256 = Some(digest);
            tx.put_media(&row)?;
            Ok(Ok(row.upload_id))
        })
        .await??;
    Ok(json_of(&UploadContentResponse {
        ok: true,
        upload_id: answer,
        received_bytes: received,
        sha256,
        status: UploadStatus::Pending,
    }))
}

/// `GET /v1/media/{upload_id}/content`: the bytes of a ready upload, streamed.
pub(super) async fn download(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let row = upload_of(&app, &caller, &raw, false).await?;
    if status(&row, app.now()) != UploadStatus::Ready {
        return Err(ApiError::conflict(
            "upload_not_ready",
            format!("upload {} is not finalized yet", row.upload_id),
        ));
    }
    let file = tokio::fs::File::open(file_of(&app, &row.upload_id))
        .await
        .map_err(|e| io_error(&e))?;
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let ascii_name: String = row
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut response = Response::new(Body::from_stream(chunks));
    let headers = response.headers_mut();
    let value = |v: String| {
        HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    headers.insert(header::CONTENT_TYPE, value(row.mime_type));
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(size(row.size_bytes)),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{ascii_name}\""))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
