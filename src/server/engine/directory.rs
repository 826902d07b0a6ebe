//! Tenants and credentials in memory: orgs, workspaces, service accounts, key hashes.
//!
//! Loaded from the store at start-up and updated after each committed change, so checking
//! an API key costs a hash and a map lookup, not a query. (With several nodes on one
//! PostgreSQL this cache will need invalidation; SQLite has a single node.)

use std::collections::HashMap;
use std::sync::RwLock;

use sha2::{Digest, Sha256};

use crate::protocol::AgentAddress;
use crate::protocol::access::{Role, Scopes};
use crate::server::store::{AccountRow, DirectorySnapshot, KeyRow, OrgRow, WorkspaceRow};

pub const TOKEN_PREFIX: &str = "axme_sa_";

/// The authenticated principal of a request: a service account and its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub sa_id: String,
    pub key_id: String,
    pub name: String,
    pub org_id: String,
    pub org_slug: String,
    pub workspace_id: String,
    pub workspace_slug: String,
    /// The account's role: what it sees.
    pub role: Role,
    /// The key's scopes, within the role's ceiling: what it may do.
    pub scopes: Scopes,
    /// `agent://org/workspace/name`.
    pub address: String,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The address of `name` in the caller's workspace.
    pub fn address_in_workspace(&self, name: &str) -> String {
        AgentAddress::new(&self.org_slug, &self.workspace_slug, name).to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// Not a token of ours, or no such key, or revoked.
    Invalid,
}

#[derive(Default)]
struct State {
    orgs: HashMap<String, OrgRow>,
    workspaces: HashMap<String, WorkspaceRow>,
    /// `(org slug, workspace slug)` → workspace id.
    workspace_by_slug: HashMap<(String, String), String>,
    accounts: HashMap<String, AccountRow>,
    keys: HashMap<String, Vec<KeyRow>>,
    /// Bumped by every local change, so a reload read before one cannot undo it (a key
    /// revoked here must not come back from an older snapshot).
    generation: u64,
}

#[derive(Default)]
pub struct Directory {
    state: RwLock<State>,
}

/// A new API key: the row to store and the token to show once.
pub struct NewKey {
    pub row: KeyRow,
    pub token: String,
}

pub fn hash_secret(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The account name of a person's (normalised: trimmed, lower case) email, the account
/// their email login gets: `alice.smith@example.com` → `user-alice-smith-example-com-<12
/// hex>`. The readable part is lossy (`alice.smith@` and `alice-smith@` read alike, long
/// addresses are cut), so a hash of the exact email makes the name unique per address: two
/// emails never share an account. A workflow's notification to an e-mail contact goes to
/// this name's inbox, so it waits there for the person's first login.
pub fn user_account_name(email: &str) -> String {
    let readable: String = email
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(44)
        .collect();
    let readable = readable.trim_matches('-');
    let digest = hex::encode(&hash_secret(email)[..6]);
    if readable.is_empty() {
        format!("user-{digest}")
    } else {
        format!("user-{readable}-{digest}")
    }
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    hex::encode(buf)
}

/// A fresh service-account id, `sa_<hex>`; the hex part appears in its tokens.
pub fn new_account_id() -> String {
    format!("sa_{}", random_hex(12))
}

/// Mints a key for `sa_id`: `axme_sa_<sa-id-part>_<256-bit secret>`; only its hash is kept.
pub fn new_key(sa_id: &str, now: &str) -> NewKey {
    let part = sa_id.strip_prefix("sa_").unwrap_or(sa_id);
    let secret = random_hex(32);
    let token = format!("{TOKEN_PREFIX}{part}_{secret}");
    let hint = format!("{TOKEN_PREFIX}{part}_…{}", &secret[secret.len() - 4..]);
    NewKey {
        row: KeyRow {
            key_id: format!("sak_{}", random_hex(8)),
            sa_id: sa_id.to_string(),
            secret_hash: hash_secret(&secret),
            key_hint: hint,
            status: "active".into(),
            created_at: now.to_string(),
            expires_at: None,
            revoked_at: None,
            scopes: None,
        },
        token,
    }
}

impl Directory {
    pub fn from_snapshot(snapshot: DirectorySnapshot) -> Self {
        let dir = Directory::default();
        {
            let mut s = dir.write();
            for org in snapshot.orgs {
                s.orgs.insert(org.org_id.clone(), org);
            }
            for ws in snapshot.workspaces {
                Self::index_workspace(&mut s, ws);
            }
            for account in snapshot.accounts {
                s.accounts.insert(account.sa_id.clone(), account);
            }
            for key in snapshot.keys {
                s.keys.entry(key.sa_id.clone()).or_default().push(key);
            }
        }
        dir
    }

    /// Replaces everything with a fresh snapshot (another node changed tenants or keys).
    /// The count of local changes so far; see [`Directory::replace_if_unchanged`].
    pub fn generation(&self) -> u64 {
        self.read().generation
    }

    /// Replaces everything with `snapshot` (another node changed tenants or keys), unless
    /// a local change happened since `seen` (its [`Directory::generation`] when the
    /// snapshot's read began): the snapshot may predate it, so the caller reads again.
    pub fn replace_if_unchanged(&self, snapshot: DirectorySnapshot, seen: u64) -> bool {
        let fresh = Directory::from_snapshot(snapshot);
        let mut state = fresh.state.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut current = self.write();
        if current.generation != seen {
            return false;
        }
        state.generation = seen;
        *current = state;
        true
    }

    /// The state, for a local change.
    fn change(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        let mut s = self.write();
        s.generation += 1;
        s
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    fn index_workspace(s: &mut State, ws: WorkspaceRow) {
        if let Some(org) = s.orgs.get(&ws.org_id) {
            s.workspace_by_slug
                .insert((org.slug.clone(), ws.slug.clone()), ws.workspace_id.clone());
        }
        s.workspaces.insert(ws.workspace_id.clone(), ws);
    }

    pub fn is_empty(&self) -> bool {
        self.read().orgs.is_empty()
    }

    pub fn add_org(&self, org: OrgRow) {
        self.change().orgs.insert(org.org_id.clone(), org);
    }

    pub fn add_workspace(&self, ws: WorkspaceRow) {
        Self::index_workspace(&mut self.change(), ws);
    }

    pub fn add_account(&self, account: AccountRow) {
        self.change()
            .accounts
            .insert(account.sa_id.clone(), account);
    }

    pub fn add_key(&self, key: KeyRow) {
        self.replace_key(key);
    }

    pub fn replace_key(&self, key: KeyRow) {
        let mut s = self.change();
        let keys = s.keys.entry(key.sa_id.clone()).or_default();
        keys.retain(|k| k.key_id != key.key_id);
        keys.push(key);
    }

    /// Checks a token; the secret's hash is compared in constant time.
    pub fn authenticate(&self, token: &str) -> Result<Caller, AuthFailure> {
        let rest = token
            .trim()
            .strip_prefix(TOKEN_PREFIX)
            .ok_or(AuthFailure::Invalid)?;
        let (part, secret) = rest.rsplit_once('_').ok_or(AuthFailure::Invalid)?;
        let sa_id = format!("sa_{part}");
        let hash = hash_secret(secret);
        let s = self.read();
        let key = s
            .keys
            .get(&sa_id)
            .and_then(|keys| {
                keys.iter()
                    .find(|k| k.status == "active" && constant_time_eq(&k.secret_hash, &hash))
            })
            .ok_or(AuthFailure::Invalid)?;
        let account = s.accounts.get(&sa_id).ok_or(AuthFailure::Invalid)?;
        if account.status != "active" {
            return Err(AuthFailure::Invalid);
        }
        Self::caller(&s, account, key).ok_or(AuthFailure::Invalid)
    }

    /// The caller of an active key named by id (a console session acts as its key): the
    /// same checks as [`Directory::authenticate`] without the secret.
    pub fn caller_of_key(&self, sa_id: &str, key_id: &str) -> Result<Caller, AuthFailure> {
        let s = self.read();
        let key = s
            .keys
            .get(sa_id)
            .and_then(|keys| {
                keys.iter()
                    .find(|k| k.status == "active" && k.key_id == key_id)
            })
            .ok_or(AuthFailure::Invalid)?;
        let account = s.accounts.get(sa_id).ok_or(AuthFailure::Invalid)?;
        if account.status != "active" {
            return Err(AuthFailure::Invalid);
        }
        Self::caller(&s, account, key).ok_or(AuthFailure::Invalid)
    }

    fn caller(s: &State, account: &AccountRow, key: &KeyRow) -> Option<Caller> {
        let ws = s.workspaces.get(&account.workspace_id)?;
        let org = s.orgs.get(&account.org_id)?;
        Some(Caller {
            sa_id: account.sa_id.clone(),
            key_id: key.key_id.clone(),
            name: account.name.clone(),
            org_id: org.org_id.clone(),
            org_slug: org.slug.clone(),
            workspace_id: ws.workspace_id.clone(),
            workspace_slug: ws.slug.clone(),
            role: account.role,
            scopes: key
                .scopes
                .unwrap_or(Scopes::ALL)
                .intersect(account.role.ceiling()),
            address: AgentAddress::new(&org.slug, &ws.slug, &account.name).to_string(),
        })
    }

    /// The id of the workspace an address belongs to, when we host it.
    pub fn workspace_of(&self, address: &AgentAddress) -> Option<String> {
        self.read()
            .workspace_by_slug
            .get(&(address.org.clone(), address.workspace.clone()))
            .cloned()
    }

    pub fn org(&self, org_id: &str) -> Option<OrgRow> {
        self.read().orgs.get(org_id).cloned()
    }

    pub fn workspace(&self, workspace_id: &str) -> Option<WorkspaceRow> {
        self.read().workspaces.get(workspace_id).cloned()
    }

    pub fn account(&self, sa_id: &str) -> Option<AccountRow> {
        self.read().accounts.get(sa_id).cloned()
    }

    #[cfg(test)]
    pub fn keys_of(&self, sa_id: &str) -> Vec<KeyRow> {
        self.read().keys.get(sa_id).cloned().unwrap_or_default()
    }

    /// Accounts of a workspace, oldest first.
    pub fn accounts_in(&self, workspace_id: &str) -> Vec<AccountRow> {
        let mut list: Vec<AccountRow> = self
            .read()
            .accounts
            .values()
            .filter(|a| a.workspace_id == workspace_id)
            .cloned()
            .collect();
        list.sort_by(|a, b| (&a.created_at, &a.sa_id).cmp(&(&b.created_at, &b.sa_id)));
        list
    }

    /// Whether `name` is an account of the workspace ([`Directory::account_named`] without
    /// the copy).
    pub fn has_account_named(&self, workspace_id: &str, name: &str) -> bool {
        self.read()
            .accounts
            .values()
            .any(|a| a.workspace_id == workspace_id && a.name == name)
    }

    pub fn account_named(&self, workspace_id: &str, name: &str) -> Option<AccountRow> {
        self.read()
            .accounts
            .values()
            .find(|a| a.workspace_id == workspace_id && a.name == name)
            .cloned()
    }

    /// `agent://org/ws/name` of an account.
    pub fn address_of(&self, account: &AccountRow) -> String {
        let s = self.read();
        let org = s
            .orgs
            .get(&account.org_id)
            .map(|o| o.slug.as_str())
            .unwrap_or("");
        let ws = s
            .workspaces
            .get(&account.workspace_id)
            .map(|w| w.slug.as_str())
            .unwrap_or("");
        AgentAddress::new(org, ws, &account.name).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> (DirectorySnapshot, String) {
        let now = "2026-01-01T00:00:00.000Z".to_string();
        let key = new_key("sa_abc", &now);
        let snap = DirectorySnapshot {
            orgs: vec![OrgRow {
                org_id: "o1".into(),
                slug: "local".into(),
                created_at: now.clone(),
            }],
            workspaces: vec![WorkspaceRow {
                workspace_id: "w1".into(),
                org_id: "o1".into(),
                slug: "default".into(),
                created_at: now.clone(),
            }],
            accounts: vec![AccountRow {
                sa_id: "sa_abc".into(),
                org_id: "o1".into(),
                workspace_id: "w1".into(),
                name: "admin".into(),
                display_name: None,
                description: None,
                status: "active".into(),
                role: Role::Admin,
                created_at: now.clone(),
                updated_at: now,
            }],
            keys: vec![key.row],
        };
        (snap, key.token)
    }

    #[test]
    fn authenticates_and_revokes() {
        let (snap, token) = snapshot();
        let dir = Directory::from_snapshot(snap);
        let caller = dir.authenticate(&token).unwrap();
        assert_eq!(caller.address, "agent://local/default/admin");
        assert!(caller.is_admin());
        assert_eq!(caller.scopes, Scopes::ALL);
        assert!(dir.authenticate("axme_sa_abc_wrong").is_err());
        assert!(dir.authenticate("nonsense").is_err());
        let mut key = dir.keys_of("sa_abc").remove(0);
        key.status = "revoked".into();
        dir.replace_key(key);
        assert!(dir.authenticate(&token).is_err());
    }

    /// A reload read before a local revocation must not bring the key back.
    #[test]
    fn a_stale_reload_does_not_undo_a_local_change() {
        let (snap, token) = snapshot();
        let dir = Directory::from_snapshot(snap.clone());
        let seen = dir.generation();
        let mut key = dir.keys_of("sa_abc").remove(0);
        key.status = "revoked".into();
        dir.replace_key(key);
        assert!(!dir.replace_if_unchanged(snap.clone(), seen));
        assert!(dir.authenticate(&token).is_err());
        let mut fresh = snap;
        fresh.keys[0].status = "revoked".into();
        assert!(dir.replace_if_unchanged(fresh, dir.generation()));
        assert!(dir.authenticate(&token).is_err());
    }
}
