//! Decisions and coordination, between HTTP and storage: the in-memory tenant directory
//! (API key checks), the lifecycle rules (pure functions) and the notification hub.
//! `reactor` is the hook run inside every write (timers, workflow advance, inbox);
//! `workflow` walks scenario steps; `scheduler` fires timer rows; `push` is HTTP delivery.

pub mod directory;
pub mod hub;
pub mod lifecycle;
pub mod push;
pub mod reactor;
pub mod scheduler;
pub mod workflow;
