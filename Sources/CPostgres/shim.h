// libpq, the PostgreSQL client library, for `postgres(...)` sources (Debian: libpq-dev).
#include <postgresql/libpq-fe.h>
