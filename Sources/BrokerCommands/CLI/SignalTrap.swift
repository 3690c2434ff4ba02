import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Turns SIGINT/SIGTERM into a callback (so a command can stop cleanly between steps)
/// instead of killing the process mid-write.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "broker.signals")
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Restores the default handling.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
