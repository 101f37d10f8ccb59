//! DLV: deliver (CI, tests, deploys, dependency updates).
