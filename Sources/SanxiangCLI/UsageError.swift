import Foundation

/// A command line the parser could not take (an unknown option, a value missing or not a number), said in Chinese for
/// the 法制科 clerk or operator who typed it: the parser's own messages are English. Each of its message shapes is
/// rewritten; one this does not know is shown as the parser gave it, under a Chinese first line.
enum UsageError {
    /// The exit status of a command line that was not understood (EX_USAGE): nothing was done.
    static let exitStatus: Int32 = 64

    /// Says `text` on standard error and ends the process with `exitStatus`.
    static func exit(saying text: String) -> Never {
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(exitStatus)
    }

    /// The whole message: what was wrong, then the command's usage and where its help is.
    /// `message`: the parser's one-line reason; `full`: its full text with the usage lines.
    static func text(message: String, full: String) -> String {
        var lines = ["错误：命令行有误：" + reason(message)]
        for line in full.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let usage = trimmed.dropping(prefix: "Usage: ") {
                lines.append("用法：" + usage)
            } else if let help = trimmed.dropping(prefix: "Help: ") {
                lines.append("说明：" + help.trimmingCharacters(in: .whitespaces))
            } else if let command = match(trimmed, #"^See '(.+)' for more information\.$"#)?.first {
                lines.append("各选项的说明见 \(command)。")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value the command itself refused once parsed (a `ValidationError` of its own, already in Chinese).
    static func text(message: String, command: String) -> String {
        "错误：命令行有误：\(reason(message))\n各选项的说明见 \(command) --help。\n"
    }

    /// The parser's reason in Chinese (its first line; a second, "or: …", adds nothing a clerk needs).
    static func reason(_ message: String) -> String {
        let first = message.split(separator: "\n").first.map(String.init) ?? message
        for (pattern, say) in shapes {
            if let groups = match(first, pattern) { return say(groups) }
        }
        return first.hasSuffix(".") || first.hasSuffix("。") ? first : first + "。"
    }

    private static let shapes: [(String, ([String]) -> String)] = [
        (#"^Unknown option '([^']+)'\. Did you mean '([^']+)'\?$"#, { "没有选项 \($0[0])（是不是 \($0[1])？）。" }),
        (#"^Unknown option '([^']+)'$"#, { "没有选项 \($0[0])。" }),
        (#"^Missing value for '([^' ]+)(?: <[^>]*>)?'$"#, { "选项 \($0[0]) 后面缺少它的值。" }),
        (#"^The value '(.*)' is invalid for '([^' ]+)(?: <[^>]*>)?'(.*)$"#, { "选项 \($0[1]) 的值“\($0[0])”不合要求\(choices($0[2]))。" }),
        (#"^The value '(.*)' is invalid for '<([^>]*)>'(.*)$"#, { "参数 <\($0[1])> 的值“\($0[0])”不合要求\(choices($0[2]))。" }),
        (#"^The value '(.*)' is invalid\.(.*)$"#, { "值“\($0[0])”不合要求\(choices($0[1]))。" }),
        (#"^Unexpected argument '(.*)'$"#, { "多出一个参数“\($0[0])”：它既不是子命令，也不是这个命令的选项。" }),
        (#"^(\d+) unexpected arguments: '(.*)'$"#, { "多出 \($0[0]) 个参数：“\($0[1].replacingOccurrences(of: "', '", with: "”“"))”。" }),
        (#"^Missing expected argument '([^']+)'$"#, { "缺少必需的 \($0[0])。" }),
        (#"^Missing one of: (.+)$"#, { "缺少以下之一：\($0[0])。" }),
        (#"^The option '([^']+)' does not take any value, but '(.*)' was specified\.$"#, { "选项 \($0[0]) 不带值，却给了“\($0[1])”。" }),
        (#"^Missing required subcommand\.$"#, { _ in "缺少子命令（如 run、check、verify）。" }),
        (#"^Invalid option: (.+)$"#, { "选项 \($0[0]) 的写法不对。" }),
    ]

    /// The parser's ". Please provide one of …" tail, in Chinese.
    private static func choices(_ tail: String) -> String {
        guard let list = match(tail, #"^\. Please provide one of (.+)\.$"#)?.first else { return "" }
        return "，可选：\(list)"
    }

    /// The capture groups of `pattern` matched against the whole of `text`, nil when it does not match.
    private static func match(_ text: String, _ pattern: String) -> [String]? {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
              let found = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (1..<found.numberOfRanges).map { index in
            Range(found.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }
}

private extension String {
    func dropping(prefix: String) -> String? { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil }
}
