import Foundation

/// Everything `sanxiang verify` found. The archive holds only when `problems` is empty.
public struct VerificationReport: Sendable {
    public enum Problem: Equatable, Sendable {
        case malformedLine(file: String, line: Int)
        case badSignature(run: Int)
        case keyChanged(run: Int)
        case headBeyondLedger(run: Int, treeSize: Int, leaves: Int)
        case rootMismatch(run: Int)
        case inconsistent(run: Int, previousRun: Int)
        case unsignedLeaves(count: Int)
        case fileChanged(path: String)
        case fileMissing(path: String)
        case fileAdded(path: String)
        case mediaMissing(path: String)
        case mediaChanged(path: String)
        case noArchive

        /// For the 法制科, in Chinese, naming the file or run.
        public var message: String {
            switch self {
            case .malformedLine(let file, let line): return "\(file) 第\(line)行不是有效的记录（可能被改动）"
            case .badSignature(let run): return "第\(run)次运行的树头签名无效"
            case .keyChanged(let run): return "第\(run)次运行的树头换用了另一把签名密钥"
            case .headBeyondLedger(let run, let size, let leaves):
                return "第\(run)次运行的树头记载\(size)条记录，账本只有\(leaves)条（账本被截短或删改）"
            case .rootMismatch(let run): return "第\(run)次运行的树头与账本内容不符（此前的记录被改动）"
            case .inconsistent(let run, let previous): return "第\(run)次运行的树头与第\(previous)次不一致（账本不是只追加）"
            case .unsignedLeaves(let count): return "账本末尾有\(count)条记录没有签名树头（运行中断或被追加）"
            case .fileChanged(let path): return "已改动：\(path)"
            case .fileMissing(let path): return "已缺失：\(path)"
            case .fileAdded(let path): return "未登记的新文件：\(path)"
            case .mediaMissing(let path): return "音像文件缺失：\(path)"
            case .mediaChanged(let path): return "音像文件与 records.csv 登记的 SHA256 不符：\(path)"
            case .noArchive: return "输出文件夹中没有归档账本（archive/）"
            }
        }
    }

    public var problems: [Problem] = []
    public var heads = 0
    public var leaves = 0
    public var filesChecked = 0
    public var mediaChecked = 0
    public var keyFingerprint = ""
}

/// Recomputes the archive from scratch: every tree head against the ledger, each
/// head against the next (RFC 9162 consistency proofs), and every logged file
/// against the disk.
public enum Verifier {
    public static func verify(root: URL, input override: URL? = nil) throws -> VerificationReport {
        let ledger = try Ledger(root: root)
        var report = VerificationReport()
        guard !ledger.heads.isEmpty || !ledger.lines.isEmpty else {
            report.problems.append(.noArchive)
            return report
        }
        report.heads = ledger.heads.count
        report.leaves = ledger.lines.count
        report.problems += ledger.malformed.map { .malformedLine(file: $0.file, line: $0.line) }
        let tree = ledger.tree()
        report.problems += checkHeads(ledger.heads, tree: tree)
        if let last = ledger.heads.last {
            if let key = [UInt8](hex: last.publicKey) { report.keyFingerprint = String(Archiver.fingerprint(key).prefix(16)) }
            let signed = min(last.treeSize, ledger.lines.count)
            if ledger.lines.count > last.treeSize { report.problems.append(.unsignedLeaves(count: ledger.lines.count - last.treeSize)) }
            let state = ledger.state(upTo: signed)
            report.problems += try checkOutputs(root: root, state: state, head: last, report: &report)
            report.problems += checkMedia(state: state, input: override ?? URL(fileURLWithPath: last.input), report: &report)
        }
        return report
    }

    private static func checkHeads(_ heads: [TreeHead], tree: MerkleTree) -> [VerificationReport.Problem] {
        var problems: [VerificationReport.Problem] = []
        var previous: (head: TreeHead, root: Digest32)?
        for head in heads {
            if !SigningKey.isValid(head) { problems.append(.badSignature(run: head.run)) }
            if let first = heads.first, head.publicKey != first.publicKey { problems.append(.keyChanged(run: head.run)) }
            guard let root = tree.root(size: head.treeSize) else {
                problems.append(.headBeyondLedger(run: head.run, treeSize: head.treeSize, leaves: tree.size))
                continue
            }
            guard let recorded = [UInt8](hex: head.rootHash), recorded == root else {
                problems.append(.rootMismatch(run: head.run))
                continue
            }
            if let earlier = previous {
                let consistent: Bool
                if earlier.head.treeSize == 0 {
                    consistent = true
                } else if let proof = tree.consistencyProof(from: earlier.head.treeSize, to: head.treeSize) {
                    consistent = MerkleTree.verifyConsistency(oldSize: earlier.head.treeSize, newSize: head.treeSize,
                                                              oldRoot: earlier.root, newRoot: recorded, proof: proof)
                } else {
                    consistent = false
                }
                if !consistent { problems.append(.inconsistent(run: head.run, previousRun: earlier.head.run)) }
            }
            previous = (head, recorded)
        }
        return problems
    }

    private static func checkOutputs(root: URL, state: [String: (index: Int, entry: LedgerEntry)], head: TreeHead,
                                     report: inout VerificationReport) throws -> [VerificationReport.Problem] {
        let files = try Archiver.scan(root: root, isExcluded: head.isExcluded)
        report.filesChecked = files.count
        var problems: [VerificationReport.Problem] = []
        let logged = state.values.map(\.entry).filter { $0.kind == .output }.sorted { $0.path < $1.path }
        var known = Set<String>()
        for entry in logged {
            known.insert(entry.path)
            let found = files[entry.path]
            switch (entry.event, found) {
            case (.removed, nil): break
            case (.removed, _?): problems.append(.fileAdded(path: entry.path))
            case (_, nil): problems.append(.fileMissing(path: entry.path))
            case (_, let digest?): if digest.sha256 != entry.sha256 { problems.append(.fileChanged(path: entry.path)) }
            }
        }
        for path in files.keys.sorted() where !known.contains(path) { problems.append(.fileAdded(path: path)) }
        return problems
    }

    private static func checkMedia(state: [String: (index: Int, entry: LedgerEntry)], input: URL,
                                   report: inout VerificationReport) -> [VerificationReport.Problem] {
        let media = state.values.map(\.entry).filter { $0.kind == .media }.sorted { $0.path < $1.path }
        let digests = Archiver.hashFiles(media.map { input.appendingPathComponent($0.path).path })
        report.mediaChecked = media.count
        var problems: [VerificationReport.Problem] = []
        for (entry, digest) in zip(media, digests) {
            guard let digest else {
                problems.append(.mediaMissing(path: entry.path))
                continue
            }
            if digest.sha256 != (entry.declaredSHA256 ?? entry.sha256) || digest.sha256 != entry.sha256 {
                problems.append(.mediaChanged(path: entry.path))
            }
        }
        return problems
    }

    /// Inclusion proofs of every logged file of a case against the last tree head.
    public static func proofs(root: URL, caseID: String) throws -> [CaseProof] {
        let ledger = try Ledger(root: root)
        guard let head = ledger.heads.last, let rootHash = [UInt8](hex: head.rootHash) else { return [] }
        let tree = ledger.tree()
        let state = ledger.state(upTo: min(head.treeSize, ledger.lines.count))
        return state.values.filter { $0.entry.caseID == caseID }.sorted { $0.entry.key < $1.entry.key }.compactMap { item in
            guard let proof = tree.inclusionProof(leaf: item.index, size: head.treeSize) else { return nil }
            let leaf = tree.leafHashes[item.index]
            return CaseProof(entry: item.entry, leafIndex: item.index, leafHash: leaf.hex, treeSize: head.treeSize,
                             rootHash: head.rootHash, auditPath: proof.map(\.hex),
                             verified: MerkleTree.verifyInclusion(leafHash: leaf, index: item.index, size: head.treeSize,
                                                                  proof: proof, root: rootHash))
        }
    }
}

/// One file's inclusion proof (RFC 6962 audit path) against a signed tree head.
public struct CaseProof: Sendable {
    public var entry: LedgerEntry
    public var leafIndex: Int
    public var leafHash: String
    public var treeSize: Int
    public var rootHash: String
    public var auditPath: [String]
    public var verified: Bool
}
