/// The one shape every failure a user can meet takes: a message in Chinese that
/// names the file, row, field or setting involved (never a personal value).
/// The CLI prints `message` once, at the edge; the pipeline adds the stage.
public protocol SanxiangError: Error, Sendable {
    var message: String { get }
}

/// A failure inside one stage of a run: the stage's name goes in front of the
/// underlying message, so a clerk knows which part of the night failed.
public struct StageFailure: SanxiangError {
    public var stage: String
    public var underlying: SanxiangError

    public init(stage: String, underlying: SanxiangError) {
        self.stage = stage
        self.underlying = underlying
    }

    public var message: String { "［\(stage) 阶段］" + underlying.message }
}

/// A failure of the operating system (a folder that cannot be written, a full
/// disk), said in Chinese with the path, instead of a Foundation error code.
public struct FileSystemError: SanxiangError {
    public var path: String
    public var action: String
    public var code: Int32

    public init(path: String, action: String, code: Int32) {
        self.path = path
        self.action = action
        self.code = code
    }

    public var message: String { "\(action)失败：\(path)（\(Self.reason(code))）" }

    /// errno in words a clerk can act on.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case 28: return "磁盘空间已满"                 // ENOSPC
        case 122: return "超出磁盘配额"                 // EDQUOT
        case 13, 1: return "没有权限"                  // EACCES, EPERM
        case 30: return "文件系统为只读"                // EROFS
        case 2: return "文件或文件夹不存在"              // ENOENT
        case 20: return "路径中有一项不是文件夹"          // ENOTDIR
        case 21: return "这是一个文件夹"                // EISDIR
        case 17: return "已存在"                       // EEXIST
        case 36: return "文件名过长"                    // ENAMETOOLONG
        case 5: return "读写错误（磁盘可能有故障）"        // EIO
        case 24, 23: return "打开的文件过多"             // EMFILE, ENFILE
        default: return "系统错误 \(code)"
        }
    }
}
