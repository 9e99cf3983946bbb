#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file could not be read. Each case names what the path turned
/// out to be, so a clerk knows what to fix in the export.
public enum InputFileError: Error, Equatable, Sendable {
    case missing
    case directory
    case fifo
    case device
    case socket
    case otherKind
    /// A symbolic link (of the file or of a folder above it) leads outside the export folder.
    case escapesExport
    case unreadable(errno: Int32)

    /// The reason in a clerk's words, for messages that already name the file.
    public var reason: String {
        switch self {
        case .missing: return "文件不存在（或是指向不存在文件的链接）。"
        case .directory: return "这是一个文件夹，不是文件。"
        case .fifo: return "这是一个命名管道（FIFO），不是普通文件，未读取。"
        case .device: return "这是一个设备文件，不是普通文件，未读取。"
        case .socket: return "这是一个套接字，不是普通文件，未读取。"
        case .otherKind: return "不是普通文件，未读取。"
        case .escapesExport: return "是指向导出文件夹之外的符号链接，未读取。"
        case .unreadable(let code): return "读取失败（系统错误 \(code)）：可能没有读取权限。"
        }
    }
}

/// The export folder as the reader sees it: every path is resolved through
/// its symbolic links and must stay inside the folder, and only regular files
/// are opened. A FIFO would block `open` forever and a directory made the old
/// reader crash, so the kind is checked before and after opening.
struct ExportFolder: Sendable {
    /// The folder with every symbolic link resolved.
    let root: String

    init?(path: String) {
        guard let resolved = Self.realPath(path) else { return nil }
        root = resolved
    }

    /// Whether anything (even a dangling link) stands at `name` inside the folder.
    func contains(_ name: String) -> Bool {
        var info = stat()
        return lstat(root + "/" + name, &info) == 0
    }

    /// The resolved path of `relative` (a name or `media/name`), or why it cannot be used.
    func resolve(_ relative: String) -> Result<String, InputFileError> {
        let path = root + "/" + relative
        var info = stat()
        guard lstat(path, &info) == 0 else { return .failure(.missing) }
        guard let resolved = Self.realPath(path) else {
            // A link whose target is gone.
            return .failure(.missing)
        }
        guard resolved.hasPrefix(root + "/") else { return .failure(.escapesExport) }
        return .success(resolved)
    }

    /// The kind of a resolved path, without opening it.
    static func kind(of path: String) -> InputFileError? {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return kindError(info.st_mode)
    }

    /// nil for a regular file, else what it is.
    static func kindError(_ mode: mode_t) -> InputFileError? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return .directory
        case S_IFIFO: return .fifo
        case S_IFCHR, S_IFBLK: return .device
        case S_IFSOCK: return .socket
        default: return .otherKind
        }
    }

    /// The bytes of a regular file inside the folder.
    func read(_ relative: String) -> Result<[UInt8], InputFileError> {
        switch resolve(relative) {
        case .failure(let error): return .failure(error)
        case .success(let path): return Self.readRegular(path)
        }
    }

    /// Size, change time and inode of a regular file inside the folder: equal identities mean a file not rewritten since.
    func identity(_ relative: String) -> FileIdentity? {
        guard case .success(let path) = resolve(relative) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, Self.kindError(info.st_mode) == nil else { return nil }
        return FileIdentity(size: Int(info.st_size), inode: UInt64(info.st_ino), modified: info.st_mtim.tv_sec,
                            modifiedNanoseconds: info.st_mtim.tv_nsec)
    }

    /// The bytes at `ranges` of a regular file inside the folder, one after another (`pread`), for reading a few rows
    /// of a large file without the rest. A range past the end of the file is an error (the file shrank).
    func read(_ relative: String, ranges: [Range<Int>]) -> Result<[UInt8], InputFileError> {
        let path: String
        switch resolve(relative) {
        case .failure(let error): return .failure(error)
        case .success(let resolved): path = resolved
        }
        if let error = Self.kind(of: path) { return .failure(error) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .failure(.unreadable(errno: errno)) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: ranges.reduce(0) { $0 + $1.count })
        var at = 0
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer in
            for range in ranges {
                var done = 0
                while done < range.count {
                    let count = pread(descriptor, buffer.baseAddress.map { $0 + at + done }, range.count - done, off_t(range.lowerBound + done))
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 { return errno }
                    if count == 0 { return EIO }
                    done += count
                }
                at += range.count
            }
            return nil
        }
        if let failure { return .failure(.unreadable(errno: failure)) }
        return .success(bytes)
    }

    /// Opens without blocking (a FIFO swapped in after the check must not
    /// hang the run) and without following a link swapped in after the path
    /// was resolved, and checks the opened file itself is regular.
    static func readRegular(_ path: String) -> Result<[UInt8], InputFileError> {
        if let error = kind(of: path) { return .failure(error) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .failure(.unreadable(errno: errno)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(errno: errno)) }
        if let error = kindError(info.st_mode) { return .failure(error) }
        return readAll(descriptor, sizeHint: Int(info.st_size))
    }

    /// Reads to the end; the size is only a hint, as a file may grow while read.
    private static func readAll(_ descriptor: Int32, sizeHint: Int) -> Result<[UInt8], InputFileError> {
        var bytes = [UInt8]()
        bytes.reserveCapacity(max(0, sizeHint))
        var failure: Int32?
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        if let failure { return .failure(.unreadable(errno: failure)) }
        return .success(bytes)
    }

    /// Streams a regular file through `consume` in pieces (media files can be large).
    static func stream(_ path: String, _ consume: (UnsafeRawBufferPointer) -> Void) -> InputFileError? {
        if let error = kind(of: path) { return error }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .unreadable(errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .unreadable(errno: errno) }
        if let error = kindError(info.st_mode) { return error }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable(errno: errno)
            }
            if count == 0 { return nil }
            chunk.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// What tells a file rewritten since it was last read: size, inode and modification time.
struct FileIdentity: Equatable, Sendable {
    var size: Int
    var inode: UInt64
    var modified: Int
    var modifiedNanoseconds: Int
}

/// read(2), named apart from `ExportFolder.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
