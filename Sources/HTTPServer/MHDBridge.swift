import CMicroHTTPD
import Platform

/// The C callbacks handed to libmicrohttpd.
///
/// They are static members of a non-isolated type on purpose: a closure written in an
/// isolated context (`main.swift`, `@MainActor`) would be inferred isolated, and the runtime's
/// isolation check traps when a libmicrohttpd thread calls it (see C_INTEROP_NOTES.md).
enum MHDBridge {
    /// Starts a daemon serving `core` on `address`.
    static func startDaemon(
        flags: UInt32, address: UnsafePointer<sockaddr>, core: ServerCore, configuration: HTTPServerConfiguration
    ) -> OpaquePointer? {
        let cls = Unmanaged.passUnretained(core).toOpaque()
        let poolSize: Int
        var connectionLimit = max(0, configuration.connectionLimit)
        switch configuration.threadModel {
        case .threadPerConnection: poolSize = 0
        case .pool(let threads): poolSize = threads
        case .eventLoops(let loops):
            poolSize = 0
            // One daemon per loop, connections balanced among them: each takes its share of the limit.
            if connectionLimit > 0 { connectionLimit = (connectionLimit + max(1, loops) - 1) / max(1, loops) }
        }
        let tls = core.tlsKey != nil && core.tlsCertificate != nil
        return shim_MHD_start_daemon(
            tls ? flags | MHD_USE_TLS.rawValue : flags, address,
            { cls, connection, url, method, version, uploadData, uploadSize, conCls in
                MHDBridge.access(cls, connection, method, version, uploadData, uploadSize, conCls)
            },
            cls,
            { cls, connection, conCls, code in MHDBridge.completed(cls, connection, conCls, code) },
            { cls, connection, socketContext, code in MHDBridge.notify(cls, socketContext, code) },
            { _, uri, _ in MHDBridge.uriLog(uri) },
            UInt32(clamping: max(0, configuration.idleTimeoutSeconds)),
            UInt32(clamping: connectionLimit),
            UInt32(clamping: max(0, poolSize)),
            max(0, configuration.connectionMemoryBytes), core.tlsKey, core.tlsCertificate)
    }

    /// Records the raw request target; the returned state becomes the request's `*con_cls`.
    static func uriLog(_ uri: UnsafePointer<CChar>?) -> UnsafeMutableRawPointer? {
        let target = uri.map { String(cString: $0) } ?? "/"
        return Unmanaged.passRetained(RequestState(target: target)).toOpaque()
    }

    /// Releases the request state when libmicrohttpd is done with a request (answered or not),
    /// then, after a response sent in full, runs the configuration's idle-wait hook.
    static func completed(
        _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
        _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ code: MHD_RequestTerminationCode
    ) {
        guard let conCls, let raw = conCls.pointee else { return }
        Unmanaged<RequestState>.fromOpaque(raw).release()
        conCls.pointee = nil
        guard code == .REQUEST_TERMINATED_COMPLETED_OK, let cls, let connection else { return }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        guard let hook = core.beforeIdleWait, !core.stopSignal.isFired else { return }
        hook(shim_MHD_connection_fd(connection))
    }

    /// Numbers each new connection; the number lives in the socket context (no allocation). On
    /// event loops, also counts the loop's connections (what its listener balances on).
    static func notify(
        _ cls: UnsafeMutableRawPointer?, _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
        _ code: MHD_ConnectionNotificationCode
    ) {
        if let daemon = LoopDaemon.current {
            if code == .CONNECTION_NOTIFY_STARTED { daemon.connectionOpened() } else { daemon.connectionClosed() }
        }
        guard code == .CONNECTION_NOTIFY_STARTED, let cls, let socketContext else { return }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        socketContext.pointee = UnsafeMutableRawPointer(bitPattern: core.nextConnectionID())
    }

    /// The access handler: called once with the headers, once per piece of upload body, and a
    /// last time with no data, when the request is answered.
    static func access(
        _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ method: UnsafePointer<CChar>?,
        _ version: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?, _ uploadSize: UnsafeMutablePointer<Int>?,
        _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> MHD_Result {
        guard let cls, let connection, let conCls, let uploadSize, let raw = conCls.pointee else { return .NO }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()

        if !state.headersSeen {
            state.headersSeen = true
            if let length = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length"),
                let declared = Int(String(cString: length)), declared > core.maxRequestBodyBytes
            {
                return queue(tooLarge(core), on: connection, core: core)
            }
            return .YES
        }
        if uploadSize.pointee > 0 {
            let count = uploadSize.pointee
            if !state.bodyTooLarge, let uploadData {
                if state.body.count + count > core.maxRequestBodyBytes {
                    state.bodyTooLarge = true
                    state.body = []
                } else {
                    state.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: count))
                }
            }
            uploadSize.pointee = 0
            return .YES
        }
        if state.bodyTooLarge { return queue(tooLarge(core), on: connection, core: core) }
        // Event loops: the handler's task has answered and the connection was resumed.
        if let answer = state.answer {
            state.answer = nil
            let pump = state.answerPump.take()
            let task = state.task.take()
            return queue(answer, on: connection, core: core, pumped: pump.map { ($0, task, nil) })
        }
        if state.waitingForHandler { return .YES }

        _ = MHD_get_connection_values(
            connection, .HEADER_KIND,
            { cls, _, key, value in
                guard let cls, let key else { return .YES }
                let state = Unmanaged<RequestState>.fromOpaque(cls).takeUnretainedValue()
                state.headers.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
                return .YES
            }, raw)
        // Blocking models: the handler blocks this thread, and the watch looks at its client meanwhile.
        let hangUp = core.hangUps.map { _ in ClientHangUp() }
        let request = ServerRequest(
            method: method.map { String(cString: $0) } ?? "GET", target: state.target,
            version: version.map { String(cString: $0) } ?? "HTTP/1.1", headers: state.headers, body: state.body,
            connectionID: Int(bitPattern: shim_MHD_connection_socket_context(connection)),
            stopSignal: core.stopSignal, hangUp: hangUp)
        state.body = []
        state.headers = []
        switch core.handler {
        case .async(let handler):
            if let daemon = LoopDaemon.current {
                daemon.start(request, state: state, connection: connection, handler: handler)
                return .YES
            }
            return runTask(handler, for: request, hangUp: hangUp, on: connection, core: core)
        case .blocking(let handler):
            guard let hangUps = core.hangUps, let hangUp else {
                return queue(handler(request), on: connection, core: core)
            }
            let token = hangUps.watch(socket: shim_MHD_connection_fd(connection), hangUp: hangUp)
            let response = handler(request)
            hangUps.forget(token)
            return queue(response, on: connection, core: core)
        }
    }

    /// Blocking models: runs the async handler's task on this connection thread, which waits for
    /// its response (see ``WaitingThreadExecutor``), then queues it. A streamed body is iterated
    /// by the same task, which this thread drains again whenever libmicrohttpd asks for more
    /// (see ``StreamState``). The task is cancelled when the client hangs up or the server stops.
    private static func runTask(
        _ handler: @escaping @Sendable (ServerRequest) async -> ServerResponse, for request: ServerRequest,
        hangUp: ClientHangUp?, on connection: OpaquePointer, core: ServerCore
    ) -> MHD_Result {
        let executor = WaitingThreadExecutor(blockingThreads: core.blockingThreads)
        let handoff = ResponseHandoff()
        let task = Task(executorPreference: executor) {
            let response = await handler(request)
            if case .sequence(let body) = response.body {
                let pump = BodyPump(drainer: executor)
                handoff.set(response, pump: pump, poking: executor)
                await body.iterate(pump)
            } else {
                handoff.set(response, pump: nil, poking: executor)
            }
            executor.finish()
        }
        var token: Int?
        if let hangUps = core.hangUps, let hangUp {
            hangUp.onHangUp { task.cancel() }
            token = hangUps.watch(socket: shim_MHD_connection_fd(connection), hangUp: hangUp)
        }
        executor.drain(until: { handoff.isSet }, stop: core.stopSignal, onStop: { task.cancel() })
        if let token { core.hangUps?.forget(token) }
        guard let (response, pump) = handoff.take() else {
            executor.close()
            return queue(.text("the request was lost\n", status: 500), on: connection, core: core)
        }
        guard let pump else {
            executor.close()
            return queue(response, on: connection, core: core)
        }
        return queue(response, on: connection, core: core, pumped: (pump, task, executor))
    }

    private static func tooLarge(_ core: ServerCore) -> ServerResponse {
        ServerResponse(
            status: 413, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")],
            bytes: Array("request body larger than \(core.maxRequestBodyBytes) bytes\n".utf8))
    }

    /// Hands `response` to libmicrohttpd for `connection`. A ``ServerResponse/Body/sequence(_:)``
    /// body comes `pumped`: the hand-off its task iterates it into, the task, and on a connection
    /// thread the executor that runs the task; without, a task is started here to iterate it.
    static func queue(
        _ response: ServerResponse, on connection: OpaquePointer, core: ServerCore,
        pumped: (BodyPump, Task<Void, Never>?, WaitingThreadExecutor?)? = nil
    ) -> MHD_Result {
        switch response.body {
        case .bytes(let bytes):
            let created = bytes.withUnsafeBytes { buffer in
                MHD_create_response_from_buffer(
                    buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress), .RESPMEM_MUST_COPY)
            }
            return queue(created, response, on: connection)
        case .stream(let stream):
            return queue(
                .blocking(stream), length: stream.contentLength, onFinish: stream.onFinish, response, on: connection,
                core: core)
        case .sequence(let body):
            return queue(
                pumped.map { .pumped($0.0, task: $0.1, executor: $0.2) } ?? iterate(body), length: body.contentLength,
                onFinish: body.onFinish, response, on: connection, core: core)
        }
    }

    /// Queues a streamed body whose pieces come from `source`.
    private static func queue(
        _ source: StreamState.Source, length: Int?, onFinish: (@Sendable () -> Void)?, _ response: ServerResponse,
        on connection: OpaquePointer, core: ServerCore
    ) -> MHD_Result {
        let state = Unmanaged.passRetained(
            StreamState(
                source: source, onFinish: onFinish, stopSignal: core.stopSignal, daemon: LoopDaemon.current,
                connection: connection, hangUps: core.hangUps))
        let size = length.map { UInt64(max(0, $0)) } ?? UInt64.max
        let created = MHD_create_response_from_callback(
            size, core.streamBlockSize,
            { cls, _, buffer, capacity in
                guard let cls, let buffer else { return MHD_CONTENT_READER_END_WITH_ERROR }
                return Unmanaged<StreamState>.fromOpaque(cls).takeUnretainedValue().fill(buffer, capacity: capacity)
            }, state.toOpaque(),
            { cls in
                if let cls { Unmanaged<StreamState>.fromOpaque(cls).release() }
            })
        if created == nil { state.release() }
        return queue(created, response, on: connection)
    }

    /// A task that iterates `body` into a new hand-off: for a streamed body that no handler's task
    /// iterates (a blocking handler's), on this loop or this connection thread.
    private static func iterate(_ body: ResponseBody) -> StreamState.Source {
        if let loop = EventLoop.current {
            let pump = BodyPump()
            let task = Task(executorPreference: loop) { await body.iterate(pump) }
            return .pumped(pump, task: task, executor: nil)
        }
        let executor = WaitingThreadExecutor(blockingThreads: nil)
        let pump = BodyPump(drainer: executor)
        let task = Task(executorPreference: executor) {
            await body.iterate(pump)
            executor.finish()
        }
        return .pumped(pump, task: task, executor: executor)
    }

    /// Adds the headers to the libmicrohttpd response `created` (nil: it could not be made) and
    /// queues it.
    private static func queue(
        _ created: OpaquePointer?, _ response: ServerResponse, on connection: OpaquePointer
    ) -> MHD_Result {
        guard let mhdResponse = created else { return .NO }
        for header in response.headers where !HeaderLookup.namesMatch(header.name, "Content-Length") {
            // withCString lends the string's own bytes; passing a String straight to a C
            // parameter copies it into a new array each time (two allocations a header).
            _ = header.name.withCString { name in
                header.value.withCString { value in MHD_add_response_header(mhdResponse, name, value) }
            }
        }
        let result = MHD_queue_response(connection, UInt32(clamping: response.status), mhdResponse)
        MHD_destroy_response(mhdResponse)
        return result
    }
}
