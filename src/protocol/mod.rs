//! The wire contract shared by the client and the gateway: one definition of each type.
//! Pure data and codecs, no I/O.

pub mod account;
pub mod address;
pub mod auth;
pub mod banner;
pub mod delivery;
pub mod error;
pub mod event;
pub mod intent;
pub mod scenario;
pub mod sse;
pub mod status;
pub mod task;

pub use address::{AgentAddress, AgentRef};
pub use banner::{Banner, BannerReader};
pub use delivery::{AgentDelivery, DeliveryMode};
pub use error::{ErrorBody, ErrorDetail};
pub use event::{EventsResponse, IntentEvent, PendingWith};
pub use intent::{
    CreateIntentRequest, CreateIntentResponse, GetIntentResponse, Intent, ListIntentsResponse,
    ResolveRequest, ResolveResponse, ResumeBody, ResumeResponse,
};
pub use status::{Status, WaitingReason};
pub use task::{HumanTask, TaskType};

/// RFC 3339 UTC timestamp with millisecond precision, as every timestamp on the wire.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Now, formatted for the wire.
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}
