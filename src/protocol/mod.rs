//! The wire contract shared by the client and the gateway: one definition of each type.
//! Pure data and codecs, no I/O.

pub mod access;
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
pub mod time;

pub use address::{AgentAddress, AgentRef};
pub use banner::{Banner, BannerReader};
pub use delivery::{AgentDelivery, DeliveryMode};
pub use error::{ErrorBody, ErrorDetail};
pub use event::{EventsResponse, IntentEvent, PendingWith};
pub use intent::{
    CreateIntentRequest, CreateIntentResponse, GetIntentResponse, Intent, IntentMirror,
    ListIntentsResponse, ResolveRequest, ResolveResponse, ResumeBody, ResumeResponse,
};
pub use status::{Status, WaitingReason};
pub use task::{HumanTask, TaskType};
pub use time::Timestamp;

/// RFC 3339 UTC timestamp with millisecond precision, as every timestamp on the wire.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    Timestamp::from_datetime(at).to_string()
}

/// Now, formatted for the wire.
pub fn now() -> String {
    Timestamp::now().to_string()
}
