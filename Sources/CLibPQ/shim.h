// libpq, PostgreSQL's client library, for `velo run --engine postgres` (Debian: libpq-dev).
#include <postgresql/libpq-fe.h>
