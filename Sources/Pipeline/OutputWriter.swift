import Foundation

/// The one writer of the output folder. Files are staged in a hidden folder
/// and moved into place together at `commit()`, so a failed run never leaves
/// half-written output behind; nothing is written outside `root`. `write`
/// may be called from several threads at once (the render stage's workers).
public final class OutputWriter: @unchecked Sendable {
    public let root: URL
    private let staging: URL
    private var staged: Set<String> = []
    /// Guards `staged` and folder creation; the files themselves are written outside it.
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

    /// Stages `data` at `relativePath` (e.g. `quarantine/quarantine.json`).
    public func write(_ data: Data, to relativePath: String) throws {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !components.contains("."), !relativePath.hasPrefix("/") else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        let target = staging.appendingPathComponent(relativePath)
        try lock.withLock {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            staged.insert(components[0])
        }
        try data.write(to: target)
    }

    public func write(_ text: String, to relativePath: String) throws {
        try write(Data(text.utf8), to: relativePath)
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
    public func commit() throws {
        let manager = FileManager.default
        try manager.createDirectory(at: previous, withIntermediateDirectories: true)
        for name in staged.sorted() {
            let destination = root.appendingPathComponent(name)
            let aside = previous.appendingPathComponent(name)
            if manager.fileExists(atPath: destination.path) { try manager.moveItem(at: destination, to: aside) }
            try manager.moveItem(at: staging.appendingPathComponent(name), to: destination)
        }
        try manager.removeItem(at: previous)
        try manager.removeItem(at: staging)
        staged.removeAll()
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
