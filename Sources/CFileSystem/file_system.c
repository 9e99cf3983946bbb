// Glibc's renameat2 and flock are not visible to Swift's Glibc module (they
// sit behind _GNU_SOURCE), so the two calls the output committer needs are
// wrapped here. Only `Native` links this target.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CFileSystem.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int sanxiang_rename_exchange(const char *first, const char *second) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int sanxiang_try_lock(int descriptor) {
    return flock(descriptor, LOCK_EX | LOCK_NB);
}
