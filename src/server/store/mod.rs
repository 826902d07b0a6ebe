//! Persistence behind a `Store` trait, so a PostgreSQL implementation can follow SQLite.
//!
//! The event log (`intent_events`, per intent `seq` 1, 2, 3 …) is the truth; the intent row
//! is its projection, written in the same transaction. Every mutation of an intent is a
//! read-check-write done by the store on committed state: callers pass a [`Decide`] function
//! (pure, from `engine`) that sees the current intent and returns the new events.
//!
//! Methods return boxed futures so the server can hold an `Arc<dyn Store>`. Errors are
//! [`StoreError`]s: storage knows nothing of HTTP.

pub mod auth;
#[cfg(test)]
mod contract;
pub mod error;
mod filter;
pub mod invites;
pub mod media;
pub mod mesh;
pub mod pg;
pub mod schemas;
pub mod sqlite;
pub mod users;
pub mod webhooks;

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use crate::protocol::access::{ReceivePolicy, Role, Scopes};
use crate::protocol::{DeliveryMode, Intent, IntentEvent, Status, Timestamp};
use crate::server::engine::refusal::Refusal;
pub use error::{Duplicate, StoreError, StoreResult};
pub use webhooks::{
    DeliveryState, SubscriptionRow, WebhookDeliveryRow, WebhookEventRow, WebhookTable,
};

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// Who owns an intent and who may see it: the sender's workspace and, when `to_agent` is an
/// address of a known workspace, the receiver's.
#[derive(Debug, Clone)]
pub struct IntentMeta {
    pub workspace_id: String,
    pub to_workspace_id: Option<String>,
    pub sender_sa_id: String,
    /// The receiver's address as stored (`agent://…`, or any string for an unknown one).
    pub to_agent: String,
}

impl IntentMeta {
    pub fn visible_to(&self, workspace_id: &str) -> bool {
        self.workspace_id == workspace_id || self.to_workspace_id.as_deref() == Some(workspace_id)
    }
}

/// An intent as stored: ownership, the delivery cursor and its JSON projection.
#[derive(Debug, Clone)]
pub struct IntentRow {
    pub meta: IntentMeta,
    pub status: Status,
    pub delivery_cursor: u64,
    /// Serialized [`Intent`]; handed to clients without re-encoding.
    pub json: String,
}

/// Scope of an `Idempotency-Key` (spec §5.1): sender, endpoint, key; plus the body's hash.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub sa_id: String,
    pub endpoint: String,
    pub key: String,
    pub body_hash: [u8; 32],
}

/// A new intent with its first events, already serialized by the caller.
#[derive(Debug, Clone)]
pub struct NewIntent {
    pub meta: IntentMeta,
    pub intent_id: String,
    pub status: Status,
    pub created_at: String,
    pub intent_json: String,
    /// `(seq, json)` starting at 1.
    pub events: Vec<(u64, String)>,
    pub idempotency: Option<IdempotencyKey>,
    /// The answer to store for idempotent replays.
    pub response_json: String,
    /// Timers armed in the same transaction (deadline, delivery attempts).
    pub timers: Vec<TimerRow>,
}

/// A timer row: one per `(intent_id, kind)`, due at `due_ms` (Unix milliseconds). Claimed
/// by the scheduler inside a write transaction, so a crash never loses or doubles one.
/// `kind` and `data` (JSON text) are opaque here: `engine::timers::Timer` encodes and
/// decodes them, in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerRow {
    pub intent_id: String,
    pub kind: String,
    pub due_ms: i64,
    pub data: String,
}

/// Stored policy bodies; one that no longer reads is left out (its agent is closed).
pub fn parse_policies(bodies: &[String]) -> Vec<ReceivePolicy> {
    bodies
        .iter()
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect()
}

/// How an agent receives its intents (spec §7.1), kept per address.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentDeliveryRow {
    pub address: String,
    pub sa_id: String,
    pub workspace_id: String,
    pub delivery_mode: DeliveryMode,
    pub callback_url: Option<String>,
    /// HMAC key of `X-Axme-Signature`; shown once to the admin who configured it.
    pub secret: Option<String>,
}

/// An inbox thread (spec §9.1): the workspace and owner whose inbox holds it (the owner's
/// canonical address, see `protocol::address::inbox_address`), its place in the owner's
/// change feed (`GET /v1/inbox/changes`) and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadRow {
    pub thread_id: String,
    pub workspace_id: String,
    pub owner: String,
    pub updated_at: String,
    pub change_seq: i64,
    pub body: String,
}

/// A page of an owner's change feed.
#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub workspace_id: String,
    pub owner: String,
    /// Only changes numbered after this one.
    pub after: i64,
    pub limit: u32,
}

/// Operations available inside one write transaction. Everything done through it commits
/// together, so a step's completion and its parent's advance are never split by a crash.
pub trait Tx {
    fn intent(&mut self, intent_id: &str) -> StoreResult<Option<(IntentMeta, Intent)>>;
    /// Read-check-write of one intent; the [`Reactor`] runs on the result.
    fn transition(&mut self, intent_id: &str, decide: Decide) -> StoreResult<Transitioned>;
    fn create(&mut self, intent: NewIntent) -> StoreResult<CreateOutcome>;
    fn set_timer(&mut self, timer: TimerRow) -> StoreResult<()>;
    fn clear_timer(&mut self, intent_id: &str, kind: &str) -> StoreResult<()>;
    /// Clears the intent's `from` timer and arms `timer` (the delivery window becomes the
    /// answer lease). A store may do both in one change.
    fn replace_timer(&mut self, from: &str, timer: TimerRow) -> StoreResult<()> {
        self.clear_timer(&timer.intent_id, from)?;
        self.set_timer(timer)
    }
    fn clear_timers(&mut self, intent_id: &str) -> StoreResult<()>;
    /// Removes and returns timers due at `now_ms`, earliest first.
    fn take_due_timers(&mut self, now_ms: i64, limit: u32) -> StoreResult<Vec<TimerRow>>;
    fn workflow(&mut self, parent_intent_id: &str) -> StoreResult<Option<String>>;
    fn put_workflow(&mut self, parent_intent_id: &str, body: &str) -> StoreResult<()>;
    /// Inserts the account unless one of that name exists; returns the stored one and
    /// whether it was created.
    fn ensure_account(&mut self, account: &AccountRow) -> StoreResult<(AccountRow, bool)>;
    fn put_agent_delivery(&mut self, row: &AgentDeliveryRow) -> StoreResult<()>;
    /// The stored receive policy of `address` (locked until commit where the store can).
    fn receive_policy(&mut self, address: &str) -> StoreResult<Option<ReceivePolicy>>;
    fn put_receive_policy(&mut self, workspace_id: &str, policy: &ReceivePolicy)
    -> StoreResult<()>;
    /// Moves the `kind` timers of `address`'s SUBMITTED intents to `due_ms`; returns how
    /// many (a new push callback should not wait for the current attempt window).
    fn rearm_deliveries(&mut self, address: &str, kind: &str, due_ms: i64) -> StoreResult<usize>;
    /// Gives the intent a new delivery cursor (after every cursor handed out so far) and
    /// wakes its address's streams, so every listener receives it again, whatever cursor
    /// it resumes from. False when there is no such intent.
    fn redeliver(&mut self, intent_id: &str) -> StoreResult<bool>;
    /// An inbox thread, locked for this transaction where the store locks rows.
    fn thread(&mut self, thread_id: &str) -> StoreResult<Option<ThreadRow>>;
    /// Writes the thread (`change_seq` ignored) at the end of the change feed; returns its
    /// new `change_seq`.
    fn put_thread(&mut self, row: &ThreadRow) -> StoreResult<i64>;
    /// An approval decision: its workspace and JSON.
    fn approval(&mut self, approval_id: &str) -> StoreResult<Option<(String, String)>>;
    /// Records a decision; false (nothing written) when the approval was decided before.
    fn put_approval(
        &mut self,
        approval_id: &str,
        workspace_id: &str,
        body: &str,
    ) -> StoreResult<bool>;
    fn replay(&mut self, key: &IdempotencyKey) -> StoreResult<Option<String>>;
    /// The webhook tables (`store::webhooks`), in this transaction.
    fn webhooks(&mut self) -> &mut dyn WebhookTable;
    // The nick registry (`store::users`).
    /// The profile of an agent address (locked until commit where the store can).
    fn profile(&mut self, owner_agent: &str) -> StoreResult<Option<users::ProfileRow>>;
    /// The profile holding a nick (lower case).
    fn profile_by_nick(&mut self, normalized: &str) -> StoreResult<Option<users::ProfileRow>>;
    /// Writes the profile of `row.owner_agent`; [`Duplicate::Nick`] when another address
    /// holds its nick.
    fn put_profile(&mut self, row: &users::ProfileRow) -> StoreResult<()>;
    // Media uploads (`store::media`).
    /// An upload (locked until commit where the store can).
    fn media(&mut self, upload_id: &str) -> StoreResult<Option<media::MediaRow>>;
    fn put_media(&mut self, row: &media::MediaRow) -> StoreResult<()>;
    // Invites (`store::invites`).
    /// The invite of a token's hash (locked until commit where the store can).
    fn invite(&mut self, token_hash: &str) -> StoreResult<Option<invites::InviteRow>>;
    fn put_invite(&mut self, row: &invites::InviteRow) -> StoreResult<()>;
    /// Stores a new API key (an accepted invite's), in this transaction.
    fn put_key(&mut self, key: &KeyRow) -> StoreResult<()>;
    // Semantic schemas (`store::schemas`).
    /// The schema of a type in a workspace (locked until commit where the store can).
    fn semantic_schema(
        &mut self,
        workspace_id: &str,
        semantic_type: &str,
    ) -> StoreResult<Option<schemas::SchemaRow>>;
    /// An active `core` schema of the type, from any workspace (the latest changed).
    fn core_schema(&mut self, semantic_type: &str) -> StoreResult<Option<schemas::SchemaRow>>;
    /// Writes the schema of `(row.workspace_id, row.semantic_type)`.
    fn put_semantic_schema(&mut self, row: &schemas::SchemaRow) -> StoreResult<()>;
    fn remember(&mut self, key: &IdempotencyKey, response: &str) -> StoreResult<()>;
}

/// Reacts to every committed-to-be change of an intent inside the same transaction: the
/// engine's hook for timers, workflow advance and completion delivery.
pub trait Reactor: Send + Sync {
    fn changed(&self, tx: &mut dyn Tx, done: &Transitioned) -> StoreResult<()>;
}

/// What a [`TxJob`] answers, type-erased so [`Store`] stays object-safe; callers use the
/// typed [`Store::run`](trait.Store.html#method.run) on `dyn Store`.
pub type TxValue = Box<dyn Any + Send>;

/// A job run inside the writer with a [`Tx`]; its answer is returned after the commit.
pub type TxJob = Box<dyn FnOnce(&mut dyn Tx) -> StoreResult<TxValue> + Send>;

#[derive(Debug, Clone, PartialEq)]
pub enum CreateOutcome {
    Created {
        response: String,
    },
    /// Same idempotency key and body as an earlier request: its original answer.
    Replayed {
        response: String,
    },
}

/// What an engine decision returns: the new projection and the events that lead to it.
#[derive(Debug, Clone)]
pub struct Decision {
    pub intent: Intent,
    pub events: Vec<IntentEvent>,
}

/// Decides a mutation from the committed intent (engine/lifecycle). Runs inside the writer,
/// so it must be quick; a [`Refusal`] rolls the job back.
pub type Decide = Box<dyn FnOnce(&IntentMeta, Intent) -> Result<Decision, Refusal> + Send>;

/// Renders the answer to a mutation inside the writer, so it can be kept for idempotent
/// replays in the same transaction.
pub type Render = Box<dyn FnOnce(&Transitioned) -> StoreResult<String> + Send>;

#[derive(Debug, Clone)]
pub struct Transitioned {
    pub meta: IntentMeta,
    /// The status before the decision.
    pub previous: Status,
    pub intent: Intent,
    pub intent_json: String,
    /// The events appended (empty when the decision changed nothing).
    pub events: Vec<IntentEvent>,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub workspace_id: String,
    /// Only intents this party sent or that are addressed to it (a non-admin caller).
    pub party: Option<Party>,
    pub statuses: Vec<Status>,
    pub to_agent: Option<String>,
    pub intent_type: Option<TypeFilter>,
    /// Only intents whose stored JSON contains this text, ignoring the case of ASCII
    /// letters (ids, type, addresses, payload, result, error: everything the intent holds).
    pub text: Option<String>,
    /// Only rows older than this position (the list cursor).
    pub before: Option<i64>,
    pub limit: u32,
}

/// The condition of a live (non-terminal) intent, word for word as SQLite's partial index
/// `intents_live_by_age` states it: a query repeats it to use the index. (PostgreSQL
/// indexes all intents by age instead, see `pg/stale.rs`.)
pub const LIVE_CONDITION: &str = "status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')";

/// Live intents created before a time (`POST /v1/intents/bulk-cancel`), oldest first.
#[derive(Debug, Clone)]
pub struct StaleQuery {
    pub workspace_id: String,
    /// Only intents this party sent or that are addressed to it (a non-admin caller).
    pub party: Option<Party>,
    /// Terminal statuses among them are ignored.
    pub statuses: Vec<Status>,
    /// Only intents with `created_at` before this (wire form, which sorts as text).
    pub created_before: String,
    pub limit: u32,
}

/// The intent type filter of a list: the whole type, or its beginning.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeFilter {
    Exact(String),
    Prefix(String),
}

impl TypeFilter {
    /// `intent.release.v1` is exact; `intent.release.*` a prefix (the `*` is dropped).
    pub fn parse(raw: &str) -> TypeFilter {
        match raw.strip_suffix('*') {
            Some(prefix) => TypeFilter::Prefix(prefix.to_string()),
            None => TypeFilter::Exact(raw.to_string()),
        }
    }
}

/// A service account as one end of an intent: its id (the sender side) and its address
/// (the receiver side).
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub sa_id: String,
    pub address: String,
}

#[derive(Debug, Clone)]
pub struct ListPage {
    /// `(position, intent json)`, newest first.
    pub rows: Vec<(i64, String)>,
}

#[derive(Debug, Clone)]
pub struct DeliveryQuery {
    pub address: String,
    pub after_cursor: u64,
    pub statuses: Vec<Status>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    pub org_id: String,
    pub slug: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkspaceRow {
    pub workspace_id: String,
    pub org_id: String,
    pub slug: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub sa_id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub role: Role,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyRow {
    pub key_id: String,
    pub sa_id: String,
    /// sha256 of the secret part of the token; the token itself is never stored.
    pub secret_hash: [u8; 32],
    pub key_hint: String,
    pub status: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    /// What the key may do, within its account's role; `None`: all the role allows.
    pub scopes: Option<Scopes>,
}

/// Everything about tenants and credentials, loaded once at start-up.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    pub orgs: Vec<OrgRow>,
    pub workspaces: Vec<WorkspaceRow>,
    pub accounts: Vec<AccountRow>,
    pub keys: Vec<KeyRow>,
}

/// What a commit changed, for the notification hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// New events on this intent.
    Intent(String),
    /// A new delivery for this agent address.
    Agent(String),
    /// A timer was armed for this due time (Unix ms): the scheduler may need to wake.
    Timer(i64),
}

/// Told about every commit, right after it and before the callers get their answers.
pub trait CommitObserver: Send + Sync {
    fn committed(&self, notices: &[Notice], jobs: usize, events: usize);
}

pub trait Store: Send + Sync + 'static {
    fn load_directory(&self) -> StoreFuture<'_, DirectorySnapshot>;

    /// Creates an org with its first workspace, admin account and admin key.
    fn bootstrap(
        &self,
        org: OrgRow,
        workspace: WorkspaceRow,
        admin: AccountRow,
        key: KeyRow,
    ) -> StoreFuture<'_, ()>;

    /// A workspace with its admin account and key; [`Duplicate`] when the slug is taken.
    fn create_workspace(
        &self,
        workspace: WorkspaceRow,
        admin: AccountRow,
        key: KeyRow,
    ) -> StoreFuture<'_, ()>;

    /// [`Duplicate`] when the name is taken in the workspace.
    fn create_account(&self, account: AccountRow) -> StoreFuture<'_, ()>;

    fn create_key(&self, key: KeyRow) -> StoreFuture<'_, ()>;

    /// Marks a key revoked; `None` when the account has no such key.
    fn revoke_key(
        &self,
        sa_id: String,
        key_id: String,
        at: String,
    ) -> StoreFuture<'_, Option<KeyRow>>;

    /// Deletes a service account: marks it `revoked` and revokes every key it holds, in
    /// one transaction. Returns the account and all its keys as they now are; `None` when
    /// there is no such account.
    fn delete_account(
        &self,
        sa_id: String,
        at: String,
    ) -> StoreFuture<'_, Option<(AccountRow, Vec<KeyRow>)>>;

    fn create_intent(&self, intent: NewIntent) -> StoreFuture<'_, CreateOutcome>;

    /// Read-check-write on committed state; [`StoreError::IntentNotFound`] when unknown.
    fn transition(&self, intent_id: String, decide: Decide) -> StoreFuture<'_, Transitioned>;

    /// [`Store::transition`] under an `Idempotency-Key`: the first call's rendered answer
    /// is stored with the change; a repeat with the same body gets it back unchanged, with
    /// a different body [`StoreError::IdempotencyConflict`].
    fn transition_idempotent(
        &self,
        intent_id: String,
        decide: Decide,
        key: IdempotencyKey,
        render: Render,
    ) -> StoreFuture<'_, String>;

    fn get_intent(&self, intent_id: String) -> StoreFuture<'_, Option<IntentRow>>;

    /// Events with `seq > since`, ascending, as JSON; `None` when the intent is unknown.
    fn events_after(
        &self,
        intent_id: String,
        since: u64,
    ) -> StoreFuture<'_, Option<(IntentRow, Vec<String>)>>;

    fn list_intents(&self, query: ListQuery) -> StoreFuture<'_, ListPage>;

    /// Intents addressed to `address` with a delivery cursor after the given one, ascending.
    /// How many intents of `query`'s workspace (and party) there are per status; its
    /// statuses, agent, cursor and limit are ignored.
    fn count_intents(&self, query: ListQuery) -> StoreFuture<'_, Vec<(String, u64)>>;

    fn deliveries(&self, query: DeliveryQuery) -> StoreFuture<'_, Vec<IntentRow>>;

    /// Ids of the live intents `query` names, oldest first (a read: a caller that changes
    /// them checks each again in its transaction).
    fn stale_intents(&self, query: StaleQuery) -> StoreFuture<'_, Vec<String>>;

    /// Runs `job` in the writer with transactional access (scenario apply, timers). Callers
    /// use the typed [`run`](#method.run) on `dyn Store`.
    fn run_job(&self, job: TxJob) -> StoreFuture<'_, TxValue>;

    /// The earliest timer's due time (Unix ms), if any.
    fn next_timer_due(&self) -> StoreFuture<'_, Option<i64>>;

    fn agent_deliveries(&self) -> StoreFuture<'_, Vec<AgentDeliveryRow>>;

    /// Every stored receive policy (loaded at start and on another node's change).
    fn receive_policies(&self) -> StoreFuture<'_, Vec<ReceivePolicy>>;

    /// Inbox threads of `owner` in the workspace as JSON, most recently changed first.
    fn inbox_threads(&self, workspace_id: String, owner: String) -> StoreFuture<'_, Vec<String>>;

    fn inbox_thread(&self, thread_id: String) -> StoreFuture<'_, Option<ThreadRow>>;

    /// The owner's threads changed after `query.after`, in change order.
    fn inbox_changes(&self, query: InboxQuery) -> StoreFuture<'_, Vec<ThreadRow>>;

    /// Deletes idempotency records older than `age_seconds`; returns how many.
    fn purge_idempotency(&self, age_seconds: u64) -> StoreFuture<'_, usize>;

    /// Waits until every acknowledged write is committed, then stops the writer.
    fn shutdown(&self) -> StoreFuture<'_, ()>;

    // Email login (server/http/auth.rs); rows in `store::auth`.

    fn create_login_code(&self, row: auth::LoginCodeRow) -> StoreFuture<'_, ()>;

    /// Checks a code and counts the attempt, atomically (a code is single-use).
    fn check_login_code(
        &self,
        login_id: String,
        code_hash: [u8; 32],
        now: Timestamp,
        max_attempts: u32,
    ) -> StoreFuture<'_, auth::CodeCheck>;

    fn user_by_email(&self, email: String) -> StoreFuture<'_, Option<auth::UserRow>>;

    fn create_user(&self, user: auth::UserRow) -> StoreFuture<'_, ()>;

    /// Stores a user's profile (replacing the one stored).
    fn set_profile(&self, row: auth::ProfileRow) -> StoreFuture<'_, ()>;

    fn profile(&self, user_id: String) -> StoreFuture<'_, Option<auth::ProfileRow>>;

    fn create_session(&self, session: auth::NewSession, now: Timestamp) -> StoreFuture<'_, ()>;

    /// A user's login sessions, newest first (revoked ones too).
    fn user_sessions(&self, user_id: String) -> StoreFuture<'_, Vec<auth::SessionRow>>;

    /// The session of an access token (`refresh` false) or a refresh token (`refresh` true).
    fn session_by_token(
        &self,
        hash: [u8; 32],
        refresh: bool,
    ) -> StoreFuture<'_, Option<auth::SessionRow>>;

    /// Trades a refresh token for `next`; reuse of an old one ends the session.
    fn rotate_refresh(
        &self,
        presented: [u8; 32],
        next: auth::TokenPair,
        now: Timestamp,
    ) -> StoreFuture<'_, auth::Rotation>;

    fn revoke_session(
        &self,
        session_id: String,
        now: Timestamp,
    ) -> StoreFuture<'_, Option<auth::SessionRow>>;

    /// The gateway's own secret `name` (the JWT signing key): the stored value, or
    /// `candidate` stored now when there is none (every node agrees on the first one).
    fn server_secret(&self, name: String, candidate: String) -> StoreFuture<'_, String>;

    // Browser sign-in of the CLI (server/http/cli_grants.rs); rows in `store::auth`.

    fn create_cli_grant(&self, row: auth::CliGrantRow) -> StoreFuture<'_, ()>;

    fn cli_grant(&self, grant_id: String) -> StoreFuture<'_, Option<auth::CliGrantRow>>;

    /// Applies `step` atomically: the grant as it now is when it moved, `None` when it was
    /// not in `step.from` or had expired (so two polls never both claim it).
    fn step_cli_grant(&self, step: auth::GrantStep) -> StoreFuture<'_, Option<auth::CliGrantRow>>;

    // Web console sessions (server/console); rows in `store::auth`.

    fn create_console_session(&self, row: auth::ConsoleSessionRow) -> StoreFuture<'_, ()>;

    /// The console session whose cookie token hashes to `hash`, revoked or not.
    fn console_session(&self, hash: [u8; 32]) -> StoreFuture<'_, Option<auth::ConsoleSessionRow>>;

    fn revoke_console_session(
        &self,
        hash: [u8; 32],
        now: Timestamp,
    ) -> StoreFuture<'_, Option<auth::ConsoleSessionRow>>;

    // The agent mesh (server/http/mesh.rs); rows in `store::mesh`.

    /// Upserts the address's last heartbeat (and its metrics, when sent).
    fn record_heartbeat(&self, row: mesh::HeartbeatRow) -> StoreFuture<'_, ()>;

    /// Mesh rows of a workspace, or of every workspace (`None`: start-up).
    fn mesh_agents(&self, workspace_id: Option<String>)
    -> StoreFuture<'_, Vec<mesh::MeshAgentRow>>;

    /// Kills or resumes an address and records the event, in one transaction.
    fn set_killed(&self, change: mesh::KillChange) -> StoreFuture<'_, ()>;

    fn mesh_events(&self, query: mesh::MeshEventQuery) -> StoreFuture<'_, Vec<mesh::MeshEventRow>>;

    /// How many intents the workspace's accounts created at or after `since` (RFC 3339).
    fn intents_created_since(&self, workspace_id: String, since: String) -> StoreFuture<'_, u64>;

    /// How many intents addressed into the workspace were created at or after `since`
    /// (RFC 3339), per receiver address.
    fn intents_received_since(
        &self,
        workspace_id: String,
        since: String,
    ) -> StoreFuture<'_, Vec<(String, u64)>>;
}

impl dyn Store {
    /// Runs `job` in the writer inside a transaction shared with its batch; its answer
    /// comes back once the batch committed.
    pub async fn run<T, F>(&self, job: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> StoreResult<T> + Send + 'static,
    {
        let value = self
            .run_job(Box::new(move |tx| job(tx).map(|v| Box::new(v) as TxValue)))
            .await?;
        value
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| StoreError::internal("a transaction job answered with another type"))
    }

    /// [`run`](Self::run) for a request that may carry an `Idempotency-Key` (`key`): a key
    /// answered before gives back that answer without running `job`; otherwise `job`'s
    /// answer is stored under the key in the same transaction.
    pub async fn run_keyed<F>(&self, key: Option<IdempotencyKey>, job: F) -> StoreResult<String>
    where
        F: FnOnce(&mut dyn Tx) -> StoreResult<String> + Send + 'static,
    {
        self.run(move |tx| {
            if let Some(key) = &key
                && let Some(response) = tx.replay(key)?
            {
                return Ok(response);
            }
            let response = job(tx)?;
            if let Some(key) = &key {
                tx.remember(key, &response)?;
            }
            Ok(response)
        })
        .await
    }
}
