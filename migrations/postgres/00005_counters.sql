-- +goose Up
-- The last number given to each group's officials, meetings and tasks:
-- numbers are allocated by updating this row in the transaction that
-- inserts the numbered row, so that concurrent writers queue on the row
-- instead of colliding on MAX(number) + 1, and a rolled-back insert
-- gives its number back.
CREATE TABLE group_counters (
    group_id bigint      NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    entity   varchar(16) NOT NULL,
    last     bigint      NOT NULL,
    PRIMARY KEY (group_id, entity)
);
INSERT INTO group_counters (group_id, entity, last)
    SELECT group_id, 'officials', MAX(number) FROM officials GROUP BY group_id
    UNION ALL SELECT group_id, 'meetings', MAX(number) FROM meetings GROUP BY group_id
    UNION ALL SELECT group_id, 'tasks', MAX(number) FROM tasks GROUP BY group_id;

-- +goose Down
DROP TABLE group_counters;
