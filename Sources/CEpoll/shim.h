#ifndef BROKER_CEPOLL_SHIM_H
#define BROKER_CEPOLL_SHIM_H
/* Linux's epoll, eventfd and accept4, which Swift's Glibc module does not include; used by the
   Platform and HTTPServer targets. Part of the C library: nothing to link. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>

/* glibc declares accept4 only under _GNU_SOURCE, which a Swift module map cannot set. */
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/** Accepts a connection as a non-blocking, close-on-exec socket (one system call). */
static inline int shim_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length)
{
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

/** Names the calling thread (15 bytes at most), as `top -H` and `perf` show it. */
static inline void shim_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }
#endif
