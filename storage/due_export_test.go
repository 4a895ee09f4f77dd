package storage

// UnsentSQL exposes the statement DueDigests runs for the due slots, for
// the test that reads its plan.
func UnsentSQL(values string) string { return unsentSQL(values) }
