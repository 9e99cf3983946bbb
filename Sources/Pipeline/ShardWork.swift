import Archive
import CaseModel
import Crypto
import Documents
import ErrorReporting
import Foundation
import Ingest
import Native
import Typesetting

/// The result of one shard (an agency's documents), as a worker leaves it in
/// `<output>/shards/<batch>/<分片>/<token>/` (a shard is an agency, `<主体代码>`, or one year of a very large
/// agency, `<主体代码>-<年度>`; see `ShardWork.shards`): the documents at their output paths and
/// `shard.json`, which lists every document with its SHA-256. PostgreSQL records the
/// hash of `shard.json` under the claim's token, so the publish step reads only an
/// accepted result, and only as it was when it was accepted.
struct ShardManifest: Codable, Equatable {
    var batch: String
    var shard: String
    var token: Int
    /// The render fingerprint (templates, fonts, rules): a result made with other templates is not used.
    var fingerprint: String
    var cases: [Case]

    struct Case: Codable, Equatable {
        var id: String
        /// The case's render data key (`RenderStage.dataKey`): a result for other data is not used.
        var key: String
        var documents: [Document]
    }

    struct Document: Codable, Equatable {
        /// The output path, `internal/documents/<主体代码>/<案件编号>/<文书种类>.pdf`.
        var path: String
        var kind: String
        var pages: Int
        var sha256: String
    }

    static let fileName = "shard.json"

    /// `<output>/shards/<batch>/<分片>/`: tokens start again at 1 in every batch, so a night's
    /// results never replace an earlier night's (which may not be published yet).
    static func folder(output: URL, batch: String, shard: String) -> URL {
        output.appendingPathComponent(ShardWork.folderName).appendingPathComponent(batch.replacingOccurrences(of: "/", with: "-"))
            .appendingPathComponent(shard)
    }

    func bytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + Array("\n".utf8)
    }
}

/// The shards other workers completed are not in this worker's output folder: the workers (and the publish step) do not
/// share one folder — a volume not mounted where `--output` points, another machine's local disk. Every completed result
/// missing: this worker is the odd one and claims nothing; some missing at the end: the night's results are split.
public struct WorkerOutputMismatchError: SanxiangError {
    public let output: String
    public let absent: [String]
    public let completed: Int
    public var message: String {
        let shards = absent.prefix(5).joined(separator: "、") + (absent.count > 5 ? " 等" : "")
        return "本批次已完成的 \(completed) 个分片中有 \(absent.count) 个（\(shards)）的结果不在本 worker 的输出文件夹 \(output) 中："
            + "各 worker 和发布步骤必须使用同一个共享文件夹（请检查共享存储是否已挂载到 --output 所指的位置）。"
            + (absent.count == completed ? "本 worker 未领取任何分片。" : "发布步骤会自行生成这些分片的文书，但请先查明原因。")
    }
}

/// The database failed a worker after it had connected (a restart, a failover, the network): said with what to do.
public struct WorkerInterruptedError: SanxiangError {
    public let underlying: SanxiangError
    public var message: String {
        underlying.message + "（重新启动 sanxiang worker 是安全的：已完成的分片不会重做，本 worker 未完成的分片在租约到期后由任一 worker 重新领取。）"
    }
}

/// A worker's setting that cannot work (given on the command line or in pipeline.yml alike).
public struct WorkerSettingError: SanxiangError {
    public let message: String
}

/// A shard's result that cannot be used, said for the operator; the publish step renders the shard itself.
public struct ShardResultProblem: SanxiangError {
    public var shard: String
    public var path: String
    public var problem: String
    public var message: String { "分片 \(shard) 的结果（\(path)）\(problem)" }
}

/// What a worker did.
public struct WorkerSummary: Sendable {
    /// Shards this worker completed, with their tokens.
    public var completed: [ShardClaim] = []
    /// Claims whose results were refused because another worker had claimed the shard since.
    public var refused: [ShardClaim] = []
    public var documents = 0
}

public struct WorkerRequest: Sendable {
    public var config: PipelineConfig
    public var asOf: CivilDate
    /// Seconds a claim holds before another worker may take the shard; renewed every third of it.
    public var leaseSeconds: Double
    /// A Kubernetes Indexed Job's completion index: which shard to try first. Only a hint.
    public var index: Int?
    public var worker: String
    /// An agency with more cases than this is cut into one shard per decision year (`ShardWork.shards`).
    public var splitAbove: Int
    /// The program a worker may start as render processes (`sanxiang worker` sets itself; see `RenderProcesses`).
    public var renderProgram: RenderProgram?

    public static let defaultSplitAbove = 20_000

    public init(config: PipelineConfig, asOf: CivilDate, leaseSeconds: Double, index: Int?, worker: String,
                splitAbove: Int = WorkerRequest.defaultSplitAbove) {
        self.config = config
        self.asOf = asOf
        self.leaseSeconds = leaseSeconds
        self.index = index
        self.worker = worker
        self.splitAbove = splitAbove
    }
}

/// Progress a worker reports, for its log.
public enum WorkerEvent: Sendable {
    case registered(shards: Int, cases: Int)
    /// The batch's shards were registered by another worker: this one follows them without reading every part.
    case joined(shards: Int)
    case claimed(ShardClaim, cases: Int)
    case completed(ShardClaim, documents: Int)
    case refused(ShardClaim)
    case waiting(open: Int)
    /// A render process that could not start or died; its cases were drawn on the worker's threads.
    case renderProcess(String)
}

/// `sanxiang worker`: claims agency shards from PostgreSQL and renders their documents with the
/// render stage's own code, so the publish step can take them in place of rendering them itself.
public enum ShardWork {
    static let folderName = "shards"

    /// What `removeEarlierBatches` did.
    public struct Cleanup: Codable, Sendable {
        /// The batch folders removed (names under shards/).
        public var removed: [String] = []
        /// Those that could not be, each with why, in Chinese.
        public var failed: [String] = []
    }

    /// Once a night is published: the shard folders of earlier nights' batches (as-of date before this one's) are
    /// removed. Each night's workers write a full batch of documents there; the ones the publish step took are hard
    /// links of the published files, which stay, and the rest (superseded claims, results of cases changed since)
    /// no night reads again — kept, they would grow the output folder by every night's documents. This night's batch
    /// and any later one (a worker already started on the next night) are left; so is anything not named as a batch.
    public static func removeEarlierBatches(output: URL, asOf: CivilDate) -> Cleanup {
        let root = output.appendingPathComponent(folderName)
        var cleanup = Cleanup()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        } catch {
            // No shards/ folder (no worker wrote one) is nothing to clean; one that cannot be read is said, not skipped silently.
            if FileSystem.kind(root.path) != .missing {
                cleanup.failed.append("未能读取分片文件夹 \(folderName)/（错误码 \(OutputWriter.errnoOf(error))），此前批次的分片文件夹本次未删除，下次发布时再试。")
            }
            return cleanup
        }
        for name in names {
            guard let date = CivilDate(iso: String(name.prefix(10))), name.dropFirst(10).first == "-", date < asOf else { continue }
            do {
                try FileWalker.removeTree(root.appendingPathComponent(name).path, action: "删除此前批次的分片文件夹")
                cleanup.removed.append(name)
            } catch {
                let reason = (error as? SanxiangError)?.message ?? "\(error)"
                cleanup.failed.append("未能删除此前批次的分片文件夹 \(folderName)/\(name)（\(reason)），下次发布时再试；也可以手工删除。")
            }
        }
        return cleanup
    }

    /// The night's identity in the shard tables: the as-of date and a hash of the export's files,
    /// so every worker and the publish step of the same export and date agree without talking.
    public static func batch(config: PipelineConfig, asOf: CivilDate) throws -> String {
        let folder = config.inputURL.standardizedFileURL
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw FileSystemError(path: folder.path, action: "读取导出文件夹", code: OutputWriter.errnoOf(error))
        }
        var hasher = SHA256()
        for name in names where FileSystem.kind(folder.appendingPathComponent(name).path) == .regular {
            // Hashed as it is read, a megabyte at a time: a whole file (and a copy of it beside the name) was about
            // three times the export's largest file in memory, more than the worker's agency at a time.
            let path = folder.appendingPathComponent(name).path
            hasher.update(data: Data(name.utf8) + Data([0]))
            do {
                try FilePieces.forEach(in: path) { hasher.update(data: $0) }
            } catch {
                throw FileSystemError(path: path, action: "读取导出文件", code: OutputWriter.errnoOf(error))
            }
            hasher.update(data: Data([0]))
        }
        let digest = hasher.finalize().hex
        return asOf.iso + "/" + digest.prefix(32)
    }

    /// The night's shards: each agency's cases, or, for an agency with more than `splitAbove` of them, one
    /// shard per decision year (`<主体代码>-<年度>`), so that no single claim holds a very large agency's whole night.
    static func shards(_ cases: [EnforcementCase], splitAbove: Int) -> [String: [EnforcementCase]] {
        var out: [String: [EnforcementCase]] = [:]
        for (agency, items) in Dictionary(grouping: cases, by: \.agencyCode) {
            guard items.count > splitAbove else {
                out[agency] = items
                continue
            }
            for (year, part) in Dictionary(grouping: items, by: \.decisionDate.year) { out[yearShard(agency, year)] = part }
        }
        return out
    }

    static func yearShard(_ agency: String, _ year: Int) -> String { "\(agency)-\(year)" }

    /// The shard a case's documents are made in, as the night's workers registered its shards: the publish
    /// step follows what they registered, so it needs neither their threshold nor their count of cases.
    static func shard(of item: EnforcementCase, registered: Set<String>) -> String {
        let byYear = yearShard(item.agencyCode, item.decisionDate.year)
        return registered.contains(byYear) ? byYear : item.agencyCode
    }

    /// Claims and renders shards until every shard of the night is done.
    public static func run(_ request: WorkerRequest, events: @escaping (WorkerEvent) -> Void) throws -> WorkerSummary {
        do {
            return try claimAndRender(request, events: events)
        } catch let error as PostgresError where !error.whileConnecting {
            // Lost in the middle of the night: the operator's first question is whether starting again is safe.
            throw WorkerInterruptedError(underlying: error)
        }
    }

    private static func claimAndRender(_ request: WorkerRequest, events: @escaping (WorkerEvent) -> Void) throws -> WorkerSummary {
        let config = request.config
        guard let url = config.shardQueue else {
            throw WorkerSettingError(message: "sanxiang worker 需要 PostgreSQL 状态库：请用 --state-store（或 \(config.sourceName) 的 state_store）"
                                             + "给出 postgresql://用户@主机:端口/数据库。")
        }
        guard request.leaseSeconds >= 1 else {
            throw WorkerSettingError(message: "租约（--lease）不能短于 1 秒。")
        }
        let batch = try batch(config: config, asOf: request.asOf)
        // Connected first: a wrong address fails in a second, not after reading the export.
        let queue = try ShardQueue(url: url, batch: batch)
        let run = prepare(config: config, asOf: request.asOf, renderProgram: request.renderProgram)
        defer { run.endRenderProcesses() }
        let export = try AgencyParts(config: config, asOf: request.asOf)
        // The first worker of a batch reads every agency's part to cut the shards; one that finds them registered
        // reads only the parts of the shards it claims, and cuts them as they were registered.
        var cut: (shards: Int, cases: Int)?
        if try !queue.isRegistered() {
            let registry = try export.shards(splitAbove: request.splitAbove)
            // No shard to register is no night to make: a broken export (see `EmptyExportError`), said as the publish step says it.
            guard !registry.isEmpty else { throw EmptyExportError(caseFiles: [], firstErrors: []) }
            if try queue.register(Array(registry.keys)) { cut = (registry.count, registry.values.reduce(0) { $0 + $1.cases }) }
        }
        let all = try queue.shards()
        events(cut.map { .registered(shards: $0.shards, cases: $0.cases) } ?? .joined(shards: all.count))
        // A worker whose folder holds none of the results completed so far would write where the publish step never reads.
        let before = try results(queue, output: config.outputURL)
        if before.completed > 0, before.absent.count == before.completed {
            throw WorkerOutputMismatchError(output: config.outputURL.path, absent: before.absent, completed: before.completed)
        }
        let fingerprint = try PipelineRunner.renderFingerprint(config)
        let registered = Set(all)
        var hint = request.index.flatMap { all.isEmpty ? nil : all[$0 % all.count] }
        let renderer = try run.renderer()
        let templates = try run.templates()
        // The last published night's memo: a case it says unchanged, whose documents are in the output,
        // the publish step keeps as they are (as a single-process run does), so no worker renders it.
        let previous = try StateStore.renderMemo(readingOnly: config.stateStoreURL.path)
            .flatMap { $0.fingerprint == fingerprint ? $0 : nil }
        var summary = WorkerSummary()
        var lastPart: (agency: String, part: IngestResult)?
        while true {
            guard let claim = try queue.claim(worker: request.worker, leaseSeconds: request.leaseSeconds, hint: hint) else {
                let open = try queue.openCount()
                if open == 0 { break }
                // Open shards are held by live leases: wait, in case one of their workers dies.
                events(.waiting(open: open))
                Thread.sleep(forTimeInterval: min(1, request.leaseSeconds / 4))
                continue
            }
            hint = nil
            // Only the claimed shard's agency is read: a worker holds one agency's part of the export at a time. Claims go
            // in shard-name order, so an agency's year shards come one after another and share the part read for the first.
            let agency = export.agency(ofShard: claim.shard)
            if lastPart?.agency != agency { lastPart = nil }
            if lastPart == nil, let agency { lastPart = (agency, try export.read(agency)) }
            let part = lastPart?.part
            let index = RenderStage.IngestIndex(part ?? IngestResult())
            // Cut as the publish step cuts (by the registered names), whatever this worker's own --split-above.
            let items = part?.cases.filter { shard(of: $0, registered: registered) == claim.shard } ?? []
            events(.claimed(claim, cases: items.count))
            let planner = DocumentPlanner(config: config, index: index)
            // Planned a slice at a time, as the render stage plans: a slice's document data is let go before the next.
            let planSlice = { (slice: [EnforcementCase]) throws -> [CaseDocuments] in
                try plan(slice, planner: planner, templates: templates).filter { entry in
                    guard let previous, let key = previous.cases[entry.item.id] else { return true }
                    let kept = try key == RenderStage.dataKey(entry, ingest: index)
                        && entry.paths.allSatisfy { FileManager.default.fileExists(atPath: config.outputURL.appendingPathComponent($0).path) }
                    return !kept
                }
            }
            let keeper = try LeaseKeeper(url: url, batch: batch, claim: claim, leaseSeconds: request.leaseSeconds)
            let folder: URL
            let documents: Int
            do {
                (folder, documents) = try write(claim, cases: items, slice: max(config.casesPerRenderSlice, 1), plan: planSlice,
                                                index: index, fingerprint: fingerprint, renderer: renderer, output: config.outputURL,
                                                processes: run.renderProcesses())
                for warning in run.renderProcesses()?.takeWarnings() ?? [] { events(.renderProcess(warning)) }
            } catch let error as SanxiangError {
                keeper.stop()
                // Said with the shard; its lease runs out and another worker claims it again.
                throw StageFailure(stage: "render（分片 \(claim.shard)）", underlying: error)
            } catch {
                keeper.stop()
                throw error
            }
            keeper.stop()
            let manifest = folder.appendingPathComponent(ShardManifest.fileName)
            guard !keeper.lost, let bytes = FileManager.default.contents(atPath: manifest.path),
                  try queue.complete(claim, resultHash: StateStore.contentHash(Array(bytes))) else {
                // Another worker holds the shard now: this result is never read; its folder is this claim's alone.
                try? FileManager.default.removeItem(at: folder)
                summary.refused.append(claim)
                events(.refused(claim))
                continue
            }
            summary.completed.append(claim)
            summary.documents += documents
            events(.completed(claim, documents: documents))
        }
        // "Every shard is done" is said only when this folder holds every result (the publish step reads them from it).
        let after = try results(queue, output: config.outputURL)
        guard after.absent.isEmpty else {
            throw WorkerOutputMismatchError(output: config.outputURL.path, absent: after.absent, completed: after.completed)
        }
        return summary
    }

    /// The batch's completed shards whose accepted result (`shards/<batch>/<分片>/<令牌>/shard.json`) is not under `output`.
    static func results(_ queue: ShardQueue, output: URL) throws -> (absent: [String], completed: Int) {
        let completed = try queue.completed()
        let absent = completed.values.filter { done in
            let folder = ShardManifest.folder(output: output, batch: queue.batch, shard: done.shard).appendingPathComponent(String(done.token))
            return !FileManager.default.fileExists(atPath: folder.appendingPathComponent(ShardManifest.fileName).path)
        }
        return (absent.map(\.shard).sorted(), completed.count)
    }

    /// The documents of one shard's cases as a run plans them after its validate stage: the validate
    /// stage sets a case aside for its own documents only (and removes nothing but the case), so
    /// planning and checking one agency's cases gives that agency's part of the run's plan.
    static func plan(_ cases: [EnforcementCase], planner: DocumentPlanner, templates: TemplateLibrary) -> [CaseDocuments] {
        let planned = planner.plan(cases)
        let problems = concurrentMap(planned) { ValidateStage.check($0, templates: templates) }
        return zip(planned, problems).filter { $0.1 == nil }.map(\.0)
    }

    /// The run's templates and renderer, without its stages: a worker reads the export an agency at a time
    /// (`AgencyParts`), and validation is per shard (`plan`).
    static func prepare(config: PipelineConfig, asOf: CivilDate, renderProgram: RenderProgram? = nil) -> RunContext {
        var request = RunRequest(config: config, asOf: asOf, useStateStore: false, writeOutputs: false)
        request.renderProgram = renderProgram
        return RunContext(request: request, previous: PreviousState(), events: nil)
    }

    /// Renders a shard's cases with the render stage's code into a temporary folder, `slice` cases planned and
    /// rendered at a time, flushes every file, and renames the folder to `<token>`: a folder of that name is always
    /// whole. A case lacking a statutory element is left out: the publish step renders it, and sets it aside.
    /// Returns the folder and the number of documents planned.
    static func write(_ claim: ShardClaim, cases items: [EnforcementCase], slice: Int, plan: ([EnforcementCase]) throws -> [CaseDocuments],
                      index: RenderStage.IngestIndex, fingerprint: String, renderer: DocumentRenderer,
                      output: URL, processes: RenderProcessLauncher? = nil) throws -> (folder: URL, documents: Int) {
        let parent = ShardManifest.folder(output: output, batch: claim.batch, shard: claim.shard)
        let final = parent.appendingPathComponent(String(claim.token))
        let temporary = parent.appendingPathComponent(".tmp-\(claim.token)-\(getpid())")
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            if manager.fileExists(atPath: temporary.path) { try manager.removeItem(at: temporary) }
            try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: temporary.path, action: "准备分片文件夹", code: OutputWriter.errnoOf(error))
        }
        var cases: [ShardManifest.Case] = []
        var documents = 0
        for start in stride(from: 0, to: items.count, by: slice) {
            let entries = try plan(Array(items[start..<min(start + slice, items.count)]))
            documents += entries.reduce(0) { $0 + $1.instances.count }
            cases += try render(entries, into: temporary, index: index, renderer: renderer, processes: processes)
        }
        let manifest = ShardManifest(batch: claim.batch, shard: claim.shard, token: claim.token, fingerprint: fingerprint, cases: cases)
        try writeDurably(try manifest.bytes(), to: temporary.appendingPathComponent(ShardManifest.fileName))
        if manager.fileExists(atPath: final.path) {
            do { try manager.removeItem(at: final) } catch {
                throw FileSystemError(path: final.path, action: "清理分片文件夹", code: OutputWriter.errnoOf(error))
            }
        }
        try FileSystem.rename(temporary.path, to: final.path)
        FileSystem.syncFolder(of: final.path)
        return (final, documents)
    }

    /// Renders and writes durably the documents of planned cases into the shard's temporary folder, on every core, or
    /// by render processes when the worker may start them.
    private static func render(_ entries: [CaseDocuments], into temporary: URL, index: RenderStage.IngestIndex,
                               renderer: DocumentRenderer, processes: RenderProcessLauncher?) throws -> [ShardManifest.Case] {
        let one = { (entry: CaseDocuments, draw: () throws -> [(instance: DocumentInstance, pages: Int, bytes: [UInt8])]) in
            Result { () -> ShardManifest.Case? in
                let key = try RenderStage.dataKey(entry, ingest: index)
                let documents: [(instance: DocumentInstance, pages: Int, bytes: [UInt8])]
                do {
                    documents = try draw()
                } catch is MissingStatutoryElements {
                    return nil
                }
                var listed: [ShardManifest.Document] = []
                for document in documents {
                    let path = entry.path(of: document.instance)
                    try writeDurably(document.bytes, to: temporary.appendingPathComponent(path))
                    listed.append(.init(path: path, kind: document.instance.kind, pages: document.pages,
                                        sha256: StateStore.contentHash(document.bytes)))
                }
                return ShardManifest.Case(id: entry.item.id, key: key, documents: listed)
            }
        }
        let done = if let pool = processes?.processes(toDraw: entries.count) {
            pool.map(entries) { entry, child in one(entry) { try RenderStage.draw(entry, in: child, of: pool, renderer: renderer) } }
        } else {
            concurrentMap(entries, chunkSize: 1) { entry in
                one(entry) { try RenderStage.render(entry, renderer: renderer).map { ($0.instance, $0.rendered.pageCount, $0.rendered.bytes) } }
            }
        }
        return try done.map { try $0.get() }.compactMap { $0 }
    }

    /// Writes and flushes one file, making its folders (and flushing them) first.
    private static func writeDurably(_ bytes: [UInt8], to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: folder.path, action: "创建分片文件夹", code: OutputWriter.errnoOf(error))
        }
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(path: url.path, action: "写入分片文件", code: errno) }
        defer { close(descriptor) }
        try FileSystem.writeAll(descriptor, bytes, path: url.path, action: "写入分片文件")
        guard fsync(descriptor) == 0 else { throw FileSystemError(path: url.path, action: "写入分片文件", code: errno) }
        FileSystem.syncFolder(of: url.path)
    }
}

/// The export as a worker reads it: indexed once (`ExportIndex`), then one agency's part at a time, each judged
/// as the whole export's reading judges it (`ExportReader.read(folder:options:agencies:index:)`), so a worker's
/// memory is its largest agency's, not the export's.
struct AgencyParts {
    let folder: URL
    let options: IngestOptions
    let index: ExportIndex
    /// 主体代码 of agencies.csv's accepted rows: a case of another agency has no shard (it is set aside).
    let agencies: [String]

    /// A shard's agency and how many cases it has.
    struct Shard {
        var agency: String
        var cases: Int
    }

    init(config: PipelineConfig, asOf: CivilDate) throws {
        let (folder, options) = (config.inputURL, IngestOptions(asOf: asOf))
        let index = try Self.ingesting { try ExportReader.index(folder: folder, options: options) }
        let none = try Self.ingesting { try ExportReader.read(folder: folder, options: options, agencies: [], index: index) }
        (self.folder, self.options, self.index) = (folder, options, index)
        agencies = none.agencies.map(\.code)
    }

    /// The agency whose cases a registered shard holds: `<主体代码>` or `<主体代码>-<年度>` (ShardWork.yearShard). A
    /// 主体代码 is a 统一社会信用代码 (accepted rows are checked), so it never holds "-" itself. Nil for a shard of no
    /// agency accepted tonight: it has no cases.
    func agency(ofShard shard: String) -> String? {
        if agencies.contains(shard) { return shard }
        guard let dash = shard.lastIndex(of: "-"), Int(shard[shard.index(after: dash)...]) != nil else { return nil }
        let agency = String(shard[..<dash])
        return agencies.contains(agency) ? agency : nil
    }

    /// One agency's part of the export.
    func read(_ agency: String) throws -> IngestResult {
        try Self.ingesting { try ExportReader.read(folder: folder, options: options, agencies: [agency], index: index) }
    }

    /// The night's shards (`ShardWork.shards`) of the accepted cases, read an agency at a time and let go of.
    func shards(splitAbove: Int) throws -> [String: Shard] {
        var shards: [String: Shard] = [:]
        let named = Set(index.agenciesNamed)
        for agency in agencies.sorted() where named.contains(agency) {
            for (shard, items) in ShardWork.shards(try read(agency).cases, splitAbove: splitAbove) {
                shards[shard] = Shard(agency: agency, cases: items.count)
            }
        }
        return shards
    }

    /// Said as the run's ingest stage says its errors.
    private static func ingesting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as IngestError {
            throw StageFailure(stage: "ingest", underlying: error)
        }
    }
}

/// Renews a claim's lease every third of its length on its own connection and thread,
/// while the worker renders. `lost` turns true when the claim is no longer current.
final class LeaseKeeper: @unchecked Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var lostClaim = false

    var lost: Bool { lock.withLock { lostClaim } }
    /// The renewing thread's connection: made here, then touched by that thread alone.
    private var renewer: ShardQueue?

    /// A renewal waits for the server at most a third of the lease (at least 5 s): one that waited longer could not save
    /// the lease, and the next try, on a new connection, might.
    init(url: String, batch: String, claim: ShardClaim, leaseSeconds: Double) throws {
        let answerTimeout = max(leaseSeconds / 3, 5)
        renewer = try ShardQueue(url: url, batch: batch, answerTimeout: answerTimeout)
        let thread = Thread { [self] in
            defer { finished.signal() }
            while stopped.wait(timeout: .now() + leaseSeconds / 3) == .timedOut {
                do {
                    let current = try renewer ?? ShardQueue(url: url, batch: batch, answerTimeout: answerTimeout)
                    renewer = current
                    if try !current.renew(claim, leaseSeconds: leaseSeconds) {
                        lock.withLock { lostClaim = true }
                        return
                    }
                } catch {
                    // The server is unreachable or hung for now: the next renewal connects again (a connection whose
                    // statement went unanswered is not used again). The lease may run out meanwhile, and then the result
                    // is refused.
                    renewer = nil
                    continue
                }
            }
        }
        thread.start()
    }

    func stop() {
        stopped.signal()
        finished.wait()
    }
}

/// The publish step's side of the shards: the documents of accepted shard results, checked
/// against PostgreSQL's record (manifest hash under the accepted token), against this run's
/// render fingerprint and each case's data key, and file by file against the manifest's
/// SHA-256. Whatever does not check out is rendered by the run itself, so the output is the
/// same either way.
struct ShardAdoption {
    /// One document a shard made: where it is, and what the manifest says of it.
    struct Document {
        var path: String
        var kind: String
        var pages: Int
        var source: String
        var sha256: String
    }

    /// Documents by case, as the shards made them (read only when adopted, one case at a time).
    var cases: [String: [Document]] = [:]
    /// What could not be used and why, for the run summary.
    var warnings: [String] = []

    static func load(url: String, config: PipelineConfig, asOf: CivilDate, plan: [CaseDocuments], keys: [String: String],
                     fingerprint: String) throws -> ShardAdoption {
        let queue = try ShardQueue(url: url, batch: try ShardWork.batch(config: config, asOf: asOf))
        let completed = try queue.completed()
        var adoption = ShardAdoption()
        let registered = Set(try queue.shards())
        if registered.isEmpty {
            adoption.warnings.append("PostgreSQL 状态库中没有本批次（基准日 \(asOf.iso)、这份导出）的分片：若运行过 sanxiang worker，"
                + "请确认它用的是同样的 --input 和 --as-of；文书由本次运行生成。")
        }
        let open = try queue.openCount()
        if open > 0 { adoption.warnings.append("\(open) 个分片尚未由 sanxiang worker 完成，其文书由本次运行生成。") }
        let byShard = Dictionary(grouping: plan, by: { ShardWork.shard(of: $0.item, registered: registered) })
        for (shard, entries) in byShard.sorted(by: { $0.key < $1.key }) {
            guard let done = completed[shard] else { continue }
            do {
                try adoption.take(done, entries: entries, keys: keys, fingerprint: fingerprint, batch: queue.batch, output: config.outputURL)
            } catch let problem as ShardResultProblem {
                adoption.warnings.append(problem.message + "，其文书由本次运行生成。")
            }
        }
        return adoption
    }

    private mutating func take(_ done: CompletedShard, entries: [CaseDocuments], keys: [String: String], fingerprint: String,
                               batch: String, output: URL) throws {
        let folder = ShardManifest.folder(output: output, batch: batch, shard: done.shard).appendingPathComponent(String(done.token))
        let manifestPath = folder.appendingPathComponent(ShardManifest.fileName).path
        func problem(_ text: String) -> ShardResultProblem { ShardResultProblem(shard: done.shard, path: manifestPath, problem: text) }
        guard let bytes = FileManager.default.contents(atPath: manifestPath) else { throw problem("不存在或无法读取") }
        guard StateStore.contentHash(Array(bytes)) == done.resultHash else { throw problem("与状态库记录的哈希不符（文件被改动过）") }
        let manifest: ShardManifest
        do { manifest = try JSONDecoder().decode(ShardManifest.self, from: bytes) } catch { throw problem("无法解读") }
        guard manifest.batch == batch, manifest.shard == done.shard, manifest.token == done.token else {
            throw problem("属于另一批次或另一次领取")
        }
        guard manifest.fingerprint == fingerprint else { throw problem("是用另一套模板、字体或文书规则生成的") }
        let listed = Dictionary(manifest.cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in entries {
            guard let item = listed[entry.item.id], item.key == keys[entry.item.id], item.documents.map(\.path) == entry.paths else {
                continue
            }
            cases[entry.item.id] = item.documents.map {
                Document(path: $0.path, kind: $0.kind, pages: $0.pages, source: folder.appendingPathComponent($0.path).path,
                         sha256: $0.sha256)
            }
        }
    }

    /// Stages a case's documents from its shard, each checked against the manifest's hash first.
    /// Nil when staged; otherwise why not (a file missing or changed, nothing staged): the run renders the case itself.
    func adopt(_ caseID: String, into output: OutputWriter) throws -> String? {
        guard let documents = cases[caseID] else { return "案件 \(caseID) 不在分片结果中" }
        var checked: [(path: String, source: String, read: WrittenDigests.Read?)] = []
        for document in documents {
            guard let (bytes, stamp) = WrittenDigests.read(document.source) else {
                return "分片文件缺失或无法读取：\(document.source)"
            }
            let digest = SHA256.hash(data: bytes)
            guard Array(digest).hex == document.sha256 else {
                return "分片文件与清单中的哈希不符（文件被改动过）：\(document.source)"
            }
            checked.append((document.path, document.source, stamp.map { WrittenDigests.Read(stamp: $0, sha256: digest) }))
        }
        // Linked, not copied: the shard's file is already durable, and a night's documents are not stored twice.
        // The hash just checked is the archive's too, while the link is stamped as the file was when read.
        for (path, source, read) in checked { try output.adopt(source, as: path, read: read) }
        return nil
    }
}
