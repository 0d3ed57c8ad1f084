using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 for tests: it accepts every POST (answering 200 with an empty body, which the
/// exporter takes as success) and keeps the request bodies by path (<c>/v1/metrics</c>, <c>/v1/traces</c>). The bodies
/// are protobuf; names and string attributes appear in them as plain UTF-8, which is what the tests look for.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _bodies = new();

    public OtlpReceiver()
    {
        Port = Hosting.NodeProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Whether a body posted to <paramref name="path"/> contains <paramref name="text"/> (as UTF-8).</summary>
    public bool Received(string path, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return _bodies.TryGetValue(path, out var bodies) && bodies.Any(b => b.AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>How many bodies were posted to <paramref name="path"/>.</summary>
    public int Count(string path) => _bodies.TryGetValue(path, out var bodies) ? bodies.Count : 0;

    /// <summary>The paths posted to, with how many bodies each.</summary>
    public override string ToString() => string.Join(", ", _bodies.Select(p => $"{p.Key}: {p.Value.Count}"));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            try
            {
                var context = await _listener.GetContextAsync();
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _bodies.GetOrAdd(context.Request.Url!.AbsolutePath, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
                context.Response.StatusCode = 200;
                context.Response.ContentType = context.Request.ContentType;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException
                or IOException)
            {
                // Stopped (the loop's condition ends it), or one request cut off by its sender: serve the next.
            }
        }
    }

    /// <summary>Stops listening; the serving loop ends on its pending accept's failure.</summary>
    public void Dispose() => _listener.Close();
}
