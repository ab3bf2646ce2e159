import Crypto
import Foundation
import Model

/// The headers of a webhook delivery. The signature is HMAC-SHA256 of `timestamp.body` with the
/// notifier's secret, hex, as `sha256=…`: a receiver recomputes it, and rejects old timestamps as replays.
public enum WebhookRequest {
    public static func headers(kind: String, deliveryID: String, body: Data, timestamp: Int, secret: String?,
                               custom: [Notifier.Header]) -> [(name: String, value: String)] {
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "switchyard-notifier"),
            ("X-Switchyard-Event", kind),
            ("X-Switchyard-Delivery", deliveryID),
            ("X-Switchyard-Timestamp", String(timestamp)),
        ]
        if let secret {
            headers.append(("X-Switchyard-Signature", "sha256=" + signature(body: body, timestamp: timestamp, secret: secret)))
        }
        return headers + custom.map { ($0.name, $0.value) }
    }

    public static func signature(body: Data, timestamp: Int, secret: String) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
