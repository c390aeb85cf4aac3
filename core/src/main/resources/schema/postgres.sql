-- Journal and snapshots of pekko-persistence-jdbc, made re-runnable; then the read side.
CREATE TABLE IF NOT EXISTS public.event_journal(
  ordering BIGSERIAL,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,
  writer VARCHAR(255) NOT NULL,
  write_timestamp BIGINT,
  adapter_manifest VARCHAR(255),
  event_ser_id INTEGER NOT NULL,
  event_ser_manifest VARCHAR(255) NOT NULL,
  event_payload BYTEA NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,
  PRIMARY KEY(persistence_id, sequence_number));
CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON public.event_journal(ordering);
CREATE TABLE IF NOT EXISTS public.event_tag(
  event_id BIGINT,
  tag VARCHAR(256),
  PRIMARY KEY(event_id, tag),
  CONSTRAINT fk_event_journal FOREIGN KEY(event_id) REFERENCES event_journal(ordering) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS public.snapshot (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,
  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest VARCHAR(255) NOT NULL,
  snapshot_payload BYTEA NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,
  PRIMARY KEY(persistence_id, sequence_number));
CREATE TABLE IF NOT EXISTS call_records (
  call_id VARCHAR(64) PRIMARY KEY,
  queue_id VARCHAR(64),
  agent_id VARCHAR(64),
  caller VARCHAR(512),
  dialed VARCHAR(512),
  status VARCHAR(16) NOT NULL,
  disposition VARCHAR(16),
  end_reason VARCHAR(512),
  enqueued_at BIGINT NOT NULL,
  answered_at BIGINT,
  ended_at BIGINT,
  wait_seconds BIGINT,
  talk_seconds BIGINT);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS mos DOUBLE PRECISION;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS worst_mos DOUBLE PRECISION;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS loss_percent DOUBLE PRECISION;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS dtmf VARCHAR(128);
CREATE INDEX IF NOT EXISTS call_records_enqueued_idx ON call_records (enqueued_at);
CREATE INDEX IF NOT EXISTS call_records_agent_idx ON call_records (agent_id, enqueued_at);
-- The calls still open, for the sweep that verifies them after a restart.
CREATE INDEX IF NOT EXISTS call_records_status_idx ON call_records (status, call_id);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS queues VARCHAR(1024);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS offered_at BIGINT;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS offers INTEGER DEFAULT 0;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS ring_seconds BIGINT;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS wrap_up_seconds BIGINT;
-- Every offer of a call to an agent (ring-all offers several at once) and how it ended.
CREATE TABLE IF NOT EXISTS call_offers (
    call_id VARCHAR(64) NOT NULL,
    agent_id VARCHAR(64) NOT NULL,
    offered_at BIGINT NOT NULL,
    ended_at BIGINT,
    outcome VARCHAR(16),
    reason VARCHAR(256),
    PRIMARY KEY (call_id, agent_id, offered_at));
-- Statistics: one row per call and queue it passed through (visit 1..n), and one for the call as
-- a whole (visit 0, queue_id '*'). The counters are what the visit adds to its 15-minute interval.
CREATE TABLE IF NOT EXISTS queue_visits (
    call_id VARCHAR(64) NOT NULL,
    visit INTEGER NOT NULL,
    queue_id VARCHAR(64) NOT NULL,
    entered_at BIGINT NOT NULL,
    service_level_seconds INTEGER,
    answered_at BIGINT,
    left_at BIGINT,
    offered INTEGER NOT NULL, answered INTEGER NOT NULL, answered_in_sl INTEGER NOT NULL,
    abandoned INTEGER NOT NULL, abandoned_in_sl INTEGER NOT NULL, short_abandoned INTEGER NOT NULL,
    overflowed INTEGER NOT NULL, timed_out INTEGER NOT NULL, rejected INTEGER NOT NULL, failed INTEGER NOT NULL,
    answer_wait_ms BIGINT NOT NULL, handled INTEGER NOT NULL, talk_ms BIGINT NOT NULL,
    wrapped INTEGER NOT NULL, wrap_ms BIGINT NOT NULL, wait_ms BIGINT NOT NULL,
    PRIMARY KEY (call_id, visit));
CREATE INDEX IF NOT EXISTS queue_visits_entered_idx ON queue_visits (entered_at);
-- The visits summed per queue and 15-minute interval (by entry time); each projection slice keeps its own rows.
CREATE TABLE IF NOT EXISTS queue_intervals (
    queue_id VARCHAR(64) NOT NULL,
    interval_start BIGINT NOT NULL,
    slice INTEGER NOT NULL,
    offered BIGINT NOT NULL, answered BIGINT NOT NULL, answered_in_sl BIGINT NOT NULL,
    abandoned BIGINT NOT NULL, abandoned_in_sl BIGINT NOT NULL, short_abandoned BIGINT NOT NULL,
    overflowed BIGINT NOT NULL, timed_out BIGINT NOT NULL, rejected BIGINT NOT NULL, failed BIGINT NOT NULL,
    answer_wait_ms BIGINT NOT NULL, handled BIGINT NOT NULL, talk_ms BIGINT NOT NULL,
    wrapped BIGINT NOT NULL, wrap_ms BIGINT NOT NULL, longest_wait_ms BIGINT NOT NULL,
    PRIMARY KEY (queue_id, interval_start, slice));
-- Agents, queues and routing policies as their projections keep them (updated_at: when the
-- change was written); pending_presence is a break or log-off asked for while busy.
CREATE TABLE IF NOT EXISTS agents (
    id VARCHAR(64) PRIMARY KEY,
    display_name TEXT,
    sip_user TEXT,
    max_calls INTEGER,
    wrap_up_seconds INTEGER,
    presence VARCHAR(16) NOT NULL,
    break_reason TEXT,
    registered BOOLEAN DEFAULT FALSE NOT NULL,
    pending_presence VARCHAR(16),
    pending_reason TEXT,
    updated_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS agent_skills (
    agent_id VARCHAR(64) NOT NULL,
    skill TEXT NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (agent_id, skill));
CREATE TABLE IF NOT EXISTS call_queues (
    id VARCHAR(64) PRIMARY KEY,
    name TEXT,
    sip_address TEXT,
    priority INTEGER,
    strategy VARCHAR(32),
    max_size INTEGER,
    max_wait_seconds INTEGER,
    overflow_queue_id VARCHAR(64),
    wrap_up_seconds INTEGER,
    ring_timeout_seconds INTEGER,
    service_level_seconds INTEGER,
    required_skills TEXT,
    full_status INTEGER,
    no_agent_action VARCHAR(16),
    no_agent_delay_seconds INTEGER,
    exit_key VARCHAR(8),
    announce_every_seconds INTEGER,
    updated_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS routing_policies (
    id VARCHAR(64) PRIMARY KEY,
    name TEXT,
    position INTEGER NOT NULL,
    time_zone VARCHAR(64),
    rule_count INTEGER NOT NULL,
    policy TEXT NOT NULL,
    updated_at BIGINT NOT NULL);
-- Agent history: presence periods (the current one has no ended_at), finished calls with their
-- wrap-up (open while it lasts), unanswered offers. Times in epoch millis of the engine's clock.
CREATE TABLE IF NOT EXISTS agent_presence_log (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    agent_id VARCHAR(64) NOT NULL,
    presence VARCHAR(16) NOT NULL,
    reason TEXT,
    started_at BIGINT NOT NULL,
    ended_at BIGINT);
CREATE INDEX IF NOT EXISTS agent_presence_log_range_idx ON agent_presence_log (agent_id, started_at);
CREATE INDEX IF NOT EXISTS agent_presence_log_open_idx ON agent_presence_log (agent_id, ended_at);
CREATE TABLE IF NOT EXISTS agent_call_log (
    agent_id VARCHAR(64) NOT NULL,
    call_id VARCHAR(64) NOT NULL,
    finished_at BIGINT NOT NULL,
    talk_seconds BIGINT NOT NULL,
    wrap_up_started_at BIGINT NOT NULL,
    wrap_up_ended_at BIGINT,
    wrap_up_seconds BIGINT,
    PRIMARY KEY (agent_id, call_id));
CREATE INDEX IF NOT EXISTS agent_call_log_range_idx ON agent_call_log (agent_id, finished_at);
CREATE INDEX IF NOT EXISTS agent_call_log_open_idx ON agent_call_log (agent_id, wrap_up_ended_at);
CREATE TABLE IF NOT EXISTS agent_no_answers (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    agent_id VARCHAR(64) NOT NULL,
    call_id VARCHAR(64) NOT NULL,
    at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS agent_no_answers_range_idx ON agent_no_answers (agent_id, at);
-- The key every node signs and checks SIP digest nonces with: one row, written by the first
-- node to start (unless callengine.sip.nonce-key is configured), read by every node at start.
CREATE TABLE IF NOT EXISTS sip_nonce_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    nonce_key VARCHAR(128) NOT NULL,
    created_at BIGINT NOT NULL);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS recorded BOOLEAN DEFAULT FALSE;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS recording_node VARCHAR(256);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS recording_file VARCHAR(256);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS recording_seconds BIGINT;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS recording_pauses INTEGER DEFAULT 0;
-- The supervisors who monitored the call (listen, whisper, barge), in the order they first did.
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS monitored_by VARCHAR(1024);
-- Holds of a connected call: how many, and their seconds (a call that ended on hold counts up to its end).
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS holds INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS hold_seconds BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS on_hold BOOLEAN DEFAULT FALSE NOT NULL;
-- The statistics' hold counters (docs/metrics.md): answered visits put on hold, and their hold time.
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS held BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS hold_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS held BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS hold_ms BIGINT DEFAULT 0 NOT NULL;
-- Blind transfers: how many times agents handed the call over, and who (comma-separated, in order).
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS transfers INTEGER DEFAULT 0;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS transferred_from VARCHAR(1024);
-- Callbacks (docs/metrics.md): offered, accepted, completed, failed, and the wait of the completed ones.
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS callbacks_offered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS callbacks_accepted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS callbacks_completed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS callbacks_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_visits ADD COLUMN IF NOT EXISTS callback_wait_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS callbacks_offered BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS callbacks_accepted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS callbacks_completed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS callbacks_failed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE queue_intervals ADD COLUMN IF NOT EXISTS callback_wait_ms BIGINT NOT NULL DEFAULT 0;
-- A callback's number and the attempts made to call it (null: not a callback).
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS callback_number VARCHAR(512);
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS callback_attempts INTEGER;
-- An agent's consults on the call, and whether one became a conference of three.
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS consults INTEGER NOT NULL DEFAULT 0;
ALTER TABLE call_records ADD COLUMN IF NOT EXISTS conference BOOLEAN NOT NULL DEFAULT FALSE;
