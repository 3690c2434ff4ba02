import ProviderInterface
import ProviderSimulator
import Testing

@Suite struct SimulatorCatalogTests {
    @Test func singleModelInfoHasTheMappingAsADictKeyedByProvider() throws {
        try withSimulator { simulator in
            let r = try RawHTTPClient(port: simulator.port).request(
                "GET", "/api/models/meta-llama/Llama-3.1-8B-Instruct?expand[]=inferenceProviderMapping")
            #expect(r.status == 200)
            let json = try r.json()
            #expect(json["id"] == "meta-llama/Llama-3.1-8B-Instruct")
            #expect(json["_id"]?.stringValue?.count == 24)
            let mapping = try #require(json["inferenceProviderMapping"]?.objectValue)
            #expect(mapping.keys == ["together", "scaleway", "nscale", "groq"])
            #expect(mapping["groq"]?["providerId"] == "llama-3.1-8b-instant")
            #expect(mapping["groq"]?["status"] == "live")
            #expect(mapping["groq"]?["task"] == "conversational")
            #expect(json["pipeline_tag"] == nil)  // not expanded
        }
    }

    @Test func renamedModelAnswers307ToTheNewPathKeepingTheQuery() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let r = try client.request(
                "GET", "/api/models/meta-llama/Meta-Llama-3.1-8B-Instruct?expand[]=inferenceProviderMapping")
            #expect(r.status == 307)
            let location = try #require(r.header("Location"))
            #expect(location == "/api/models/meta-llama/Llama-3.1-8B-Instruct?expand[]=inferenceProviderMapping")
            #expect(try client.request("GET", location).status == 200)
            let missing = try client.request("GET", "/api/models/nobody/nothing")
            #expect(missing.status == 404)
            #expect(missing.header("X-Error-Code") == "RepoNotFound")
        }
    }

    @Test func listingFiltersByProviderTaskSearchAndAuthor() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            func ids(_ query: String) throws -> [String] {
                try client.request("GET", "/api/models?" + query).json().arrayValue?.compactMap {
                    $0["id"]?.stringValue
                } ?? []
            }
            #expect(try ids("inference_provider=hf-inference").count == 11)
            #expect(
                try ids("inference_provider=groq") == [
                    "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.3-70B-Instruct",
                ])
            #expect(try ids("inference_provider=groq,nscale").count == 3)
            #expect(try ids("pipeline_tag=summarization") == ["facebook/bart-large-cnn"])
            #expect(try ids("search=LLAMA").count == 2)
            #expect(try ids("author=Qwen") == ["Qwen/Qwen2.5-72B-Instruct"])
            #expect(try client.request("GET", "/api/models?cursor=@@@").status == 400)
        }
    }

    @Test func listingWithoutExpandHasDefaultFieldsAndNoMapping() throws {
        try withSimulator { simulator in
            let items =
                try RawHTTPClient(port: simulator.port).request("GET", "/api/models?limit=1").json().arrayValue ?? []
            let first = try #require(items.first)
            #expect(first["inferenceProviderMapping"] == nil)
            #expect(first["pipeline_tag"] == "text-generation")
            #expect(first["downloads"]?.intValue == 5_000_000)
            let expanded = try RawHTTPClient(port: simulator.port).request(
                "GET", "/api/models?limit=1&expand=downloads,gated"
            )
            .json().arrayValue?.first
            #expect(expanded?.objectValue?.keys == ["_id", "id", "downloads", "gated"])
        }
    }

    @Test func routerCatalogHasPricesPerMillionAndOmitsUnknownPricing() throws {
        try withSimulator { simulator in
            let json = try RawHTTPClient(port: simulator.port).request("GET", "/v1/models?ignored=1").json()
            #expect(json["object"] == "list")
            let models = try #require(json["data"]?.arrayValue)
            #expect(models.count == 4)
            let qwen = try #require(models.first { $0["id"] == "Qwen/Qwen2.5-72B-Instruct" })
            #expect(qwen["architecture"]?["input_modalities"] == ["text"])
            let ovh = try #require(qwen["providers"]?.arrayValue?.first { $0["provider"] == "ovhcloud" })
            #expect(ovh["pricing"]?["input"] == .number("1.69"))
            #expect(ovh["pricing"]?["output"] == .number("3.38"))
            #expect(qwen["providers"]?.arrayValue?.contains { $0["status"] == "error" } == true)
            let llama70 = try #require(models.first { $0["id"] == "meta-llama/Llama-3.3-70B-Instruct" })
            let scaleway = try #require(llama70["providers"]?.arrayValue?.first { $0["provider"] == "scaleway" })
            #expect(scaleway["pricing"] == nil)
            #expect(scaleway["status"] == "live")
        }
    }

    @Test func openRouterListsStringPricesPerTokenAndEndpoints() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let models = try client.request("GET", "/api/v1/models").json()["data"]?.arrayValue ?? []
            #expect(models.count == 5)
            let llama = try #require(models.first { $0["id"] == "meta-llama/llama-3.1-8b-instruct" })
            #expect(llama["pricing"]?["prompt"] == "0.00000002")
            #expect(llama["pricing"]?["completion"] == "0.00000005")
            #expect(llama["architecture"]?["modality"] == "text->text")
            #expect(llama["top_provider"]?["context_length"]?.intValue == 131_072)
            #expect(models.contains { $0["pricing"]?["prompt"] == "-1" })
            #expect(models.contains { $0["pricing"]?["prompt"] == "0" })
            let endpoints = try client.request("GET", "/api/v1/models/meta-llama/llama-3.1-8b-instruct/endpoints")
                .json()
            let list = try #require(endpoints["data"]?["endpoints"]?.arrayValue)
            #expect(list.map { $0["provider_name"] } == ["DeepInfra", "Together"])
            #expect(list[1]["pricing"]?["prompt"] == "0.00000018")
        }
    }

    @Test func compatibleListsComeAsObjectListOrBareArray() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            let openai = try client.request("GET", "/openai/v1/models").json()
            #expect(openai["object"] == "list")
            #expect(openai["data"]?.arrayValue?.first?["id"] == "gpt-4o-mini")
            #expect(openai["data"]?.arrayValue?.first?["owned_by"] == "system")
            let together = try #require(try client.request("GET", "/together/v1/models").json().arrayValue)
            #expect(together.first?["pricing"]?["input"] == .number("0.18"))
            #expect(together.contains { $0["pricing"]?["input"] == .number("0") })
            #expect(try client.request("GET", "/nobody/v1/models").status == 404)
        }
    }

    @Test func swappingFixturesChangesWhatIsServedNext() throws {
        try withSimulator { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            #expect(try client.request("GET", "/v1/models").json()["data"]?.arrayValue?.count == 4)
            var fixtures = simulator.fixtures
            fixtures.routerModels.removeLast()
            simulator.fixtures = fixtures
            #expect(try client.request("GET", "/v1/models").json()["data"]?.arrayValue?.count == 3)
            simulator.updateFixtures { $0.hubModels = [] }
            #expect(try client.request("GET", "/api/models").json().arrayValue?.isEmpty == true)
        }
    }

    @Test func generatedCatalogIsLargeDeterministicAndFullyPaginated() throws {
        let begin = RawHTTPClient.nowMs()
        let fixtures = SimulatorFixtures.generated(models: 2001, providersPerModel: 3)
        #expect(RawHTTPClient.nowMs() - begin < 2000)
        #expect(fixtures.hubModels.count == 2001)
        #expect(fixtures.routerModels.reduce(0) { $0 + $1.providers.count } == 6003)
        #expect(fixtures.routerModels.contains { $0.providers.contains { $0.inputPrice == nil } })
        try withSimulator(fixtures) { simulator in
            let client = try RawHTTPClient(port: simulator.port)
            var target = "/api/models?inference_provider=all&expand[]=inferenceProviderMapping"
            var count = 0
            var pages = 0
            while true {
                let r = try client.request("GET", target)
                count += try r.json().arrayValue?.count ?? 0
                pages += 1
                guard let link = r.header("Link") else { break }
                target = String(link.dropFirst(1 + simulator.baseURL.count).prefix { $0 != ">" })
            }
            #expect(count == 2001)
            #expect(pages == 3)
            let catalog = try client.request("GET", "/v1/models").json()
            #expect(catalog["data"]?.arrayValue?.count == 2001)
            #expect(catalog["data"]?.arrayValue?.last?["id"] == "org0/model-2000")
        }
    }
}
