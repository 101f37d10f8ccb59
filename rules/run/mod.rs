//! RUN: run and monitor (logging, metrics, alerting, availability).
pub mod run003_logs_not_shipped;
pub mod run005_log_retention_unset;
pub mod run007_single_az;
pub mod run008_no_health_check;
pub mod run009_backups_disabled;
