-- +goose Up
CREATE TABLE groups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     text CHECK (length(platform) <= 16)  NOT NULL,
    platform_id  text CHECK (length(platform_id) <= 64)  NOT NULL,
    jurisdiction text CHECK (length(jurisdiction) <= 100) NOT NULL DEFAULT "",
    kind         text CHECK (length(kind) <= 16)  NOT NULL DEFAULT "",
    time_zone    text CHECK (length(time_zone) <= 64)  NOT NULL DEFAULT "UTC",
    created_at   datetime  NOT NULL,
    updated_at   datetime  NOT NULL,
    CONSTRAINT groups_platform_key UNIQUE (platform, platform_id)
);

CREATE TABLE members (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id         integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    platform_user_id text CHECK (length(platform_user_id) <= 64),
    display_name     text CHECK (length(display_name) <= 100) NOT NULL,
    locale           text CHECK (length(locale) <= 16)  NOT NULL DEFAULT "",
    created_at       datetime  NOT NULL,
    updated_at       datetime  NOT NULL,
    CONSTRAINT members_user_key UNIQUE (group_id, platform_user_id)
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id      integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_id     integer       REFERENCES members (id),
    action        text CHECK (length(action) <= 64)  NOT NULL,
    entity        text CHECK (length(entity) <= 32)  NOT NULL,
    entity_number integer       NOT NULL DEFAULT 0,
    before        text         NOT NULL DEFAULT "",
    after         text         NOT NULL DEFAULT "",
    created_at    datetime  NOT NULL
);
CREATE INDEX audit_log_group_idx ON audit_log (group_id, created_at);

CREATE TABLE processed_interactions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    integer       NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    platform    text CHECK (length(platform) <= 16)  NOT NULL,
    delivery_id text CHECK (length(delivery_id) <= 200) NOT NULL,
    created_at  datetime  NOT NULL,
    CONSTRAINT processed_interactions_key UNIQUE (platform, delivery_id)
);
CREATE INDEX processed_interactions_age_idx ON processed_interactions (created_at);

-- +goose Down
DROP TABLE processed_interactions;
DROP TABLE audit_log;
DROP TABLE members;
DROP TABLE groups;
