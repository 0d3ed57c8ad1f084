using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Benchmarks.Raw;

/// <summary>
/// The plain .NET client the workloads compare with: <see cref="Socket"/> with <c>ConnectAsync</c>/<c>SendAsync</c>/
/// <c>ReceiveAsync</c>, what a careful .NET programmer writes without a framework.
/// </summary>
public static class RawSocket
{
    /// <summary>A connected TCP socket with Nagle off (ActorTcp turns it off too).</summary>
    public static async Task<Socket> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> (ending in <c>\n</c>) and reads until the echoed line is complete into
    /// <paramref name="buffer"/>; throws when the reply differs or the peer closes.
    /// </summary>
    public static async ValueTask RoundTripAsync(Socket socket, ReadOnlyMemory<byte> message, Memory<byte> buffer,
        CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < message.Length;)
            sent += await socket.SendAsync(message[sent..], SocketFlags.None, cancellationToken).ConfigureAwait(false);

        var got = 0;
        while (got == 0 || buffer.Span[got - 1] != (byte)'\n')
        {
            var n = await socket.ReceiveAsync(buffer[got..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new IOException($"connection closed after {got} bytes of the reply");
            got += n;
        }
        if (!buffer.Span[..got].SequenceEqual(message.Span)) throw new IOException("wrong reply");
    }

    /// <summary>A message of <paramref name="size"/> bytes: <c>x</c>s and a closing <c>\n</c>, as the Lua side sends.</summary>
    public static byte[] Message(int size)
    {
        var message = new byte[size];
        message.AsSpan().Fill((byte)'x');
        message[^1] = (byte)'\n';
        return message;
    }
}
