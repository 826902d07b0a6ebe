//! The wire contract shared by the client and the gateway: one definition of each type.
//! Pure data and codecs, no I/O.

pub(crate) mod access;
pub(crate) mod account;
pub(crate) mod address;
pub(crate) mod auth;
pub mod banner;
pub(crate) mod bulk;
pub(crate) mod cli_grant;
pub(crate) mod delivery;
pub(crate) mod error;
pub(crate) mod event;
pub(crate) mod intent;
pub(crate) mod invite;
pub(crate) mod mcp;
pub(crate) mod media;
pub(crate) mod mesh;
pub(crate) mod meta;
pub(crate) mod overview;
pub(crate) mod portal;
pub(crate) mod scenario;
pub(crate) mod schema;
pub(crate) mod session;
pub(crate) mod sse;
pub(crate) mod status;
pub(crate) mod task;
pub(crate) mod time;
pub(crate) mod user;
pub(crate) mod webhook;

pub(crate) use address::{AgentAddress, AgentRef};
pub use banner::{Banner, BannerReader};
pub(crate) use delivery::{AgentDelivery, DeliveryMode};
pub(crate) use error::ErrorBody;
pub use event::IntentEvent;
pub(crate) use event::{EventsResponse, PendingWith};
pub(crate) use intent::{
    CreateIntentRequest, CreateIntentResponse, GetIntentResponse, Intent, IntentMirror,
    ListIntentsResponse, ResolveRequest, ResolveResponse, ResumeBody, ResumeResponse,
};
pub(crate) use status::{Status, WaitingReason};
pub(crate) use task::{HumanTask, TaskType};
pub use time::Timestamp;

/// Now, formatted for the wire.
pub(crate) fn now() -> String {
    Timestamp::now().to_string()
}
