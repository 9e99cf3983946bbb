import ErrorReporting
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One leaf of the ledger: a file as a run found it. The leaf's bytes are the
/// exact line in ledger.jsonl, so editing a line changes every later root.
public struct LedgerEntry: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// A file the pipeline wrote under the output folder.
        case output
        /// A recorded media file of records.csv, in the export's media/ folder.
        case media
    }

    public enum Event: String, Codable, Sendable {
        case added, changed, removed
    }

    public var run: Int
    public var kind: Kind
    /// Relative to the output folder, or `media/<file>` for media.
    public var path: String
    public var event: Event
    /// Empty for a removal.
    public var sha256: String
    public var size: Int
    public var caseID: String?
    /// The digest records.csv declares, for media.
    public var declaredSHA256: String?

    public init(run: Int, kind: Kind, path: String, event: Event, sha256: String, size: Int, caseID: String?,
                declaredSHA256: String? = nil) {
        self.run = run
        self.kind = kind
        self.path = path
        self.event = event
        self.sha256 = sha256
        self.size = size
        self.caseID = caseID
        self.declaredSHA256 = declaredSHA256
    }

    enum CodingKeys: String, CodingKey {
        case run, kind, path, event, sha256, size, caseID = "case", declaredSHA256 = "declared_sha256"
    }

    /// The state key: outputs and media live in separate namespaces.
    public var key: String { "\(kind.rawValue):\(path)" }
}

/// A signed tree head: what the ledger held at the end of one run.
public struct TreeHead: Codable, Equatable, Sendable {
    public var run: Int
    public var asOf: String
    /// The export folder of the run, where its media files are.
    public var input: String
    public var treeSize: Int
    public var rootHash: String
    /// Paths never logged: the archive itself, the state store, the signing key. A trailing / marks a folder.
    public var excluded: [String]
    /// Ed25519 public key, hex.
    public var publicKey: String
    /// Ed25519 signature (hex) over the head's canonical JSON without this field.
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case run, asOf = "as_of", input, treeSize = "tree_size", rootHash = "root_hash", excluded,
             publicKey = "public_key", signature
    }

    /// The bytes the signature covers.
    public var signedBytes: [UInt8] {
        var unsigned = self
        unsigned.signature = ""
        guard let data = try? Ledger.encode(unsigned) else { return [] }
        return Array(data)
    }

    public func isExcluded(_ path: String) -> Bool {
        excluded.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
    }
}

/// A failure to read or extend the archive.
public struct ArchiveError: SanxiangError, Equatable, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var message: String { "归档 \(path)：\(reason)" }
}

/// `<output>/archive/`: ledger.jsonl (one leaf per line) and tree-heads.jsonl
/// (one signed head per run). Both files are only ever appended to.
public struct Ledger {
    public static let folder = "archive"
    public static let ledgerFile = "archive/ledger.jsonl"
    public static let headsFile = "archive/tree-heads.jsonl"

    /// The raw lines, exactly as stored.
    public private(set) var lines: [[UInt8]]
    public private(set) var heads: [TreeHead]
    /// Lines that are not a leaf or head (only after tampering), with their 1-based numbers.
    public private(set) var malformed: [(file: String, line: Int)]

    public init(root: URL) throws {
        lines = try Self.readLines(root.appendingPathComponent(Self.ledgerFile))
        (heads, malformed) = try Self.readHeads(root: root)
        entries = Self.decodeEntries(lines)
        for (index, entry) in entries.enumerated() where entry == nil { malformed.append((Self.ledgerFile, index + 1)) }
    }

    /// Each line decoded once, nil where a line is not a leaf.
    public private(set) var entries: [LedgerEntry?]

    /// Decodes the leaves on every core, a block of lines per task (a ledger grows by every changed file of
    /// every night, and decoding it on one core was most of a nightly archive step).
    static func decodeEntries(_ lines: [[UInt8]]) -> [LedgerEntry?] {
        EveryCore.map(count: lines.count, block: 4096) { range in
            let decoder = JSONDecoder()
            return range.map { try? decoder.decode(LedgerEntry.self, from: Data(lines[$0])) }
        }.map { $0 ?? nil }
    }

    public var nextRun: Int { Self.nextRun(after: heads) }

    static func nextRun(after heads: [TreeHead]) -> Int { (heads.map(\.run).max() ?? 0) + 1 }

    /// The signed heads (one line per run, so few), and the numbers of lines that are not one.
    static func readHeads(root: URL) throws -> (heads: [TreeHead], malformed: [(file: String, line: Int)]) {
        var heads: [TreeHead] = []
        var malformed: [(file: String, line: Int)] = []
        let decoder = JSONDecoder()
        for (index, line) in try readLines(root.appendingPathComponent(headsFile)).enumerated() {
            if let head = try? decoder.decode(TreeHead.self, from: Data(line)) {
                heads.append(head)
            } else {
                malformed.append((headsFile, index + 1))
            }
        }
        return (heads, malformed)
    }

    /// The ledger file's length in bytes (0 when there is none yet).
    static func ledgerBytes(root: URL) throws -> Int {
        let path = root.appendingPathComponent(ledgerFile).path
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return 0 }
            throw ArchiveError(path: path, reason: "无法读取（\(String(cString: strerror(errno)))）")
        }
        return Int(info.st_size)
    }

    /// The frontier of the Merkle tree of every leaf.
    func frontier() -> MerkleFrontier {
        var frontier = MerkleFrontier()
        for line in lines { frontier.append(leafHash: MerkleTree.leafHash(line)) }
        return frontier
    }

    /// The latest entry of every key among the first `count` leaves, with its leaf index.
    public func state(upTo count: Int? = nil) -> [String: (index: Int, entry: LedgerEntry)] {
        var out: [String: (index: Int, entry: LedgerEntry)] = [:]
        for (index, entry) in entries.prefix(count ?? lines.count).enumerated() {
            guard let entry else { continue }
            out[entry.key] = (index, entry)
        }
        return out
    }

    public func tree() -> MerkleTree {
        let tree = MerkleTree()
        for line in lines { tree.append(leafData: line) }
        return tree
    }

    /// Appends a run's leaves and its signed head to the ledger whose tree `frontier` ends, without
    /// reading it; the ledger lines go first, so a crash in between leaves unsigned leaves that
    /// verification reports. Returns the head.
    /// `block`: entries encoded and written at a time (tests make it small).
    static func append(_ entries: [LedgerEntry], to frontier: inout MerkleFrontier, head: (Int, String) throws -> TreeHead,
                       root: URL, block size: Int = appendBlock) throws -> TreeHead {
        // A block of entries at a time, each entry's line and leaf hash made on every core, then written and joined
        // to the tree in order. A first night logs 650,000 files at 100,000 cases: one JSONEncoder per line on one
        // core was most of its commit, and every line held at once, then joined into one buffer to be written, made
        // its peak. A crash part-way leaves unsigned leaves, as a crash before the head always could.
        let ledger = root.appendingPathComponent(Self.ledgerFile)
        let size = max(1, size)
        for start in stride(from: 0, to: entries.count, by: size) {
            let block = entries[start..<min(entries.count, start + size)]
            let encoded = try EveryCore.tryMap(count: block.count, block: 1024) { offset -> (line: [UInt8], leaf: Digest32) in
                let line = Array(try Self.encode(block[block.startIndex + offset]))
                return (line, MerkleTree.leafHash(line))
            }
            try Self.appendLines(encoded.map(\.line), to: ledger)
            for entry in encoded { frontier.append(leafHash: entry.leaf) }
        }
        let signed = try head(frontier.size, frontier.root.hex)
        try Self.appendLines([Array(try Self.encode(signed))], to: root.appendingPathComponent(Self.headsFile))
        return signed
    }

    /// Entries encoded and written at a time by `append` (about 10 MB of lines).
    static let appendBlock = 65_536

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    private static func readLines(_ url: URL) throws -> [[UInt8]] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ArchiveError(path: url.path, reason: "无法读取")
        }
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
    }

    private static func appendLines(_ lines: [[UInt8]], to url: URL) throws {
        guard !lines.isEmpty else { return }
        let manager = FileManager.default
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // A file that cannot be made shows as no handle just below.
        if !manager.fileExists(atPath: url.path) { _ = manager.createFile(atPath: url.path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw ArchiveError(path: url.path, reason: "无法写入")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.flatMap { $0 + [UInt8(ascii: "\n")] }))
    }
}

/// The Ed25519 key that signs tree heads: made on first use, kept readable only by its owner.
public struct SigningKey {
    public let privateKey: Curve25519.Signing.PrivateKey

    private static let header = "sanxiang-archive-ed25519-v1 "

    public static func loadOrCreate(at url: URL) throws -> SigningKey {
        let manager = FileManager.default
        if let data = manager.contents(atPath: url.path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasPrefix(header), let raw = [UInt8](hex: String(text.dropFirst(header.count))),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw ArchiveError(path: url.path, reason: "不是本系统的归档签名密钥文件")
            }
            return SigningKey(privateKey: key)
        }
        let key = Curve25519.Signing.PrivateKey()
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try writePrivate(Array((header + Array(key.rawRepresentation).hex + "\n").utf8), to: url.path)
        return SigningKey(privateKey: key)
    }

    /// Creates the key file with mode 0600 from its first byte (never readable by others,
    /// not even for the moment between writing and a chmod), and refuses to follow a symlink.
    private static func writePrivate(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ArchiveError(path: path, reason: "无法创建签名密钥文件（\(String(cString: strerror(errno)))）") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            guard written > 0 else { throw ArchiveError(path: path, reason: "无法写入签名密钥文件") }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw ArchiveError(path: path, reason: "无法写入签名密钥文件") }
    }

    /// A warning when the key file can be read by others than its owner (e.g. mode 0644).
    public static func permissionWarning(at url: URL) -> String? {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int,
              mode & 0o077 != 0 else { return nil }
        return "签名密钥 \(url.path) 的权限为 \(String(mode, radix: 8))，其他用户也能读取；请执行 chmod 600 \(url.path)。"
    }

    public var publicKeyHex: String { Array(privateKey.publicKey.rawRepresentation).hex }

    public func sign(_ head: TreeHead) throws -> TreeHead {
        var signed = head
        signed.publicKey = publicKeyHex
        signed.signature = ""
        signed.signature = Array(try privateKey.signature(for: signed.signedBytes)).hex
        return signed
    }

    public static func isValid(_ head: TreeHead) -> Bool {
        guard let raw = [UInt8](hex: head.publicKey), let signature = [UInt8](hex: head.signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: head.signedBytes)
    }
}
