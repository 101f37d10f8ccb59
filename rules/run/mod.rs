//! RUN: run and monitor (logging, metrics, alerting, availability).
pub mod run001_no_error_tracking;
pub mod run002_no_metrics;
pub mod run003_logs_not_shipped;
pub mod run004_no_alerting;
pub mod run005_log_retention_unset;
pub mod run006_no_autoscaling;
pub mod run007_single_az;
pub mod run008_no_health_check;
pub mod run009_backups_disabled;
pub mod run010_scheduler_complexity;
