//! Decisions and coordination, between HTTP and storage: the in-memory tenant directory
//! (API key checks), the lifecycle rules (pure functions) and the notification hub.
//! The next issue adds the scheduler (timers as rows with a due time), workflows and
//! HTTP push delivery here.

pub mod directory;
pub mod hub;
pub mod lifecycle;
