-- +goose Up
-- What one member did, found without reading the group's history: /privacy
-- counts it, /privacy export lists it, and forgetting a member (/privacy
-- forget, /member forget) erases or unlinks it.
CREATE INDEX rsvps_member_idx ON rsvps (group_id, member_id);
CREATE INDEX attendance_member_idx ON attendance (group_id, member_id);
CREATE INDEX tasks_assignee_idx ON tasks (group_id, assignee_id);
CREATE INDEX tasks_creator_idx ON tasks (group_id, created_by);
CREATE INDEX answers_logger_idx ON answers (group_id, logged_by);
CREATE INDEX audit_log_member_idx ON audit_log (group_id, member_id);

-- +goose Down
DROP INDEX audit_log_member_idx;
DROP INDEX answers_logger_idx;
DROP INDEX tasks_creator_idx;
DROP INDEX tasks_assignee_idx;
DROP INDEX attendance_member_idx;
DROP INDEX rsvps_member_idx;
