#ifndef BROKER_CEPOLL_SHIM_H
#define BROKER_CEPOLL_SHIM_H
/* Linux's epoll and eventfd, which Swift's Glibc module does not include; used by the
   EventLoops target (Sources/EventLoops). Part of the C library: nothing to link. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

/** Names the calling thread (15 bytes at most), as `top -H` and `perf` show it. */
static inline void shim_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }
#endif
