"""An OpenAI-compatible completions server that answers every request after a fixed delay.

Usage: python3 scripts/fake_openai_server.py PORT [LATENCY_SECONDS]
POST /v1/completions answers one synthesizer-format pair about the prompt's text
("<QUE> … <ANS> … </END>") with usage counts, after LATENCY_SECONDS (default 0.25), whatever
the load: it stands in for a model server whose time per request does not change with
concurrency, so a client's requests/s shows only how well it keeps requests in flight.
GET /stats returns {"requests": n}. Benchmark peer only; InstructPT does not need Python.
"""
import asyncio, json, sys
from aiohttp import web

port = int(sys.argv[1])
latency = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
served = 0


async def completions(request):
    global served
    body = await request.json()
    prompt = body.get("prompt", "")
    await asyncio.sleep(latency)
    reading = prompt.rsplit("<CON> ", 1)[-1].split(" </CON>", 1)[0]
    words = reading.split()[:6]
    text = f" <QUE> What is said about {' '.join(words)}? <ANS> {' '.join(words[::-1])} </END>"
    served += 1
    return web.json_response({
        "id": f"cmpl-{served}", "object": "text_completion", "model": body.get("model", "fake"),
        "choices": [{"text": text, "index": 0, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": len(prompt.split()), "completion_tokens": len(text.split()),
                  "total_tokens": len(prompt.split()) + len(text.split())},
    })


async def stats(request):
    return web.json_response({"requests": served})


app = web.Application(client_max_size=64 * 1024 * 1024)
app.add_routes([web.post("/v1/completions", completions), web.get("/stats", stats)])
web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=1024)
