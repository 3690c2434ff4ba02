#!/usr/bin/env python3
"""Drives `broker serve` with the official clients, as a user would.

Usage: serve_clients.py BASE_URL API_KEY CHAT_MODEL SUMMARIZATION_MODEL CLASSIFICATION_MODEL

Uses the `openai` package (models, plain and streamed chat with usage) and huggingface_hub's
InferenceClient (chat plain and streamed, summarization and text classification through
/hf-inference). Prints one JSON object with what each call returned; exits non-zero on the
first failure.
"""
import json
import sys

from huggingface_hub import InferenceClient
from openai import OpenAI


def main() -> int:
    base, key, chat_model, summarization_model, classification_model = sys.argv[1:6]
    report = {}

    client = OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)
    report["models"] = sorted(m.id for m in client.models.list().data)
    assert chat_model in report["models"], report["models"]

    answer = client.chat.completions.create(
        model=chat_model, messages=[{"role": "user", "content": "hello from openai"}]
    )
    report["openai_chat"] = answer.choices[0].message.content
    report["openai_usage"] = answer.usage.completion_tokens

    pieces, usage = [], None
    stream = client.chat.completions.create(
        model=chat_model + ":cheapest",
        messages=[{"role": "user", "content": "streamed from openai"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if chunk.usage is not None:
            usage = chunk.usage.completion_tokens
    report["openai_stream"] = "".join(pieces)
    report["openai_stream_usage"] = usage

    hf = InferenceClient(base_url=base + "/v1", api_key=key)
    out = hf.chat_completion(messages=[{"role": "user", "content": "hello from hf"}], model=chat_model)
    report["hf_chat"] = out.choices[0].message.content
    streamed = hf.chat_completion(
        messages=[{"role": "user", "content": "streamed from hf"}], model=chat_model, stream=True
    )
    report["hf_stream"] = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)

    summarizer = InferenceClient(
        model=base + "/hf-inference/models/" + summarization_model, provider="hf-inference", api_key=key
    )
    report["hf_summarization"] = summarizer.summarization("The broker routes every request to the best offer.").summary_text
    classifier = InferenceClient(
        model=base + "/hf-inference/models/" + classification_model, provider="hf-inference", api_key=key
    )
    labels = classifier.text_classification("I love this broker")
    report["hf_classification"] = [{"label": l.label, "score": l.score} for l in labels]

    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
