import Archive
import ArgumentParser
import Foundation
import Pipeline

/// `sanxiang verify`: proves the archive whole, or names what was altered or removed.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "核验归档：找出被改动、删除或新增的文件和音像记录，核对各次运行的签名树头。",
        discussion: """
            按账本（archive/ledger.jsonl）重新计算每个文件的 SHA-256 和 Merkle 树（RFC 6962/9162），\
            核对每次运行签名的树头（archive/tree-heads.jsonl）及前后一致性。
            --case 给出该案件每个文件的包含证明。退出状态：0 全部一致；1 发现问题或无法核验；64 命令行有误。
            """)

    @Option(name: .long, help: "流水线的输出文件夹。")
    var output: String

    @Option(name: .long, help: "办案系统导出文件夹（音像文件所在；默认用最近一次运行记录的位置）。")
    var input: String?

    @Option(name: .customLong("case"), help: "案件编号：打印该案件各文件的包含证明。")
    var caseID: String?

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        func absolute(_ path: String) -> URL { path.hasPrefix("/") ? URL(fileURLWithPath: path) : cwd.appendingPathComponent(path) }
        let root = absolute(output).standardizedFileURL
        if let caseID {
            try printProofs(root: root, caseID: caseID)
            return
        }
        if PipelineRunner.hasUnfinishedCommit(output: root) {
            // Half the output is swapped in and the ledger not yet extended: every
            // file would look tampered. The next run finishes the commit first.
            throw UserFacingError(message: "输出文件夹 \(root.path) 中有一次运行的提交尚未完成（可能被中断），"
                + "现在核验会把正在替换的文件误报为被篡改；请先再运行一次 sanxiang run，它会先完成这次提交，然后再核验。")
        }
        let report = try Verifier.verify(root: root, input: input.map(absolute))
        print("归档：\(report.heads) 个签名树头，\(report.leaves) 条记录；核对输出文件 \(report.filesChecked) 个、音像文件 \(report.mediaChecked) 个。")
        if !report.keyFingerprint.isEmpty { print("签名公钥指纹：\(report.keyFingerprint)（请与公布的指纹比对）") }
        for problem in report.problems { print("  ✗ " + problem.message) }
        if report.problems.isEmpty {
            print("核验通过：账本只追加、各树头签名有效且前后一致，所有登记的文件与记录相符。")
        } else {
            print("核验未通过：发现 \(report.problems.count) 处问题。")
            throw ExitCode(1)
        }
    }

    private func printProofs(root: URL, caseID: String) throws {
        let proofs = try Verifier.proofs(root: root, caseID: caseID)
        guard !proofs.isEmpty else { throw UserFacingError(message: "归档中没有案件 \(caseID) 的文件。") }
        for proof in proofs {
            print("\(proof.entry.path)（\(proof.entry.event == .removed ? "已登记删除" : "SHA-256 \(proof.entry.sha256)")）")
            print("  叶序号 \(proof.leafIndex)，叶哈希 \(proof.leafHash)")
            print("  树大小 \(proof.treeSize)，根哈希 \(proof.rootHash)")
            for (level, hash) in proof.auditPath.enumerated() { print("  审计路径[\(level)] \(hash)") }
            print(proof.verified ? "  ✓ 包含证明成立" : "  ✗ 包含证明不成立")
        }
        if proofs.contains(where: { !$0.verified }) { throw ExitCode(1) }
    }
}
