#ifndef BROKER_CSPAWN_SHIM_H
#define BROKER_CSPAWN_SHIM_H
/* posix_spawn's GNU file actions (glibc 2.34+) and pipe2, which Swift's Glibc module does not declare
   (they need _GNU_SOURCE); used by the one process spawn (Sources/Platform/ProcessSpawn.swift). Part of
   the C library. */
#include <spawn.h>

extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
extern int pipe2(int fds[2], int flags);
#endif
