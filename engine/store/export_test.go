package store

// MigrateUpTo makes Create and Open apply the migrations up to version v only, until the
// function it returns is called.
func MigrateUpTo(v int) (restore func()) {
	migrationsUpTo = v
	return func() { migrationsUpTo = 0 }
}
