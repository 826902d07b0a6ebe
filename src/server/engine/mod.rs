//! Decisions and coordination, between HTTP and storage: the in-memory tenant directory
//! (API key checks), the lifecycle rules (pure functions) and the notification hub.
//! `reactor` is the hook run inside every write (timers, workflow advance, inbox);
//! `inbox` says what each owner action does to a thread; `timers` holds every timer kind and what firing it does; `workflow` walks scenario
//! steps; `scheduler` claims due timer rows; `push` is HTTP delivery; `webhooks` fans events out to subscribers. A decision that
//! says no returns a `refusal::Refusal`; the HTTP status is chosen in http/.

pub mod access;
pub mod directory;
pub mod hub;
pub mod inbox;
pub mod lifecycle;
pub mod listeners;
pub mod mail_out;
pub mod mesh;
pub mod policy;
pub mod push;
pub mod reactor;
pub mod refusal;
pub mod scheduler;
pub mod task_check;
pub mod timers;
pub mod webhooks;
pub mod workflow;
