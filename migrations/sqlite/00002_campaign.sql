-- +goose Up
-- officials.jurisdiction is empty for the group's own jurisdiction, else the
-- one the official serves (a city group's county sheriff).
CREATE TABLE officials (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    number     integer       NOT NULL,
    name       text CHECK (length(name) <= 100) NOT NULL,
    office     text CHECK (length(office) <= 32)  NOT NULL,
    jurisdiction text CHECK (length(jurisdiction) <= 100) NOT NULL DEFAULT "",
    contact    text CHECK (length(contact) <= 200) NOT NULL DEFAULT "",
    removed_at datetime,
    created_at datetime  NOT NULL,
    updated_at datetime  NOT NULL,
    CONSTRAINT officials_number_key UNIQUE (group_id, number)
);
CREATE UNIQUE INDEX officials_name_key ON officials (group_id, lower(name)) WHERE removed_at IS NULL;

CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id     integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    number       integer       NOT NULL,
    kind         text CHECK (length(kind) <= 32)  NOT NULL,
    official_id  integer       REFERENCES officials (id),
    starts_at    datetime  NOT NULL,
    gather_at    datetime  NOT NULL,
    place        text CHECK (length(place) <= 200) NOT NULL,
    gather_place text CHECK (length(gather_place) <= 200) NOT NULL DEFAULT "",
    capacity     integer       NOT NULL DEFAULT 0,
    status       text CHECK (length(status) <= 16)  NOT NULL DEFAULT "scheduled",
    created_by   integer       REFERENCES members (id),
    created_at   datetime  NOT NULL,
    updated_at   datetime  NOT NULL,
    CONSTRAINT meetings_number_key UNIQUE (group_id, number)
);
CREATE INDEX meetings_starts_idx ON meetings (group_id, starts_at);

CREATE TABLE role_assignments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    integer      NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_id   integer      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role        text CHECK (length(role) <= 32) NOT NULL,
    meeting_id  integer      REFERENCES meetings (id) ON DELETE CASCADE,
    assigned_by integer      REFERENCES members (id),
    created_at  datetime NOT NULL
);
CREATE UNIQUE INDEX role_assignments_key ON role_assignments (group_id, member_id, role, COALESCE(meeting_id, 0));

CREATE TABLE rsvps (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   integer      NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    meeting_id integer      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  integer      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer     text CHECK (length(answer) <= 8)  NOT NULL,
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL,
    CONSTRAINT rsvps_key UNIQUE (meeting_id, member_id)
);

CREATE TABLE attendance (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    integer      NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    meeting_id  integer      NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id   integer      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    recorded_by integer      REFERENCES members (id),
    created_at  datetime NOT NULL,
    CONSTRAINT attendance_key UNIQUE (meeting_id, member_id)
);

CREATE TABLE answers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id      integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    official_id   integer       NOT NULL REFERENCES officials (id),
    rule          text CHECK (length(rule) <= 8)   NOT NULL,
    in_place      text CHECK (length(in_place) <= 8)   NOT NULL,
    would_support text CHECK (length(would_support) <= 8)   NOT NULL DEFAULT "",
    source        text CHECK (length(source) <= 16)  NOT NULL DEFAULT "",
    meeting_id    integer       REFERENCES meetings (id),
    note          text CHECK (length(note) <= 500) NOT NULL DEFAULT "",
    logged_by     integer       REFERENCES members (id),
    created_at    datetime  NOT NULL
);
CREATE INDEX answers_official_idx ON answers (group_id, official_id, rule, created_at);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    number      integer       NOT NULL,
    title       text CHECK (length(title) <= 200) NOT NULL,
    assignee_id integer       REFERENCES members (id),
    due_at      datetime,
    meeting_id  integer       REFERENCES meetings (id),
    tactic      text CHECK (length(tactic) <= 32)  NOT NULL DEFAULT "",
    status      text CHECK (length(status) <= 16)  NOT NULL DEFAULT "open",
    created_by  integer       REFERENCES members (id),
    done_at     datetime,
    created_at  datetime  NOT NULL,
    updated_at  datetime  NOT NULL,
    CONSTRAINT tasks_number_key UNIQUE (group_id, number)
);
CREATE INDEX tasks_due_idx ON tasks (group_id, status, due_at);

-- +goose Down
DROP TABLE tasks;
DROP TABLE answers;
DROP TABLE attendance;
DROP TABLE rsvps;
DROP TABLE role_assignments;
DROP TABLE meetings;
DROP TABLE officials;
