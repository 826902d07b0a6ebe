//! The operations of spec §9.6 (users, invites, media, semantic schemas), kept apart from
//! `routes.rs` to keep each table readable; [`super::routes`] serves both.

use super::{Answer, Query, Route, handler, typed};
use crate::protocol::invite::{AcceptInviteResponse, CreateInviteResponse, InviteResponse};
use crate::protocol::media::{
    CreateUploadResponse, FinalizeUploadResponse, UploadContentResponse, UploadResponse,
};
use crate::protocol::schema::{SchemaResponse, UpsertSchemaResponse};
use crate::protocol::user::{
    CheckNickResponse, ProfileResponse, RegisterNickResponse, RenameNickResponse,
    ResolveNickResponse,
};

const OWNER: Query = Query::text(
    "owner_agent",
    "Act for this agent of the caller's workspace (admins)",
);
const NICK: Query = Query::text("nick", "`@name` or `name` (3 to 32 letters, digits, _ . -)");

pub const ROUTES: &[Route] = &[
    Route::key(
        "post",
        "/v1/users/register-nick",
        "Register a nick for the caller's agent (unique on the gateway, any case)",
    )
    .query(&[OWNER])
    .takes(handler!(users::register_nick))
    .answer(Answer::Json(typed::<RegisterNickResponse>)),
    Route::key("get", "/v1/users/check-nick", "Whether a nick is free")
        .query(&[NICK])
        .answer(Answer::Json(typed::<CheckNickResponse>)),
    Route::key(
        "get",
        "/v1/users/resolve-nick",
        "The agent address and account a nick names",
    )
    .query(&[NICK])
    .answer(Answer::Json(typed::<ResolveNickResponse>)),
    Route::key(
        "post",
        "/v1/users/rename-nick",
        "Change a registered agent's nick",
    )
    .takes(handler!(users::rename_nick))
    .answer(Answer::Json(typed::<RenameNickResponse>)),
    Route::key(
        "get",
        "/v1/users/profile",
        "A registered agent's profile (default: the caller's)",
    )
    .query(&[OWNER])
    .answer(Answer::Json(typed::<ProfileResponse>)),
    Route::key(
        "post",
        "/v1/users/profile/update",
        "Change a profile's nick, display name, phone or email",
    )
    .takes(handler!(users::update_profile))
    .answer(Answer::Json(typed::<ProfileResponse>)),
    Route::key(
        "post",
        "/v1/schemas",
        "Register or change the JSON Schema of a semantic type (admin; changes judged by \
         the stored compatibility mode)",
    )
    .query(&[OWNER])
    .takes(handler!(schemas::upsert))
    .answer(Answer::Json(typed::<UpsertSchemaResponse>)),
    Route::key(
        "get",
        "/v1/schemas/{semantic_type}",
        "The schema of a semantic type (the workspace's, else a core one)",
    )
    .answer(Answer::Json(typed::<SchemaResponse>)),
    Route::key(
        "post",
        "/v1/invites/create",
        "Invite someone into the workspace (admin): a single-use token, shown once",
    )
    .takes(handler!(invites::create))
    .answer(Answer::Json(typed::<CreateInviteResponse>)),
    Route::open(
        "get",
        "/v1/invites/{token}",
        "An invite, for whoever holds its token (no key)",
    )
    .answer(Answer::Json(typed::<InviteResponse>)),
    Route::open(
        "post",
        "/v1/invites/{token}/accept",
        "Accept an invite with a nick (no key): a member account, its API key and profile",
    )
    .takes(handler!(invites::accept))
    .answer(Answer::Json(typed::<AcceptInviteResponse>)),
    Route::key(
        "post",
        "/v1/media/create-upload",
        "Declare a media upload: its id and the URL to PUT the bytes to",
    )
    .takes(handler!(media::create_upload))
    .answer(Answer::Json(typed::<CreateUploadResponse>)),
    Route::key(
        "put",
        "/v1/media/{upload_id}/content",
        "The upload's bytes (at most its declared size), streamed to the gateway's media dir",
    )
    .bytes()
    .answer(Answer::Json(typed::<UploadContentResponse>)),
    Route::key(
        "post",
        "/v1/media/finalize-upload",
        "Check an upload's size and SHA-256 and make it ready",
    )
    .takes(handler!(media::finalize_upload))
    .answer(Answer::Json(typed::<FinalizeUploadResponse>)),
    Route::key(
        "get",
        "/v1/media/{upload_id}",
        "An upload's metadata (any key of its workspace)",
    )
    .answer(Answer::Json(typed::<UploadResponse>)),
    Route::key(
        "get",
        "/v1/media/{upload_id}/content",
        "Download a ready upload's bytes",
    )
    .answer(Answer::Bytes),
];
