import CCurl

/// The loop thread's own state: the multi handle and the transfers running on it. Used by
/// that thread only.
final class CurlLoopWorker {
    private let loop: CurlMultiLoop
    private let multi: UnsafeMutableRawPointer
    private let transfers: CurlTransferSet
    private static let idleWaitMs: Int32 = 5_000

    init(loop: CurlMultiLoop, multi: UnsafeMutableRawPointer) {
        self.loop = loop
        self.multi = multi
        transfers = CurlTransferSet(multi: multi)
    }

    /// The loop: take commands, let curl work, finish transfers, enforce first-byte
    /// deadlines, wait for sockets, timers or a wake-up.
    func run() {
        while true {
            let (commands, closing) = loop.take()
            for command in commands {
                switch command {
                case .start(let transfer): transfers.start(transfer)
                case .cancel(let transfer): transfers.cancel(transfer)
                }
            }
            if closing, transfers.isEmpty {
                if loop.closeIfIdle() { break }
                continue
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            transfers.collectFinished()
            let waitMs = transfers.isEmpty ? Self.idleWaitMs : transfers.expireFirstBytes() ?? 1_000
            // The last transfer of a closing loop just ended: go round and close now.
            if closing, transfers.isEmpty { continue }
            _ = curl_multi_poll(multi, nil, 0, waitMs, nil)
        }
        transfers.freePool()
        curl_multi_cleanup(multi)
    }
}
