import Foundation

/// The one writer of the output folder. Files are staged in a hidden folder
/// and moved into place together at `commit()`, so a failed run never leaves
/// half-written output behind; nothing is written outside `root`. `write`
/// may be called from several threads at once (the render stage's workers).
public final class OutputWriter: @unchecked Sendable {
    public let root: URL
    private let staging: URL
    private var staged: Set<String> = []
    /// Folders made under the staging folder, so each is made once.
    private var folders: Set<String> = []
    /// Guards `staged`, `folders` and folder creation; the files themselves are written outside it.
    private let lock = NSLock()

    private let previous: URL

    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        staging = self.root.appendingPathComponent(".staging", isDirectory: true)
        previous = self.root.appendingPathComponent(".previous", isDirectory: true)
        let manager = FileManager.default
        try manager.createDirectory(at: self.root, withIntermediateDirectories: true)
        try Self.recover(root: self.root, previous: previous)
        if manager.fileExists(atPath: staging.path) { try manager.removeItem(at: staging) }
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    /// Stages `bytes` at `relativePath` (e.g. `quarantine/quarantine.json`).
    /// Files are not flushed one by one: `commit` flushes them all at once
    /// before anything is renamed into place.
    public func write(_ bytes: [UInt8], to relativePath: String) throws {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !components.contains("."), !relativePath.hasPrefix("/") else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        let target = staging.appendingPathComponent(relativePath)
        let folder = target.deletingLastPathComponent()
        try lock.withLock {
            if !folders.contains(folder.path) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                folders.insert(folder.path)
            }
            staged.insert(components[0])
        }
        try bytes.withUnsafeBytes { try Self.writeFile($0, to: target.path) }
    }

    public func write(_ data: Data, to relativePath: String) throws {
        try write([UInt8](data), to: relativePath)
    }

    public func write(_ text: String, to relativePath: String) throws {
        try write(Array(text.utf8), to: relativePath)
    }

    private static func writeFile(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        func failure() -> CocoaError {
            CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                     NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure()
            }
            offset += written
        }
    }

    /// Carries an entry of the previous run's output (a file or a folder) into
    /// this run's, for outputs a run does not remake, such as earlier years' reports.
    public func preserve(_ relativePath: String) throws {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !components.contains(".") else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        let manager = FileManager.default
        let source = root.appendingPathComponent(relativePath)
        let target = staging.appendingPathComponent(relativePath)
        guard manager.fileExists(atPath: source.path), !manager.fileExists(atPath: target.path) else { return }
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        // A hard link keeps the very file (and its time stamp): nothing is rewritten.
        do {
            try manager.linkItem(at: source, to: target)
        } catch {
            try manager.copyItem(at: source, to: target)
        }
        lock.withLock { _ = staged.insert(components[0]) }
    }

    /// Names in a folder of the previous run's output, sorted; empty when it does not exist.
    public func existingEntries(in relativePath: String) -> [String] {
        let folder = root.appendingPathComponent(relativePath)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(relativePath).path)
    }

    /// Reads a file of the previous run's output.
    public func existingFile(_ relativePath: String) -> Data? {
        FileManager.default.contents(atPath: root.appendingPathComponent(relativePath).path)
    }

    /// Moves every staged top-level entry into the output folder, replacing
    /// the previous run's entry of the same name: the old one is renamed aside
    /// and the new one renamed in, so a reader (or a crash) never meets half a portal.
    /// The staged files reach the disk (one flush for all of them, instead of
    /// one per file) before the renames, and the renames before returning, so
    /// a power cut never leaves a committed output with files missing their data.
    public func commit() throws {
        let manager = FileManager.default
        sync()
        try manager.createDirectory(at: previous, withIntermediateDirectories: true)
        for name in staged.sorted() {
            let destination = root.appendingPathComponent(name)
            let aside = previous.appendingPathComponent(name)
            if manager.fileExists(atPath: destination.path) { try manager.moveItem(at: destination, to: aside) }
            try manager.moveItem(at: staging.appendingPathComponent(name), to: destination)
        }
        try manager.removeItem(at: previous)
        try manager.removeItem(at: staging)
        sync()
        staged.removeAll()
        folders.removeAll()
    }

    /// After a crash between the two renames of a commit, puts the previous run's entry back.
    private static func recover(root: URL, previous: URL) throws {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: previous.path) else { return }
        for name in names where !manager.fileExists(atPath: root.appendingPathComponent(name).path) {
            try manager.moveItem(at: previous.appendingPathComponent(name), to: root.appendingPathComponent(name))
        }
        try manager.removeItem(at: previous)
    }

    public func path(of relativePath: String) -> String { root.appendingPathComponent(relativePath).path }
}
