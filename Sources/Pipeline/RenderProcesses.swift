import Documents
import ErrorReporting
import Foundation
import Glibc
import Typesetting

/// How the render stage draws when it may start processes: the program to start (this one) as
/// `sanxiang render-worker`. Set by the command line; a library caller (the tests) draws on its own threads.
public struct RenderProgram: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// This running program: its file, so `ps` and `top` name the processes `sanxiang`; the kernel's link to it
    /// (`/proc/self/exe`) when that file is no longer this program (replaced on disk while the night runs).
    public static var current: RenderProgram {
        let link = "/proc/self/exe"
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: link) else { return RenderProgram(path: link) }
        var running = stat()
        var named = stat()
        guard stat(link, &running) == 0, stat(path, &named) == 0, running.st_dev == named.st_dev, running.st_ino == named.st_ino else {
            return RenderProgram(path: link)
        }
        return RenderProgram(path: path)
    }
}

/// Render processes: each draws documents with its own Cairo. Cairo 1.16's glyph cache is shared by every
/// thread of a process, so drawing takes a lock there (`CairoGlyphCache.lock`) and threads stop adding speed at
/// about 800 documents a second, and two threads on two cores drew 1.6 times what one does; processes share nothing.
/// The render stage sends each process one case at a time (its document instances and 文书编号) and writes what comes
/// back through the run's output writer, so the files, their order and their hashes are as when threads draw them.
/// A process that cannot start or that dies is replaced by this process's own threads for the cases it would have
/// drawn, with a warning: the night goes on and its documents are the same.
final class RenderProcesses: @unchecked Sendable {
    private var children: [RenderChild]
    private let lock = NSLock()
    private var said: [String] = []

    /// `count` processes started and ready, or nil and why when one of them could not start or get ready: the night is
    /// then drawn on this process's threads, never by a part of the processes it asked for.
    static func start(_ program: RenderProgram, count: Int, config: PipelineConfig) -> (processes: RenderProcesses?, warnings: [String]) {
        let check = inputsCheck(fonts: config.fontsURL, templates: config.templatesURL)
        let arguments = ["render-worker", "--fonts", config.fontsURL.path, "--templates", config.templatesURL.path, "--expect", check]
        var started: [RenderChild] = []
        var warnings: [String] = []
        for _ in 0..<count {
            do { started.append(try RenderChild(program: program.path, arguments: arguments)) } catch {
                warnings.append("无法启动文书生成进程（\(RenderChild.describe(error))），本次在本进程中生成文书。")
                break
            }
        }
        // Each loads its fonts and templates at once; the first frame says it is ready.
        var ready: [RenderChild] = []
        for child in started {
            do {
                try child.awaitReady()
                ready.append(child)
            } catch {
                warnings.append("文书生成进程（进程号 \(child.pid)）未能就绪（\(RenderChild.describe(error))），本次在本进程中生成文书。")
                child.close()
            }
        }
        guard warnings.isEmpty, !ready.isEmpty else {
            for child in ready { child.close() }
            return (nil, Array(Set(warnings)).sorted())
        }
        return (RenderProcesses(children: ready), [])
    }

    private init(children: [RenderChild]) { self.children = children }

    /// What went wrong with a process during the night (each said once).
    var warnings: [String] {
        lock.lock()
        defer { lock.unlock() }
        return said
    }

    /// `body` of every item, in order, each on one of the processes' threads: `body` gets the process to send the
    /// item to, or nil when that process has died (the item is then drawn here).
    func map<T, U>(_ items: [T], _ body: (T, RenderChild?) -> U) -> [U] {
        withoutActuallyEscaping(body) { body in
            let results = Results<U>(count: items.count)
            let group = DispatchGroup()
            let next = Counter()
            // The threads hold the body through a box emptied before returning: a Thread keeps its block after it ends.
            let work = Box(body)
            defer { work.body = nil }
            for child in children {
                group.enter()
                let thread = Thread {
                    while let index = next.take(below: items.count), let body = work.body {
                        results.set(index, body(items[index], child.isAlive ? child : nil))
                    }
                    group.leave()
                }
                // Drawing is sent away; these threads wait for it and write the files.
                thread.stackSize = 1 << 22
                thread.start()
            }
            group.wait()
            return results.values()
        }
    }

    /// A case drawn by `child`; a process that fails is given up for the rest of the night, and the case is drawn here.
    func draw(_ request: RenderWire.Request, caseID: String, in child: RenderChild?,
              here: () throws -> [(instance: Int, pages: Int, bytes: [UInt8])]) throws -> RenderWire.Response {
        if let child {
            do {
                return try RenderWire.decodeResponse(try child.exchange(RenderWire.encode(request)))
            } catch {
                let ended = child.giveUp()
                say("文书生成进程（进程号 \(child.pid)）\(ended)（\(RenderChild.describe(error))），案件 \(caseID) 和分给该进程的其余案件的文书改在本进程中生成，生成的文书相同。")
            }
        }
        do {
            return .drawn(try here())
        } catch let missing as MissingStatutoryElements {
            return .missing(missing)
        }
    }

    /// Ends every process: each sees the end of its input and exits.
    func close() {
        for child in children { child.close() }
    }

    private func say(_ warning: String) {
        lock.lock()
        defer { lock.unlock() }
        said.append(warning)
    }

    /// What both sides check that they draw with: the templates and the fonts' manifest, as the render fingerprint reads them.
    static func inputsCheck(fonts: URL, templates: URL) -> String {
        StateStore.contentHash(Array("sanxiang-render-process-v1|".utf8) + PipelineRunner.templateAndFontBytes(templates: templates, fonts: fonts))
    }

    private final class Box<T, U>: @unchecked Sendable {
        var body: ((T, RenderChild?) -> U)?

        init(_ body: @escaping (T, RenderChild?) -> U) { self.body = body }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }

    private final class Results<U>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [U?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: U) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        /// Every slot was set: `map` waits for every index to be taken and done.
        func values() -> [U] { slots.compactMap { $0 } }
    }
}

/// A case a render process could not draw (a template or typesetting failure), with the case named.
struct RenderProcessFailure: SanxiangError {
    var caseID: String
    var underlying: String
    var message: String { "案件 \(caseID) 的文书无法生成：\(underlying)" }

    init(caseID: String, message: String) {
        self.caseID = caseID
        underlying = message
    }
}

/// Starts the render processes the first time there are enough cases to draw for them to pay (each loads its fonts
/// and templates first), and ends them once they have drawn (`RunContext.endRenderProcesses`).
public final class RenderProcessLauncher {
    let program: RenderProgram
    let count: Int
    let config: PipelineConfig
    private var started: RenderProcesses?
    private var tried = false
    private var warnings: [String] = []

    /// Fewer cases than this are drawn on this process's threads.
    static let fewestCases = 32

    init(program: RenderProgram, count: Int, config: PipelineConfig) {
        self.program = program
        self.count = count
        self.config = config
    }

    /// How many render processes a night starts: `render_processes` in pipeline.yml, else one per core on a machine
    /// with more than one (none on one core, where a process would only add its fonts to the memory).
    static func count(for config: PipelineConfig, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        config.renderProcesses ?? (cores > 1 ? cores : 0)
    }

    func processes(toDraw cases: Int) -> RenderProcesses? {
        guard started == nil, !tried else { return started }
        guard count > 0, cases >= Self.fewestCases else { return nil }
        tried = true
        let (processes, said) = RenderProcesses.start(program, count: count, config: config)
        started = processes
        warnings += said
        return processes
    }

    /// What went wrong with the processes since the last call, to tell the user.
    func takeWarnings() -> [String] {
        let all = warnings + (started?.warnings ?? [])
        defer { told = all.count }
        return Array(all.dropFirst(told))
    }

    private var told = 0

    /// Ends the processes: each sees the end of its input and exits.
    func close() {
        started?.close()
    }
}

/// One render process and the socket to it (its standard input and output). A socket rather than pipes: writing to
/// a process that died fails with an error here (MSG_NOSIGNAL), where a pipe would kill this process with SIGPIPE.
final class RenderChild: @unchecked Sendable {
    let pid: pid_t
    private var socket: Int32
    private let lock = NSLock()
    private var alive = true

    struct Failure: Error {
        var what: String
    }

    init(program: String, arguments: [String]) throws {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw Failure(what: "socketpair：\(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's end becomes its standard input and output (dup2 clears close-on-exec on the copies only).
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        let argv = ([program] + arguments).map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, program, &actions, nil, argv + [nil], environ)
        Glibc.close(pair[1])
        guard status == 0 else {
            Glibc.close(pair[0])
            throw Failure(what: "\(program)：\(String(cString: strerror(status)))")
        }
        pid = child
        socket = pair[0]
        // A process that stops answering (stopped, or stuck) is given up after this long, not waited for all night.
        var limit = timeval(tv_sec: RenderChild.answerSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Far longer than any case takes (a 案卷 of hundreds of pages is drawn in seconds), and than loading the fonts.
    /// The tests' stand-in for a stopped process (`render-process.stops`) waits 2 s.
    static var answerSeconds: Int { Fault.isSet("render-process.stops") ? 2 : 600 }

    var isAlive: Bool {
        lock.lock()
        defer { lock.unlock() }
        return alive
    }

    /// The first frame a render process sends: it has its fonts and templates and they are the ones the run draws with.
    func awaitReady() throws {
        let frame = try readFrame()
        guard frame == RenderChild.ready else { throw Failure(what: "应答不符") }
    }

    static let ready: [UInt8] = Array("sanxiang-render-ready-v1".utf8)

    /// Sends one frame and reads the answer.
    func exchange(_ frame: [UInt8]) throws -> [UInt8] {
        try RenderChild.writeFrame(frame, to: socket)
        return try readFrame()
    }

    private func readFrame() throws -> [UInt8] {
        guard let frame = try RenderChild.readFrame(from: socket) else { throw Failure(what: "进程已结束") }
        return frame
    }

    /// Stops using the process, and says how it ended: one that is still there (stopped, stuck, or answering in a way
    /// this program does not read) is killed first, so waiting for it ends.
    func giveUp() -> String {
        lock.lock()
        alive = false
        lock.unlock()
        shutdown(socket, Int32(SHUT_RDWR))
        // One whose socket ended is exiting: a moment to say how it ended.
        for _ in 0..<100 {
            let ended = ending(wait: false)
            if ended != RenderChild.stillThere { return ended }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = ending(wait: true)
        return "不再应答，已强制结束"
    }

    private static let stillThere = "仍在运行"

    func close() {
        lock.lock()
        let wasOpen = socket >= 0
        let fd = socket
        socket = -1
        alive = false
        lock.unlock()
        guard wasOpen else { return }
        Glibc.close(fd)
        _ = ending(wait: true)
    }

    /// How the process ended; without `wait`, `stillThere` while it has not.
    private func ending(wait: Bool) -> String {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, wait ? 0 : WNOHANG) } while result < 0 && errno == EINTR
        if result == 0 { return RenderChild.stillThere }
        guard result == pid else { return "已停止使用" }
        let signal = status & 0x7F
        if signal != 0 { return "被信号 \(signal) 终止" }
        return "意外退出（退出状态 \((status >> 8) & 0xFF)）"
    }

    static func describe(_ error: Error) -> String {
        if let failure = error as? Failure { return failure.what }
        if let malformed = error as? RenderWire.Malformed { return "应答格式有误：\(malformed.what)" }
        return (error as? SanxiangError)?.message ?? String(describing: error)
    }

    // MARK: frames: a little-endian UInt32 length, then the bytes

    /// Larger than any case's documents: a length beyond it is not a frame of this program.
    static let largestFrame = 1 << 30

    static func writeFrame(_ frame: [UInt8], to fd: Int32) throws {
        let length = UInt32(frame.count)
        let header: [UInt8] = (0..<4).map { UInt8(truncatingIfNeeded: length >> UInt32(8 * $0)) }
        try writeAll(header, to: fd)
        try writeAll(frame, to: fd)
    }

    /// nil at the end of the input before a frame begins.
    static func readFrame(from fd: Int32) throws -> [UInt8]? {
        guard let header = try readExactly(4, from: fd, endAllowed: true) else { return nil }
        let length = header.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length <= largestFrame else { throw Failure(what: "帧长度 \(length) 超出范围") }
        guard let body = try readExactly(length, from: fd, endAllowed: false) else { throw Failure(what: "进程已结束") }
        return body
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard let base = buffer.baseAddress else { return }
                let sent = send(fd, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(what: "\(answerSeconds) 秒内没有接收") }
                    // Not a socket (a render process's own standard output when started by hand): plain write.
                    if errno == ENOTSOCK {
                        let wrote = write(fd, base + offset, buffer.count - offset)
                        if wrote < 0 { if errno == EINTR { continue }; throw Failure(what: String(cString: strerror(errno))) }
                        offset += wrote
                        continue
                    }
                    throw Failure(what: String(cString: strerror(errno)))
                }
                offset += sent
            }
        }
    }

    private static func readExactly(_ count: Int, from fd: Int32, endAllowed: Bool) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < count {
                guard let base = buffer.baseAddress else { return }
                let got = read(fd, base + filled, count - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(what: "\(answerSeconds) 秒内没有应答") }
                    throw Failure(what: String(cString: strerror(errno)))
                }
                if got == 0 { break }
                filled += got
            }
        }
        if filled == count { return bytes }
        if filled == 0 && endAllowed { return nil }
        throw Failure(what: "进程已结束")
    }
}

/// The render process's side (`sanxiang render-worker`): reads cases from its standard input until it ends, draws
/// each on its one thread and answers on its standard output.
public enum RenderProcessServer {
    public struct Mismatch: SanxiangError {
        public var message: String { "文书生成进程的模板或字体与启动它的运行不同（文件在运行中被改动），该进程不生成文书。" }
    }

    public static func serve(fonts: URL, templates: URL, expect: String) throws {
        // Only frames go to the parent: anything else printed on standard output would break them.
        let answers = dup(1)
        dup2(2, 1)
        guard RenderProcesses.inputsCheck(fonts: fonts, templates: templates) == expect else { throw Mismatch() }
        let renderer = try DocumentRenderer(fontManifest: fonts, templates: templates)
        try RenderChild.writeFrame(RenderChild.ready, to: answers)
        var served = 0
        // A run that has gone (killed, or failed and closed the socket) is no one to tell: the process just ends.
        while let frame = try? RenderChild.readFrame(from: 0) {
            let request = try RenderWire.decodeRequest(frame)
            // The tests' stand-in for a render process killed during the night (out of memory, an operator): after its
            // third case, before it answers the fourth.
            if served == 3 && Fault.isSet("render-process.killed") { kill(getpid(), SIGKILL) }
            if served == 3 && Fault.isSet("render-process.stops") { kill(getpid(), SIGSTOP) }
            guard (try? RenderChild.writeFrame(RenderWire.encode(answer(request, renderer: renderer)), to: answers)) != nil else { return }
            served += 1
        }
    }

    static func answer(_ request: RenderWire.Request, renderer: DocumentRenderer) -> RenderWire.Response {
        do {
            return .drawn(try drawn(request, renderer: renderer))
        } catch let missing as MissingStatutoryElements {
            return .missing(missing)
        } catch {
            return .failed((error as? SanxiangError)?.message ?? String(describing: error))
        }
    }

    /// A request's documents, each by its position among the request's instances.
    static func drawn(_ request: RenderWire.Request, renderer: DocumentRenderer) throws -> [(instance: Int, pages: Int, bytes: [UInt8])] {
        let positions = Dictionary(request.instances.enumerated().map { ($1.fileName, $0) }, uniquingKeysWith: { first, _ in first })
        return try RenderStage.render(request.instances, decisionNo: request.decisionNo, renderer: renderer).map { instance, rendered in
            guard let position = positions[instance.fileName] else { throw RenderWire.Malformed(what: "文书 \(instance.fileName)") }
            return (position, rendered.pageCount, rendered.bytes)
        }
    }
}
