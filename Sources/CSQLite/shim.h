#ifndef BROKER_CSQLITE_SHIM_H
#define BROKER_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro Swift cannot import: bind text/blobs as copies.
static inline int shim_sqlite3_bind_text_transient(sqlite3_stmt *s, int i, const char *t, int n) {
    return sqlite3_bind_text(s, i, t, n, SQLITE_TRANSIENT);
}
static inline int shim_sqlite3_bind_blob_transient(sqlite3_stmt *s, int i, const void *b, int n) {
    return sqlite3_bind_blob(s, i, b, n, SQLITE_TRANSIENT);
}

/// Binds text WITHOUT copying it (SQLITE_STATIC): the bytes must stay valid until the
/// parameter is rebound or cleared. Only for bulk inserts that bind, step and clear
/// inside one scope that owns the bytes.
static inline int shim_sqlite3_bind_text_static(sqlite3_stmt *s, int i, const char *t, int n) {
    return sqlite3_bind_text(s, i, t, n, SQLITE_STATIC);
}

/// sqlite3_config is variadic. Turns off SQLite's memory statistics, which take a
/// global mutex on every allocation; must run before the first sqlite3_open.
static inline int shim_sqlite3_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
#endif
