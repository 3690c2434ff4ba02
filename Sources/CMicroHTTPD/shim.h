#ifndef BROKER_CMICROHTTPD_SHIM_H
#define BROKER_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>

/* MHD_start_daemon, MHD_get_daemon_info and MHD_get_connection_info are variadic and cannot be
   called from Swift: the typed wrappers below are the only way the server layer (Sources/HTTPServer)
   reaches them. */

/** The URI log callback: its return value becomes the request's initial `*con_cls`. */
typedef void *(*shim_MHD_UriLogCallback)(void *cls, const char *uri, struct MHD_Connection *connection);

/** Appends one item to an MHD_OPTION_ARRAY under construction (`*n` items so far). */
static inline void shim_MHD_option(
    struct MHD_OptionItem *options, int *n, enum MHD_OPTION option, intptr_t value, void *ptr_value)
{
    options[*n].option = option;
    options[*n].value = value;
    options[*n].ptr_value = ptr_value;
    (*n)++;
}

/**
 * Starts a daemon bound to `address` (an IPv4 or IPv6 socket address; port 0 = ephemeral) with the
 * access handler, the request-completed, connection-notify and URI-log callbacks sharing one `cls`.
 * `thread_pool_size` is passed only when greater than 1 (MHD rejects it with thread-per-connection);
 * `connection_timeout_s` 0 means no idle timeout; `connection_limit` 0 keeps MHD's default;
 * `connection_memory_limit` 0 keeps MHD's default (32 KiB, which bounds the request header size).
 * `tls_key_pem` and `tls_cert_pem` (NUL-terminated PEM, both or neither) serve HTTPS: the caller adds
 * MHD_USE_TLS to `flags` and keeps both strings alive until the daemon stops. With
 * MHD_USE_NO_LISTEN_SOCKET in `flags` nothing is bound (`address` is unused): connections come from
 * MHD_add_connection (the event loops' shared listener).
 */
static inline struct MHD_Daemon *shim_MHD_start_daemon(
    unsigned int flags, const struct sockaddr *address,
    MHD_AccessHandlerCallback access_handler, void *cls,
    MHD_RequestCompletedCallback completed,
    MHD_NotifyConnectionCallback notify_connection,
    shim_MHD_UriLogCallback uri_log,
    unsigned int connection_timeout_s, unsigned int connection_limit,
    unsigned int thread_pool_size, size_t connection_memory_limit,
    const char *tls_key_pem, const char *tls_cert_pem)
{
    struct MHD_OptionItem options[8];
    int n = 0;
    shim_MHD_option(options, &n, MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)connection_timeout_s, NULL);
    if (connection_limit > 0) {
        shim_MHD_option(options, &n, MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit, NULL);
    }
    if (thread_pool_size > 1) {
        shim_MHD_option(options, &n, MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)thread_pool_size, NULL);
    }
    if (connection_memory_limit > 0) {
        shim_MHD_option(options, &n, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)connection_memory_limit, NULL);
    }
    if (tls_key_pem != NULL && tls_cert_pem != NULL) {
        shim_MHD_option(options, &n, MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)tls_key_pem);
        shim_MHD_option(options, &n, MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)tls_cert_pem);
    }
    shim_MHD_option(options, &n, MHD_OPTION_END, 0, NULL);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, cls,
        MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_NOTIFY_COMPLETED, completed, cls,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, cls,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, cls,
        MHD_OPTION_ARRAY, options,
        MHD_OPTION_END);
}

/** The port the daemon is bound to (resolves port 0), or 0 when unknown. */
static inline uint16_t shim_MHD_daemon_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/** The epoll descriptor of a daemon started with MHD_USE_EPOLL and no internal thread, or -1:
    readable when MHD_run has work. */
static inline int shim_MHD_daemon_epoll_fd(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_EPOLL_FD);
    return info ? info->epoll_fd : -1;
}

/** Milliseconds until MHD_run must be called even without I/O (0: now), or -1 for no limit. */
static inline long long shim_MHD_timeout_ms(struct MHD_Daemon *daemon)
{
    MHD_UNSIGNED_LONG_LONG timeout = 0;
    if (MHD_get_timeout(daemon, &timeout) != MHD_YES) return -1;
    return timeout > 0x7fffffff ? 0x7fffffff : (long long)timeout;
}

/** The socket context set by the connection-notify callback, or NULL. */
static inline void *shim_MHD_connection_socket_context(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/** The connection's socket descriptor, or -1. */
static inline int shim_MHD_connection_fd(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? (int)info->connect_fd : -1;
}

#endif
