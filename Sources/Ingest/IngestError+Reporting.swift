import ErrorReporting

extension IngestError: SanxiangError {}
