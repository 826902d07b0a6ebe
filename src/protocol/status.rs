//! Lifecycle statuses and the transition table (spec §1).
//!
//! The server refuses any change this table does not allow; clients use the same
//! definitions to decide when a watched intent has ended.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Created,
    Submitted,
    Delivered,
    Acknowledged,
    InProgress,
    Waiting,
    Completed,
    Failed,
    Canceled,
    TimedOut,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Created,
        Status::Submitted,
        Status::Delivered,
        Status::Acknowledged,
        Status::InProgress,
        Status::Waiting,
        Status::Completed,
        Status::Failed,
        Status::Canceled,
        Status::TimedOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "CREATED",
            Status::Submitted => "SUBMITTED",
            Status::Delivered => "DELIVERED",
            Status::Acknowledged => "ACKNOWLEDGED",
            Status::InProgress => "IN_PROGRESS",
            Status::Waiting => "WAITING",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
            Status::Canceled => "CANCELED",
            Status::TimedOut => "TIMED_OUT",
        }
    }

    /// COMPLETED, FAILED, CANCELED and TIMED_OUT are final: nothing changes afterwards.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Failed | Status::Canceled | Status::TimedOut
        )
    }

    /// Whether the lifecycle may move from `self` to `next`.
    ///
    /// This is the baseline graph of the spec plus the extensions real clients rely on:
    /// any live intent may time out, be resolved (COMPLETED / FAILED / CANCELED) or fail
    /// delivery, and a successful `resume` completes a delivered or waiting intent directly.
    pub fn can_transition_to(self, next: Status) -> bool {
        use Status::*;
        if self.is_terminal() || self == next {
            return false;
        }
        match next {
            // Extensions: every live intent may end this way.
            Completed | Failed | Canceled | TimedOut => self != Created || next != Completed,
            Created => false,
            Submitted => self == Created,
            Delivered => self == Submitted,
            Acknowledged => self == Delivered,
            InProgress => matches!(self, Submitted | Delivered | Acknowledged | Waiting),
            Waiting => matches!(self, Submitted | Delivered | Acknowledged | InProgress),
        }
    }

    /// Projection for clients that still read `legacy_status` (deprecated in the spec).
    pub fn legacy(self) -> &'static str {
        match self {
            Status::Created | Status::Submitted | Status::Delivered | Status::Acknowledged => {
                "accepted"
            }
            Status::InProgress => "running",
            Status::Waiting => "blocked",
            Status::Completed => "done",
            Status::Failed | Status::Canceled | Status::TimedOut => "failed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown intent status '{}'", self.0)
    }
}

impl std::error::Error for UnknownStatus {}

impl FromStr for Status {
    type Err = UnknownStatus;

    /// Case-insensitive, so `--status completed` works on the command line.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == upper)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

/// Why a WAITING intent waits (required whenever the status is WAITING).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[expect(
    clippy::enum_variant_names,
    reason = "the variants spell the wire names (WAITING_FOR_…)"
)]
pub enum WaitingReason {
    WaitingForHuman,
    WaitingForTool,
    WaitingForAgent,
    WaitingForTime,
}

impl WaitingReason {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitingReason::WaitingForHuman => "WAITING_FOR_HUMAN",
            WaitingReason::WaitingForTool => "WAITING_FOR_TOOL",
            WaitingReason::WaitingForAgent => "WAITING_FOR_AGENT",
            WaitingReason::WaitingForTime => "WAITING_FOR_TIME",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses_are_immutable() {
        for from in [
            Status::Completed,
            Status::Failed,
            Status::Canceled,
            Status::TimedOut,
        ] {
            for to in Status::ALL {
                assert!(!from.can_transition_to(to), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn baseline_and_extensions() {
        assert!(Status::Created.can_transition_to(Status::Submitted));
        assert!(Status::Submitted.can_transition_to(Status::Delivered));
        assert!(Status::Delivered.can_transition_to(Status::Completed));
        assert!(Status::Waiting.can_transition_to(Status::InProgress));
        assert!(Status::Submitted.can_transition_to(Status::TimedOut));
        assert!(!Status::Delivered.can_transition_to(Status::Submitted));
        assert!(!Status::Waiting.can_transition_to(Status::Delivered));
    }

    #[test]
    fn parses_case_insensitively() {
        assert_eq!("timed_out".parse::<Status>().unwrap(), Status::TimedOut);
        assert!("CANCELLED".parse::<Status>().is_err());
    }
}
