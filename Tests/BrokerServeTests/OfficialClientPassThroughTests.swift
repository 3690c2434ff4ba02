import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve speaks what agents use, driven by the official openai client")
struct OfficialClientPassThroughTests {
    @Test(
        "tool calls (plain, streamed, result sent back), n=2, logprobs, a vision message, embeddings and responses (translated and native), each billed once"
    )
    func agentFeatures() async throws {
        let python = BrokerServeProcess.repositoryRoot.appendingPathComponent(".venv-serve/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("the Python venv with openai is missing: run scripts/bootstrap.sh")
            return
        }
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "It is sunny."
        let (simulator, dir, server) = try await OfficialClientTests.start(
            fixtures: fixtures, embeddings: true, nativeResponses: true)
        defer {
            simulator.stop()
            try? FileManager.default.removeItem(at: dir)
        }
        let (status, stdout, stderr, code, serveLog) = try await onOwnThread {
            try OfficialClientTests.runClients(
                python, script: "serve_passthrough_clients.py",
                arguments: [
                    "l8", "mistralai/Mistral-Small-3.1-24B-Instruct-2503", SimulatorFixtures.embeddingModel,
                    SimulatorFixtures.nativeResponsesModel,
                ],
                server: server, home: dir)
        }
        #expect(status == 0, "\(stderr.suffix(3000))")
        #expect(code == 0, "\(serveLog)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: stdout) as? [String: Any], "\(stderr.suffix(2000))")
        let arguments = #"{"query":"Weather in \"Paris\", Île-de-France?","unit":"celsius","days":3}"#
        #expect(report["tool_finish_reason"] as? String == "tool_calls")
        #expect(report["tool_name"] as? String == "get_weather")
        #expect(report["tool_arguments"] as? String == arguments)
        #expect(report["tool_content"] is NSNull)
        let streamed = try #require(report["streamed_tool_calls"] as? [[String: Any]])
        #expect(streamed.count == 1)
        #expect(
            streamed.first?["arguments"] as? String == arguments, "byte-identical once the client joined the fragments")
        #expect((streamed.first?["fragments"] as? Int ?? 0) > 3)
        #expect(streamed.first?["name"] as? String == "get_weather")
        #expect((streamed.first?["id"] as? String)?.hasPrefix("call_sim_") == true)
        #expect(report["after_tool_finish_reason"] as? String == "stop")
        #expect(report["after_tool_text"] as? String == "It is sunny.")
        #expect(report["n2_indices"] as? [Int] == [0, 1])
        #expect(report["logprob_tokens"] as? [String] == ["It ", "is ", "sunny."])
        #expect((report["vision_text"] as? String)?.hasPrefix("I see 1 image.") == true)
        #expect(report["embedding_count"] as? Int == 2)
        #expect(report["embedding_dimensions"] as? Int == 8)
        #expect(report["embedding_usage"] as? Int == 3)
        #expect(
            report["embeddings_agree"] as? Bool == true, "base64 (the client's default) and float give the same vectors"
        )
        #expect(report["responses_text"] as? String == "It is sunny.")
        #expect(report["responses_status"] as? String == "completed")
        #expect(report["responses_output_tokens"] as? Int == 3)
        #expect(report["responses_call_name"] as? String == "get_weather")
        #expect(report["responses_call_arguments"] as? String == arguments)
        #expect(report["responses_stream_arguments"] as? String == arguments)
        #expect(report["responses_stream_final"] as? String == arguments)
        #expect((report["responses_stream_usage"] as? Int ?? 0) > 0)
        #expect(
            report["responses_stream_events"] as? [String] == [
                "response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done",
                "response.completed",
            ])
        #expect(report["responses_after_call"] as? String == "It is sunny.")
        #expect(report["responses_stream_text"] as? String == "It is sunny.")
        // The native provider's own answer and events, not the broker's translation (ids are the simulator's).
        #expect((report["native_id"] as? String)?.hasPrefix("resp_sim_") == true)
        #expect(report["native_item_types"] as? [String] == ["reasoning", "message"])
        #expect((report["native_text"] as? String)?.isEmpty == false)
        #expect((report["native_output_tokens"] as? Int ?? 0) > 0)
        #expect((report["native_stream_id"] as? String)?.hasPrefix("resp_sim_") == true)
        #expect(report["native_stream_arguments"] as? String == arguments)
        #expect((report["native_stream_usage"] as? Int ?? 0) > 0)
        #expect(
            report["native_stream_events"] as? [String] == [
                "response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done",
                "response.completed",
            ])
        #expect(report["billed_requests"] as? Int == 15, "\(report["usage_rows"] ?? "")")
        #expect(simulator.requests.filter { $0.path == "/nativeco/v1/responses" }.count == 2)
        #expect(simulator.requests.filter { $0.path == "/nativeco/v1/chat/completions" }.isEmpty)
        // The tool call, the user and the image part went upstream as sent.
        let bodies = simulator.requests.filter { $0.path == "/v1/chat/completions" }.compactMap(\.json)
        #expect(bodies.contains { $0["user"] == "agent-7" && $0["tools"] != nil })
        #expect(
            bodies.contains {
                $0["messages"]?.arrayValue?.last?["tool_call_id"]?.stringValue?.hasPrefix("call_sim_") == true
            })
        #expect(bodies.contains { $0["messages"]?.arrayValue?.first?["content"]?.arrayValue?.count == 2 })
    }
}
