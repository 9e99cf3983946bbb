/// One item on a 查封/扣押/没收/先行登记保存 清单 (items.csv, contract v2).
public struct SeizedItem: Hashable, Codable, Sendable {
    public var caseID: String
    public var purpose: ItemPurpose
    /// 序号 within the case and purpose (one 清单 per purpose).
    public var seq: Int
    public var name: String
    public var spec: String
    public var quantity: Quantity
    public var unit: String
    /// Serial, batch or seal numbers; may hold a vehicle plate (personal data: never publish).
    public var features: String
    public var storage: String
    public var extra: [String: String]
    public var source: SourceRef

    public init(caseID: String, purpose: ItemPurpose, seq: Int, name: String, spec: String, quantity: Quantity,
                unit: String, features: String, storage: String, extra: [String: String] = [:], source: SourceRef) {
        self.caseID = caseID
        self.purpose = purpose
        self.seq = seq
        self.name = name
        self.spec = spec
        self.quantity = quantity
        self.unit = unit
        self.features = features
        self.storage = storage
        self.extra = extra
        self.source = source
    }
}
