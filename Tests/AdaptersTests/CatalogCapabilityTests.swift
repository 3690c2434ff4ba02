import ProviderInterface
import Testing

@testable import Adapters

@Suite("Catalogs say what models support")
struct CatalogCapabilityTests {
    @Test func openRouterReadsSupportedParametersAndInputModalities() throws {
        let entry = ProviderEntry(key: "openrouter", adapter: "openrouter", baseURL: "https://openrouter.test/api/v1")
        let catalog = try OpenRouterCatalog(entry: entry).parse(
            JSONParser.parse(
                #"""
                {"data":[
                  {"id":"a/vision","architecture":{"input_modalities":["text","image"],"output_modalities":["text"]},
                   "supported_parameters":["tools","tool_choice","structured_outputs","response_format"],
                   "pricing":{"prompt":"0.000001","completion":"0.000002"}},
                  {"id":"b/text","architecture":{"modality":"text->text"},"supported_parameters":["max_tokens"],
                   "pricing":{"prompt":"0.000001","completion":"0.000002"}},
                  {"id":"c/unknown","pricing":{"prompt":"0.000001","completion":"0.000002"}}
                ]}
                """#))
        let byID = Dictionary(uniqueKeysWithValues: catalog.models.map { ($0.id, $0.capabilities) })
        #expect(byID["a/vision"] == [.tools: true, .jsonSchema: true, .vision: true])
        #expect(byID["b/text"] == [.tools: false, .jsonSchema: false, .vision: false])
        #expect(byID["c/unknown"] == [:], "nothing published: unknown, not unsupported")
    }

    @Test func theHuggingFaceRouterCatalogSaysWhichModelsTakeImages() throws {
        let body = #"""
            {"object":"list","data":[
              {"id":"org/vl","architecture":{"input_modalities":["text","image"],"output_modalities":["text"]},
               "providers":[{"provider":"scaleway","status":"live","supports_tools":true,"pricing":{"input":0.1,"output":0.2}}]},
              {"id":"org/text","architecture":{"input_modalities":["text"]},
               "providers":[{"provider":"scaleway","status":"live","supports_tools":false}]},
              {"id":"org/plain","providers":[{"provider":"scaleway","status":"live"}]}
            ]}
            """#
        let quotes = try RouterCatalog.parse(
            HTTPResponse(status: 200, headers: [], body: Array(body.utf8)), rules: RouterCatalog.Rules(), provider: "hf"
        )
        let byModel = Dictionary(uniqueKeysWithValues: quotes.map { ($0.model, $0) })
        #expect(byModel["org/vl"]?.supportsImages == true)
        #expect(byModel["org/vl"]?.supportsTools == true)
        #expect(byModel["org/text"]?.supportsImages == false)
        #expect(byModel["org/text"]?.supportsTools == false)
        #expect(byModel["org/plain"]?.supportsImages == nil)
    }
}
