#ifndef BROKER_CZLIB_SHIM_H
#define BROKER_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro over inflateInit2_; a typed wrapper Swift can call.
static inline int shim_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// deflateInit2 is a macro over deflateInit2_; a typed wrapper Swift can call.
static inline int shim_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
