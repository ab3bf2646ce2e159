import Foundation
import Logging
import Model

/// Health changes and failover events as structured log lines (key=value metadata), until the notifier
/// and the store take them.
extension HealthChange {
    var logMetadata: Logger.Metadata {
        [
            "monitor": "\(endpoint.monitor)",
            "endpoint": "\(endpoint.value)",
            "from": "\(from.rawValue)",
            "to": "\(to.rawValue)",
            "cause": "\(causes.last.map(\.description) ?? "")",
            "time": "\(time.iso8601)",
        ]
    }
}

extension FailoverEvent {
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "id": "\(id)",
            "kind": "\(kind.rawValue)",
            "policy": "\(policy)",
            "zone": "\(zone)",
            "owner": "\(owner)",
            "type": "\(type.rawValue)",
            "before": "\(before)",
            "after": "\(after)",
            "causes": "\(causes.map { "\($0.endpoint.monitor)/\($0.endpoint.value) \($0.from.rawValue)→\($0.to.rawValue): \($0.causes.last.map(\.description) ?? "")" }.joined(separator: "; "))",
            "time": "\(time.iso8601)",
        ]
        if let region { metadata["region"] = "\(region)" }
        return metadata
    }
}

extension Timestamp {
    init(date: Date) {
        self.init(millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// `2026-11-21T11:22:53.123Z`.
    var iso8601: String {
        Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
