import ProviderInterface

/// One operation against a plugin process: start it, send the request line, read events and
/// the answer, and turn every way a plugin can fail (cannot start, crashes, hangs, writes
/// garbage) into a ``ProviderError`` that ends with the tail of its stderr. Blocking: run
/// on a thread of its own (`PlatformThread`).
struct ExecPluginCall: Sendable {
    /// How to start the plugin, with the request line as its input.
    var invocation: PluginInvocation
    /// The request id.
    var id: Int
    /// The registry key.
    var provider: String
    /// Removes the credential from everything shown.
    var redactor: Redactor

    /// Bytes of stderr quoted in errors.
    static let stderrQuoted = 500

    /// Runs the operation. `onEvent` gets each streamed event in order; `onDone` is called
    /// exactly once — as soon as the answer is read (before the process is reaped), or with
    /// the error.
    func perform(
        cancellation: PluginCancellation, onEvent: (JSONValue) -> Void,
        onDone: (Result<JSONValue, ProviderError>) -> Void
    ) {
        var answered = false
        var protocolError: ProviderError?
        let run = PluginProcess.run(invocation, cancellation: cancellation) { line in
            do throws(ProviderError) {
                switch try ExecPluginProtocol.decode(line, id: id, provider: provider, redactor: redactor) {
                case .event(let event):
                    onEvent(event)
                    return .more
                case .result(let result):
                    answered = true
                    onDone(.success(result))
                    return .finish
                case .failure(let error):
                    answered = true
                    onDone(.failure(error))
                    return .finish
                }
            } catch {
                protocolError = error
                return .abort
            }
        }
        guard !answered else { return }
        switch run {
        case .failure(let spawn):
            onDone(.failure(ProviderError(.providerError, provider: provider, message: "plugin \(spawn.message)")))
        case .success(let exit):
            onDone(.failure(error(for: exit, protocolError: protocolError)))
        }
    }

    /// The error for a run that ended without an answer.
    func error(for exit: PluginExit, protocolError: ProviderError?) -> ProviderError {
        let seconds = DecimalText.format(Int64(invocation.timeoutMs), fractionDigits: 3)
        var error: ProviderError
        if var protocolError {
            protocolError.message = "plugin \(invocation.executable): " + protocolError.message
            error = protocolError
        } else {
            switch exit.reason {
            case .timedOut:
                error = ProviderError(
                    .timeout, provider: provider,
                    message: "plugin \(invocation.executable) gave no answer within \(seconds) s and was stopped")
            case .fellSilent:
                let silence = DecimalText.format(Int64(invocation.silenceMs ?? 0), fractionDigits: 3)
                error = ProviderError(
                    .timeout, provider: provider,
                    message: "plugin \(invocation.executable) fell silent for \(silence) s and was stopped")
            case .cancelled:
                error = ProviderError(.transport, provider: provider, message: "plugin run cancelled")
            case .lineTooLong:
                error = ProviderError(
                    .tooLarge, provider: provider,
                    message: "plugin \(invocation.executable) wrote a line longer than \(invocation.maxLineBytes) bytes"
                )
            case .exited(0), .stopped:
                error = ProviderError(
                    .malformedResponse, provider: provider,
                    message: "plugin \(invocation.executable) exited without answering")
            case .exited(let status):
                error = ProviderError(
                    .providerError, provider: provider,
                    message: "plugin \(invocation.executable) exited with status \(status) without answering")
            case .signaled(let signal):
                error = ProviderError(
                    .providerError, provider: provider,
                    message: "plugin \(invocation.executable) was killed by signal \(signal)\(Self.signalName(signal))")
            }
        }
        let tail = stderrText(exit.stderrTail)
        error.message += tail.isEmpty ? " (stderr empty)" : "; stderr: \(tail)"
        return error
    }

    /// The last ``stderrQuoted`` bytes of stderr as one line, redacted.
    func stderrText(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.suffix(Self.stderrQuoted), as: UTF8.self)
        var line = ""
        for scalar in redactor.redact(text).unicodeScalars {
            line.unicodeScalars.append(scalar == "\n" || scalar == "\r" ? " " : scalar)
        }
        while line.hasSuffix(" ") { line.removeLast() }
        while line.hasPrefix(" ") { line.removeFirst() }
        return line
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM", 13: "SIGPIPE", 7: "SIGBUS", 8: "SIGFPE",
        ]
        return names[signal].map { " (\($0))" } ?? ""
    }
}
