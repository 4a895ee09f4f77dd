-- +goose Up
-- Each group's calendar feed (/calendar): the long random token in its
-- address, /calendar/TOKEN.ics, which a lead replaces with /calendar
-- rotate. The feed is found by its token, so the token is unique.
CREATE TABLE calendar_feeds (
    group_id   bigint      PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    token      varchar(64) NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT calendar_feeds_token_key UNIQUE (token)
);

-- How many times a meeting was moved or cancelled: its calendar event's
-- SEQUENCE, which tells calendars that a later copy replaces theirs.
ALTER TABLE meetings ADD COLUMN sequence bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE meetings DROP COLUMN sequence;
DROP TABLE calendar_feeds;
