-- +goose Up
-- Digest settings per group; a group without a row uses the defaults.
CREATE TABLE digest_settings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    send_at    text CHECK (length(send_at) <= 5)  NOT NULL DEFAULT "08:00",
    channel    text CHECK (length(channel) <= 64) NOT NULL DEFAULT "",
    quiet      numeric  NOT NULL DEFAULT true,
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL,
    CONSTRAINT digest_settings_group_key UNIQUE (group_id)
);

CREATE TABLE digest_subscriptions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_id  integer  NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    subscribed numeric  NOT NULL,
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL,
    CONSTRAINT digest_subscriptions_key UNIQUE (group_id, member_id)
);

CREATE TABLE digests_sent (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    local_date text CHECK (length(local_date) <= 10) NOT NULL,
    status     text CHECK (length(status) <= 8) NOT NULL,
    created_at datetime NOT NULL,
    CONSTRAINT digests_sent_key UNIQUE (group_id, local_date)
);

CREATE TABLE delivery_failures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    integer  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    what        text CHECK (length(what) <= 100) NOT NULL,
    recipient   text CHECK (length(recipient) <= 100) NOT NULL,
    reason      text CHECK (length(reason) <= 200) NOT NULL DEFAULT "",
    reported_at datetime,
    created_at  datetime NOT NULL
);
CREATE INDEX delivery_failures_group_idx ON delivery_failures (group_id, reported_at);

-- +goose Down
DROP TABLE delivery_failures;
DROP TABLE digests_sent;
DROP TABLE digest_subscriptions;
DROP TABLE digest_settings;
