#!/usr/bin/env python3
"""A loopback server that accepts connections and never answers: W4's peer for heap snapshots of idle connections.

Usage: hold_idle.py PORT   (listens on 127.0.0.1:PORT until killed)
"""
import asyncio
import sys

held = []


async def hold(reader, writer):
    held.append(writer)  # kept open, never written to
    await asyncio.Event().wait()


async def main(port):
    server = await asyncio.start_server(hold, '127.0.0.1', port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1])))
