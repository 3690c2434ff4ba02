import ProviderInterface

/// The Hugging Face adapter's settings, read from a registry entry.
///
/// Registry `options` (all optional):
/// - `pipeline_tags` — the tasks to list (default ``defaultPipelineTags``). A mapping is
///   kept when its task (else the model's `pipeline_tag`) is in the list. An empty list
///   keeps every task.
/// - `inference_provider` — the Hub filter (`all`, one name or a comma list; default `all`).
/// - `page_size` — models per Hub page, 1…1000 (default 1000).
/// - `bill_to` — an organisation sent as `X-HF-Bill-To` on inference requests.
///
/// The Hub base URL is `urls.hub` (or `urls.hub_url`; default `https://huggingface.co`), the
/// router base URL is the entry's `base_url`.
public struct HuggingFaceOptions: Sendable, Hashable {
    /// Chat and text generation plus the classic NLP tasks that hf-inference serves.
    public static let defaultPipelineTags: [String] = [
        "conversational", "text-generation", "summarization", "translation", "text-classification",
        "token-classification", "question-answering", "fill-mask", "zero-shot-classification",
        "feature-extraction", "sentence-similarity",
    ]
    /// The option names this adapter reads.
    public static let knownOptions: Set<String> = ["pipeline_tags", "inference_provider", "page_size", "bill_to"]
    /// The default Hub.
    public static let defaultHubURL = "https://huggingface.co"

    /// The tasks to list; empty means every task.
    public var pipelineTags: [String]
    /// The Hub's `inference_provider` filter.
    public var inferenceProvider: String
    /// Models per Hub page.
    public var pageSize: Int
    /// The organisation to bill, when set.
    public var billTo: String?
    /// The Hub base URL, without a trailing `/`.
    public var hubURL: String
    /// The router base URL, without a trailing `/`.
    public var routerURL: String

    /// Settings with their defaults.
    public init(
        pipelineTags: [String] = HuggingFaceOptions.defaultPipelineTags, inferenceProvider: String = "all",
        pageSize: Int = 1000, billTo: String? = nil, hubURL: String = HuggingFaceOptions.defaultHubURL,
        routerURL: String = "https://router.huggingface.co"
    ) {
        self.pipelineTags = pipelineTags
        self.inferenceProvider = inferenceProvider
        self.pageSize = pageSize
        self.billTo = billTo
        self.hubURL = Self.trimSlash(hubURL)
        self.routerURL = Self.trimSlash(routerURL)
    }

    /// The settings of a valid entry (invalid values fall back to defaults; ``validate(_:)``
    /// reports them).
    public init(entry: ProviderEntry) {
        let options = entry.options
        self.init(
            pipelineTags: options["pipeline_tags"]?.arrayValue?.compactMap(\.stringValue) ?? Self.defaultPipelineTags,
            inferenceProvider: options["inference_provider"]?.stringValue ?? "all",
            pageSize: options["page_size"]?.intValue.flatMap { (1...1000).contains($0) ? $0 : nil } ?? 1000,
            billTo: options["bill_to"]?.stringValue,
            hubURL: entry.urls["hub"] ?? entry.urls["hub_url"] ?? Self.defaultHubURL,
            routerURL: entry.baseURL)
    }

    /// Every problem with the entry's Hugging Face settings, with paths relative to the entry.
    public static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        var issues = AdapterIssue.unknownOptions(entry, kind: "huggingface", known: knownOptions.sorted())
        let options = entry.options
        if let tags = options["pipeline_tags"] {
            if let list = tags.arrayValue {
                for (i, tag) in list.enumerated() where (tag.stringValue ?? "").isEmpty {
                    issues.append(
                        AdapterIssue(path: "options.pipeline_tags[\(i)]", message: "must be a non-empty task name"))
                }
            } else {
                issues.append(AdapterIssue(path: "options.pipeline_tags", message: "must be a list of task names"))
            }
        }
        if let provider = options["inference_provider"], (provider.stringValue ?? "").isEmpty {
            issues.append(
                AdapterIssue(
                    path: "options.inference_provider",
                    message: "must be a non-empty string (\"all\", a name or a comma list)"))
        }
        if let size = options["page_size"], size.intValue.map({ (1...1000).contains($0) }) != true {
            issues.append(AdapterIssue(path: "options.page_size", message: "must be an integer from 1 to 1000"))
        }
        if let billTo = options["bill_to"], (billTo.stringValue ?? "").isEmpty {
            issues.append(AdapterIssue(path: "options.bill_to", message: "must be a non-empty organisation name"))
        }
        for name in ["hub", "hub_url"] {
            if let url = entry.urls[name], !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                issues.append(AdapterIssue(path: "urls.\(name)", message: "must be an http(s) URL"))
            }
        }
        return issues
    }

    /// Whether a mapping of `task` is listed.
    public func lists(task: String) -> Bool {
        pipelineTags.isEmpty || pipelineTags.contains(task)
    }

    static func trimSlash(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }
}
