//! Receive policies (spec §3.11, issue 10 point 2): who outside an agent's workspace may
//! send to it. Its own workspace always may; another workspace's senders only as the
//! receiver's policy says (closed unless its admin opened it). Pure: the caller looks the
//! policy up and passes it in.

use crate::protocol::access::{PolicyType, ReceivePolicy, pattern_matches};
use crate::server::engine::refusal::Refusal;

/// Whether a sender of workspace `sender_workspace` at `sender` may send to the receiver
/// hosted in `receiver_workspace` (None: no workspace of this gateway hosts it) whose
/// policy is `policy`.
pub fn admits(
    policy: &ReceivePolicy,
    receiver_workspace: Option<&str>,
    sender_workspace: &str,
    sender: &str,
) -> Result<(), Refusal> {
    // An address no workspace hosts reaches nobody, so it tells the sender nothing.
    let Some(receiver_workspace) = receiver_workspace else {
        return Ok(());
    };
    if receiver_workspace == sender_workspace {
        return Ok(());
    }
    let named = || {
        policy
            .entries
            .iter()
            .any(|e| pattern_matches(&e.sender_pattern, sender))
    };
    let receiver = policy.address.clone();
    let sender = sender.to_string();
    match policy.policy_type {
        PolicyType::Open => Ok(()),
        PolicyType::Closed => Err(Refusal::ReceiverClosed { receiver, sender }),
        PolicyType::Allowlist if named() => Ok(()),
        PolicyType::Allowlist => Err(Refusal::NotInAllowlist { receiver, sender }),
        PolicyType::Denylist if named() => Err(Refusal::Forbidden(format!(
            "{receiver} does not accept intents from {sender} (its receive denylist names it)"
        ))),
        PolicyType::Denylist => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::access::PolicyEntry;

    fn policy(kind: PolicyType, patterns: &[&str]) -> ReceivePolicy {
        ReceivePolicy {
            address: "agent://local/b/bot".into(),
            policy_type: kind,
            entries: patterns
                .iter()
                .map(|p| PolicyEntry {
                    entry_id: "e".into(),
                    sender_pattern: (*p).into(),
                    created_at: None,
                })
                .collect(),
            updated_at: None,
        }
    }

    #[test]
    fn own_workspace_always_other_workspaces_as_the_policy_says() {
        let sender = "agent://local/a/alice";
        let closed = ReceivePolicy::default_for("agent://local/b/bot");
        assert!(admits(&closed, Some("b"), "b", sender).is_ok());
        assert!(admits(&closed, None, "a", sender).is_ok());
        assert!(matches!(
            admits(&closed, Some("b"), "a", sender),
            Err(Refusal::ReceiverClosed { .. })
        ));
        assert!(admits(&policy(PolicyType::Open, &[]), Some("b"), "a", sender).is_ok());
        let allow = policy(PolicyType::Allowlist, &["agent://local/a/*"]);
        assert!(admits(&allow, Some("b"), "a", sender).is_ok());
        assert!(matches!(
            admits(&allow, Some("b"), "c", "agent://local/c/eve"),
            Err(Refusal::NotInAllowlist { .. })
        ));
        let deny = policy(PolicyType::Denylist, &["agent://local/c/eve"]);
        assert!(admits(&deny, Some("b"), "a", sender).is_ok());
        assert!(matches!(
            admits(&deny, Some("b"), "c", "agent://local/c/eve"),
            Err(Refusal::Forbidden(_))
        ));
    }
}
