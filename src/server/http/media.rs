//! Media uploads (spec §9.6). `create-upload` declares a file (name, type, exact size,
//! optionally its SHA-256) and answers an `upload_url` on this gateway; the bytes are
//! `PUT` there (with the same API key) and streamed to a file under the media directory,
//! never held whole in memory, and never more than the declared size (413 past it); the
//! SHA-256 is computed on the way. `finalize-upload` checks the size (and the checksum,
//! declared or given) against what arrived and makes the upload `ready`;
//! `GET /v1/media/{upload_id}` is its metadata with a `download_url`, and
//! `GET /v1/media/{upload_id}/content` streams the bytes back.
//!
//! Who: creating, sending the bytes and finalizing need `intents:write` and are the
//! owner's (`owner_agent`: the caller's agent, or an admin's workspace agent); reading and
//! downloading need `intents:read` and any key of the upload's workspace may, since an
//! upload is meant to be referenced from an intent another agent receives. Another
//! workspace's upload is not shown to exist (404).
//!
//! Where the bytes live: `<media dir>/<upload_id>.bin`, the media dir being
//! `<database>.media/` beside a SQLite file, a temporary one for `--ephemeral`, and
//! `--media-dir` (default `<data dir>/media`) for PostgreSQL: metadata is in the database,
//! bytes on the node that received them, so several nodes need one shared directory
//! (`--media-dir` on a shared filesystem) for any node to serve any upload.

use std::path::PathBuf;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::invites::gateway_url;
use super::typed::{RequestBody, Typed, within};
use super::users::chars_within;
use super::{AppState, media_content, owner};
use crate::protocol::Timestamp;
use crate::protocol::access::Scope;
use crate::protocol::media::{
    BUCKET, CreateUploadRequest, CreateUploadResponse, DEFAULT_TTL_SECONDS, FinalizeUploadRequest,
    FinalizeUploadResponse, MAX_DECLARED_BYTES, MAX_TTL_SECONDS, MIN_TTL_SECONDS, Upload,
    UploadResponse, UploadStatus, is_mime_type, is_sha256,
};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::media::MediaRow;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/media/create-upload", post(create_upload))
        .route("/v1/media/finalize-upload", post(finalize_upload))
        .route("/v1/media/{upload_id}", get(read))
        .route(
            "/v1/media/{upload_id}/content",
            get(media_content::download).put(media_content::upload),
        )
}

/// The path `PUT` uploads go to (`body.rs` gives them a longer body deadline).
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::PUT
        && path.starts_with("/v1/media/")
        && path.ends_with("/content")
}

impl RequestBody for CreateUploadRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        chars_within("owner_agent", Some(&self.owner_agent), 3, 255)?;
        chars_within("filename", Some(&self.filename), 1, 255)?;
        if self.filename.chars().any(char::is_control) {
            return Err(ApiError::invalid_field(
                "filename",
                "must not contain control characters",
            ));
        }
        if !(3..=255).contains(&self.mime_type.len()) || !is_mime_type(&self.mime_type) {
            return Err(ApiError::invalid_field(
                "mime_type",
                "must be a media type such as image/png (3 to 255 characters)",
            ));
        }
        within("size_bytes", Some(self.size_bytes), 1, MAX_DECLARED_BYTES)?;
        if self.sha256.as_deref().is_some_and(|s| !is_sha256(s)) {
            return Err(ApiError::invalid_field(
                "sha256",
                "must be 64 lower-case hex digits",
            ));
        }
        within(
            "ttl_seconds",
            self.ttl_seconds,
            MIN_TTL_SECONDS,
            MAX_TTL_SECONDS,
        )?;
        Ok(self)
    }
}

impl RequestBody for FinalizeUploadRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        if uuid::Uuid::parse_str(&self.upload_id).is_err() {
            return Err(ApiError::invalid_field("upload_id", "must be a UUID"));
        }
        within("size_bytes", Some(self.size_bytes), 1, MAX_DECLARED_BYTES)?;
        if self.sha256.as_deref().is_some_and(|s| !is_sha256(s)) {
            return Err(ApiError::invalid_field(
                "sha256",
                "must be 64 lower-case hex digits",
            ));
        }
        Ok(self)
    }
}

pub(super) fn stamp(raw: &str) -> Timestamp {
    raw.parse()
        .unwrap_or_else(|_| Timestamp::from_unix_ms(0).unwrap_or_else(Timestamp::now))
}

pub(super) fn size(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(super) fn not_found(id: &str) -> ApiError {
    ApiError::not_found("upload_not_found", format!("no upload {id}"))
}

/// The upload's state now: a pending one past its expiry is expired.
pub(super) fn status(row: &MediaRow, now: Timestamp) -> UploadStatus {
    if row.status == "ready" {
        UploadStatus::Ready
    } else if now >= stamp(&row.expires_at) {
        UploadStatus::Expired
    } else {
        UploadStatus::Pending
    }
}

pub(super) fn file_of(app: &AppState, upload_id: &str) -> PathBuf {
    app.media_dir.join(format!("{upload_id}.bin"))
}

/// A file problem: the gateway cannot keep bytes now (logged; the client may retry).
pub(super) fn io_error(e: &std::io::Error) -> ApiError {
    tracing::error!(error = %e, "media storage failed");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "media_storage_unavailable",
        "internal",
        "the gateway could not store or read the upload's bytes; retry later",
    )
}

/// The upload `raw` names, if it is of the caller's workspace (and, for `write`, the
/// caller acts for its owner).
pub(super) async fn upload_of(
    app: &AppState,
    caller: &Caller,
    raw: &str,
    write: bool,
) -> ApiResult<MediaRow> {
    let id = uuid::Uuid::parse_str(raw)
        .map_err(|_| not_found(raw))?
        .to_string();
    let key = id.clone();
    let row = app
        .store
        .run(move |tx| tx.media(&key))
        .await?
        .filter(|r| r.workspace_id == caller.workspace_id)
        .ok_or_else(|| not_found(&id))?;
    if write && !owner::may_act_for(caller, &row.owner_agent) {
        return Err(ApiError::forbidden(format!(
            "upload {id} is {}'s: only its owner (or its workspace's admin) sends or finalizes it",
            row.owner_agent
        )));
    }
    Ok(row)
}

/// 409 or 410 unless the upload still takes bytes.
pub(super) fn still_pending(row: &MediaRow, now: Timestamp) -> ApiResult<()> {
    match status(row, now) {
        UploadStatus::Pending => Ok(()),
        UploadStatus::Ready => Err(ApiError::conflict(
            "upload_already_finalized",
            format!(
                "upload {} is finalized; it takes no more bytes",
                row.upload_id
            ),
        )),
        UploadStatus::Expired => Err(ApiError::new(
            StatusCode::GONE,
            "upload_expired",
            "validation",
            format!("upload {} expired at {}", row.upload_id, row.expires_at),
        )),
    }
}

/// `POST /v1/media/create-upload`.
pub(super) async fn create_upload(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Typed<CreateUploadRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsWrite)?;
    let (request, _) = body.decoded()?;
    let owner = owner::canonical(&caller, &request.owner_agent, "owner_agent")?;
    if !owner::may_act_for(&caller, &owner) {
        return Err(ApiError::forbidden(format!(
            "{} may not upload for {owner}: a key acts for its own agent, an admin for its workspace's",
            caller.address
        )));
    }
    let max = app.settings.max_media_bytes;
    if request.size_bytes > max {
        return Err(ApiError::payload_too_large(
            usize::try_from(max).unwrap_or(usize::MAX),
        ));
    }
    let upload_id = uuid::Uuid::new_v4().to_string();
    let now = app.now();
    let ttl = request.ttl_seconds.unwrap_or(DEFAULT_TTL_SECONDS);
    let expires_at = now.plus_ms(i64::try_from(ttl * 1000).unwrap_or(i64::MAX));
    let safe_name: String = request
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let row = MediaRow {
        object_path: format!("{}/{upload_id}/{safe_name}", caller.workspace_id),
        upload_id: upload_id.clone(),
        workspace_id: caller.workspace_id.clone(),
        owner_agent: owner.clone(),
        filename: request.filename,
        mime_type: request.mime_type,
        size_bytes: i64::try_from(request.size_bytes).unwrap_or(i64::MAX),
        declared_sha256: request.sha256,
        received_bytes: None,
        sha256: None,
        status: "pending".into(),
        created_at: now.to_string(),
        expires_at: expires_at.to_string(),
        finalized_at: None,
    };
    let object_path = row.object_path.clone();
    app.store.run(move |tx| tx.put_media(&row)).await?;
    Ok(json_of(&CreateUploadResponse {
        ok: true,
        upload_url: format!(
            "{}/v1/media/{upload_id}/content",
            gateway_url(&app, &headers)
        ),
        upload_id,
        owner_agent: owner,
        bucket: BUCKET.into(),
        object_path,
        status: UploadStatus::Pending,
        expires_at,
        max_size_bytes: max,
    }))
}

/// `POST /v1/media/finalize-upload`.
pub(super) async fn finalize_upload(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<FinalizeUploadRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsWrite)?;
    let (request, _) = body.decoded()?;
    let row = upload_of(&app, &caller, &request.upload_id, true).await?;
    let id = row.upload_id.clone();
    let engine = app.engine.clone();
    let row = app
        .store
        .run(move |tx| {
            let Some(mut row) = tx.media(&id)? else {
                return Ok(Err(not_found(&id)));
            };
            let now = engine.now();
            // A repeated finalize of what is ready, with the same facts, answers the same.
            let same = |row: &MediaRow| {
                row.received_bytes == i64::try_from(request.size_bytes).ok()
                    && request
                        .sha256
                        .as_ref()
                        .is_none_or(|s| row.sha256.as_ref() == Some(s))
            };
            if status(&row, now) == UploadStatus::Ready && same(&row) {
                return Ok(Ok(row));
            }
            if let Err(e) = still_pending(&row, now) {
                return Ok(Err(e));
            }
            let Some(received) = row.received_bytes else {
                return Ok(Err(ApiError::conflict(
                    "upload_incomplete",
                    format!("no bytes arrived for upload {id}: PUT them to its upload_url first"),
                )));
            };
            let declared = row.size_bytes;
            if received != declared || i64::try_from(request.size_bytes).ok() != Some(received) {
                return Ok(Err(ApiError::conflict(
                    "size_mismatch",
                    format!(
                        "{received} bytes arrived; {declared} were declared and {} given now",
                        request.size_bytes
                    ),
                )
                .with_details(json!({
                    "received_bytes": received,
                    "declared_bytes": declared,
                    "size_bytes": request.size_bytes,
                }))));
            }
            for expected in [&row.declared_sha256, &request.sha256]
                .into_iter()
                .flatten()
            {
                if row.sha256.as_ref() != Some(expected) {
                    return Ok(Err(ApiError::conflict(
                        "checksum_mismatch",
                        "the SHA-256 of the bytes that arrived is not the one expected",
                    )
                    .with_details(json!({ "sha256": row.sha256, "expected": expected }))));
                }
            }
            row.status = "ready".into();
            row.finalized_at = Some(now.to_string());
            tx.put_media(&row)?;
            Ok(Ok(row))
        })
        .await??;
    Ok(json_of(&FinalizeUploadResponse {
        ok: true,
        upload_id: row.upload_id,
        owner_agent: row.owner_agent,
        bucket: BUCKET.into(),
        object_path: row.object_path,
        mime_type: row.mime_type,
        size_bytes: size(row.size_bytes),
        sha256: row.sha256,
        status: UploadStatus::Ready,
        finalized_at: stamp(row.finalized_at.as_deref().unwrap_or_default()),
    }))
}

/// `GET /v1/media/{upload_id}`.
async fn read(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let row = upload_of(&app, &caller, &raw, false).await?;
    let status = status(&row, app.now());
    let download_url = (status == UploadStatus::Ready).then(|| {
        format!(
            "{}/v1/media/{}/content",
            gateway_url(&app, &headers),
            row.upload_id
        )
    });
    Ok(json_of(&UploadResponse {
        ok: true,
        upload: Upload {
            upload_id: row.upload_id,
            owner_agent: row.owner_agent,
            bucket: BUCKET.into(),
            object_path: row.object_path,
            mime_type: row.mime_type,
            filename: row.filename,
            size_bytes: size(row.size_bytes),
            sha256: row.sha256,
            status,
            created_at: stamp(&row.created_at),
            expires_at: stamp(&row.expires_at),
            finalized_at: row.finalized_at.as_deref().map(stamp),
            download_url,
            preview_url: None,
        },
    }))
}
