import CCurl

/// The loop thread's own state: the multi handle, the transfers running on it and a
/// pool of reset easy handles. Used by that thread only.
final class CurlLoopWorker {
    private let loop: CurlMultiLoop
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var pool: [UnsafeMutableRawPointer] = []
    private static let poolLimit = 64
    private static let idleWaitMs: Int32 = 5_000

    init(loop: CurlMultiLoop, multi: UnsafeMutableRawPointer) {
        self.loop = loop
        self.multi = multi
    }

    /// The loop: take commands, let curl work, finish transfers, enforce first-byte
    /// deadlines, wait for sockets, timers or a wake-up.
    func run() {
        while true {
            let (commands, closing) = loop.take()
            for command in commands {
                switch command {
                case .start(let transfer): start(transfer)
                case .cancel(let transfer): cancel(transfer)
                }
            }
            if closing, active.isEmpty {
                if loop.closeIfIdle() { break }
                continue
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            let waitMs = enforceFirstByteDeadlines()
            // The last transfer of a closing loop just ended: go round and close now.
            if closing, active.isEmpty { continue }
            _ = curl_multi_poll(multi, nil, 0, waitMs, nil)
        }
        for easy in pool { curl_easy_cleanup(easy) }
        pool.removeAll()
        curl_multi_cleanup(multi)
    }

    private func start(_ transfer: CurlTransfer) {
        if transfer.cancelRequested.load(ordering: .acquiring) {
            transfer.deliver(TransportError(.cancelled, "\(transfer.hop.context): cancelled"))
            return
        }
        guard let easy = pool.popLast() ?? curl_easy_init() else {
            transfer.deliver(TransportError(.other, "\(transfer.hop.context): cannot create a curl handle"))
            return
        }
        guard transfer.attach(easy, now: MonotonicTime.nanoseconds()),
            curl_multi_add_handle(multi, easy) == CURLM_OK
        else {
            transfer.deliver(TransportError(.other, "\(transfer.hop.context): libcurl refused the request options"))
            recycle(transfer.detach())
            return
        }
        active[easy] = transfer
    }

    private func cancel(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy, active[easy] === transfer else { return }
        end(transfer, easy: easy) { $0.deliver(TransportError(.cancelled, "\($0.hop.context): cancelled")) }
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard shim_curl_msg_is_done(message) != 0, let easy = message.pointee.easy_handle,
                let transfer = active[easy]
            else { continue }
            let code = shim_curl_msg_result(message)
            end(transfer, easy: easy) { $0.finish(code) }
        }
    }

    /// Fails transfers that got no byte in time; returns how long the loop may sleep.
    private func enforceFirstByteDeadlines() -> Int32 {
        guard !active.isEmpty else { return Self.idleWaitMs }
        let (expired, waitMs) = FirstByteWatch.check(active, now: MonotonicTime.nanoseconds())
        for (easy, transfer) in expired {
            end(transfer, easy: easy) { $0.deliver(FirstByteWatch.timeout($0)) }
        }
        return waitMs ?? 1_000
    }

    /// Removes the transfer from curl, lets `outcome` resume its task, and recycles the handle.
    private func end(_ transfer: CurlTransfer, easy: UnsafeMutableRawPointer, _ outcome: (CurlTransfer) -> Void) {
        _ = curl_multi_remove_handle(multi, easy)
        active.removeValue(forKey: easy)
        outcome(transfer)
        recycle(transfer.detach())
    }

    private func recycle(_ easy: UnsafeMutableRawPointer?) {
        guard let easy else { return }
        if pool.count < Self.poolLimit {
            curl_easy_reset(easy)
            pool.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }
}
