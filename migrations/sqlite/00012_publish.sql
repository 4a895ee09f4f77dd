-- +goose Up
-- The scorecards groups publish (/scorecard publish on): the long random
-- token of each public link. Taking one down deletes its row, so that the
-- link dies at once; publishing again makes a new token, so that an old
-- link stays dead.
CREATE TABLE published_scorecards (
    group_id     integer  PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    token        text     CHECK (length(token) <= 64) NOT NULL UNIQUE,
    published_at datetime NOT NULL
);

-- The instance's own secrets, which every replica reads from here: the
-- key that signs coordinators' dashboard links. Each is made on first use
-- (storage.EnsureSecret), not by this migration, so that a freshly
-- migrated database still holds no rows.
CREATE TABLE instance_secrets (
    name       text     CHECK (length(name) <= 32) PRIMARY KEY,
    secret     text     CHECK (length(secret) <= 128) NOT NULL,
    created_at datetime NOT NULL
);

-- +goose Down
DROP TABLE instance_secrets;
DROP TABLE published_scorecards;
