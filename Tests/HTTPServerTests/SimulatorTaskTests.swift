import ProviderInterface
import ProviderSimulator
import Testing

@Suite struct SimulatorTaskTests {
    func run(_ simulator: ProviderSimulator, _ model: String, _ body: String, pipeline: String? = nil) throws
        -> RawHTTPClient.Response
    {
        let path = "/hf-inference/models/\(model)" + (pipeline.map { "/pipeline/\($0)" } ?? "")
        return try RawHTTPClient(port: simulator.port).request("POST", path, body: Array(body.utf8))
    }

    @Test func standardShapesPerTask() throws {
        try withSimulator { s in
            let summary = try run(
                s, "facebook/bart-large-cnn",
                #"{"inputs":"The tower is 324 metres tall, about the same height as an 81-storey building."}"#)
            #expect(summary.header("x-compute-type") == "cpu")
            #expect(summary.header("x-compute-time") != nil)
            #expect(try summary.json().arrayValue?.first?["summary_text"]?.stringValue?.isEmpty == false)
            #expect(
                try run(s, "Helsinki-NLP/opus-mt-en-fr", #"{"inputs":"Hello"}"#).json().arrayValue?.first?[
                    "translation_text"] != nil)
            let classes = try run(
                s, "distilbert/distilbert-base-uncased-finetuned-sst-2-english", #"{"inputs":"great"}"#
            ).json()
            #expect(classes.arrayValue?.first?.arrayValue?.first?["label"] == "POSITIVE")
            let entities = try run(s, "dslim/bert-base-NER", #"{"inputs":"My name is Sarah"}"#).json()
            #expect(entities.arrayValue?.first?["entity_group"] == "PER")
            #expect(entities.arrayValue?.first?["word"] == "Sarah")
            #expect(entities.arrayValue?.first?["start"]?.intValue == 11)
            let qa = try run(
                s, "deepset/roberta-base-squad2", #"{"inputs":{"question":"Where?","context":"Paris is nice"}}"#
            ).json()
            #expect(qa["answer"] == "Paris")
            #expect(qa["end"]?.intValue == 5)
            let mask = try run(s, "google-bert/bert-base-uncased", #"{"inputs":"The capital of France is [MASK]."}"#)
                .json()
            #expect(mask.arrayValue?.first?["sequence"] == "The capital of France is paris.")
            let zero = try run(
                s, "facebook/bart-large-mnli",
                #"{"inputs":"I love it","parameters":{"candidate_labels":["positive","negative"]}}"#
            ).json()
            #expect(zero["labels"] == ["positive", "negative"])
            #expect(zero["scores"]?.arrayValue?.count == 2)
            let vectors = try run(
                s, "intfloat/multilingual-e5-large", #"{"inputs":"hello"}"#, pipeline: "feature-extraction"
            ).json()
            #expect(vectors.arrayValue?.first?.arrayValue?.count == 8)
            let similarity = try run(
                s, "sentence-transformers/all-MiniLM-L6-v2",
                #"{"inputs":{"source_sentence":"a","sentences":["a","b","c"]}}"#,
                pipeline: "sentence-similarity"
            ).json()
            #expect(similarity.arrayValue?.count == 3)
            #expect(similarity.arrayValue?.first == .number("1.0"))
        }
    }

    @Test func alternativeShapesWhenFixturesAskForThem() throws {
        var fixtures = SimulatorFixtures()
        for (id, _) in [
            ("distilbert/distilbert-base-uncased-finetuned-sst-2-english", 0), ("dslim/bert-base-NER", 0),
            ("deepset/roberta-base-squad2", 0), ("facebook/bart-large-mnli", 0), ("intfloat/multilingual-e5-large", 0),
        ] {
            fixtures.taskShapes[id] = .alternative
        }
        try withSimulator(fixtures) { s in
            let classes = try run(
                s, "distilbert/distilbert-base-uncased-finetuned-sst-2-english", #"{"inputs":"great"}"#
            ).json()
            #expect(classes.arrayValue?.first?["label"] == "POSITIVE")  // flat
            #expect(
                try run(s, "dslim/bert-base-NER", #"{"inputs":"I am Bob"}"#).json().arrayValue?.first?["entity"]
                    == "B-PER")
            let qa = try run(s, "deepset/roberta-base-squad2", #"{"inputs":{"question":"?","context":"Rome"}}"#).json()
            #expect(qa.arrayValue?.first?["answer"] == "Rome")
            let zero = try run(
                s, "facebook/bart-large-mnli", #"{"inputs":"x","parameters":{"candidate_labels":["a","b"]}}"#
            ).json()
            #expect(zero.arrayValue?.first?["label"] == "a")
            let vector = try run(s, "intfloat/multilingual-e5-large", #"{"inputs":"hello"}"#).json()
            #expect(vector.arrayValue?.count == 8)
            #expect(vector.arrayValue?.first?.numberText != nil)
        }
    }

    @Test func binaryTasksSpeakBytes() throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers["openai/whisper-large-v3"] = "good morning"
        try withSimulator(fixtures) { s in
            let image = try run(s, "stabilityai/stable-diffusion-xl-base-1.0", #"{"inputs":"a cat"}"#)
            #expect(image.header("Content-Type") == "image/jpeg")
            #expect(Array(image.body.prefix(2)) == [0xFF, 0xD8])
            let client = try RawHTTPClient(port: s.port)
            let speech = try client.request(
                "POST", "/hf-inference/models/openai/whisper-large-v3", headers: [("Content-Type", "audio/flac")],
                body: [0x66, 0x4C, 0x61, 0x43, 0, 1, 2])
            #expect(try speech.json()["text"] == "good morning")
            #expect(s.requests.last?.body.count == 7)
        }
    }

    @Test func unservedModelsAndBadInputsAreRefused() throws {
        try withSimulator { s in
            #expect(try run(s, "meta-llama/Llama-3.1-8B-Instruct", #"{"inputs":"x"}"#).status == 404)
            let noInputs = try run(s, "facebook/bart-large-cnn", #"{"text":"x"}"#)
            #expect(noInputs.status == 422)
            #expect(try noInputs.json()["error_type"] == "validation")
        }
    }
}
