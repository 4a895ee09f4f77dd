// Package sqlite3 stands in for github.com/mattn/go-sqlite3, which
// gorm.io/driver/sqlite imports only to register its cgo driver. fcbot
// hands that dialector connections of modernc.org/sqlite (pure Go) and
// never opens the cgo driver, so go.mod replaces it with this empty
// package: otherwise every build with cgo (go's default where a C
// compiler is installed) compiles and carries a second SQLite, written
// in C, that nothing runs; 1.5 MB of code the kernel keeps resident.
package sqlite3
