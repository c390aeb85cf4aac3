-- Journal and snapshots of pekko-persistence-jdbc, made re-runnable; then the read side.
CREATE TABLE IF NOT EXISTS PUBLIC."event_journal" (
    "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
    "deleted" BOOLEAN DEFAULT false NOT NULL,
    "persistence_id" VARCHAR(255) NOT NULL,
    "sequence_number" BIGINT NOT NULL,
    "writer" VARCHAR NOT NULL,
    "write_timestamp" BIGINT NOT NULL,
    "adapter_manifest" VARCHAR NOT NULL,
    "event_payload" BLOB NOT NULL,
    "event_ser_id" INTEGER NOT NULL,
    "event_ser_manifest" VARCHAR NOT NULL,
    "meta_payload" BLOB,
    "meta_ser_id" INTEGER,
    "meta_ser_manifest" VARCHAR,
    PRIMARY KEY("persistence_id","sequence_number"));
CREATE UNIQUE INDEX IF NOT EXISTS "event_journal_ordering_idx" ON PUBLIC."event_journal" ("ordering");
CREATE TABLE IF NOT EXISTS PUBLIC."event_tag" (
    "event_id" BIGINT NOT NULL,
    "tag" VARCHAR NOT NULL,
    PRIMARY KEY("event_id", "tag"),
    CONSTRAINT fk_event_journal FOREIGN KEY("event_id") REFERENCES "event_journal"("ordering") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS PUBLIC."snapshot" (
    "persistence_id" VARCHAR(255) NOT NULL,
    "sequence_number" BIGINT NOT NULL,
    "created" BIGINT NOT NULL,
    "snapshot_ser_id" INTEGER NOT NULL,
    "snapshot_ser_manifest" VARCHAR NOT NULL,
    "snapshot_payload" BLOB NOT NULL,
    "meta_ser_id" INTEGER,
    "meta_ser_manifest" VARCHAR,
    "meta_payload" BLOB,
    PRIMARY KEY("persistence_id","sequence_number"));
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
