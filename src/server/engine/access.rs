//! Who may see and change what (issue 10). Pure functions over the caller and what the
//! store already returned with the intent, so no check costs a query:
//!
//! - [`sees`]: an admin sees its workspace (intents sent from it or addressed to it); a
//!   member or agent sees the intents it sent and those addressed to it.
//! - [`may_change`]: resolve/resume/cancel — the receiver, the sender, or an admin.
//! - [`require`]: the key holds a scope ([`Scope`]), else 403 `insufficient_scope`.
//! - [`administers`]: changing accounts, keys, delivery and receive policies of a
//!   workspace takes an admin role and the `agents:admin` scope.
//!
//! Receive policies of other workspaces' agents are checked in `policy`.

use crate::protocol::access::{Role, Scope};
use crate::server::engine::directory::Caller;
use crate::server::engine::refusal::Refusal;
use crate::server::store::{IntentMeta, Party};

/// Whether `caller` may read the intent of `meta`.
pub fn sees(caller: &Caller, meta: &IntentMeta) -> bool {
    if !meta.visible_to(&caller.workspace_id) {
        return false;
    }
    caller.role == Role::Admin || is_party(caller, meta)
}

/// The caller sent the intent or is its receiver.
pub fn is_party(caller: &Caller, meta: &IntentMeta) -> bool {
    meta.sender_sa_id == caller.sa_id || meta.to_agent == caller.address
}

/// The filter a list of intents needs for `caller`: none for an admin (its workspace), its
/// own intents otherwise.
pub fn list_filter(caller: &Caller) -> Option<Party> {
    (caller.role != Role::Admin).then(|| Party {
        sa_id: caller.sa_id.clone(),
        address: caller.address.clone(),
    })
}

/// Resolve, resume and cancel: 404 for an intent of another workspace (its existence is
/// not told), 403 for one of the caller's workspace it is no party to.
pub fn may_change(caller: &Caller, meta: &IntentMeta, intent_id: &str) -> Result<(), Refusal> {
    if !meta.visible_to(&caller.workspace_id) {
        return Err(Refusal::IntentNotFound {
            intent_id: intent_id.to_string(),
        });
    }
    if caller.role == Role::Admin || is_party(caller, meta) {
        return Ok(());
    }
    Err(Refusal::Forbidden(format!(
        "{} may not change intent {intent_id}: only its receiver, its sender or an admin may",
        caller.address
    )))
}

/// The caller's key holds `scope`.
pub fn require(caller: &Caller, scope: Scope) -> Result<(), Refusal> {
    if caller.scopes.has(scope) {
        Ok(())
    } else {
        Err(Refusal::MissingScope {
            scope: scope.as_str(),
        })
    }
}

/// The caller administers its workspace: accounts, keys, agents' delivery and policies.
pub fn administers(caller: &Caller) -> Result<(), Refusal> {
    if caller.role != Role::Admin {
        return Err(Refusal::Forbidden(
            "this needs an admin key of the workspace".into(),
        ));
    }
    require(caller, Scope::AgentsAdmin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::access::Scopes;

    fn caller(name: &str, role: Role) -> Caller {
        Caller {
            sa_id: format!("sa_{name}"),
            key_id: "k".into(),
            name: name.into(),
            org_id: "o".into(),
            org_slug: "local".into(),
            workspace_id: "w".into(),
            workspace_slug: "default".into(),
            role,
            scopes: role.ceiling(),
            address: format!("agent://local/default/{name}"),
        }
    }

    fn meta(sender: &str, to: &str, workspace: &str) -> IntentMeta {
        IntentMeta {
            workspace_id: workspace.into(),
            to_workspace_id: Some(workspace.into()),
            sender_sa_id: format!("sa_{sender}"),
            to_agent: format!("agent://local/default/{to}"),
        }
    }

    #[test]
    fn parties_and_admins_see_others_do_not() {
        let m = meta("alice", "bob", "w");
        assert!(sees(&caller("alice", Role::Member), &m));
        assert!(sees(&caller("bob", Role::Agent), &m));
        assert!(sees(&caller("root", Role::Admin), &m));
        assert!(!sees(&caller("carol", Role::Agent), &m));
        assert!(!sees(
            &caller("root", Role::Admin),
            &meta("alice", "bob", "w2")
        ));
        assert!(list_filter(&caller("root", Role::Admin)).is_none());
        assert_eq!(
            list_filter(&caller("bob", Role::Agent)).map(|p| p.address),
            Some("agent://local/default/bob".into())
        );
    }

    #[test]
    fn changes_need_a_party_or_an_admin() {
        let m = meta("alice", "bob", "w");
        assert!(may_change(&caller("bob", Role::Agent), &m, "i").is_ok());
        assert!(matches!(
            may_change(&caller("carol", Role::Agent), &m, "i"),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            may_change(&caller("bob", Role::Agent), &meta("a", "bob", "w2"), "i"),
            Err(Refusal::IntentNotFound { .. })
        ));
    }

    #[test]
    fn administering_needs_the_role_and_the_scope() {
        let mut root = caller("root", Role::Admin);
        assert!(administers(&root).is_ok());
        root.scopes = Scopes::of(&[Scope::IntentsRead]);
        assert!(matches!(
            administers(&root),
            Err(Refusal::MissingScope { .. })
        ));
        assert!(administers(&caller("bob", Role::Member)).is_err());
        assert!(require(&root, Scope::IntentsRead).is_ok());
    }
}
