-- +goose Up
-- The answer that counts for each official and rule (the latest logged,
-- by time then id) and the ruling that counts for each rule, kept by the
-- transaction that logs an answer or a ruling (storage.AddAnswers,
-- storage.AddSettlement), so that the standing is read in as many rows as
-- it has, however long the history behind it. Each row copies what the
-- standing needs of the answer or ruling it names; both are never changed
-- once written.
CREATE TABLE latest_answers (
    group_id      integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    official_id   integer  NOT NULL REFERENCES officials (id),
    rule          text CHECK (length(rule) <= 8) NOT NULL,
    answer_id     integer  NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    in_place      text CHECK (length(in_place) <= 8) NOT NULL,
    would_support text CHECK (length(would_support) <= 8) NOT NULL DEFAULT "",
    meeting_id    integer  REFERENCES meetings (id),
    created_at    datetime NOT NULL,
    PRIMARY KEY (group_id, official_id, rule)
);
INSERT INTO latest_answers (group_id, official_id, rule, answer_id, in_place, would_support, meeting_id, created_at)
    SELECT group_id, official_id, rule, id, in_place, would_support, meeting_id, created_at FROM (
        SELECT a.*, ROW_NUMBER() OVER (PARTITION BY group_id, official_id, rule ORDER BY created_at DESC, id DESC) AS n
        FROM answers a
    ) ranked WHERE n = 1;

CREATE TABLE latest_settlements (
    group_id      integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    rule          text CHECK (length(rule) <= 8) NOT NULL,
    settlement_id integer  NOT NULL REFERENCES rule_settlements (id) ON DELETE CASCADE,
    in_place      text CHECK (length(in_place) <= 8) NOT NULL,
    created_at    datetime NOT NULL,
    PRIMARY KEY (group_id, rule)
);
INSERT INTO latest_settlements (group_id, rule, settlement_id, in_place, created_at)
    SELECT group_id, rule, id, in_place, created_at FROM (
        SELECT s.*, ROW_NUMBER() OVER (PARTITION BY group_id, rule ORDER BY created_at DESC, id DESC) AS n
        FROM rule_settlements s
    ) ranked WHERE n = 1;

-- What the digest lists (answers logged since the last one), what a
-- report-back shows (one meeting's answers) and what the guide's progress
-- asks (the first meeting of a kind, whether a report was filed, whether a
-- task serves a tactic), each found without reading the group's history.
CREATE INDEX answers_created_idx ON answers (group_id, created_at);
CREATE INDEX answers_meeting_idx ON answers (group_id, meeting_id, official_id);
CREATE INDEX meetings_kind_idx ON meetings (group_id, kind, starts_at);
CREATE INDEX meetings_filed_idx ON meetings (group_id) WHERE report_filed_at IS NOT NULL;
CREATE INDEX meetings_unfiled_idx ON meetings (group_id, starts_at) WHERE report_filed_at IS NULL AND official_id IS NOT NULL;
CREATE INDEX tasks_tactic_idx ON tasks (group_id, status) WHERE tactic <> '';
CREATE INDEX role_assignments_meeting_idx ON role_assignments (group_id, meeting_id);

-- Lists read one page in the order of an index, instead of sorting every
-- row of the group to show a few.
DROP INDEX meetings_starts_idx;
CREATE INDEX meetings_starts_idx ON meetings (group_id, starts_at, number);
DROP INDEX tasks_due_idx;
CREATE INDEX tasks_due_idx ON tasks (group_id, status, due_at, number);

-- +goose Down
DROP INDEX tasks_due_idx;
CREATE INDEX tasks_due_idx ON tasks (group_id, status, due_at);
DROP INDEX meetings_starts_idx;
CREATE INDEX meetings_starts_idx ON meetings (group_id, starts_at);
DROP INDEX role_assignments_meeting_idx;
DROP INDEX tasks_tactic_idx;
DROP INDEX meetings_unfiled_idx;
DROP INDEX meetings_filed_idx;
DROP INDEX meetings_kind_idx;
DROP INDEX answers_meeting_idx;
DROP INDEX answers_created_idx;
DROP TABLE latest_settlements;
DROP TABLE latest_answers;
