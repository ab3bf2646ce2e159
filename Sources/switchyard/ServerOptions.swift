import AdminAPI
import ArgumentParser
import Foundation

/// `--server`, `--token-file` and `--data-dir`: where the admin API is and how to authenticate.
struct ServerOptions: ParsableArguments {
    @Option(help: "The controller's admin API.")
    var server: String = "http://127.0.0.1:8053"

    @Option(name: .customLong("token-file"), help: "A file holding the admin token (default: SWITCHYARD_TOKEN, else <data-dir>/admin.token).")
    var tokenFile: String?

    @Option(name: .customLong("data-dir"), help: "The controller's data directory, where it writes admin.token.")
    var dataDirectory: String = ".switchyard"

    @Option(name: .customLong("ca-file"), help: "A PEM file of CA certificates to verify an https --server against (a fleet's private CA).")
    var caFile: String?

    var connection: AdminConnection {
        AdminConnection(server: server, token: AdminTokenFile.find(environment: ProcessInfo.processInfo.environment,
                                                                  tokenFile: tokenFile, dataDirectory: dataDirectory),
                        caFile: caFile)
    }
}

/// Writes `message` and a newline to standard error: errors and diagnostics go there, results to
/// standard output.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
