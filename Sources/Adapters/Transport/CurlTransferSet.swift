import CCurl
import Platform

/// The transfers running on one curl multi handle, and a pool of reset easy handles: what the
/// transport's loop thread (``CurlLoopWorker``) and an event loop's driver (``CurlLoopDriver``)
/// share. Used by the one thread that drives the multi handle.
final class CurlTransferSet {
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var pool: [UnsafeMutableRawPointer] = []
    private static let poolLimit = 64

    /// A set over `multi` (which the caller keeps and frees, after ``freePool()``).
    init(multi: UnsafeMutableRawPointer) { self.multi = multi }

    /// Whether no transfer is running.
    var isEmpty: Bool { active.isEmpty }

    /// Easy handles kept for the next transfers.
    var idleHandles: Int { pool.count }

    /// Adds `transfer` to the multi handle, or ends it at once (cancelled before it started,
    /// or libcurl refused it). Returns whether it runs.
    @discardableResult
    func start(_ transfer: CurlTransfer) -> Bool {
        if transfer.cancelRequested.load(ordering: .acquiring) {
            transfer.deliver(TransportError(.cancelled, "\(transfer.hop.context): cancelled"))
            return false
        }
        guard let easy = pool.popLast() ?? curl_easy_init() else {
            transfer.deliver(TransportError(.other, "\(transfer.hop.context): cannot create a curl handle"))
            return false
        }
        guard transfer.attach(easy, now: MonotonicTime.nanoseconds()), curl_multi_add_handle(multi, easy) == CURLM_OK
        else {
            transfer.deliver(TransportError(.other, "\(transfer.hop.context): libcurl refused the request options"))
            recycle(transfer.detach())
            return false
        }
        active[easy] = transfer
        return true
    }

    /// Stops `transfer` with ``TransportError/Code/cancelled`` if it is running here.
    func cancel(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy, active[easy] === transfer else { return }
        end(transfer, easy: easy) { $0.deliver(TransportError(.cancelled, "\($0.hop.context): cancelled")) }
    }

    /// Ends every transfer libcurl reports done.
    func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard shim_curl_msg_is_done(message) != 0, let easy = message.pointee.easy_handle,
                let transfer = active[easy]
            else { continue }
            let code = shim_curl_msg_result(message)
            end(transfer, easy: easy) { $0.finish(code) }
        }
    }

    /// Fails the transfers that got no byte before their first-byte deadline, or fell silent
    /// for longer than their ``CurlHop/idleMs`` once begun; returns the milliseconds until the
    /// next deadline (at most 1,000; nil when none is waiting for a byte).
    func expireFirstBytes() -> Int32? {
        guard !active.isEmpty else { return nil }
        let now = MonotonicTime.nanoseconds()
        var earliest = UInt64.max
        var expired: [(UnsafeMutableRawPointer, CurlTransfer)] = []
        for (easy, transfer) in active {
            let deadline = transfer.sawFirstByte ? transfer.silenceDeadline : transfer.firstByteDeadline
            if deadline <= now {
                expired.append((easy, transfer))
            } else {
                earliest = min(earliest, deadline)
            }
        }
        for (easy, transfer) in expired {
            end(transfer, easy: easy) {
                $0.deliver(
                    $0.sawFirstByte
                        ? TransportError(
                            .idleTimeout,
                            "\($0.hop.context): nothing more within \($0.hop.idleMs ?? 0) ms (the answer fell silent)")
                        : TransportError(
                            .firstByteTimeout, "\($0.hop.context): no response within \($0.hop.firstByteMs) ms"))
            }
        }
        guard earliest != .max else { return nil }
        return Int32(min(1_000, (earliest - now + 999_999) / 1_000_000))
    }

    /// Ends every running transfer with `error` (the loop is stopping).
    func endAll(_ error: (CurlTransfer) -> TransportError) {
        for (easy, transfer) in Array(active) {
            end(transfer, easy: easy) { $0.deliver(error($0)) }
        }
    }

    /// Frees the pooled easy handles (before the multi handle is freed).
    func freePool() {
        for easy in pool { curl_easy_cleanup(easy) }
        pool.removeAll()
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
