#ifndef SANXIANG_CFILESYSTEM_H
#define SANXIANG_CFILESYSTEM_H

/// Swaps two paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0, or -1 with errno set (EINVAL/ENOSYS where the file system cannot).
int sanxiang_rename_exchange(const char *first, const char *second);

/// Takes an exclusive advisory lock on an open file without waiting.
/// Returns 0, or -1 with errno set (EWOULDBLOCK when another process holds it).
int sanxiang_try_lock(int descriptor);

/// Opens a new file in `folder` that has no name (O_TMPFILE; where the file system cannot, a named one
/// unlinked at once), for reading and writing by this process only: it is gone when closed, even by a kill.
/// Returns the descriptor, or -1 with errno set.
int sanxiang_open_unnamed(const char *folder);

#endif
