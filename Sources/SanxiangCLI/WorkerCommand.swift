import ArgumentParser
import Foundation
import Pipeline

/// `sanxiang worker`: one of several processes (or Kubernetes pods) that render a night's
/// documents shard by shard (a shard is an agency), claimed through PostgreSQL.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "按执法主体分片生成文书：从 PostgreSQL 状态库领取分片（租约），结果写入输出文件夹的 shards/，由之后的 sanxiang run 发布。",
        discussion: """
            pipeline.yml 的 state_store 须为 postgresql://用户@主机:端口/数据库（密码用 PGPASSWORD 或 ~/.pgpass）。\
            可同时运行多个 worker（同一台或多台机器，输出文件夹须共享）；每个分片同一时间只有一个 worker 处理，\
            worker 中途退出的分片在租约到期后由其他 worker 重新领取，过期的结果不会被采用。\
            全部分片完成后退出。之后用同样的 --config、--input、--output、--as-of 运行 sanxiang run 发布。
            退出状态：0 所有分片已完成；1 无法运行；64 命令行有误。
            """)

    @OptionGroup var options: ExportOptions

    @Option(name: .long, help: "租约秒数：worker 停止续租这么久之后，其分片可由其他 worker 领取（默认 60）。")
    var lease: Double = 60

    @Option(name: .long, help: "优先领取的分片序号（默认取环境变量 JOB_COMPLETION_INDEX，即 Kubernetes Indexed Job 的序号；只是提示）。")
    var index: Int?

    @Option(name: .customLong("split-above"),
            help: "一个执法主体的案件多于此数时，按决定年度分成多个分片（默认 20000；以本批次第一个登记分片的 worker 的数值为准，其余 worker 按已登记的分片领取）。")
    var splitAbove: Int = WorkerRequest.defaultSplitAbove

    @Option(name: .long, help: "本 worker 的名称，记入领取记录（默认：主机名-进程号）。")
    var name: String?

    func run() throws {
        let config = try options.loadConfig()
        // "Today" can differ between machines and around midnight; the date names the batch of shards.
        guard options.asOf != nil else {
            throw UserFacingError(message: "sanxiang worker 须用 --as-of 指明数据基准日：所有 worker 和之后的 sanxiang run 必须用同一天（它决定分片批次）。")
        }
        let hint = index ?? ProcessInfo.processInfo.environment["JOB_COMPLETION_INDEX"].flatMap { Int($0) }
        let worker = name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        guard splitAbove >= 1 else { throw ValidationError("--split-above 应为正整数。") }
        var request = WorkerRequest(config: config, asOf: try options.resolvedAsOf(), leaseSeconds: lease, index: hint, worker: worker,
                                    splitAbove: splitAbove)
        request.renderProgram = .current
        var lastWaiting = -1
        let summary = try ShardWork.run(request) { event in
            switch event {
            case .registered(let shards, let cases):
                say("共 \(shards) 个分片（执法主体），接收案件 \(cases) 件。")
            case .joined(let shards):
                say("本批次的 \(shards) 个分片已由其他 worker 登记，按其登记领取（不再逐个读取全部执法主体）。")
            case .claimed(let claim, let cases):
                say("已领取分片 \(claim.shard)（令牌 \(claim.token)，\(cases) 件案件）")
            case .completed(let claim, let documents):
                say("分片 \(claim.shard) 已完成（令牌 \(claim.token)，\(documents) 份文书）")
            case .refused(let claim):
                say("分片 \(claim.shard) 的租约已过期并由其他 worker 重新领取，本次结果（令牌 \(claim.token)）作废。")
            case .waiting(let open):
                if open != lastWaiting { say("其余 \(open) 个分片正由其他 worker 处理，等待其完成或租约到期……") }
                lastWaiting = open
            case .renderProcess(let warning):
                say("提醒：" + warning)
            }
        }
        say("本 worker 完成 \(summary.completed.count) 个分片、\(summary.documents) 份文书；作废 \(summary.refused.count) 次。所有分片已完成。")
    }

    /// One line at once, flushed, so a log collector (or a test) sees it as it happens.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// `sanxiang render-worker`: a render process of `sanxiang run` (see `RenderProcesses`), started by it with a socket
/// as its standard input and output. Not a command for people: hidden from the help.
struct RenderWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-worker",
        abstract: "sanxiang run 启动的文书生成进程（内部使用）。",
        shouldDisplay: false)

    @Option(name: .long, help: "字体清单。")
    var fonts: String

    @Option(name: .long, help: "文书模板文件夹。")
    var templates: String

    @Option(name: .long, help: "启动它的运行所用模板和字体的校验值。")
    var expect: String

    func run() throws {
        try RenderProcessServer.serve(fonts: URL(fileURLWithPath: fonts), templates: URL(fileURLWithPath: templates), expect: expect)
    }
}
