// The SQLite C library for `sqlite(...)` sources (Debian: libsqlite3-dev).
#include <sqlite3.h>
