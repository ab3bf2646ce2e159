#ifndef CMAXMINDDB_SHIM_H
#define CMAXMINDDB_SHIM_H
#include <maxminddb.h>

/* MMDB_get_value takes its lookup path as C varargs, which Swift cannot call.
   MMDB_aget_value takes a NULL-terminated array; this is the same, typed for Swift. */
static inline int cmmdb_get_value_path(MMDB_entry_s *start, MMDB_entry_data_s *out,
                                       const char *const *path) {
    return MMDB_aget_value(start, out, path);
}
#endif
