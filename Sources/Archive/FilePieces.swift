import Foundation

/// A file read a piece at a time (a megabyte unless asked otherwise): what hashes a file (the archive's leaves, the shard
/// batch's identity, the run's inputs) or parses one (the archive's file index) hands each piece on and never holds the whole. Mapped or read whole, every page of a file counted in the
/// process's memory until it was done — cases.csv is 286 MB at 100,000 cases.
public enum FilePieces {
    public static let size = 1 << 20

    /// `body` with each piece of `bytes` (at least one) in order. Throws what opening or reading the file, or `body`, throws.
    public static func forEach(in path: String, bytes: Int = size, _ body: (Data) throws -> Void) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }  // a file only read loses nothing if closing it fails
        while let piece = try handle.read(upToCount: max(1, bytes)), !piece.isEmpty { try body(piece) }
    }
}
