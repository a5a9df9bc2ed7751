package release

// SetPublishing sets the function a run calls after swapping its outputs in ("swapped") and
// after publishing its database ("published"), for tests that stop a run there.
func SetPublishing(f func(point string)) { publishing = f }
