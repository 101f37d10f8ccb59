//! RUN: run and monitor (logging, metrics, alerting, availability).
pub(crate) mod run001_no_error_tracking;
pub(crate) mod run002_no_metrics;
pub(crate) mod run003_logs_not_shipped;
pub(crate) mod run004_no_alerting;
pub(crate) mod run005_log_retention_unset;
pub(crate) mod run006_no_autoscaling;
pub(crate) mod run007_single_az;
pub(crate) mod run008_no_health_check;
pub(crate) mod run009_backups_disabled;
pub(crate) mod run010_scheduler_complexity;
