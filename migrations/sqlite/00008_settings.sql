-- +goose Up
-- Each member's own settings (/me): the language they chose ('' = not
-- chosen: their platform's locale, then the group's language, count),
-- their time zone ('' = the group's) and whether they receive meeting and
-- task reminders. Nothing else about a person is stored.
ALTER TABLE members ADD COLUMN language text CHECK (length(language) <= 8) NOT NULL DEFAULT "";
ALTER TABLE members ADD COLUMN time_zone text CHECK (length(time_zone) <= 64) NOT NULL DEFAULT "";
ALTER TABLE members ADD COLUMN reminders numeric NOT NULL DEFAULT true;

-- The group's language (/setup language): channel posts are written in
-- it, and members who chose none and whose platform names none read it.
ALTER TABLE groups ADD COLUMN language text CHECK (length(language) <= 8) NOT NULL DEFAULT "en";

-- +goose Down
ALTER TABLE groups DROP COLUMN language;
ALTER TABLE members DROP COLUMN reminders;
ALTER TABLE members DROP COLUMN time_zone;
ALTER TABLE members DROP COLUMN language;
