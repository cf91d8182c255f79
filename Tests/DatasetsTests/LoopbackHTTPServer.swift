#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// A one-file HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for download tests.
/// It answers every request with `body` (or with `status` and no body), then closes the connection.
final class LoopbackHTTPServer: @unchecked Sendable {
    // @unchecked: `body` and `status` are set before `start` and only read by the server thread.
    let port: UInt16
    private let listener: Int32
    private let body: [UInt8]
    private let status: Int
    /// Send only this many bytes of the body while announcing all of it (a dropped connection).
    private let truncateAt: Int?

    init(body: [UInt8], status: Int = 200, truncateAt: Int? = nil) throws {
        self.body = body
        self.status = status
        self.truncateAt = truncateAt
        (listener, port) = try listenOnLoopback(backlog: 4)
        Thread { [self] in serve() }.start()
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/cifar-10-binary.tar.gz")! }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }   // closed by stop()
            var request = [UInt8](repeating: 0, count: 4096)
            _ = read(connection, &request, request.count)
            let reason = status == 200 ? "OK" : "Not Found"
            let payload = status == 200 ? body : []
            var response = Array("HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n".utf8)
            response += payload.prefix(truncateAt ?? payload.count)
            var sent = 0
            while sent < response.count {
                let result = response[sent...].withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                if result <= 0 { break }
                sent += result
            }
            close(connection)
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
