#!/usr/bin/env python3
"""Drives `broker serve` with the official `openai` client through what agents use: tool calls
(plain, streamed and accumulated by the client, and the tool's result sent back), n=2,
logprobs and a vision message; then reads /v1/usage.

Usage: serve_passthrough_clients.py BASE_URL API_KEY CHAT_MODEL VISION_MODEL EMBEDDING_MODEL [NATIVE_MODEL]

NATIVE_MODEL, when given, is served by a provider whose registry row says it speaks the
Responses API itself: `responses.create` (plain, and streamed with a function call) goes there
unchanged.

Prints one JSON object with what each call returned; exits non-zero on the first failure.
"""
import json
import sys
import urllib.request

from openai import OpenAI

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
        },
    }
]


def main() -> int:
    base, key, model, vision_model, embedding_model = sys.argv[1:6]
    native_model = sys.argv[6] if len(sys.argv) > 6 else None
    client = OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)
    report = {}
    question = [{"role": "user", "content": 'Weather in "Paris", Île-de-France?'}]

    plain = client.chat.completions.create(model=model, messages=question, tools=TOOLS, user="agent-7")
    call = plain.choices[0].message.tool_calls[0]
    report["tool_finish_reason"] = plain.choices[0].finish_reason
    report["tool_name"] = call.function.name
    report["tool_arguments"] = call.function.arguments
    report["tool_content"] = plain.choices[0].message.content

    calls = {}
    for chunk in client.chat.completions.create(model=model, messages=question, tools=TOOLS, stream=True):
        for choice in chunk.choices:
            for piece in choice.delta.tool_calls or []:
                entry = calls.setdefault(piece.index, {"id": None, "name": "", "arguments": "", "fragments": 0})
                if piece.id:
                    entry["id"] = piece.id
                if piece.function and piece.function.name:
                    entry["name"] += piece.function.name
                if piece.function and piece.function.arguments:
                    entry["arguments"] += piece.function.arguments
                    entry["fragments"] += 1
    report["streamed_tool_calls"] = list(calls.values())

    follow_up = question + [
        plain.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "18 degrees and sunny"},
    ]
    after = client.chat.completions.create(model=model, messages=follow_up, tools=TOOLS)
    report["after_tool_finish_reason"] = after.choices[0].finish_reason
    report["after_tool_text"] = after.choices[0].message.content

    two = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "two answers"}], n=2)
    report["n2_indices"] = [c.index for c in two.choices]

    scored = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "score these tokens"}], logprobs=True, top_logprobs=0
    )
    report["logprob_tokens"] = [t.token for t in scored.choices[0].logprobs.content]

    vision = client.chat.completions.create(
        model=vision_model,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this picture?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                ],
            }
        ],
    )
    report["vision_text"] = vision.choices[0].message.content

    # The client asks for base64 by default and decodes it; then floats, explicitly.
    packed = client.embeddings.create(model=embedding_model, input=["one two", "three"])
    plain = client.embeddings.create(model=embedding_model, input=["one two", "three"], encoding_format="float")
    report["embedding_count"] = len(plain.data)
    report["embedding_dimensions"] = len(plain.data[0].embedding)
    report["embedding_usage"] = plain.usage.prompt_tokens
    report["embeddings_agree"] = all(
        abs(a - b) < 1e-6 for p, f in zip(packed.data, plain.data) for a, b in zip(p.embedding, f.embedding)
    ) and len(packed.data) == len(plain.data)

    # The Responses API: text, a function call (plain and streamed), its output sent back.
    answer = client.responses.create(model=model, input="hello responses", instructions="Be brief.")
    report["responses_text"] = answer.output_text
    report["responses_status"] = answer.status
    report["responses_output_tokens"] = answer.usage.output_tokens
    function_tools = [
        {
            "type": "function",
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
        }
    ]
    asked = [{"role": "user", "content": 'Weather in "Paris", Île-de-France?'}]
    called = client.responses.create(model=model, input=asked, tools=function_tools)
    call = [item for item in called.output if item.type == "function_call"][0]
    report["responses_call_name"] = call.name
    report["responses_call_arguments"] = call.arguments
    types, streamed_arguments, completed = [], "", None
    for event in client.responses.create(model=model, input=asked, tools=function_tools, stream=True):
        if not types or types[-1] != event.type:
            types.append(event.type)
        if event.type == "response.function_call_arguments.delta":
            streamed_arguments += event.delta
        if event.type == "response.completed":
            completed = event.response
    report["responses_stream_events"] = types
    report["responses_stream_arguments"] = streamed_arguments
    report["responses_stream_final"] = [i.arguments for i in completed.output if i.type == "function_call"][0]
    report["responses_stream_usage"] = completed.usage.output_tokens
    follow = client.responses.create(
        model=model,
        input=asked
        + [
            {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": "18 degrees"},
        ],
        tools=function_tools,
    )
    report["responses_after_call"] = follow.output_text
    text_deltas = []
    for event in client.responses.create(model=model, input="stream me", stream=True):
        if event.type == "response.output_text.delta":
            text_deltas.append(event.delta)
    report["responses_stream_text"] = "".join(text_deltas)

    if native_model:
        # A provider that serves /responses itself: its own answer and events come through.
        native = client.responses.create(model=native_model, input="hello native", instructions="Be brief.")
        report["native_id"] = native.id
        report["native_text"] = native.output_text
        report["native_item_types"] = [item.type for item in native.output]
        report["native_output_tokens"] = native.usage.output_tokens
        types, native_arguments, completed = [], "", None
        for event in client.responses.create(model=native_model, input=asked, tools=function_tools, stream=True):
            if not types or types[-1] != event.type:
                types.append(event.type)
            if event.type == "response.function_call_arguments.delta":
                native_arguments += event.delta
            if event.type == "response.completed":
                completed = event.response
        report["native_stream_events"] = types
        report["native_stream_id"] = completed.id
        report["native_stream_arguments"] = native_arguments
        report["native_stream_usage"] = completed.usage.output_tokens

    request = urllib.request.Request(base + "/v1/usage", headers={"Authorization": "Bearer " + key})
    with urllib.request.urlopen(request) as response:
        rows = json.load(response)
    report["billed_requests"] = sum(row["requests"] for row in rows)
    report["usage_rows"] = rows

    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
