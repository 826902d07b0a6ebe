//! Contexts, secrets and files in the config dir.
