#ifndef BROKER_CLIBPQ_SHIM_H
#define BROKER_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>

/// Waits up to `timeout_ms` (-1: forever) for `fd` to become readable. 1: readable (or
/// hung up), 0: timed out, -1: failed (errno set). poll's struct and flags in one call,
/// so Swift needs no Glibc import for it.
static inline int shim_pq_wait_readable(int fd, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    int rc = poll(&p, 1, timeout_ms);
    if (rc > 0) return 1;
    return rc;
}
#endif
