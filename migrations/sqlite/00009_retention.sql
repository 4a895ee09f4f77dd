-- +goose Up
-- Retention (/setup retention:DAYS): how long links between people and
-- meetings, and who made each audit entry, are kept; and the local date
-- of the group's last nightly purge, which runs once a night.
ALTER TABLE groups ADD COLUMN retention_days integer NOT NULL DEFAULT 365;
ALTER TABLE groups ADD COLUMN purged_on text CHECK (length(purged_on) <= 10) NOT NULL DEFAULT "";

-- What a meeting counted of people whose link to it was erased (by the
-- retention, or a member forgotten): its RSVPs, attendance and roles are
-- these plus its rows, so that its numbers never change.
ALTER TABLE meetings ADD COLUMN unlinked_yes integer NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN unlinked_maybe integer NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN unlinked_no integer NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN unlinked_came integer NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN unlinked_roles integer NOT NULL DEFAULT 0;

-- What a night's purge erased, kept until the next digest reports it.
CREATE TABLE purge_reports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id      integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    days          integer  NOT NULL,
    meetings      integer  NOT NULL,
    audit_entries integer  NOT NULL,
    created_at    datetime NOT NULL
);
CREATE INDEX purge_reports_group_idx ON purge_reports (group_id);

-- Failed deliveries name their recipient: they are deleted by age.
CREATE INDEX delivery_failures_age_idx ON delivery_failures (created_at);

-- +goose Down
DROP INDEX delivery_failures_age_idx;
DROP TABLE purge_reports;
ALTER TABLE meetings DROP COLUMN unlinked_roles;
ALTER TABLE meetings DROP COLUMN unlinked_came;
ALTER TABLE meetings DROP COLUMN unlinked_no;
ALTER TABLE meetings DROP COLUMN unlinked_maybe;
ALTER TABLE meetings DROP COLUMN unlinked_yes;
ALTER TABLE groups DROP COLUMN purged_on;
ALTER TABLE groups DROP COLUMN retention_days;
