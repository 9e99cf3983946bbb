import Archive
import Crypto
import ErrorReporting
import Foundation
import Native

/// Where a run's stages write: a hidden staging folder inside the output
/// folder. Nothing here touches the live output; `Committer` moves the staged
/// subtrees into place. Nothing is written outside `root`. `write` may be
/// called from several threads at once (the render stage's workers).
public final class OutputWriter: @unchecked Sendable {
    public let root: URL
    let staging: URL
    /// `root` and `staging` as paths: URL's appendingPathComponent cost more than the lstat it was for, once per kept document.
    private let rootPath: String
    private let stagingPath: String
    private var staged: Set<String> = []
    /// Folders made under the staging folder, so each is made once.
    private var folders: Set<String> = []
    /// Guards `staged`, `folders`, `keptInPlace` and folder creation; the files themselves are written outside it.
    private let lock = NSLock()
    /// Folders (relative, ending in "/") whose files are updated in place by the commit instead of
    /// being carried into a new tree: a kept file there stays where it is, untouched (see `Committer`).
    /// Only internal folders: public/ is replaced whole, so a reader never sees half a night.
    var inPlaceFolders: [String] = []
    /// The in-place folders' live files as the night's walk of the output listed them (nil: the commit walks them).
    var liveInPlace: LivePaths?
    /// Digests, not the paths: a 1 % night at 100,000 cases keeps about 400,000 documents in place, and their
    /// paths held until the commit took about 65 MB (16 bytes a digest instead).
    private var keptInPlace: Set<PathDigest> = []
    /// The files this run wrote, hashed as written, for the archive (see `WrittenDigests`).
    let written: WrittenDigests

    static let stagingName = ".staging"

    /// Starts an empty staging area. The caller holds the folder's lock and
    /// has finished any interrupted commit first (`Committer.recover`), so
    /// whatever staging is left belongs to a run that never reached its commit.
    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        staging = self.root.appendingPathComponent(Self.stagingName, isDirectory: true)
        rootPath = self.root.path
        stagingPath = staging.path
        written = WrittenDigests(filePath: staging.path + "/" + WrittenDigests.fileName)
        let manager = FileManager.default
        try FileWalker.removeTree(staging.path, action: "准备输出文件夹")
        do {
            try manager.createDirectory(at: self.root, withIntermediateDirectories: true)
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: staging.path, action: "准备输出文件夹", code: Self.errnoOf(error))
        }
    }

    /// Removes the staging area of a run that stopped before its commit. A failure leaves it to the next run, which
    /// empties it before anything else (`init`): nothing of it is ever served or committed.
    func discardStaging() {
        try? FileWalker.removeTree(stagingPath, action: "清理暂存文件夹")
    }

    /// The POSIX code inside a Foundation error, for a Chinese message.
    static func errnoOf(_ error: Error) -> Int32 {
        if let posix = error as? POSIXError { return posix.code.rawValue }
        // On Linux the underlying error only bridges through `Error`, not `as? NSError`.
        if let nested = (error as NSError).userInfo[NSUnderlyingErrorKey] as? Error {
            let underlying = nested as NSError
            if underlying.domain == NSPOSIXErrorDomain { return Int32(underlying.code) }
        }
        switch (error as? CocoaError)?.code {
        case .fileWriteOutOfSpace?: return ENOSPC
        case .fileWriteVolumeReadOnly?: return EROFS
        case .fileWriteNoPermission?, .fileReadNoPermission?: return EACCES
        case .fileNoSuchFile?, .fileReadNoSuchFile?: return ENOENT
        case .fileWriteFileExists?: return EEXIST
        default: return EIO
        }
    }

    /// Top-level names something was staged under (public, internal, …).
    var stagedTopLevel: Set<String> { lock.withLock { staged } }

    /// Stages `bytes` at `relativePath` (e.g. `quarantine/quarantine.json`).
    /// Files are not flushed one by one: `commit` flushes them all at once
    /// before anything is renamed into place.
    public func write(_ bytes: [UInt8], to relativePath: String) throws {
        let target = try stagingTarget(relativePath)
        try Self.writeFile(to: target) { descriptor in
            try FileSystem.writeAll(descriptor, bytes, path: target, action: "写入输出文件")
            try written.add(relativePath, descriptor: descriptor, sha256: SHA256.hash(data: bytes))
        }
    }

    /// The staged path of `relativePath`, its folder made: refused when it would leave the output folder.
    private func stagingTarget(_ relativePath: String, action: String = "写入输出") throws -> String {
        guard let top = Self.topLevel(of: relativePath), !relativePath.hasPrefix("/") else {
            throw FileSystemError(path: relativePath, action: action + "（路径越出输出文件夹）", code: 22)
        }
        let target = stagingPath + "/" + relativePath
        try makeFolder(Self.folder(of: target))
        lock.withLock { _ = staged.insert(top) }
        return target
    }

    /// Stages a file made in pieces (`produce` hands each to its argument), a megabyte at a time, so the
    /// whole file is never in memory: the portal's feed of every decision is over 100 MB at 100,000. As with
    /// `writeUnlessSame`, last night's file is kept instead when it holds the same bytes. Returns the staged
    /// file's path, which holds this run's bytes either way (to be read back, e.g. validated).
    public func streamUnlessSame(to relativePath: String, _ produce: ((String) throws -> Void) throws -> Void) throws -> String {
        let target = try stream(to: relativePath, produce)
        let live = path(of: relativePath)
        if !damaged.contains(relativePath), FileSystem.kind(live) == .regular, FileSystem.sameContents(target, live) {
            guard unlink(target) == 0 else { throw FileSystemError(path: target, action: "撤下暂存的公开文件", code: errno) }
            try preserve(relativePath)
        }
        return target
    }

    /// Stages a file made in pieces, as `streamUnlessSame` does, always as this run's own file (as `write` does).
    @discardableResult
    public func stream(to relativePath: String, _ produce: ((String) throws -> Void) throws -> Void) throws -> String {
        let target = try stagingTarget(relativePath)
        try Self.writeFile(to: target) { descriptor in
            let writer = FileSystem.PieceWriter(descriptor, path: target, action: "写入输出文件")
            var hasher = SHA256()
            try produce { piece in
                var piece = piece
                piece.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
                try writer.append(piece)
            }
            try writer.finish()
            try written.add(relativePath, descriptor: descriptor, sha256: hasher.finalize())
        }
        return target
    }

    public func write(_ data: Data, to relativePath: String) throws {
        try write([UInt8](data), to: relativePath)
    }

    public func write(_ text: String, to relativePath: String) throws {
        try write(Array(text.utf8), to: relativePath)
    }

    /// No fsync per file: `Committer` flushes everything once before the swap. A file staged before
    /// at the same path may be a hard link to the live output (`preserve`): it is unlinked and a new
    /// file made, never truncated, which would rewrite the file the live portal serves.
    private static func writeFile(to path: String, _ body: (Int32) throws -> Void) throws {
        var descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == EEXIST, unlink(path) == 0 {
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw FileSystemError(path: path, action: "写入输出文件", code: errno) }
        defer { close(descriptor) }
        try body(descriptor)
    }

    /// Carries an entry of the previous run's output (a file or a folder) into
    /// this run's, for outputs a run does not remake, such as earlier years' reports.
    /// A file is hard-linked (the very file, its inode and time stamp: nothing is rewritten or re-read,
    /// and the archive knows it by its stamp); it is called once per kept document and page, so
    /// it costs an lstat and a link, with each staging folder made once.
    public func preserve(_ relativePath: String) throws {
        guard let top = Self.topLevel(of: relativePath) else {
            throw FileSystemError(path: relativePath, action: "沿用上次输出（路径越出输出文件夹）", code: 22)
        }
        let source = rootPath + "/" + relativePath
        let kind = FileSystem.kind(source)
        if isInPlace(relativePath), kind == .regular {
            // Nothing to do on disk: the commit leaves the live file where it is.
            lock.withLock { _ = keptInPlace.insert(PathDigest(relativePath)) }
            return
        }
        guard kind != .missing else { return }
        let target = stagingPath + "/" + relativePath
        try makeFolder(Self.folder(of: target))
        lock.withLock { _ = staged.insert(top) }
        if kind == .regular, link(source, target) == 0 || errno == EEXIST { return }  // EEXIST: staged already, kept as it is
        guard FileSystem.kind(target) == .missing else { return }
        do {
            // A folder, or a file system without hard links: a copy.
            try FileManager.default.copyItem(atPath: source, toPath: target)
        } catch {
            throw FileSystemError(path: target, action: "沿用上次输出", code: Self.errnoOf(error))
        }
    }

    /// The first component of a path inside the output folder, as `split(separator: "/")` gives it;
    /// nil when there is none or a component is "." or "..", which could lead outside the folder.
    /// Read as bytes: splitting into Strings cost more than the lstat and link of a kept page.
    static func topLevel(of relativePath: String) -> String? {
        var first: Substring.UTF8View?
        var rest = relativePath.utf8[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            let component = rest[rest.startIndex..<end]
            if component.elementsEqual("..".utf8) || component.elementsEqual(".".utf8) { return nil }
            if first == nil, !component.isEmpty { first = component }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        return first.map { String(Substring($0)) }
    }

    /// The folder part of a path (everything before its last "/").
    private static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? path
    }

    /// `preserve` for files the caller has just found with `canKeep` (as the last run left them; the
    /// output folder is locked, so nothing has changed them since): in an in-place folder they are
    /// kept with one lock for all of them and without a second `lstat` each (a 1 % night keeps about
    /// 400,000 documents at 100,000 cases); anything else goes through `preserve`.
    func keepChecked(_ relativePaths: [String]) throws {
        var inPlace: [String] = []
        for relativePath in relativePaths {
            if isInPlace(relativePath), Self.topLevel(of: relativePath) != nil {
                inPlace.append(relativePath)
            } else {
                try preserve(relativePath)
            }
        }
        lock.withLock {
            // Grown once, not doubled and rehashed again and again on the way to 400,000 paths.
            keptInPlace.reserveCapacity(keptInPlace.count + inPlace.count)
            keptInPlace.formUnion(inPlace.lazy.map(PathDigest.init))
        }
    }

    /// Writes `bytes` at `relativePath` unless the last run's file there, as that run left it, holds
    /// the very same bytes: then that file is kept — left where it is in an in-place folder, carried
    /// forward as a hard link elsewhere (`preserve`) — and neither written nor hashed again, and the
    /// portal's gate, which read it last night, need not read it again. For files remade every night
    /// from mostly unchanged data (redaction reports, listing pages, search shards, feeds).
    public func writeUnlessSame(_ bytes: [UInt8], to relativePath: String) throws {
        if !damaged.contains(relativePath), FileSystem.holds(path(of: relativePath), exactly: bytes) {
            // The portal writes its site again when the gate withholds a case: what this run staged
            // there before must not stay in place of last night's file (preserve keeps a staged file).
            let staged = rootPath + "/" + Self.stagingName + "/" + relativePath
            if unlink(staged) != 0, errno != ENOENT {
                throw FileSystemError(path: staged, action: "撤下暂存的公开文件", code: errno)
            }
            try preserve(relativePath)
            return
        }
        try write(bytes, to: relativePath)
    }

    public func writeUnlessSame(_ data: Data, to relativePath: String) throws {
        try writeUnlessSame([UInt8](data), to: relativePath)
    }

    public func writeUnlessSame(_ text: String, to relativePath: String) throws {
        try writeUnlessSame(Array(text.utf8), to: relativePath)
    }

    func isInPlace(_ relativePath: String) -> Bool {
        // Byte by byte: String's hasPrefix compares characters, which cost more than the rest of keeping a document.
        inPlaceFolders.contains { relativePath.utf8.starts(with: $0.utf8) }
    }

    /// Live files in an in-place folder this run keeps as they are.
    var keptInPlaceFiles: Set<PathDigest> { lock.withLock { keptInPlace } }

    /// Stages a file made outside this run's staging area (a worker's shard result, checked by the
    /// caller) at `relativePath`: hard-linked, or copied where the file system has no hard links.
    /// `read`: the file's digest and stamp as the caller read and checked it, for the archive (see `WrittenDigests`).
    func adopt(_ source: String, as relativePath: String, read: WrittenDigests.Read? = nil) throws {
        let target = try stagingTarget(relativePath, action: "采用分片结果")
        if link(source, target) == 0 {
            if let read { try written.add(relativePath, read: read) }
            return
        }
        do {
            try FileManager.default.copyItem(atPath: source, toPath: target)
        } catch {
            throw FileSystemError(path: target, action: "采用分片结果", code: Self.errnoOf(error))
        }
    }

    /// Makes a staging folder (and its parents) once per run.
    private func makeFolder(_ folder: String) throws {
        try lock.withLock {
            guard !folders.contains(folder) else { return }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw FileSystemError(path: folder, action: "创建输出文件夹", code: Self.errnoOf(error))
            }
            folders.insert(folder)
        }
    }

    /// Removes a file staged earlier in this run (a page the publication gate withheld).
    func removeStaged(_ relativePath: String) throws {
        let target = staging.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: target.path) else { return }
        do { try FileManager.default.removeItem(at: target) } catch {
            throw FileSystemError(path: target.path, action: "撤下暂存的公开文件", code: Self.errnoOf(error))
        }
    }

    /// Names in a folder of the previous run's output, sorted; empty when it does not exist.
    public func existingEntries(in relativePath: String) -> [String] {
        let folder = root.appendingPathComponent(relativePath)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// Live files no longer as the last run left them (edited or replaced since; see `UnchangedRun`).
    /// Set before the stages run.
    var damaged: Set<String> = []

    /// True when a file of the last run's output is there and as that run left it, so a stage may keep it.
    func canKeep(_ relativePath: String) -> Bool {
        // One lstat: the pipeline writes only regular files, so anything else there is not its own.
        !damaged.contains(relativePath) && FileSystem.kind(path(of: relativePath)) == .regular
    }

    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: path(of: relativePath))
    }

    /// Commits what was staged, each staged top-level entry replacing the live one
    /// whole, with no state store and no ledger: for tools that write a folder of their own.
    public func commit() throws {
        var ownership = OutputOwnership()
        ownership.declare("writer", territory: stagedTopLevel.map { $0 + "/" } + Array(stagedTopLevel))
        ownership.claim("writer", stagedTopLevel.map { $0 + "/" } + Array(stagedTopLevel))
        _ = try Committer(root: root).commit(self, ownership: ownership, state: StateChanges(), snapshot: nil, archive: nil)
    }

    public func path(of relativePath: String) -> String { rootPath + "/" + relativePath }

    /// Where `relativePath` is staged (a string: a URL made per file cost more than the lstat of it).
    func stagedPath(of relativePath: String) -> String { stagingPath + "/" + relativePath }
}

/// A path inside the output folder, hashed and compared by its UTF-8 bytes: a String's hash normalises
/// non-ASCII text first, and the 400,000 kept documents' paths are Chinese. The run makes every path
/// it compares, so the same path is always the same bytes.
struct PathKey: Hashable, Sendable {
    let path: String

    init(_ path: String) { self.path = path }

    static func == (left: PathKey, right: PathKey) -> Bool { left.path.utf8.elementsEqual(right.path.utf8) }

    func hash(into hasher: inout Hasher) {
        var path = path
        path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// A path inside the output folder as 128 bits: two passes of the process's keyed hash (SipHash) over its UTF-8
/// bytes, told apart by a first byte. Two paths of one run share a digest with a chance near 2⁻¹²⁸ per pair — far
/// below a disk's undetected read errors — and, the key being this process's own and secret, no export can aim
/// for it. Used where a set of hundreds of thousands of paths is only asked whether it holds one.
struct PathDigest: Hashable, Sendable {
    let first: Int
    let second: Int

    init(_ path: String) {
        var path = path
        (first, second) = path.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var one = Hasher()
            one.combine(UInt8(1))
            one.combine(bytes: raw)
            var two = Hasher()
            two.combine(UInt8(2))
            two.combine(bytes: raw)
            return (one.finalize(), two.finalize())
        }
    }
}
