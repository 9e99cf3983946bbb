import ArgumentParser
import CaseModel
import Foundation
import Ingest
import Pipeline

/// Options shared by the commands that read an export.
struct ExportOptions: ParsableArguments {
    @Option(name: .long, help: "配置文件（默认：当前目录下的 pipeline.yml，没有则用内置默认值）。")
    var config: String?

    @Option(name: .long, help: "办案系统导出文件夹（覆盖 pipeline.yml 的 input）。")
    var input: String?

    @Option(name: .long, help: "输出文件夹（覆盖 pipeline.yml 的 output）。")
    var output: String?

    @Option(name: .customLong("as-of"), help: "数据基准日 YYYY-MM-DD（默认：今天）。")
    var asOf: String?

    @Option(name: .customLong("state-store"),
            help: "状态库（覆盖 pipeline.yml 的 state_store）：SQLite 文件，或 postgresql://用户@主机:端口/数据库（多个 sanxiang worker 分片时）。")
    var stateStore: String?

    @Option(name: .long, help: "输出文件夹正被另一个进程使用时，最多等待的秒数（默认 0：立即拒绝）。")
    var wait: Double = 0

    func loadConfig() throws -> PipelineConfig {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var settings = try Self.loadConfig(path: config)
        if let input { settings.input = absolute(input, cwd).path }
        if let output { settings.output = absolute(output, cwd).path }
        if let stateStore {
            if let problem = stateStoreAddressProblem(stateStore) { throw UserFacingError(message: "--state-store " + problem) }
            if isPostgresURL(stateStore) { settings.shardQueue = stateStore } else { settings.stateStore = absolute(stateStore, cwd).path }
        }
        return settings
    }

    /// pipeline.yml at `path`, else in the current folder, else the built-in defaults.
    static func loadConfig(path: String?) throws -> PipelineConfig {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let path {
            return try ConfigLoader.load(file: path.hasPrefix("/") ? URL(fileURLWithPath: path)
                                                                  : cwd.appendingPathComponent(path).standardizedFileURL)
        }
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("pipeline.yml").path) {
            return try ConfigLoader.load(file: cwd.appendingPathComponent("pipeline.yml"))
        }
        return PipelineConfig(baseFolder: cwd)
    }

    func resolvedAsOf() throws -> CivilDate {
        guard let text = asOf else { return Self.today() }
        guard let date = CivilDate(iso: text) else {
            throw UserFacingError(message: "--as-of 的值“\(text)”不是 YYYY-MM-DD 格式的日期。")
        }
        return date
    }

    static func today() -> CivilDate {
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate(dayNumber: 0)
    }

    private func absolute(_ path: String, _ base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }
}
