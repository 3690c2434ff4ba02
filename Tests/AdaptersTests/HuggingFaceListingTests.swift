import ProviderInterface
import Synchronization
import Testing

@testable import Adapters

@Suite("Hugging Face Hub listing")
struct HuggingFaceListingTests {
    static func model(_ id: String, tag: String? = "text-generation", _ mappings: [(String, String, String)]) -> String
    {
        let items = mappings.map { provider, status, task in
            #"{"provider":"\#(provider)","providerId":"\#(provider)/\#(id)","status":"\#(status)","task":"\#(task)"}"#
        }
        let tagText = tag.map { #","pipeline_tag":"\#($0)""# } ?? ""
        return #"{"_id":"x","id":"\#(id)"\#(tagText),"inferenceProviderMapping":[\#(items.joined(separator: ","))]}"#
    }

    @Test func firstRequestHasExactQueryAndToken() async throws {
        let (adapter, transport) = HFTest.adapter(
            HFTest.entry(options: ["page_size": 500, "inference_provider": "together,scaleway"])
        ) { _ in
            HFTest.json("[]")
        }
        let catalog = try await adapter.listModels()
        #expect(catalog.models.isEmpty)
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(
            request.url
                == "https://hub.test/api/models?inference_provider=together,scaleway&expand%5B%5D=inferenceProviderMapping&expand%5B%5D=pipeline_tag&limit=500"
        )
        #expect(request.header("authorization") == "Bearer \(HFTest.token)")
    }

    @Test func followsLinkHeaderOverThreePagesVerbatim() async throws {
        let next2 =
            "https://hub.test/api/models?inference_provider=all&expand%5B%5D=inferenceProviderMapping&limit=2&cursor=eyJwYWdlIjoyfQ%3D%3D"
        let next3 = "https://hub.test/api/models?inference_provider=all&limit=2&cursor=eyJwYWdlIjozfQ"
        let (adapter, transport) = HFTest.adapter { request in
            switch request.url {
            case next2:
                return HFTest.json(
                    "[" + Self.model("b/two", [("scaleway", "live", "conversational")]) + "]",
                    headers: [HTTPHeader("Link", "<\(next3)>; rel=\"next\"")])
            case next3:
                return HFTest.json(
                    "[" + Self.model("c/three", tag: "summarization", [("hf-inference", "live", "summarization")]) + "]"
                )
            default:
                return HFTest.json(
                    "["
                        + Self.model(
                            "a/one", [("together", "live", "conversational"), ("groq", "live", "conversational")])
                        + "]",
                    headers: [
                        HTTPHeader("link", "<\(next2)>; rel=\"next\", <https://hub.test/api/models?p=0>; rel=\"prev\"")
                    ])
            }
        }
        let catalog = try await adapter.listModels()
        #expect(transport.requests.map(\.url).suffix(2) == [next2, next3])
        #expect(transport.requests.allSatisfy { $0.header("authorization") == "Bearer \(HFTest.token)" })
        #expect(catalog.requests == 3)
        let offers = catalog.models.map { "\($0.id)|\($0.servedBy ?? "")|\($0.servedModelID ?? "")|\($0.task)" }
        #expect(
            offers == [
                "a/one|together|together/a/one|conversational", "a/one|groq|groq/a/one|conversational",
                "b/two|scaleway|scaleway/b/two|conversational",
                "c/three|hf-inference|hf-inference/c/three|summarization",
            ])
        #expect(catalog.models.allSatisfy { $0.hfID == $0.id })
        let summary = try #require(catalog.models.last)
        #expect(summary.price == OfferPrice(billing: .computeTime))
    }

    @Test func skipsNonLiveUnknownAndUnlistedMappingsAndCountsThem() async throws {
        let body =
            "["
            + Self.model(
                "a/one",
                [
                    ("together", "staging", "conversational"), ("foo", "live", "conversational"),
                    ("scaleway", "error", "conversational"), ("nscale", "live", "conversational"),
                ]) + ","
            + Self.model("a/one", [("together", "live", "conversational")]) + ","
            + Self.model("b/img", tag: "text-to-image", [("hf-inference", "live", "text-to-image")]) + ","
            + Self.model("c/emb", tag: "feature-extraction", [("together", "live", "feature-extraction")]) + "]"
        let (adapter, _) = HFTest.adapter { _ in HFTest.json(body) }
        let catalog = try await adapter.listModels()
        #expect(catalog.models.map(\.servedBy) == ["nscale"])
        #expect(
            catalog.skipped == [
                "mapping status staging": 1, "mapping status error": 1, "unknown provider foo": 1, "duplicate model": 1,
                "task text-to-image not listed": 1, "task feature-extraction via together not supported": 1,
            ])
    }

    @Test func taskFallsBackToPipelineTagAndTagsAreConfigurable() async throws {
        let body =
            #"[{"id":"v/lm","pipeline_tag":"image-text-to-text","inferenceProviderMapping":[{"provider":"together","providerId":"v","status":"live","task":"conversational"}]},"#
            + #"{"id":"s/m","pipeline_tag":"summarization","inferenceProviderMapping":[{"provider":"hf-inference","providerId":"s/m","status":"live"}]}]"#
        let (adapter, _) = HFTest.adapter(HFTest.entry(options: ["pipeline_tags": ["summarization"]])) { _ in
            HFTest.json(body)
        }
        let catalog = try await adapter.listModels()
        #expect(catalog.models.map(\.id) == ["s/m"])
        #expect(catalog.models.first?.task == .summarization)
        #expect(catalog.skipped == ["task conversational not listed": 1])
    }

    @Test func anyProviderIsAcceptedWhenTheRegistryNamesNone() async throws {
        let (adapter, _) = HFTest.adapter(HFTest.entry(servedBy: [])) { _ in
            HFTest.json("[" + Self.model("a/one", [("brand-new", "live", "conversational")]) + "]")
        }
        #expect(try await adapter.listModels().models.map(\.servedBy) == ["brand-new"])
    }

    @Test func mappingAsDictionaryIsAccepted() throws {
        let body =
            #"[{"id":"a/b","inferenceProviderMapping":{"together":{"providerId":"t/m","status":"live","task":"conversational"},"#
            + #""gr\u006fq":{"providerId":"g","status":"staging","task":"conversational","adapter":null}}}]"#
        let page = try HubListing.parsePage(HFTest.json(body), number: 1, hubURL: "https://hub.test", provider: "hf")
        #expect(
            page.models.first?.mappings == [
                HubMapping(provider: "together", providerID: "t/m", status: "live", task: "conversational"),
                HubMapping(provider: "groq", providerID: "g", status: "staging", task: "conversational"),
            ])
        #expect(page.next == nil)
    }

    @Test func escapedStringsAndUnknownMembersAreRead() throws {
        let body =
            #"[{"_id":"1","id":"org\/na\u006De","likes":[1,{"x":null}],"pipeline_tag":null,"#
            + #""inferenceProviderMapping":[{"provider":"together","providerId":"p\"q","status":"live","task":"conversational","type":"single-model"}]}]"#
        let page = try HubListing.parsePage(
            HFTest.json(body, headers: [HTTPHeader("Link", "</api/models?cursor=2>; rel=\"next\"")]), number: 1,
            hubURL: "https://hub.test/", provider: "hf")
        #expect(
            page.models == [
                HubListing.Model(
                    id: "org/name", pipelineTag: nil,
                    mappings: [
                        HubMapping(provider: "together", providerID: "p\"q", status: "live", task: "conversational")
                    ])
            ])
        #expect(page.next == "https://hub.test/api/models?cursor=2")
    }

    @Test(arguments: [
        ("{}", "the body is not a JSON array"), ("[{\"id\":5}]", "item 0 has no id"),
        ("[1]", "item 0 is not an object"),
        (
            #"[{"id":"a/b","inferenceProviderMapping":"x"}]"#,
            "model a/b: inferenceProviderMapping is neither a list nor an object"
        ),
        (
            #"[{"id":"a/b","inferenceProviderMapping":[{"status":"live"}]}]"#,
            "model a/b: inferenceProviderMapping[0] has no provider"
        ),
        (
            #"[{"id":"a/b","inferenceProviderMapping":{"x":{"providerId":"y"}}}]"#,
            "model a/b: inferenceProviderMapping.x has no status"
        ),
        ("[{", "invalid JSON"), (#"[{"id":"a/b","likes":[1,]}]"#, "invalid JSON"), ("[] x", "invalid JSON"),
    ])
    func malformedPageNamesThePageAndReturnsNothing(body: String, reason: String) async throws {
        let (adapter, _) = HFTest.adapter { request in
            if request.url.contains("cursor=2") { return HFTest.json(body) }
            return HFTest.json(
                "[" + Self.model("a/one", [("together", "live", "conversational")]) + "]",
                headers: [HTTPHeader("Link", "<https://hub.test/api/models?cursor=2>; rel=\"next\"")])
        }
        await #expect {
            _ = try await adapter.listModels()
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == .malformedResponse && e?.message.contains("page 2") == true
                && e?.message.contains(reason) == true
        }
    }

    @Test func rateLimitIsWaitedOutThenTheListingCompletes() async throws {
        let calls = Mutex(0)
        var (adapter, transport) = HFTest.adapter { request in
            let n = calls.withLock {
                $0 += 1; return $0
            }
            if n == 2 {
                return HFTest.json(
                    #"{"error":"rate limited"}"#, status: 429, headers: [HTTPHeader("RateLimit", #""api";r=0;t=1"#)])
            }
            if request.url.contains("cursor=2") {
                return HFTest.json("[" + Self.model("b/two", [("groq", "live", "conversational")]) + "]")
            }
            return HFTest.json(
                "[" + Self.model("a/one", [("groq", "live", "conversational")]) + "]",
                headers: [HTTPHeader("Link", "<https://hub.test/api/models?cursor=2>; rel=\"next\"")])
        }
        adapter.maxRateLimitWaitMs = 50  // the 1 s reset is capped so the test stays fast
        let start = ContinuousClock.now
        let catalog = try await adapter.listModels()
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        #expect(catalog.models.map(\.id) == ["a/one", "b/two"])
        #expect(catalog.requests == 3)
        #expect(transport.requests.count == 3)
    }

    @Test func persistentRateLimitFailsWithRetryAfter() async throws {
        var (adapter, _) = HFTest.adapter { _ in
            HFTest.json("{}", status: 429, headers: [HTTPHeader("RateLimit", #""api";r=0;t=120"#)])
        }
        adapter.maxRateLimitWaitMs = 1
        adapter.maxRateLimitRetries = 2
        await #expect {
            _ = try await adapter.listModels()
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == .rateLimited && e?.retryAfterMs == 120_000 && e?.message.contains("page 1") == true
        }
    }

    @Test func tokenIsNotSentToAnotherHostNamedByLink() async throws {
        let (adapter, transport) = HFTest.adapter { request in
            if request.url.hasPrefix("https://elsewhere.test") { return HFTest.json("[]") }
            return HFTest.json(
                "[]", headers: [HTTPHeader("Link", "<https://elsewhere.test/api/models?cursor=2>; rel=\"next\"")])
        }
        _ = try await adapter.listModels()
        #expect(transport.requests.count == 2)
        #expect(transport.requests[1].header("authorization") == nil)
    }

    @Test func linkLoopIsAnError() async throws {
        let (adapter, _) = HFTest.adapter { _ in
            HFTest.json("[]", headers: [HTTPHeader("Link", "<https://hub.test/api/models?cursor=same>; rel=\"next\"")])
        }
        await #expect(throws: ProviderError.self) { _ = try await adapter.listModels() }
    }

    @Test func linkHeaderParsing() {
        #expect(
            HubLinkHeader.next(#"<https://h/api/models?a=1,2&cursor=x>; rel="next""#)
                == "https://h/api/models?a=1,2&cursor=x")
        #expect(HubLinkHeader.next(#"<https://h/p>; rel="prev", <https://h/n>; rel=next"#) == "https://h/n")
        #expect(HubLinkHeader.next(#"<https://h/p>; rel="prev""#) == nil)
        #expect(HubLinkHeader.next("") == nil)
    }

    @Test func optionsValidation() {
        let bad = HFTest.entry(options: [
            "pipeline_tags": ["conversational", 3], "page_size": 5000, "bill_to": "", "colour": "red",
        ])
        let paths = HuggingFaceOptions.validate(bad).map(\.path)
        #expect(Set(paths) == ["options.pipeline_tags[1]", "options.page_size", "options.bill_to", "options.colour"])
        #expect(
            HuggingFaceOptions.validate(HFTest.entry(options: ["pipeline_tags": ["summarization"], "page_size": 100]))
                .isEmpty)
        #expect(HuggingFaceAdapter.kind.name == "huggingface")
    }
}
