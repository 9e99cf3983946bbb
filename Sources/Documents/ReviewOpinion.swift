import CaseModel
import Typesetting

/// 重大执法决定法制审核意见书: the case, the ten review items as a table, the
/// conclusion and opinion, the reviewers and dates, and the recheck when there was one.
public enum ReviewOpinion {
    public static let kind = "法制审核意见书"

    public static func document(for review: Review, item: EnforcementCase, context: CaseContext) -> Document {
        let agency = context.agency
        let title = item.title.hasSuffix("案") ? item.title : item.title + "案"
        var blocks: [Block] = [
            .title([agency.name, "重大执法决定法制审核意见书"]),
            .documentNumber("审核编号：\(review.id)"),
            .keyValue(key: "案件名称：", value: title),
            .keyValue(key: "案件编号：", value: item.id),
            .keyValue(key: "当事人：", value: item.party.name),
            .keyValue(key: "执法类别：", value: item.actionType.rawValue + (item.procedure.map { "（\($0.rawValue)）" } ?? "")),
            .keyValue(key: "送审日期：", value: review.submittedOn.chinese),
            .paragraph("本机关法制审核机构对\(title)拟作出的重大执法决定进行了法制审核，逐项审核意见如下："),
            .table(itemsTable(review)),
            .keyValue(key: "审核结论：", value: review.conclusion.rawValue),
        ]
        if !review.opinion.isEmpty { blocks.append(.keyValue(key: "审核意见：", value: review.opinion)) }
        if let requested = review.recheckRequestedOn {
            blocks.append(.heading(.one, "复核情况"))
            blocks.append(.keyValue(key: "复核申请日期：", value: requested.chinese))
            blocks.append(.keyValue(key: "复核结论：", value: review.recheckConclusion.isEmpty ? "尚未复核" : review.recheckConclusion))
            if let answered = review.recheckedOn { blocks.append(.keyValue(key: "复核日期：", value: answered.chinese)) }
        }
        blocks.append(.keyValue(key: "审核人员：", value: review.reviewers.joined(separator: "、")))
        blocks.append(.keyValue(key: "审核日期：", value: review.reviewedOn.chinese))
        blocks.append(.signature(Signature(names: [agency.name], date: review.reviewedOn.chinese)))
        let metadata = Document.Metadata(title: "\(agency.name)重大执法决定法制审核意见书 \(review.id)", subject: title,
                                         author: agency.name, keywords: [kind, review.id, item.id],
                                         created: review.reviewedOn.iso)
        return Document(metadata: metadata, blocks: blocks)
    }

    /// The nine items of reviews.csv and 涉嫌犯罪移送, numbered, each with its finding.
    static func itemsTable(_ review: Review) -> Table {
        var rows = ReviewItem.allCases.enumerated().map { index, item in
            ["\(index + 1)", item.chineseName + "：" + question(item), review.items[item]?.rawValue ?? "未审核"]
        }
        rows.append(["\(rows.count + 1)", "涉嫌犯罪移送：是否涉嫌犯罪、需要移送司法机关", review.criminalReferral.rawValue])
        return Table(columns: [.init("序号", width: 1, alignment: .center), .init("审核事项", width: 6),
                               .init("审核结论", width: 1.8, alignment: .center)], rows: rows)
    }

    static func question(_ item: ReviewItem) -> String {
        switch item {
        case .subjectLawful: return "执法主体是否合法，是否具有管辖权"
        case .officerQualified: return "执法人员是否具备执法资格"
        case .factsClear: return "案件事实是否清楚"
        case .evidenceSufficient: return "证据是否合法、确凿、充分"
        case .lawCorrect: return "适用法律、法规、规章是否准确"
        case .discretionProper: return "裁量基准运用是否适当"
        case .procedureLawful: return "告知、陈述申辩、听证等程序是否合法"
        case .withinAuthority: return "是否超越法定权限"
        case .documentsComplete: return "执法文书是否完备、规范"
        }
    }
}
