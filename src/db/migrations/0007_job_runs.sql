-- Background jobs: one row per job, claimed by the server that runs it (a
-- conditional UPDATE, so two servers never run one job at once), with the
-- last run's time, duration and outcome.
CREATE TABLE job_runs (
  job TEXT NOT NULL PRIMARY KEY,
  running_since BIGINT,
  owner TEXT,
  last_started_at BIGINT NOT NULL DEFAULT 0,
  last_finished_at BIGINT,
  last_duration_ms BIGINT,
  last_outcome TEXT,
  last_error TEXT,
  runs_ok BIGINT NOT NULL DEFAULT 0,
  runs_failed BIGINT NOT NULL DEFAULT 0
);

-- The login throttle counts failures per client address too.
CREATE INDEX login_failures_ip_at ON login_failures(ip, at);
