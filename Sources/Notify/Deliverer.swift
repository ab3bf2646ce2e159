import Foundation
import Model

/// Delivers one stored event to one notifier channel (blocking: call it off the DNS and monitor threads).
public enum Deliverer {
    public static let timeout = Duration.seconds(10)

    /// Nil when delivered, else what went wrong (for the outbox and `switchyard events`; never a secret).
    public static func deliver(kind: String, eventID: String, body: Data, channel: String, to notifier: Notifier,
                               now: Date = Date()) -> String? {
        switch channel {
        case "webhook":
            guard let webhook = notifier.webhook else { return "the notifier has no webhook now" }
            let secret = webhook.secret.flatMap { Secrets.read($0) }
            if webhook.secret != nil && secret == nil { return "the webhook secret (\(webhook.secret!)) cannot be read" }
            let headers = WebhookRequest.headers(kind: kind, deliveryID: eventID, body: body, timestamp: Int(now.timeIntervalSince1970),
                                                 secret: secret, custom: webhook.headers)
            return CurlDelivery.post(url: webhook.url, body: body, headers: headers, caFile: webhook.caFile, timeout: timeout)
        case "email":
            guard let email = notifier.email else { return "the notifier has no email now" }
            guard let event = try? JSONDecoder().decode(EventBody.self, from: body) else { return "the stored event cannot be read" }
            let username = email.username.flatMap { Secrets.read($0) }
            let password = email.password.flatMap { Secrets.read($0) }
            if email.password != nil && password == nil { return "the SMTP password (\(email.password!)) cannot be read" }
            return CurlDelivery.sendMail(url: email.url, startTLS: email.startTLS.rawValue, from: email.from, to: email.to,
                                         username: username, password: password, caFile: email.caFile,
                                         message: EmailMessage.message(event, from: email.from, to: email.to, date: now),
                                         timeout: timeout)
        default:
            return "unknown channel \(channel)"
        }
    }
}
