"""The peer for `ipt synth` across servers: a plain asyncio + aiohttp client sending the same
prompts to OpenAI-compatible servers with CONCURRENCY requests in flight per server.

Usage: python3 scripts/synth_peer.py PROMPTS.jsonl CONCURRENCY URL [URL …]
PROMPTS.jsonl holds {"prompt": "…"} per line (scripts/synth_bench.sh exports ipt's own prompts).
Each server has its own semaphore; the prompts go to whichever server's window has room
first, as ipt does. Prints {"requests", "seconds", "requests_per_s"} as one JSON line.
"""
import asyncio, json, sys, time
import aiohttp


async def main():
    path, concurrency, urls = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    prompts = [json.loads(line)["prompt"] for line in open(path, encoding="utf-8")]
    queue = asyncio.Queue()
    for p in prompts:
        queue.put_nowait(p)
    done = 0

    async def slot(session, url):
        nonlocal done
        while True:
            try:
                prompt = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = {"model": "synth", "prompt": prompt, "max_tokens": 400, "temperature": 0.0, "top_p": 1.0,
                    "seed": 0, "stop": ["</s>"]}
            async with session.post(url.rstrip("/") + "/completions", json=body) as response:
                reply = await response.json()
                assert reply["choices"][0]["text"]
            done += 1

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(slot(session, url) for url in urls for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    print(json.dumps({"requests": done, "seconds": round(seconds, 3), "requests_per_s": round(done / seconds, 2)}))


asyncio.run(main())
