#!/usr/bin/env python3
"""W8's peer: a TLS echo server on 127.0.0.1 (asyncio, one thread). Each connection's lines are echoed until it closes.

Usage: tls_echo_server.py CERT.pem KEY.pem [--report]   (prints "listening PORT" once it accepts; with --report, a
line "resumed True|False" per connection: whether its handshake resumed an earlier session)
"""
import asyncio
import ssl
import sys


REPORT = '--report' in sys.argv[3:]


async def echo(reader, writer):
    if REPORT:
        print('resumed', writer.get_extra_info('ssl_object').session_reused, flush=True)
    try:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass  # a client that closes without a TLS goodbye
    finally:
        writer.close()


async def main(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(echo, '127.0.0.1', 0, ssl=context, backlog=4096)
    print('listening', server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1], sys.argv[2]))
