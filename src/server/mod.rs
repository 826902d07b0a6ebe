//! The embedded AXP gateway behind `axme server`.
