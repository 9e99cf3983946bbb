import CaseModel
import WorkingDays

/// A statutory time limit a case did not keep, with the dates the 法制科 checks it by.
public struct TimeLimitFinding: Codable, Equatable, Sendable {
    public var caseID: String
    public var agencyCode: String
    public var docNo: String
    /// The day the period runs from: 立案日期, 决定日期, or the day the 听证通知 was served.
    public var from: String
    /// The last lawful day; for a hearing notice the earliest lawful hearing day.
    public var deadline: String
    /// 决定日期, 送达日期 or 听证日期; nil for a decision not yet served.
    public var done: String?
    /// How far off, in `unit`: past the limit (to the report date when not yet served), or for
    /// a hearing notice the working days it fell short of seven.
    public var days: Int
    /// 自然日 or 工作日.
    public var unit: String
    public var note: String

    enum CodingKeys: String, CodingKey { case caseID = "case_id", agencyCode = "agency_code", docNo = "doc_no", from, deadline, done, days, unit, note }
}

/// The procedural time limits of 行政处罚法 that contract v2's dates let the supervision report check.
/// 第八十五条: its 日 of up to 七日 are working days; the 90 days of 第六十条 are calendar days.
enum TimeLimits {
    static let decisionDays = 90
    static let serviceWorkingDays = 7
    static let hearingNoticeWorkingDays = 7
    static let calendarDays = "自然日", workingDays = "工作日"

    /// The penalty cases at `order` (case-number order, `Supervisor.report`), checked on every core; the findings are
    /// listed in that order.
    static func check(_ input: SupervisionInput, order: [Int], into report: inout SupervisionReport) throws {
        let penalties = order.filter { input.cases[$0].actionType == .penalty }
        let found = concurrentMap(penalties, chunkSize: 512) { position in
            Result { () throws -> (TimeLimitFinding?, TimeLimitFinding?, TimeLimitFinding?) in
                let item = input.cases[position]
                let details = input.details[item.id] ?? CaseDetails(caseID: item.id)
                return (try decisionOverrun(item, details, input.calendar), try lateService(item, details, input),
                        try lateHearingNotice(item, details, input.calendar))
            }
        }
        for result in found {
            let (overrun, service, hearing) = try result.get()
            if let overrun { report.decisionTimeLimitOverruns.append(overrun) }
            if let service { report.lateServices.append(service) }
            if let hearing { report.lateHearingNotices.append(hearing) }
        }
    }

    /// 第六十条: a 普通程序 decision within 90 days of 立案. The period starts the day after 立案 and,
    /// ending on a rest day, ends on the next working day (民法典 第二百零一条、第二百零三条). Extensions
    /// are not in the export: an overrun is listed with whether 办案经过 mentions one.
    static func decisionOverrun(_ item: EnforcementCase, _ details: CaseDetails, _ calendar: WorkingCalendar) throws -> TimeLimitFinding? {
        guard item.procedure == .ordinary, let filed = details.procedure.filedOn else { return nil }
        var deadline = filed.adding(days: decisionDays)
        // The calendar is consulted only past day 90, so an undated future year never stops the check.
        guard item.decisionDate > deadline else { return nil }
        while try !calendar.isWorkingDay(deadline) { deadline = deadline.adding(days: 1) }
        guard item.decisionDate > deadline else { return nil }
        let extended = ["办案期限延长", "延长办案期限", "办理期限延长", "延长办理期限"].contains(where: details.procedure.narrative.contains)
        return TimeLimitFinding(caseID: item.id, agencyCode: item.agencyCode, docNo: item.docNo, from: filed.iso, deadline: deadline.iso,
                                done: item.decisionDate.iso, days: item.decisionDate.dayNumber - deadline.dayNumber, unit: calendarDays,
                                note: extended ? "办案经过中提到延长办案期限，请核对批准手续和依据" : "办案经过中未提到延长办案期限")
    }

    /// 第六十一条: a decision not handed over on the spot is served within 7 (working) days. The service
    /// is the decision's first row in deliveries.csv, else the case's 送达日期 (a v1 export).
    static func lateService(_ item: EnforcementCase, _ details: CaseDetails, _ input: SupervisionInput) throws -> TimeLimitFinding? {
        let deadline = try input.calendar.date(workingDays: serviceWorkingDays, after: item.decisionDate)
        let delivery = item.docNo.isEmpty ? nil : details.deliveries(ofDocument: item.docNo).min { $0.servedAt < $1.servedAt }
        let served = delivery?.servedAt.date ?? item.servedDate
        let upTo = served ?? input.asOf
        guard upTo > deadline else { return nil }
        let note: String
        switch delivery?.method {
        case .announcement?: note = "公告送达（送达日期为公告期满视为送达之日，请核对公告日期和公告前的送达经过）"
        case let method?: note = "送达方式：\(method.rawValue)"
        case nil: note = served == nil ? "截至数据基准日没有该决定书的送达记录" : "送达日期取自案件数据（无送达回证记录）"
        }
        return TimeLimitFinding(caseID: item.id, agencyCode: item.agencyCode, docNo: item.docNo, from: item.decisionDate.iso,
                                deadline: deadline.iso, done: served?.iso,
                                days: try input.calendar.workingDays(after: deadline, through: upTo), unit: workingDays, note: note)
    }

    /// 第六十四条第二项: the 听证通知 reaches the party at least 7 (working) days before the hearing.
    static func lateHearingNotice(_ item: EnforcementCase, _ details: CaseDetails, _ calendar: WorkingCalendar) throws -> TimeLimitFinding? {
        guard let hearing = details.procedure.hearingOn,
              let notified = details.procedure.hearingNotifiedOn
                ?? details.deliveries.filter({ $0.document == "听证通知书" }).map(\.servedAt.date).min() else { return nil }
        let gap = try calendar.workingDays(after: notified, through: hearing)
        guard gap < hearingNoticeWorkingDays else { return nil }
        let earliest = try calendar.date(workingDays: hearingNoticeWorkingDays, after: notified)
        return TimeLimitFinding(caseID: item.id, agencyCode: item.agencyCode, docNo: item.docNo, from: notified.iso, deadline: earliest.iso,
                                done: hearing.iso, days: hearingNoticeWorkingDays - gap, unit: workingDays,
                                note: "听证通知送达后\(gap)个工作日即举行听证（应不少于7个工作日）")
    }
}
