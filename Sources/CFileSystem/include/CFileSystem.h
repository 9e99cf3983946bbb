#ifndef SANXIANG_CFILESYSTEM_H
#define SANXIANG_CFILESYSTEM_H

/// Swaps two paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0, or -1 with errno set (EINVAL/ENOSYS where the file system cannot).
int sanxiang_rename_exchange(const char *first, const char *second);

/// Takes an exclusive advisory lock on an open file without waiting.
/// Returns 0, or -1 with errno set (EWOULDBLOCK when another process holds it).
int sanxiang_try_lock(int descriptor);

#endif
