import CaseModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Times redaction and the publication gate together, on one thread, as the portal
/// stage will run them per case: redact the case, then check every public text of
/// the result (its JSON form, which carries every field the portal prints) against
/// the export's index. For `make bench-redact`; never from a unit test's assertions.
public enum RedactionBench {
    public struct Figures: Codable, Sendable {
        public var cases: Int
        public var published: Int
        /// Building the export's personal-value index (once per run).
        public var indexSeconds: Double
        public var indexedValues: Int
        /// Redaction and gate over all cases, wall clock.
        public var seconds: Double
        public var casesPerSecond: Double
        /// The same on this thread's CPU clock: on a shared machine the wall clock also counts other processes.
        public var cpuSeconds: Double
        public var casesPerCPUSecond: Double
        public var publicBytes: Int
        public var gateHits: Int
        /// Loading the word and name model (once per process).
        public var lexiconSeconds: Double

        enum CodingKeys: String, CodingKey {
            case cases, published, indexSeconds = "index_seconds", indexedValues = "indexed_values", seconds,
                 casesPerSecond = "cases_per_second", cpuSeconds = "cpu_seconds", casesPerCPUSecond = "cases_per_cpu_second", publicBytes = "public_bytes", gateHits = "gate_hits", lexiconSeconds = "lexicon_seconds"
        }

        /// One line for a terminal.
        public var summary: String {
            String(format: "技术处理与公开前核查：%d 件（公开 %d 件），%.3f 秒，%.0f 件/秒（单线程；按本线程 CPU 时间 %.3f 秒，%.0f 件/秒）；个人信息索引 %d 项，建立 %.3f 秒；词典加载 %.3f 秒；核查 %d 字节，命中 %d 处",
                   cases, published, seconds, casesPerSecond, cpuSeconds, casesPerCPUSecond, indexedValues, indexSeconds, lexiconSeconds, publicBytes, gateHits)
        }
    }

    public static func run(cases: [EnforcementCase], agencies: [String: Agency] = [:], officers: [Officer] = [],
                           policy: FieldPolicy = .defaults, shapes: PublicShapes = .defaults) throws -> Figures {
        let lexiconStart = Date()
        let lexicon = try Lexicon.standard.get()
        let lexiconSeconds = Date().timeIntervalSince(lexiconStart)
        let indexStart = Date()
        let index = PersonalValueIndex.export(cases: cases, officers: officers, lexicon: lexicon)
        let indexSeconds = Date().timeIntervalSince(indexStart)
        let redaction = CaseRedaction(policy: policy, privateNames: CaseRedaction.minors(in: cases), shapes: shapes, index: index,
                                      lexicon: .success(lexicon))
        let officersByCert = Dictionary(officers.map { ($0.certNo, $0) }, uniquingKeysWith: { first, _ in first })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var published = 0, bytes = 0, hits = 0
        let start = Date()
        let cpuStart = threadCPUSeconds()
        for item in cases {
            let result = redaction.redact(item, agency: agencies[item.agencyCode], officers: officersByCert)
            guard let publicCase = result.publicCase else { continue }
            published += 1
            let data = try encoder.encode(publicCase)
            bytes += data.count
            hits += index.hits(inUTF8: data).count
        }
        let seconds = Date().timeIntervalSince(start)
        let cpuSeconds = threadCPUSeconds() - cpuStart
        return Figures(cases: cases.count, published: published, indexSeconds: indexSeconds, indexedValues: index.count, seconds: seconds,
                       casesPerSecond: seconds > 0 ? Double(cases.count) / seconds : 0, cpuSeconds: cpuSeconds,
                       casesPerCPUSecond: cpuSeconds > 0 ? Double(cases.count) / cpuSeconds : 0, publicBytes: bytes, gateHits: hits,
                       lexiconSeconds: lexiconSeconds)
    }

    private static func threadCPUSeconds() -> Double {
        var spec = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec) == 0 else { return 0 }
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
