import ArgumentParser
import Archive
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
                      VerifyCommand.self, CalendarCommand.self,
                      BenchCommand.self, VersionCommand.self])

    public init() {}

    /// Runs the command and turns every failure into one message and an exit status.
    public static func main(arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let status as ExitCode {
            Foundation.exit(status.rawValue)
        } catch let error as UserFacingError {
            FileHandle.standardError.write(Data(("错误：" + error.message + "\n").utf8))
            Foundation.exit(1)
        } catch {
            if let message = UserFacingError(error)?.message {
                FileHandle.standardError.write(Data(("错误：" + message + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}

/// The typed errors of the layers below, as one printable message.
struct UserFacingError: Error {
    let message: String

    init(message: String) { self.message = message }

    init?(_ error: Error) {
        switch error {
        case let error as IngestError: message = error.message
        case let error as ConfigError: message = error.message
        case let error as StateStoreError: message = error.message
        case let error as UserFacingError: message = error.message
        case let error as FontError: message = error.message
        case let error as TypesettingError: message = error.message
        case let error as CalendarError: message = error.message
        case let error as ArchiveError: message = error.message
        case let error as TemplateError: message = error.message
        case let error as FeedValidationError: message = error.message
        case let error as MissingStatutoryElements: message = error.message
        case let error as CocoaError:
            message = "写入输出失败：\(error.localizedDescription)（\(error.userInfo[NSFilePathErrorKey] ?? "")）"
        default: return nil
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "显示版本及所用 C 库的版本。")

    func run() throws {
        print("sanxiang \(SanxiangEntry.configuration.version)")
        for library in LibraryVersions.all { print("\(library.name) \(library.version)") }
    }
}
