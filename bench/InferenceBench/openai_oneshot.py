"""One chat request with the official `openai` package, as a one-shot script (the baseline
that `broker run` is compared with in InferenceBench)."""
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="sk-bench")
answer = client.chat.completions.create(
    model=sys.argv[2], messages=[{"role": "user", "content": "hello"}]
)
print(answer.choices[0].message.content)
