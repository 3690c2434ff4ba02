#ifndef BROKER_CMIMALLOC_SHIM_H
#define BROKER_CMIMALLOC_SHIM_H
/*
 * mimalloc (Debian's libmimalloc-dev). Linking it into the `broker` executable puts its
 * malloc/free ahead of glibc's for the whole process: Swift's runtime, libcurl, SQLite and
 * libmicrohttpd all allocate through it (see Sources/BrokerCLI/CLI/Allocator.swift).
 */
#include <mimalloc.h>
#endif
