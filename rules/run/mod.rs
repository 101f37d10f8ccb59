//! RUN: run and monitor (logging, metrics, alerting, availability).
