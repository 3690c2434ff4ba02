#!/usr/bin/env python3
"""A complete broker exec plugin: a tiny fixed catalog and a deterministic "model".

The broker starts this program once per operation, writes one JSON request line to its
stdin and reads JSON lines from its stdout (see examples/README.md). Standard library only.

The "model" answers with the last user message in upper case; streamed, word by word.
Logs go to stderr: the broker quotes the end of stderr when a plugin fails.
"""
import json
import sys

# id -> (hf_id, context_length, input price, output price), prices in USD per million tokens.
# A price of None is published as null: the broker treats it as unknown, never as free.
CATALOG = {
    "echo-small": ("example-org/Echo-Small", 8192, "0.10", "0.20"),
    "echo-large": ("example-org/Echo-Large", 32768, "0.88", "1.2"),
    "echo-preview": (None, 4096, None, None),
}


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()  # the broker reads line by line: never leave an answer in a buffer


def list_models():
    return {"models": [
        {"id": model, "hf_id": hf_id, "task": "conversational", "context_length": ctx}
        for model, (hf_id, ctx, _, _) in CATALOG.items()
    ]}


def get_pricing():
    return {"prices": [
        {"model": model, "billing": "token", "input": inp, "output": out, "unit": "usd_per_mtok"}
        for model, (_, _, inp, out) in CATALOG.items()
    ]}


def run_inference(rid, request, stream):
    model = request.get("model")
    if model not in CATALOG:
        raise PluginError("not_served", f"model {model!r} is not served by this plugin")
    messages = request.get("messages") or []
    user = [m.get("content", "") for m in messages if m.get("role") == "user"]
    if not user:
        raise PluginError("bad_input", "a request needs at least one user message")
    answer = user[-1].upper()
    usage = {
        "input_tokens": sum(len(m.get("content", "").split()) for m in messages),
        "output_tokens": len(answer.split()),
    }
    if not stream:
        return {"output": answer, "usage": usage, "finish_reason": "stop"}
    words = answer.split(" ")
    for i, word in enumerate(words):
        send({"id": rid, "event": {"delta": word if i == len(words) - 1 else word + " "}})
    send({"id": rid, "event": {"usage": usage}})
    return {"usage": usage, "finish_reason": "stop"}


class PluginError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def handle(line):
    request = json.loads(line)
    rid = request.get("id")
    op = request.get("op")
    try:
        if op == "list_models":
            result = list_models()
        elif op == "get_pricing":
            result = get_pricing()
        elif op == "run_inference":
            result = run_inference(rid, request.get("request") or {}, bool(request.get("stream")))
        else:
            raise PluginError("unsupported", f"unknown op {op!r}")
        send({"id": rid, "ok": True, "result": result})
    except PluginError as error:
        send({"id": rid, "ok": False, "error": {"code": error.code, "message": str(error)}})


def main():
    for line in sys.stdin:  # one request per line; the broker sends one and closes stdin
        if line.strip():
            handle(line)


if __name__ == "__main__":
    main()
