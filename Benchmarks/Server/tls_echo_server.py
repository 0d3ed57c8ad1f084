#!/usr/bin/env python3
"""W8's peer: a TLS echo server on 127.0.0.1 (asyncio, one thread). Each connection's lines are echoed until it closes.

Usage: tls_echo_server.py CERT.pem KEY.pem [--report] [--starttls] [--no-tickets]
  prints "listening PORT" once it accepts.
  --report      per connection, once its handshake is done: a line "resumed True|False" (whether the handshake
                resumed an earlier session), then a line "tls VERSION CIPHER" (what was negotiated).
  --starttls    W8S: the connection starts in plaintext as SMTP does: the server sends "220 ready", waits for the
                line "STARTTLS", answers "220 go ahead", and only then takes the TLS handshake (asyncio's start_tls,
                Python 3.11+).
  --no-tickets  sends no TLS 1.3 session tickets, so no client can resume: every handshake is a full one.
"""
import asyncio
import ssl
import sys


REPORT = '--report' in sys.argv[3:]
STARTTLS = '--starttls' in sys.argv[3:]
NO_TICKETS = '--no-tickets' in sys.argv[3:]


def report(writer):
    tls = writer.get_extra_info('ssl_object')
    print('resumed', tls.session_reused, flush=True)
    print('tls', tls.version(), tls.cipher()[0], flush=True)


async def upgrade(reader, writer, context):
    """The plaintext part of STARTTLS; False if the client did not ask for it."""
    writer.write(b'220 ready\r\n')
    await writer.drain()
    if await reader.readline() != b'STARTTLS\r\n':
        writer.write(b'502 only STARTTLS here\r\n')
        return False
    writer.write(b'220 go ahead\r\n')
    await writer.drain()
    await writer.start_tls(context)
    return True


async def echo(reader, writer, context):
    try:
        if STARTTLS and not await upgrade(reader, writer, context):
            return
        if REPORT:
            report(writer)
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
    if NO_TICKETS:
        context.num_tickets = 0
    server = await asyncio.start_server(lambda r, w: echo(r, w, context), '127.0.0.1', 0,
                                        ssl=None if STARTTLS else context, backlog=4096)
    print('listening', server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1], sys.argv[2]))
