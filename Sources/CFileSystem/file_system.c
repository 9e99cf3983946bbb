// Glibc's renameat2 and flock are not visible to Swift's Glibc module (they
// sit behind _GNU_SOURCE), so the two calls the output committer needs are
// wrapped here. Only `Native` links this target.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <limits.h>
#include <stdlib.h>
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

int sanxiang_open_unnamed(const char *folder) {
#ifdef O_TMPFILE
    int descriptor = open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (descriptor >= 0) return descriptor;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return -1;
#endif
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/.sanxiang-text-XXXXXX", folder) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int named = mkostemp(path, O_CLOEXEC);
    if (named < 0) return -1;
    if (unlink(path) != 0) {
        int saved = errno;
        close(named);
        errno = saved;
        return -1;
    }
    return named;
}
