//! Typed HTTP client for the AXP API (lands with the CLI-against-gateway work).
