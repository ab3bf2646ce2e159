#!/usr/bin/env python3
"""A minimal HTTP/1.1 server for the monitor benchmark: answers every request with 200 "ok" and closes.
Listens on PORT at each of 127.0.1.1 … 127.0.1.N (loopback only). Prints "ready" once listening."""
import asyncio, sys

port, count = int(sys.argv[1]), int(sys.argv[2])
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


async def handle(reader, writer):
    try:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(RESPONSE)
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    servers = [await asyncio.start_server(handle, f"127.0.1.{i}", port, backlog=1024) for i in range(1, count + 1)]
    print("ready", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


asyncio.run(main())
