#ifndef BROKER_CMICROHTTPD_SHIM_H
#define BROKER_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_start_daemon and MHD_get_connection_info are variadic: typed wrappers are added here
   by the server layer as it needs them (see Sources/HTTPServer). */
#endif
