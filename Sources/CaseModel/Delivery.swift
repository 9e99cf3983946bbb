/// The service (送达) of one document to one recipient: one 送达回证
/// (deliveries.csv, contract v2). Internal: never published.
public struct Delivery: Hashable, Codable, Sendable {
    public var caseID: String
    /// 文书种类 as the export names it, e.g. 行政处罚决定书, 听证通知书, 催告书.
    public var document: String
    /// 文书编号 of the served document (half-width digits).
    public var docNo: String
    public var method: DeliveryMethod
    /// When service took effect, to the minute.
    public var servedAt: CivilDateTime
    /// 受送达人 (personal data when a natural person).
    public var recipient: String
    /// 代收人 and 与受送达人关系, when someone signed instead of the recipient.
    public var receiver: String
    public var relation: String
    /// 见证人: required for 留置.
    public var witnesses: [String]
    public var place: String
    /// Cert numbers of the officers who served it.
    public var servers: [String]
    public var note: String
    public var extra: [String: String]
    public var source: SourceRef

    public init(caseID: String, document: String, docNo: String, method: DeliveryMethod, servedAt: CivilDateTime,
                recipient: String, receiver: String, relation: String, witnesses: [String], place: String,
                servers: [String], note: String, extra: [String: String] = [:], source: SourceRef) {
        self.caseID = caseID
        self.document = document
        self.docNo = docNo
        self.method = method
        self.servedAt = servedAt
        self.recipient = recipient
        self.receiver = receiver
        self.relation = relation
        self.witnesses = witnesses
        self.place = place
        self.servers = servers
        self.note = note
        self.extra = extra
        self.source = source
    }
}
