/// Kinds of personal or secret data the redaction removes, as the 法制科's report names them.
public enum RedactedKind: String, CaseIterable, Codable, Sendable {
    case idNumber = "身份证号码"
    case phone = "电话号码"
    case bankAccount = "银行卡号或账号"
    case email = "电子邮箱"
    case plate = "车牌号码"
    case travelDocument = "护照或通行证号码"
    case messagingID = "QQ号或微信号"
    case address = "详细地址"
    case personName = "个人姓名"
    case tradeSecret = "商业秘密"
    case vehicleNumber = "车架号或发动机号"
    case ipAddress = "IP地址"
    case identifier = "其他编号"
    case sensitive = "敏感个人信息"
    case minor = "未成年人信息"
}

/// One stretch of text the redaction removes or replaces, in Unicode-scalar offsets.
struct Finding {
    var range: Range<Int>
    var kind: RedactedKind
    /// Replacement text (张某 for a name); nil removes the stretch and leaves the
    /// readable marker, unless `silent` (an address cut back to its county).
    var replacement: String?
    var silent = false
}
