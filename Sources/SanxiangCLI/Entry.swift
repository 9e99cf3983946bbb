import ArgumentParser
import Archive
import ErrorReporting
import Documents
import Foundation
import Ingest
import Native
import Pipeline
import Typesetting
import WorkingDays

/// `sanxiang`: the nightly pipeline of the 三项制度 and its tools.
public struct SanxiangEntry: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sanxiang",
        abstract: "三项制度流水线：读取办案系统导出数据，核查、生成文书、公示与归档。",
        version: "0.1.0",
        subcommands: [RunCommand.self, CheckCommand.self, RenderCommand.self, PrintCommand.self, NumbersCommand.self, PreviewCommand.self, ReportCommand.self,
                      VerifyCommand.self, CalendarCommand.self, WorkerCommand.self,
                      BenchCommand.self, VersionCommand.self, RenderWorkerCommand.self])

    public init() {}

    /// Runs the command and turns every failure into one message and an exit status.
    public static func main(arguments: [String]? = nil) -> Never {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // --help and --version come this way too, and are no mistake.
            guard exitCode(for: error) != .success else { exit(withError: error) }
            UsageError.exit(saying: UsageError.text(message: message(for: error), full: fullMessage(for: error)))
        }
        do {
            try command.run()
            Foundation.exit(0)
        } catch let error as ValidationError {
            // A value the command itself refuses (--split-above 0): a command line not understood, as the parser's own.
            let name = type(of: command).configuration.commandName ?? ""
            UsageError.exit(saying: UsageError.text(message: error.message, command: "sanxiang " + name))
        } catch let status as ExitCode {
            Foundation.exit(status.rawValue)
        } catch let error as SanxiangError {
            // Every failure of the layers below says itself once, here.
            FileHandle.standardError.write(Data(("错误：" + error.message + "\n").utf8))
            Foundation.exit(error is FolderBusyError ? ExitStatus.busy : 1)
        } catch {
            exit(withError: error)
        }
    }
}

/// A mistake in how a command was called (a bad --year, an unknown case).
struct UserFacingError: SanxiangError {
    let message: String

    init(message: String) { self.message = message }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "显示版本及所用 C 库的版本。")

    func run() throws {
        print("sanxiang \(SanxiangEntry.configuration.version)")
        for library in LibraryVersions.all { print("\(library.name) \(library.version)") }
    }
}

/// Exit statuses beyond 0 (all accepted), 3 (rows set aside), 1 (could not run) and 64 (a command line not understood,
/// `UsageError`).
enum ExitStatus {
    /// Another process holds the output folder: nothing was done.
    static let busy: Int32 = 75
}
