-- +goose Up
-- The report-back form the group files its meetings' answers with; '' is
-- the guide's own form.
ALTER TABLE groups ADD COLUMN report_form text CHECK (length(report_form) <= 300) NOT NULL DEFAULT "";

-- Who filed a meeting's report-back, and when: viewing a report is not
-- filing it.
ALTER TABLE meetings ADD COLUMN report_filed_at datetime;
ALTER TABLE meetings ADD COLUMN report_filed_by integer REFERENCES members (id);

-- A coordinator's ruling on whether a rule is in place, when officials
-- disagree. History is kept: the latest counts, until an official says
-- otherwise after it.
CREATE TABLE rule_settlements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    rule       text CHECK (length(rule) <= 8)   NOT NULL,
    in_place   text CHECK (length(in_place) <= 8)   NOT NULL,
    note       text CHECK (length(note) <= 500) NOT NULL DEFAULT "",
    settled_by integer  REFERENCES members (id),
    created_at datetime NOT NULL
);
CREATE INDEX rule_settlements_rule_idx ON rule_settlements (group_id, rule, created_at);

-- +goose Down
DROP TABLE rule_settlements;
ALTER TABLE meetings DROP COLUMN report_filed_by;
ALTER TABLE meetings DROP COLUMN report_filed_at;
ALTER TABLE groups DROP COLUMN report_form;
