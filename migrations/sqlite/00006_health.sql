-- +goose Up
-- One row that the health check rewrites every few seconds: /healthz says
-- the bot is healthy only when this write succeeds, so that a database
-- that answers but cannot be written (full disk, read-only) is reported.
CREATE TABLE health (
    id         integer  PRIMARY KEY CHECK (id = 1),
    checked_at datetime NOT NULL
);

-- +goose Down
DROP TABLE health;
